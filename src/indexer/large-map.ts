/**
 * Maps and sets past V8's limit. A `Map` or `Set` holds at most 2^24 entries (16,777,216; beyond that `set` throws
 * "Map maximum size exceeded"), and a national catalogue's build keys some of its tables by record or by distinct
 * term: tens of millions of records, and the terms, stems, variant keys and sound codes of all of them. These hold
 * their entries in a list of native maps, a new one begun when the last is full, so a build never meets the limit,
 * and cost one map's lookup while they are small (every catalogue under sixteen million entries).
 *
 * Iteration is in insertion order, as a Map's: a new key goes to the last map, an updated one stays where it is, a
 * deleted and re-added one goes to the end. Build outputs that iterate them are therefore the same as with a Map.
 *
 * @example
 *   const ids = new LargeMap<string, number>();
 *   ids.set("helfand", 0);
 *   ids.get("helfand"); // 0
 */

/** Entries per native map: V8's limit, less a margin (its tables grow in powers of two). */
export const LARGE_MAP_CHUNK = 1 << 23;

export class LargeMap<K, V> {
  private readonly maps: Map<K, V>[] = [new Map()];

  /** `chunk`: entries per native map (tests pass small ones to see several). */
  constructor(
    entries?: Iterable<readonly [K, V]>,
    private readonly chunk = LARGE_MAP_CHUNK,
  ) {
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }

  get size(): number {
    let n = 0;
    for (const m of this.maps) n += m.size;
    return n;
  }

  /** The native map holding `key`, or undefined. */
  private holder(key: K): Map<K, V> | undefined {
    const { maps } = this;
    for (let i = maps.length - 1; i >= 0; i--) if (maps[i]!.has(key)) return maps[i];
    return undefined;
  }

  get(key: K): V | undefined {
    const { maps } = this;
    if (maps.length === 1) return maps[0]!.get(key);
    return this.holder(key)?.get(key);
  }

  has(key: K): boolean {
    const { maps } = this;
    return maps.length === 1 ? maps[0]!.has(key) : this.holder(key) !== undefined;
  }

  set(key: K, value: V): this {
    const { maps } = this;
    const last = maps[maps.length - 1]!;
    const at = maps.length === 1 ? (last.has(key) ? last : undefined) : this.holder(key);
    if (at) at.set(key, value);
    else if (last.size < this.chunk) last.set(key, value);
    else maps.push(new Map([[key, value]]));
    return this;
  }

  delete(key: K): boolean {
    const at = this.holder(key);
    return at ? at.delete(key) : false;
  }

  clear(): void {
    this.maps.length = 1;
    this.maps[0]!.clear();
  }

  *entries(): IterableIterator<[K, V]> {
    for (const m of this.maps) yield* m.entries();
  }

  *keys(): IterableIterator<K> {
    for (const m of this.maps) yield* m.keys();
  }

  *values(): IterableIterator<V> {
    for (const m of this.maps) yield* m.values();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }
}

/** A Set past V8's limit (see LargeMap). */
export class LargeSet<K> {
  private readonly map: LargeMap<K, true>;

  constructor(values?: Iterable<K>, chunk = LARGE_MAP_CHUNK) {
    this.map = new LargeMap<K, true>(undefined, chunk);
    if (values) for (const v of values) this.map.set(v, true);
  }

  get size(): number {
    return this.map.size;
  }

  has(value: K): boolean {
    return this.map.has(value);
  }

  add(value: K): this {
    this.map.set(value, true);
    return this;
  }

  delete(value: K): boolean {
    return this.map.delete(value);
  }

  values(): IterableIterator<K> {
    return this.map.keys();
  }

  [Symbol.iterator](): IterableIterator<K> {
    return this.map.keys();
  }
}
