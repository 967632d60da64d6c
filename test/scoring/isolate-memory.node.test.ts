/**
 * What an isolate may hold (src/worker/isolate-memory.ts): its caches' budgets leave room under Workers' 128 MB,
 * and what grows with the shard objects an isolate holds (their filter columns) stays under a budget of its own.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { ISOLATE_MEMORY, isolateCacheBytes } from "../../src/worker/isolate-memory";
import {
  giveArrays,
  PLANNED_UNITS,
  QueryArrays,
  queryArrayBytes,
  scoringArrayBytes,
  takeArrays,
} from "../../src/worker/search/query-arrays";
import { scoreShard } from "../../src/worker/search/scoring";
import { scoringCounters } from "../../src/worker/search/scoring-counters";
import { queryMix, syntheticCorpus } from "../../scripts/bench/synthetic-catalogue";
import {
  filterColumnBytes,
  HELD_COLUMN_BYTES_PER_DOC,
  resetFilterColumns,
  searchMeta,
  SearchIndex,
} from "../../src/worker/search/search-index";
import { answersOf, builtSynthetic, diskAssets, localService, planFor, warmSearchRequest } from "./local-index";

const MiB = 2 ** 20;

describe("an isolate's memory budgets", () => {
  it("leave 16 MiB of the limit free beside one set of scoring arrays for a 100,000-doc shard and four words", () => {
    expect(isolateCacheBytes() + queryArrayBytes(100_000, PLANNED_UNITS)).toBeLessThanOrEqual(
      ISOLATE_MEMORY.limit - 16 * MiB,
    );
  });

  it("hold a four-word query's scoring arrays in memories no larger than the room the plan keeps for them", () => {
    const docs = 100_000;
    const a = new QueryArrays(docs);
    // Every array a set can make, in the order a query makes them: its numbers, then each unit's, ties included.
    void a.f;
    for (let k = 0; k < PLANNED_UNITS; k++) a.unit(k).tieBreakers();
    void a.proximity;
    void a.mark2;
    void a.counted;
    // The arena's memories come in whole 64 KiB pages: one page of rounding each, at most.
    expect(a.memoryBytes()).toBeLessThanOrEqual(queryArrayBytes(docs, PLANNED_UNITS) + 2 * 65_536);
    // A one-word query's set takes the first memory only.
    const one = new QueryArrays(docs);
    one.unit(0);
    expect(one.memoryBytes()).toBeLessThanOrEqual(queryArrayBytes(docs, 0) + 65_536);
  });
});

describe("an isolate serving several shards", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await builtSynthetic("isolate", 3_000, 2);
  }, 600_000);
  afterAll(() => {
    resetFilterColumns();
    rmSync(dir, { recursive: true, force: true });
  });

  it("decodes a shard's filter columns once for all its objects' stores", async () => {
    resetFilterColumns();
    const store = diskAssets(join(dir, "out"));
    const [a, b] = await Promise.all([
      new SearchIndex(store, 1).filters(),
      new SearchIndex(store.forObject(), 1).filters(),
    ]);
    expect(b).toBe(a);
    expect(filterColumnBytes()).toBe(HELD_COLUMN_BYTES_PER_DOC * a.order.length);
  });

  it("answers the same with room for one shard's columns as with room for all, never holding more", async () => {
    const { assets, service } = await localService(join(dir, "out"));
    const meta = await searchMeta(assets);
    const mix = queryMix(syntheticCorpus(3_000), 60).search.map((s) => s.q);
    const answers = () => answersOf(service, mix);
    resetFilterColumns();
    const roomy = await answers();
    const both = filterColumnBytes();
    expect(both).toBe(HELD_COLUMN_BYTES_PER_DOC * meta.docs);
    resetFilterColumns(Math.ceil(both / 2) + 16);
    expect(await answers()).toEqual(roomy);
    expect(filterColumnBytes()).toBeLessThanOrEqual(Math.ceil(both / 2) + 16);
    expect(filterColumnBytes()).toBeGreaterThan(0);
  }, 120_000);

  it("keeps one set of scoring arrays, within the size the formula gives", async () => {
    const { assets, service } = await localService(join(dir, "out"));
    const meta = await searchMeta(assets);
    for (const q of ["soviet agent paris", "geneva"]) await service.search(warmSearchRequest(q));
    const shardDocs = Math.ceil(meta.docs / meta.shards.count);
    // Shards of equal size share one set; a query of three words left three units' arrays in it. The formula is the
    // most a set comes to (isolate-memory.ts keeps room for it); a set holds the arrays its queries took: at least
    // the query's own numbers (32 bytes a doc), which three words write, and three units' scores and matches (17).
    expect(scoringArrayBytes()).toBeLessThanOrEqual(queryArrayBytes(shardDocs, 3));
    expect(scoringArrayBytes()).toBeGreaterThan(32 * shardDocs + 3 * 17 * shardDocs);
  }, 120_000);

  it("scores a one-word query without making the query's own per-doc numbers, and a two-word query with them", async () => {
    const { service } = await localService(join(dir, "out"));
    // The numbers are 32 bytes a doc, made on first use (a cold isolate's first query pays for every byte it takes).
    const taken = vi.spyOn(QueryArrays.prototype, "f", "get");
    try {
      const one = await service.search(warmSearchRequest("geneva"));
      expect(one.hits.length).toBeGreaterThan(0);
      expect(taken).not.toHaveBeenCalled();
      await service.search(warmSearchRequest("soviet agent"));
      expect(taken).toHaveBeenCalled();
    } finally {
      taken.mockRestore();
    }
  }, 120_000);

  it("makes a rare word's doc lists no larger than its postings, and a filters-only query's the shard's size", async () => {
    const { assets, service } = await localService(join(dir, "out"));
    const meta = await searchMeta(assets);
    const shardDocs = Math.ceil(meta.docs / meta.shards.count);
    // Taking the kept set out of the pool (and not giving it back) makes the next query make a set of its own.
    const fresh = async (req: ReturnType<typeof warmSearchRequest>) => {
      takeArrays(0);
      const answer = await service.search(req);
      return { answer, lists: takeArrays(0) };
    };
    const rare = await fresh(warmSearchRequest("geneva"));
    expect(rare.answer.hits.length).toBeGreaterThan(0);
    expect(rare.lists.touched.items.length).toBeLessThan(shardDocs / 2);
    expect(rare.lists.units[0]!.touched.items.length).toBe(rare.lists.touched.items.length);
    const walk = await fresh({ ...warmSearchRequest(""), from: 1935, to: 1937 });
    expect(walk.answer.hits.length).toBeGreaterThan(0);
    expect(walk.lists.touched.items.length).toBeGreaterThanOrEqual(meta.docs / meta.shards.count - 1);
    // Given back, a set's lists grow to what the next query needs, and stay.
    giveArrays(rare.lists);
    expect(await answersOf(service, ["geneva", "soviet agent"])).toEqual(
      await answersOf(service, ["geneva", "soviet agent"]),
    );
  }, 120_000);

  it("refuses to give back a set of arrays whose doc list was given more docs than it had room for", () => {
    // The kept set is put aside, so this takes a set of its own, with lists of room for two docs.
    const aside = takeArrays(0);
    const a = takeArrays(64, 2);
    for (const i of [3, 5, 7]) a.touched.push(i);
    expect(() => giveArrays(a)).toThrow(/query-arrays: a doc list of 2 docs was given 3/);
    giveArrays(aside);
  });

  it("scores a shard with a larger shard's kept arrays as with arrays of its own size, keeping only the larger", async () => {
    const { service } = await localService(join(dir, "out"));
    const mix = queryMix(syntheticCorpus(3_000), 40).search.map((s) => s.q);
    // Filters alone walk every doc of the shard (bounded by its own count, not the arrays' size: a walk past the
    // shard reads no doc that passes, so these answers would not show it; the bound saves the walk's cost).
    const filtered = [
      { ...warmSearchRequest(""), from: 1935, to: 1937 },
      { ...warmSearchRequest("agent"), from: 1930, to: 1950, exact: true },
    ];
    const answers = async () => [
      ...(await answersOf(service, mix)),
      ...(await Promise.all(filtered.map((r) => service.search(r)))).map(({ tookMs: _, ...a }) => JSON.stringify(a)),
    ];
    const own = await answers();
    const big = takeArrays(50_000);
    giveArrays(big);
    expect(scoringArrayBytes()).toBe(big.bytes());
    expect(await answers()).toEqual(own);
    // The larger set stayed: every shard of this build fits it.
    expect(scoringArrayBytes()).toBe(big.bytes());
  }, 120_000);

  it("answers a shard where no list has a posting as scoring it would, without decoding its filter columns", async () => {
    const assets = diskAssets(join(dir, "out"));
    const meta = await searchMeta(assets);
    const seriesNames = await assets.json<string[]>(meta.seriesNames);
    const corpus = syntheticCorpus(3_000);
    const queries = [
      ...queryMix(corpus, 80).search.map((s) => s.q),
      ...corpus.stock.given.slice(0, 20),
      "qzxvwk",
      "qzxvwk soviet",
    ];
    const noTexts = async (docs: number[]) => docs.map(() => "");
    const skippedBefore = scoringCounters.shardsWithoutCandidates;
    for (const q of queries) {
      const plan = await planFor(assets, q, 10);
      for (let k = 0; k < meta.shards.count; k++) {
        const index = new SearchIndex(assets, k);
        const fast = await scoreShard(index, plan, seriesNames, noTexts);
        const full = await scoreShard(index, plan, seriesNames, noTexts, { skipEmpty: false });
        expect(fast, `${q} on shard ${k}`).toEqual(full);
      }
    }
    expect(scoringCounters.shardsWithoutCandidates - skippedBefore).toBeGreaterThan(2);
    // A word in neither shard reads no columns at all.
    resetFilterColumns();
    const plan = await planFor(assets, "qzxvwk", 10);
    for (let k = 0; k < meta.shards.count; k++)
      expect((await scoreShard(new SearchIndex(assets, k), plan, seriesNames, noTexts)).total).toBe(0);
    expect(filterColumnBytes()).toBe(0);
  }, 120_000);

  it("counts a few matches' facets from the filter columns as the facet column made later counts them", async () => {
    const { service } = await localService(join(dir, "out"));
    const corpus = syntheticCorpus(3_000);
    // Surnames of the name stock, past its commonest: a few records each.
    const rare = corpus.stock.roots.slice(20, 60).map(([a, b]) => a + b);
    const facets = async () => {
      const out: string[] = [];
      for (const q of rare) out.push(JSON.stringify((await service.search(warmSearchRequest(q))).facets));
      return out;
    };
    resetFilterColumns();
    const before = scoringCounters.facetsWithoutColumn;
    const direct = await facets();
    expect(scoringCounters.facetsWithoutColumn - before).toBeGreaterThan(5);
    // A word in most records makes each shard's facet column; the same queries then count from it.
    await service.search(warmSearchRequest("file"));
    const after = scoringCounters.facetsWithoutColumn;
    expect(await facets()).toEqual(direct);
    expect(scoringCounters.facetsWithoutColumn).toBe(after);
  }, 120_000);

  it("makes no facet column for a one-word query the common-word lists do not answer", async () => {
    const assets = diskAssets(join(dir, "out"));
    const meta = await searchMeta(assets);
    const seriesNames = await assets.json<string[]>(meta.seriesNames);
    const noTexts = async (docs: number[]) => docs.map(() => "");
    const corpus = syntheticCorpus(3_000);
    const rare = corpus.stock.roots.slice(20, 40).map(([a, b]) => a + b);
    // No plan counts as small (`exhaustiveBelow: 0`), so each tries the one-word shortcuts, which a rare name fails.
    const run = async () => {
      const out: string[] = [];
      for (const q of rare) {
        const plan = await planFor(assets, q, 10);
        for (let k = 0; k < meta.shards.count; k++)
          out.push(
            JSON.stringify(
              await scoreShard(new SearchIndex(assets, k), plan, seriesNames, noTexts, { exhaustiveBelow: 0 }),
            ),
          );
      }
      return out;
    };
    resetFilterColumns();
    const before = scoringCounters.facetsWithoutColumn;
    const direct = await run();
    // Each shard with matches counted them from its filter columns: no facet column was made on the way.
    expect(scoringCounters.facetsWithoutColumn - before).toBeGreaterThan(rare.length);
    // The same answers once the facet column is made (a word in most records makes it).
    for (let k = 0; k < meta.shards.count; k++)
      await scoreShard(new SearchIndex(assets, k), await planFor(assets, "file", 10), seriesNames, noTexts);
    expect(await run()).toEqual(direct);
  }, 120_000);
});
