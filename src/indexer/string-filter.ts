/**
 * A Bloom filter over strings, for the build: "may this string be one of them?" with no false "no", in about a
 * byte per string rather than a Set's 50 or more. The plan asks it whether a term's derived key may be a term it
 * held aside (plan-terms.ts): a "maybe" only costs deriving that term's family again in a shard.
 */
import { fnv1a32 } from "../shared/hash";

/** Probes per string: with 8 bits a string, about 3% of strings not added answer "maybe". */
const PROBES = 3;

export class StringFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;

  /** @param most how many strings will be added at most (sizes the filter: 8 bits each, a power of two) */
  constructor(most: number) {
    let size = 1 << 10;
    while (size < most * 8 && size < 2 ** 31) size *= 2;
    this.bits = new Uint32Array(size / 32);
    this.mask = size - 1;
  }

  add(s: string): void {
    const h = fnv1a32(s);
    const step = second(h);
    for (let i = 0; i < PROBES; i++) {
      const bit = (h + i * step) & this.mask;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  mayHave(s: string): boolean {
    const h = fnv1a32(s);
    const step = second(h);
    for (let i = 0; i < PROBES; i++) {
      const bit = (h + i * step) & this.mask;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** A second hash for double hashing, mixed from the first (odd, so the probes differ). */
function second(h: number): number {
  return (Math.imul((h >>> 16) | (h << 16), 0x85ebca6b) | 1) >>> 0;
}
