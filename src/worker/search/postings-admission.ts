/**
 * Which decoded postings the isolate's cache takes in when it is full: a size- and frequency-aware admission in
 * front of its LRU (in the spirit of TinyLFU and GreedyDual-Size-Frequency).
 *
 * Why: at a million records sixteen shards' terms meet in one isolate (locally always; on Cloudflare whenever
 * objects of the class share one), and the bench's warm mix touches about four times the postings budget. A plain
 * LRU under a mix that cycles through more than it holds evicts every term just before its next use, so every
 * query read and decoded all its terms again (docs/benchmarks-history.md, branch `scale1`). Here a newcomer only
 * displaces the least recently used entries when it is worth more per byte than they are: worth = how often its key is
 * asked (a small count-min sketch, halved as it ages) × what missing it costs (a read, about as costly as decoding
 * `READ_COST_BYTES` of postings, plus decoding its own bytes). A read costs the same for a rare name's few postings as
 * for a common word's hundred thousand, so under pressure the cache keeps many small lists and lets the few huge ones
 * be read again: most of a query's terms are then held, and the held set stays put instead of cycling. Hand-written:
 * `lru-cache` has no admission policy, and a sketch of 64 KiB is cheaper than a map of every key seen.
 */
import { lruBySize, type LRUCache } from "../../shared/lru";

/** A read of a term chunk costs about as much as decoding this many bytes of postings (measured order, see above). */
export const READ_COST_BYTES = 64 * 1024;
const ROWS = 4;
const WIDTH = 1 << 14;
/** Counts are halved after this many increments, so yesterday's common word does not hold its place for ever. */
const AGE_EVERY = 1 << 16;

export class PostingsAdmission {
  private readonly counts = new Uint8Array(ROWS * WIDTH);
  private increments = 0;

  /** Notes one use of `key` (a hit or a miss). */
  touch(key: string): void {
    const [h1, h2] = hashes(key);
    for (let r = 0; r < ROWS; r++) {
      const at = r * WIDTH + (((h1 + r * h2) >>> 0) % WIDTH);
      if (this.counts[at]! < 255) this.counts[at]!++;
    }
    if (++this.increments >= AGE_EVERY) {
      this.increments = 0;
      for (let i = 0; i < this.counts.length; i++) this.counts[i]! >>= 1;
    }
  }

  /** Estimated uses of `key` since counts last aged (at least 1). */
  frequency(key: string): number {
    const [h1, h2] = hashes(key);
    let min = 255;
    for (let r = 0; r < ROWS; r++) min = Math.min(min, this.counts[r * WIDTH + (((h1 + r * h2) >>> 0) % WIDTH)]!);
    return Math.max(1, min);
  }

  /**
   * Whether an entry of `bytes` under `key` should enter a cache of `free` bytes left, whose least recently used
   * entries come first in `victims` (key and bytes, read without touching them): yes when it fits, else when it is
   * worth more per byte than the entries it would displace.
   */
  admit(key: string, bytes: number, free: number, victims: Iterable<[string, number]>): boolean {
    if (bytes <= free) return true;
    let need = bytes - free;
    let worth = 0;
    let freed = 0;
    for (const [k, b] of victims) {
      worth += this.frequency(k) * (READ_COST_BYTES + b);
      freed += b;
      need -= b;
      if (need <= 0) break;
    }
    if (need > 0) return false; // larger than the whole cache
    return (this.frequency(key) * (READ_COST_BYTES + bytes)) / bytes > worth / freed;
  }
}

/**
 * Entries of at most this many bytes are small: a rare name's lists, a term absent from a shard (at a million
 * records 80% of the bench mix's term-shards are under 4 KiB, and all under 16 KiB are 92% of them in 29% of the
 * bytes). A read costs as much for them as for a common word's list, so they are what a budget should hold first.
 */
export const SMALL_ENTRY_BYTES = 16 * 1024;
/**
 * Share of the budget small entries may fill before they too pass the admission; the rest is left for common
 * words' lists, which the raw dense chunks beside the cache (search-index.ts) keep a decode away. At a million
 * records 0.9 left 3.1 term-chunk reads a warm query, 0.75 left 6.8 (Node, `scale-cpu.ts`).
 */
export const SMALL_SHARE = 0.9;

/**
 * The postings cache's packed tier: two LRUs under one byte budget, small entries and large, with the admission
 * above in front of the large. Why two: with one LRU, each large newcomer admitted evicted the least recently used entries
 * whatever their size, and in a mix cycling through more than the budget the small lists, each used once a round,
 * drifted to that end and went with them (at a million records a rare name with many alternatives then read 90 or
 * more chunks a query, though its lists are a few KB). Here a large newcomer displaces only large entries, and only
 * when the admission finds it worth more per byte; a small one always enters, displacing large entries first and
 * small ones only past `SMALL_SHARE` of the budget. A mix that fits the budget (100k records) evicts nothing either
 * way. Hand-written: `lru-cache` has neither segments nor admission.
 */
export class SegmentedCache<V extends { bytes: number }> {
  private readonly small: LRUCache<string, V>;
  private readonly large: LRUCache<string, V>;
  private readonly admission = new PostingsAdmission();
  private readonly smallCap: number;

  constructor(
    readonly maxSize: number,
    private readonly smallBytes = SMALL_ENTRY_BYTES,
    smallShare = SMALL_SHARE,
  ) {
    // Each bounded by the whole budget only as a backstop: `offer` keeps their sum under it.
    this.small = lruBySize<string, V>(maxSize, (e) => e.bytes);
    this.large = lruBySize<string, V>(maxSize, (e) => e.bytes);
    this.smallCap = maxSize * smallShare;
  }

  get calculatedSize(): number {
    return this.small.calculatedSize + this.large.calculatedSize;
  }

  get size(): number {
    return this.small.size + this.large.size;
  }

  /** The entry, made most recently used; undefined when not held. */
  get(key: string): V | undefined {
    return this.small.get(key) ?? this.large.get(key);
  }

  /** The entry without making it most recently used. */
  peek(key: string): V | undefined {
    return this.small.peek(key) ?? this.large.peek(key);
  }

  has(key: string): boolean {
    return this.small.has(key) || this.large.has(key);
  }

  /** Notes one use of `key` (a hit or a miss), for the admission. */
  touch(key: string): void {
    this.admission.touch(key);
  }

  *entries(): Generator<[string, V]> {
    yield* this.small.entries();
    yield* this.large.entries();
  }

  /** Keeps `value` if it is small, or if the admission finds it worth what it would displace; true when kept. */
  offer(key: string, value: V): boolean {
    const bytes = Math.max(1, Math.ceil(value.bytes));
    if (bytes > this.maxSize || this.has(key)) return false;
    const { small, large } = this;
    if (bytes <= this.smallBytes) {
      // Past their share, small lists too pass the admission against the least recently used small ones: a plain
      // LRU under a cycle larger than it evicts every entry just before its next use.
      if (small.calculatedSize + bytes > this.smallCap) {
        if (!this.admission.admit(key, bytes, this.smallCap - small.calculatedSize, victimsOf(small))) return false;
        while (small.size && small.calculatedSize + bytes > this.smallCap) small.pop();
      }
      while (large.size && this.calculatedSize + bytes > this.maxSize) large.pop();
      while (small.size && this.calculatedSize + bytes > this.maxSize) small.pop();
      small.set(key, value);
      return true;
    }
    if (!this.admission.admit(key, bytes, this.maxSize - this.calculatedSize, victimsOf(large))) return false;
    while (large.size && this.calculatedSize + bytes > this.maxSize) large.pop();
    large.set(key, value);
    return true;
  }
}

/**
 * How the cache packs an entry small (packed-postings.ts) and makes a usable one from the packed copy.
 */
export interface Packer<V, P> {
  /** A copy of `value` for the packed tier (kept only when smaller). */
  pack(value: V): P;
  /** An entry a query can read, made from a packed copy (which stays as it is). */
  unpack(packed: P): V;
}

/**
 * Share of the budget the packed tier may fill; the rest is always left to lists held as typed arrays, the ones
 * queries are reading now. At a million records the warm mix's terms take 37 MiB packed, 83 decoded; at 0.9 the
 * mix read 0.6 term chunks a query, at 0.8 1.8, at 0.7 6.4 (docs/benchmarks-history.md, "The postings cache in two tiers").
 */
export const PACKED_SHARE = 0.9;

/**
 * The decoded-postings cache: what an isolate holds of the terms it has decoded, under one byte budget, in two
 * tiers. The flat tier holds entries as queries read them (typed arrays), least recently used first out. An entry
 * leaving it is packed (to 45% of its bytes at a million records) into the packed tier, unless the packed tier
 * holds it already; a lookup the packed tier answers makes a flat copy from the packed one (a byte loop) and keeps
 * both.
 * Nothing is packed while the budget holds every entry flat (a 100k mix), so a warm query there never unpacks.
 *
 * Why two tiers: at a million records the warm mix touches 2.6 times the budget in typed arrays, and what the
 * cache let go was read and decoded again (Rice and Huffman codes, derived fields merged) query after query.
 * Packed, most of it fits. The packed tier's own losses cost a read and a decode again, so there the admission
 * above decides: a newcomer displaces its least recently used entries only when worth more per byte, so under a
 * mix cycling through more than it holds, the held set stays put instead of cycling. Hand-written: `lru-cache` has
 * neither tiers nor admission.
 */
export class PostingsCache<V extends { bytes: number }, P extends { bytes: number }> {
  private readonly flat: LRUCache<string, V>;
  private readonly packed: SegmentedCache<P>;
  /** Entries packed and unpacked since made (for the bench). */
  readonly moves = { packed: 0, unpacked: 0 };

  constructor(
    readonly maxSize: number,
    private readonly packer: Packer<V, P>,
    packedShare = PACKED_SHARE,
  ) {
    // Bounded by the whole budget only as a backstop: `place` keeps the tiers' sum under it.
    this.flat = lruBySize<string, V>(maxSize, (e) => e.bytes);
    this.packed = new SegmentedCache<P>(Math.floor(maxSize * packedShare));
  }

  get calculatedSize(): number {
    return this.flat.calculatedSize + this.packed.calculatedSize;
  }

  /** Bytes of the packed tier. */
  get packedSize(): number {
    return this.packed.calculatedSize;
  }

  get size(): number {
    return this.flat.size + this.packed.size;
  }

  /** The entry as a query reads it, made most recently used; undefined when not held. */
  get(key: string): V | undefined {
    const held = this.flat.get(key);
    if (held) return held;
    const packed = this.packed.get(key);
    if (!packed) return undefined;
    const value = this.packer.unpack(packed);
    this.moves.unpacked++;
    this.place(key, value);
    return value;
  }

  has(key: string): boolean {
    return this.flat.has(key) || this.packed.has(key);
  }

  /** Notes one use of `key` (a hit or a miss), for the packed tier's admission. */
  touch(key: string): void {
    this.packed.touch(key);
  }

  /** The flat tier's entries. */
  *entries(): Generator<[string, V]> {
    yield* this.flat.entries();
  }

  /** The packed tier's entries. */
  *packedEntries(): Generator<[string, P]> {
    yield* this.packed.entries();
  }

  /** Keeps a newly decoded `value` flat, making room as `place` does; false when larger than the whole budget. */
  offer(key: string, value: V): boolean {
    if (Math.ceil(value.bytes) > this.maxSize || this.has(key)) return false;
    this.place(key, value);
    return true;
  }

  /**
   * Sets `value` flat: the flat tier's least recently used entries are packed until it fits. What cannot fit beside
   * the packed tier's share is offered to the packed tier at once.
   */
  private place(key: string, value: V): void {
    const bytes = Math.max(1, Math.ceil(value.bytes));
    while (this.flat.size && this.calculatedSize + bytes > this.maxSize) this.demote(this.lruFlat());
    if (this.calculatedSize + bytes <= this.maxSize) this.flat.set(key, value);
    else this.toPacked(key, value);
  }

  /** The flat tier's least recently used key. */
  private lruFlat(): string {
    return this.flat.rkeys().next().value as string;
  }

  /** Moves a flat entry to the packed tier (see `toPacked`). */
  private demote(key: string): void {
    const value = this.flat.peek(key)!;
    this.flat.delete(key);
    this.toPacked(key, value);
  }

  /** Packs `value` into the packed tier, unless held there already, or no smaller packed, or not admitted there. */
  private toPacked(key: string, value: V): void {
    if (this.packed.has(key)) return;
    const packed = this.packer.pack(value);
    if (packed.bytes >= value.bytes) return;
    if (this.packed.offer(key, packed)) this.moves.packed++;
  }
}

/** A cache's entries, least recently used first, as key and bytes (read without touching them). */
function* victimsOf<V extends { bytes: number }>(lru: LRUCache<string, V>): Generator<[string, number]> {
  for (const k of lru.rkeys()) yield [k, lru.peek(k)!.bytes];
}

/** Two 32-bit hashes of a string (FNV-1a, and a mix of it for the double-hashing step). */
function hashes(s: string): [number, number] {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  let g = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  g = Math.imul(g ^ (g >>> 13), 0xc2b2ae35);
  return [h >>> 0, (g ^ (g >>> 16)) | 1];
}
