/**
 * A Durable Object scoring a group of shards (past MAX_FANOUT shards) reads a term's chunks for the whole group in
 * one range of one pack, not one read a shard: the build gives the group's shards one bucket count and lays their
 * chunks of a bucket side by side (pack-assets.ts `packLayoutKey`), and the object asks for them together
 * (`AssetStore.binaries`). Deployed, an invocation holds six storage requests open at once and queues the rest.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { termBucketCount } from "../../src/indexer/search-assets";
import { syntheticCorpus, writeJsonl } from "../../scripts/bench/synthetic-catalogue";
import { shardGroups, MAX_FANOUT } from "../../src/shared/shard-groups";
import { CHUNKING } from "../../src/shared/search-config";
import { AssetStore } from "../../src/worker/asset-store";
import { prefetchShards, SearchIndex, stagedChunks } from "../../src/worker/search/search-index";

const SHARDS = 40;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dossier-group-reads-"));
  await writeJsonl(syntheticCorpus(2_000), join(dir, "data", "synthetic.jsonl"));
  buildCatalogue({ dataDirs: [join(dir, "data")], outDir: join(dir, "many"), searchShards: SHARDS, packs: true });
}, 300_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The build served from disk as the ASSETS binding would, counting the reads of pack files. */
function served(root: string) {
  const packReads: string[] = [];
  const fetcher = {
    async fetch(req: Request): Promise<Response> {
      const path = decodeURIComponent(new URL(req.url).pathname);
      if (/^\/packs\/\d+-\d+\./.test(path)) packReads.push(path);
      const file = join(root, path);
      return existsSync(file) ? new Response(readFileSync(file)) : new Response("not found", { status: 404 });
    },
  };
  return { store: new AssetStore(fetcher as unknown as Fetcher), packReads };
}

describe("a group of shards' term chunks", () => {
  it("are read for the whole group in one range, each shard's chunk checked and looked up", async () => {
    const [first, end] = shardGroups(SHARDS)[1]!;
    expect(end - first).toBeGreaterThan(1);
    const { store } = served(join(dir, "many"));
    const staged = stagedChunks();
    await prefetchShards(store, first, end, ["soviet"]);
    // Every shard of the group holds its own chunk of the word, and all of them came in one read.
    expect(stagedChunks() - staged).toBe(end - first);
    expect(store.reads.get("search/terms")).toBe(1);
    for (let k = first; k < end; k++) {
      const p = await new SearchIndex(store, k).postings("soviet");
      expect(Object.keys(p.fields).length, `shard ${k}`).toBeGreaterThan(0);
    }
  });

  it("are not read again once the group holds them, staged or decoded", async () => {
    const [first, end] = shardGroups(SHARDS)[3]!;
    const shards = Array.from({ length: end - first }, (_, i) => first + i);
    const { store } = served(join(dir, "many"));
    await prefetchShards(store, first, end, ["soviet", "embassy"]);
    const reads = store.reads.get("search/terms");
    expect(reads).toBeGreaterThan(0);
    // Looked up by the prefetch: decoded now, so a search's staging of the same terms reads nothing.
    const staged = await SearchIndex.stageShardTerms(store, shards, ["soviet", "embassy", "soviet"]);
    expect(staged.size).toBe(0);
    expect(store.reads.get("search/terms")).toBe(reads);
  });
});

describe("a shard's term bucket count", () => {
  it("is a power of two where objects score groups of shards, and the natural count otherwise", () => {
    const bytes = 1195 * CHUNKING.bucketTargetBytes;
    expect(termBucketCount(bytes, MAX_FANOUT + 1)).toBe(1024);
    expect(termBucketCount(1500 * CHUNKING.bucketTargetBytes, 179)).toBe(2048);
    expect(termBucketCount(bytes, MAX_FANOUT)).toBe(1195);
    expect(termBucketCount(0, 179)).toBe(1);
  });
});
