/**
 * Maps keyed by strings, with the keys (and string values) packed as UTF-8 bytes (packed-strings.ts) behind an
 * open-addressing table of entry numbers. Written by hand for their size: the build holds three of them for a long
 * time, and a `Map` of strings costs about 100 bytes an entry, every one marked by each full collection.
 * - The worker's canonical slugs (people-assets.ts), every other spelling of a person pointing at the person's
 *   slug, held through the whole typeahead pass: at a million synthetic records 206,391 entries, 20 MB of heap as
 *   a Map, 11.4 MB of array buffers here, trimmed.
 * - The plan's numbers of reference terms held aside (search-assets.ts), held through every search shard.
 * - The plan's term numbers themselves (plan-terms.ts, the keys alone), every distinct term of the catalogue.
 *
 * Entries can be set and looked up, never deleted; a key set again takes its new value.
 *
 * @example
 *   const canonical = new PackedStringMap();
 *   canonical.set("leon-helfand", "leon-helfland");
 *   canonical.get("leon-helfand"); // "leon-helfland"
 *   canonical.get("kutepov"); // undefined
 */
import { fnv1a32 } from "../shared/hash";
import { PackedStrings } from "./packed-strings";
import { grownTo, TERM_ARRAY_GROWTH } from "./typed-array-growth";

/** A table is grown (doubled) once it is fuller than this: probes stay short. */
const MAX_LOAD = 0.5;
/** No entry in this slot. */
const EMPTY = -1;

/** A UTF-16 unit no UTF-8 can keep (a surrogate without its pair): with the `u` flag a pair is one code point. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Distinct strings numbered in order of first sight: the keys of the maps below, and the plan's term numbers
 * (plan-terms.ts), looked up once for every word of the catalogue. A lookup hashes the string and compares it with
 * the packed bytes where the hashes agree, decoding nothing for an ASCII key (PackedStrings.equals).
 *
 * @example
 *   const terms = new PackedKeys();
 *   terms.add("kutepov"); // 0
 *   terms.add("gelfand"); // 1
 *   terms.entryOf("gelfand"); // 1
 *   terms.entryOf("helfand"); // -1
 */
export class PackedKeys {
  private readonly keys = new PackedStrings();
  /** Per entry, its key's hash (to compare before decoding, and to place it again when the table grows). */
  private hashes = new Uint32Array(1 << 10);
  private slots = new Int32Array(1 << 11).fill(EMPTY);
  private released = false;

  get size(): number {
    return this.keys.length;
  }

  at(entry: number): string {
    return this.keys.at(entry);
  }

  /** The entry holding `key`, or EMPTY. */
  entryOf(key: string, hash = fnv1a32(key)): number {
    if (this.released) throw new Error("packed-string-map: keys looked up after release()");
    const mask = this.slots.length - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const entry = this.slots[at]!;
      if (entry === EMPTY) return EMPTY;
      if (this.hashes[entry] === hash && this.keys.equals(entry, key)) return entry;
    }
  }

  /** The entry holding `key`, made on first sight. */
  add(key: string): number {
    const hash = fnv1a32(key);
    const found = this.entryOf(key, hash);
    if (found !== EMPTY) return found;
    // Packed, it would read back as U+FFFD and never be found again: a new entry at each sight.
    if (LONE_SURROGATE.test(key)) throw new Error(`packed-string-map: ${JSON.stringify(key)} holds a lone surrogate`);
    const entry = this.keys.length;
    if (entry === this.hashes.length)
      this.hashes = grownTo(this.hashes, Math.max(1 << 10, Math.ceil(entry * TERM_ARRAY_GROWTH)));
    this.keys.push(key);
    this.hashes[entry] = hash;
    if (this.keys.length > this.slots.length * MAX_LOAD) this.rehash(this.slots.length * 2);
    else this.place(entry);
    return entry;
  }

  trim(): void {
    this.keys.trim();
    this.hashes = this.hashes.slice(0, this.keys.length);
  }

  /**
   * The keys, trimmed, for reading by number only: the table and hashes go, and no key can be looked up or added
   * after (the plan's term list, from its end to the last shard).
   */
  release(): PackedStrings {
    this.keys.trim();
    this.hashes = new Uint32Array(0);
    this.slots = new Int32Array(0);
    this.released = true;
    return this.keys;
  }

  private place(entry: number): void {
    const mask = this.slots.length - 1;
    let at = this.hashes[entry]! & mask;
    while (this.slots[at] !== EMPTY) at = (at + 1) & mask;
    this.slots[at] = entry;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size).fill(EMPTY);
    for (let entry = 0; entry < this.keys.length; entry++) this.place(entry);
  }
}

/** Strings to strings (see the module's comment). */
export class PackedStringMap {
  private readonly keys = new PackedKeys();
  private readonly values = new PackedStrings();
  /** Per entry, its value's number among `values`: consecutive entries with one value share it. */
  private valueOf = new Uint32Array(1 << 10);
  private lastValue: string | undefined;

  get size(): number {
    return this.keys.size;
  }

  get(key: string): string | undefined {
    const entry = this.keys.entryOf(key);
    return entry === EMPTY ? undefined : this.values.at(this.valueOf[entry]!);
  }

  set(key: string, value: string): this {
    const entry = this.keys.add(key);
    if (entry === this.valueOf.length) this.valueOf = grownTo(this.valueOf, Math.max(1 << 10, 2 * entry));
    if (value !== this.lastValue) {
      this.values.push(value);
      this.lastValue = value;
    }
    this.valueOf[entry] = this.values.length - 1;
    return this;
  }

  /** Gives back the growth room, once every entry is set (more can be, at the cost of growing again). */
  trim(): void {
    this.keys.trim();
    this.values.trim();
    this.valueOf = this.valueOf.slice(0, this.keys.size);
  }

  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (let entry = 0; entry < this.keys.size; entry++)
      yield [this.keys.at(entry), this.values.at(this.valueOf[entry]!)];
  }
}

/** Strings to whole numbers from 0 to 2^32 - 1 (see the module's comment). */
export class PackedNumberMap {
  private readonly keys = new PackedKeys();
  private numbers = new Uint32Array(1 << 10);

  get size(): number {
    return this.keys.size;
  }

  get(key: string): number | undefined {
    const entry = this.keys.entryOf(key);
    return entry === EMPTY ? undefined : this.numbers[entry];
  }

  set(key: string, value: number): this {
    if (!(Number.isInteger(value) && value >= 0 && value < 2 ** 32))
      throw new Error(`packed-string-map: ${value} for "${key}" is no whole number within 32 bits`);
    const entry = this.keys.add(key);
    if (entry === this.numbers.length) this.numbers = grownTo(this.numbers, Math.max(1 << 10, 2 * entry));
    this.numbers[entry] = value;
    return this;
  }

  /** Gives back the growth room, once every entry is set (more can be, at the cost of growing again). */
  trim(): void {
    this.keys.trim();
    this.numbers = this.numbers.slice(0, this.keys.size);
  }
}
