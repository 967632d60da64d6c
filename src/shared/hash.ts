/**
 * FNV-1a, 32 bit. Build and Worker both use it to place a key in a shard, so it
 * must be cheap, synchronous and identical in Node and workerd; a cryptographic
 * hash (crypto.subtle is async in Workers) buys nothing here.
 */
export function fnv1a32(text: string, basis = 0x811c9dc5): number {
  let h = basis;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Which of `count` shards holds `key`. */
export function shardOf(key: string, count: number): number {
  return count <= 1 ? 0 : fnv1a32(key) % count;
}
