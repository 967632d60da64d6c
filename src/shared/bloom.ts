/**
 * A Bloom filter over strings, shared by the build (which fills it) and the
 * Worker (which asks it). Written by hand: it is twenty lines, must be
 * bit-identical in Node and workerd, and a library would bring more than it
 * saves. Double hashing from two FNV-1a variants.
 */
import { fnv1a32 } from "./hash";

function hashes(key: string, k: number, bits: number): number[] {
  const h1 = fnv1a32(key);
  const h2 = fnv1a32(`${key}\u0001`) | 1;
  const out: number[] = [];
  for (let i = 0; i < k; i++) out.push(((h1 + Math.imul(i, h2)) >>> 0) % bits);
  return out;
}

/** Bits and hash count for `n` keys at about a 1% false-positive rate. */
export function bloomSize(n: number): { bits: number; hashes: number } {
  const bits = Math.max(64, Math.ceil((n * 9.6) / 8) * 8);
  return { bits, hashes: 7 };
}

export function bloomAdd(filter: Uint8Array, key: string, k: number): void {
  for (const b of hashes(key, k, filter.length * 8)) filter[b >> 3] = filter[b >> 3]! | (1 << (b & 7));
}

export function bloomHas(filter: Uint8Array, key: string, k: number): boolean {
  for (const b of hashes(key, k, filter.length * 8)) if (!(filter[b >> 3]! & (1 << (b & 7)))) return false;
  return true;
}
