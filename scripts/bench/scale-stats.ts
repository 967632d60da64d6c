/**
 * What `/__bench/scale-mix` (scale-worker.ts, Worker side) answers per query and `serve-scale.ts` (Node side)
 * reads: one type for both, in a file with no imports, so both builds can compile it.
 */

/** The counters of `SearchStats` (src/worker/search/search-stats.ts) summed per query; scale-worker.ts reads each. */
export const SCALE_COUNTERS = [
  "shards",
  "shardsHeld",
  "postingsHits",
  "postingsDecoded",
  "rawChunkHits",
  "decodedBytes",
  "waitMs",
  "scoreMs",
] as const;

export type ScaleQueryStats = Record<(typeof SCALE_COUNTERS)[number], number> & {
  path: string;
  /** Means over the rounds. */
  tookMs: number;
  /**
   * The whole request inside the isolate (middleware, the response caches asked, the search, the JSON), as its
   * clock reads it: a cold request's warm-up runs while the caches are asked, before the search's `tookMs` starts.
   */
  serverMs: number;
  reads: Record<string, number>;
  readBytes: number;
  /** The slowest unit's round trip, and the sum over units. */
  rpcMaxMs: number;
  rpcSumMs: number;
  /** Shards the answer lacks (`failedShards`: a group's time ran out, or an object failed), mean over the rounds. */
  failedShards: number;
};

/** How many shards an answer's `failedShards` names (0 for a whole answer), read from its JSON text. */
export function failedShardCount(body: string): number {
  const list = /"failedShards":\[([^\]]*)\]/.exec(body)?.[1];
  return list ? list.split(",").length : 0;
}
