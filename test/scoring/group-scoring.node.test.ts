/**
 * A Durable Object scoring a group of shards (`scoreGroupLocally`, past MAX_FANOUT shards) scores several at once:
 * a shard's time is mostly waiting for its term chunks, and one shard after another the group waited for each
 * shard's reads in turn. Its answer must be the one shard after another gives.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { queryMix, syntheticCorpus, writeJsonl } from "../../scripts/bench/synthetic-catalogue";
import { AssetStore } from "../../src/worker/asset-store";
import { RecordStore } from "../../src/worker/record-store";
import { resetPostingsCache } from "../../src/worker/search/search-index";
import { GROUP_CONCURRENCY, scoreGroupLocally } from "../../src/worker/search/shard-runner";
import { planFor } from "./local-index";

const SHARDS = 6;
let dir: string;
let queries: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dossier-group-scoring-"));
  const corpus = syntheticCorpus(3_000);
  await writeJsonl(corpus, join(dir, "data", "synthetic.jsonl"));
  queries = [...new Set(queryMix(corpus, 30).search.map((s) => s.q))];
  buildCatalogue({ dataDirs: [join(dir, "data")], outDir: join(dir, "out"), searchShards: SHARDS });
}, 300_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * The build served from disk as the ASSETS binding would, each term chunk read taking a few ms; records how many
 * shards had chunk reads in flight at once, at most.
 */
function slowChunkAssets() {
  const inFlight = new Map<string, number>();
  let most = 0;
  const fetcher = {
    async fetch(req: Request): Promise<Response> {
      const path = decodeURIComponent(new URL(req.url).pathname);
      const shard = /^\/search\/s(\d+)\/(?!term-table|filters)/.exec(path)?.[1];
      if (shard !== undefined) {
        inFlight.set(shard, (inFlight.get(shard) ?? 0) + 1);
        most = Math.max(most, [...inFlight.values()].filter((n) => n > 0).length);
        await new Promise((r) => setTimeout(r, 5));
        inFlight.set(shard, inFlight.get(shard)! - 1);
      }
      const file = join(dir, "out", path);
      return existsSync(file) ? new Response(readFileSync(file)) : new Response("not found", { status: 404 });
    },
  };
  return { store: new AssetStore(fetcher as unknown as Fetcher), most: () => most };
}

describe("a group of shards scored in one object", () => {
  it("reads several shards' term chunks at once, and answers as scoring them one after another does", async () => {
    for (const [i, q] of queries.entries()) {
      // Fresh stores and caches each time, so every shard reads its chunks.
      resetPostingsCache();
      const one = slowChunkAssets();
      const plan = await planFor(one.store, q, 20);
      const serial = await scoreGroupLocally(one.store, new RecordStore(one.store), 0, SHARDS, plan, undefined, 1);
      resetPostingsCache();
      const many = slowChunkAssets();
      const together = await scoreGroupLocally(many.store, new RecordStore(many.store), 0, SHARDS, plan);
      expect(together, q).toEqual(serial);
      expect(together.missing).toBeUndefined();
      expect(one.most()).toBe(1);
      if (i === 0) expect(many.most()).toBe(GROUP_CONCURRENCY);
    }
  }, 120_000);

  it("starts no more shards once its time has run out, and names the rest missing", async () => {
    const { store } = slowChunkAssets();
    const plan = await planFor(store, queries[0]!, 20);
    const late = await scoreGroupLocally(store, new RecordStore(store), 2, SHARDS, plan, 0);
    expect(late.missing).toEqual([3, 4, 5]);
    expect(late.total).toBeGreaterThanOrEqual(0);
  });
});
