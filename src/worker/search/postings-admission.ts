/**
 * Which decoded postings the isolate's cache takes in when it is full: a size- and frequency-aware admission in
 * front of its LRU (in the spirit of TinyLFU and GreedyDual-Size-Frequency).
 *
 * Why: at a million records sixteen shards' terms meet in one isolate (locally always; on Cloudflare whenever
 * objects of the class share one), and the bench's warm mix touches about four times the postings budget. A plain
 * LRU under a mix that cycles through more than it holds evicts every term just before its next use, so every
 * query read and decoded all its terms again (BENCHMARKS.md, branch `scale1`). Here a newcomer only displaces the
 * least recently used entries when it is worth more per byte than they are: worth = how often its key is asked
 * (a small count-min sketch, halved as it ages) × what missing it costs (a read, about as costly as decoding
 * `READ_COST_BYTES` of postings, plus decoding its own bytes). A read costs the same for a rare name's few postings
 * as for a common word's hundred thousand, so under pressure the cache keeps many small lists and lets the few huge
 * ones be read again: most of a query's terms are then held, and the held set stays put instead of cycling.
 * Hand-written: `lru-cache` has no admission policy, and a sketch of 64 KiB is cheaper than a map of every key seen.
 */

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

/** Two 32-bit hashes of a string (FNV-1a, and a mix of it for the double-hashing step). */
function hashes(s: string): [number, number] {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  let g = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  g = Math.imul(g ^ (g >>> 13), 0xc2b2ae35);
  return [h >>> 0, (g ^ (g >>> 16)) | 1];
}
