/**
 * The one bounded cache Dossier uses (asset chunks, the KV write guard,
 * reference runs, rate-limit windows): `lru-cache`, which is plain ESM with no
 * Node APIs, so it runs in the Worker and in the build alike.
 *
 * Both helpers bound by `maxSize`, never by `max`: `max` preallocates arrays of
 * that length up front (about 28 bytes a slot, so 5 MB for 200k slots), which a
 * 128 MB isolate would pay at module load for slots it may never fill.
 *
 * @example
 *   const seen = lruByCount<string, number>(10_000);
 *   seen.set("key", Date.now());
 *   const chunks = lruBySize<string, ArrayBuffer>(64 * 1024 * 1024, (b) => b.byteLength);
 */
import { LRUCache } from "lru-cache";

export type { LRUCache };

/** At most `entries` entries; the least recently used goes first. */
export function lruByCount<K extends {}, V extends {}>(entries: number): LRUCache<K, V> {
  return new LRUCache<K, V>({ maxSize: entries, sizeCalculation: () => 1 });
}

/**
 * Entries whose sizes (by `sizeOf`, in any unit) sum to at most `budget`. An
 * entry bigger than the whole budget is not kept at all.
 */
export function lruBySize<K extends {}, V extends {}>(budget: number, sizeOf: (value: V) => number): LRUCache<K, V> {
  // lru-cache wants positive integer sizes.
  return new LRUCache<K, V>({ maxSize: budget, sizeCalculation: (v) => Math.max(1, Math.ceil(sizeOf(v))) });
}
