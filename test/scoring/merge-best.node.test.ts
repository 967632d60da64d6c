/**
 * Merging shards' answers (scoring.ts `mergeBest`): each shard's hits come best first, so a group's object and the
 * coordinator merge them instead of sorting them all, and must keep exactly what the sort kept.
 */
import { describe, expect, it } from "vitest";
import { compareHits, mergeBest, type ScoredDoc } from "../../src/worker/search/scoring";

/** A deterministic stream of numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** `n` hits of one shard, best first; scores from a few values, so ties fall to catalogue order. */
function shardHits(next: () => number, shard: number, n: number): ScoredDoc[] {
  return Array.from({ length: n }, (_, i) => ({
    doc: shard * 1000 + i,
    score: Math.floor(next() * 8),
    matched: 1,
    order: Math.floor(next() * 100_000),
    parts: [],
  })).sort(compareHits);
}

const sortedAll = (lists: ScoredDoc[][], keep: number) => lists.flat().sort(compareHits).slice(0, keep);

describe("merging shards' best hits", () => {
  it("keeps the same best hits, in the same order, as sorting every shard's hits together", () => {
    const next = random(42);
    for (let round = 0; round < 200; round++) {
      const lists = Array.from({ length: 1 + Math.floor(next() * 16) }, (_, k) =>
        shardHits(next, k, Math.floor(next() * 60)),
      );
      const keep = 1 + Math.floor(next() * 80);
      expect(mergeBest(lists, keep)).toEqual(sortedAll(lists, keep));
    }
  });

  it("answers a shard's list out of order as the sort would, rather than trusting its order", () => {
    const next = random(7);
    const lists = [shardHits(next, 0, 20), shardHits(next, 1, 20).reverse()];
    expect(mergeBest(lists, 15)).toEqual(sortedAll(lists, 15));
    expect(mergeBest([lists[1]!], 5)).toEqual(sortedAll([lists[1]!], 5));
  });

  it("answers every hit when the shards hold fewer than asked, and nothing from no shard", () => {
    const next = random(3);
    const lists = [shardHits(next, 0, 3), [], shardHits(next, 2, 4)];
    expect(mergeBest(lists, 100)).toEqual(sortedAll(lists, 100));
    expect(mergeBest([], 10)).toEqual([]);
  });
});
