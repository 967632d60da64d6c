/**
 * LEB128 varints (7 bits a byte, the low group first): the term chunks' directory (term-chunk.ts) and the Worker's
 * packed postings (packed-postings.ts) write and read them with these. Hand-written: three short loops; values up
 * to 2^53 (multiplication, not shifts, past 28 bits).
 */

/** Bytes `v` takes as a varint. */
export function varintLength(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Writes `v` at `out[at]` on; returns the index after it. */
export function writeVarint(out: Uint8Array, at: number, v: number): number {
  while (v >= 0x80) {
    out[at++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  out[at++] = v;
  return at;
}

/** Reads a varint at `at.o`, moving it past. */
export function readVarint(u8: Uint8Array, at: { o: number }): number {
  let x = u8[at.o++]!;
  if (x < 0x80) return x;
  let v = x & 0x7f,
    mul = 128;
  do {
    x = u8[at.o++]!;
    v += (x & 0x7f) * mul;
    mul *= 128;
  } while (x >= 0x80);
  return v;
}
