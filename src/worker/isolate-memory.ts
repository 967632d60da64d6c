/**
 * What one isolate may hold between requests, in one place: every cache's byte budget, and the reserve left for
 * V8's own heap and a request's work.
 *
 * Workers give an isolate 128 MB, counting V8's heap and ArrayBuffer contents together. An isolate may hold the
 * Worker and any number of Durable Objects of a class (locally, all 16 shard objects of a million-record build
 * share one), so nothing that grows with the objects an isolate holds may be kept outside a budget here: each
 * cache is module-level, shared by the isolate's objects.
 *
 * The budgets sum to 86 MiB. With one set of scoring arrays for a 100,000-doc shard and a four-word query
 * (query-arrays.ts `queryArrayBytes`: 18.3 MiB) that leaves 17.8 MiB of the limit for code, plans and memo tables, and
 * a request in flight; test/scoring/isolate-memory.node.test.ts holds it to at least 16.
 *
 * @example
 *   import { ISOLATE_MEMORY } from "./isolate-memory";
 *   const records = lruBySize(ISOLATE_MEMORY.records, storedBytes);
 */
const MiB = 1024 * 1024;

export const ISOLATE_MEMORY = {
  /** Workers' limit per isolate: V8 heap and array buffers together. */
  limit: 128_000_000,
  /**
   * Decoded and packed postings (search-index.ts): a 100k warm mix's terms fit flat; a million records' 83 MiB of
   * decoded lists pack to 37 MiB, most of which the packed tier's 90% holds.
   */
  postings: 32 * MiB,
  /**
   * Term chunks kept as read when their terms decode to many times their size (search-index.ts): a common word's
   * chunk a decode away, not a read away. A 1M warm mix held 5.8 MiB.
   */
  rawChunks: 6 * MiB,
  /**
   * Parsed and derived assets (asset-store.ts): tables, lexicon pages, typo vocabulary, suggest partitions. A 1M
   * warm mix held 17 MiB of them once the vocabulary was counted as held (7.3 MiB) rather than by its JSON (31).
   */
  assets: 18 * MiB,
  /** Top-k lists derived per common term (top-k-term-lists.ts); a 1M warm mix held 3.6 MiB. */
  topLists: 6 * MiB,
  /** Stored records asked for (record-store.ts); a warm mix at 100k or 1M held 5.3 MiB. */
  records: 6 * MiB,
  /**
   * The first volumes' ids of files hits were in (volume-reads.ts), by file: their 16 KiB or larger segments did not
   * stay under the assets budget at 10M records, and a warm query read 5.5 of them again. A 10M warm mix's files
   * took 0.9 MiB (`scale-cpu.ts --group 0 --collapse`).
   */
  volumeLists: 2 * MiB,
  /**
   * Shards' decoded filter columns and the facet column derived from them, 16 bytes a doc: a million records' 16
   * shards take 15.3 MiB. Kept per shard object before, outside any budget, so they grew with the objects an
   * isolate held; now a shard whose columns were let go reads them again (a few hundred KB).
   */
  filterColumns: 16 * MiB,
} as const;

/** The budgets above, summed: what the caches may hold at most. */
export function isolateCacheBytes(): number {
  const { limit: _, ...budgets } = ISOLATE_MEMORY;
  return Object.values(budgets).reduce((a, b) => a + b, 0);
}
