/**
 * How a query's fan-out splits a catalogue's search shards into groups, one Durable Object each: shared by the
 * Worker (shard-runner.ts) and the scripts that measure each group's object alone.
 */

/**
 * Most Durable Object subrequests one query makes. A 10M-record catalogue has a hundred or more shards; each
 * object then scores a group of neighbouring shards one after another, and the coordinator merges at most this
 * many answers. (Workers allow 1,000 subrequests per request on the Paid plan; DO requests are billed each.)
 */
export const MAX_FANOUT = 16;

/** Shards `[first, end)` of group `g` when `shards` shards are split into at most `maxGroups` contiguous groups. */
export function shardGroups(shards: number, maxGroups = MAX_FANOUT): Array<[first: number, end: number]> {
  const groups = Math.max(1, Math.min(shards, maxGroups));
  return Array.from({ length: groups }, (_, g) => [
    Math.floor((g * shards) / groups),
    Math.floor(((g + 1) * shards) / groups),
  ]);
}
