/**
 * Counters of the search path, for the scale bench (`scripts/bench/scale-mix.ts`): where a warm query's time goes
 * when it fans out to shard objects. Off (null) unless a bench turns them on, so the query path pays one null check
 * per shard. Module-level: locally the Worker and its shard objects share one isolate, so one set counts them all.
 */
export interface SearchStats {
  /** Shards scored, and of those the ones that found every postings list of the plan held decoded. */
  shards: number;
  shardsHeld: number;
  /** Terms looked up in a shard's postings cache: found held, or decoded from their chunk (read first if not held). */
  postingsHits: number;
  postingsDecoded: number;
  /** Of the terms decoded, those decoded from a dense chunk held raw (no read). */
  rawChunkHits: number;
  /** Bytes the decoded postings were counted at (the postings cache's measure). */
  decodedBytes: number;
  /** Time in `scoreShard` before scoring starts (reads, directory lookups), summed over shards. */
  waitMs: number;
  /** Time scoring (after the postings are in), summed over shards. */
  scoreMs: number;
  /** Sets of shard-sized scoring arrays made (the pool had none free): megabytes each, zeroed. */
  arraysMade: number;
  /** Per fanned-out unit: the round trip to its object as the coordinator saw it. */
  rpcMs: number[];
}

let stats: SearchStats | null = null;

/** The counters while on, else null: the query path checks this once per event. */
export function searchStats(): SearchStats | null {
  return stats;
}

/** Starts fresh counters (`on`) or stops counting; returns the counters kept so far. */
export function collectSearchStats(on: boolean): SearchStats | null {
  const out = stats;
  stats = on
    ? {
        shards: 0,
        shardsHeld: 0,
        postingsHits: 0,
        postingsDecoded: 0,
        rawChunkHits: 0,
        decodedBytes: 0,
        waitMs: 0,
        scoreMs: 0,
        arraysMade: 0,
        rpcMs: [],
      }
    : null;
  return out;
}
