/**
 * How the build's typed arrays grow: the plan's per-term arrays (plan-terms.ts, search-assets.ts), the packed keys'
 * hashes (packed-string-map.ts) and the related records' tables.
 */

/**
 * How the per-term arrays grow (plan-terms.ts, search-assets.ts): by half, not double. At ten million records
 * they are hundreds of MB off the heap, and doubling leaves up to half of that unused; a copy per growth is cheap
 * beside the plan.
 */
export const TERM_ARRAY_GROWTH = 1.5;

/** A typed array of `length` holding `from`'s values first, the rest `fill`. */
export function grownTo<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array>(
  from: T,
  length: number,
  fill = 0,
): T {
  const to = new (from.constructor as new (n: number) => T)(length);
  if (fill) to.fill(fill, from.length);
  to.set(from);
  return to;
}
