/**
 * A sharded, packed build gives each search shard's chunks pages of the pack directory of their own
 * (`PackIndex.shards`): a shard's Durable Object reads its shard's pages to find its term chunks, not the whole
 * directory, which every one of a million-record build's 16 objects read before (1.4 MB each).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { syntheticCorpus, writeJsonl } from "../../scripts/bench/synthetic-catalogue";
import { packShardPages, type Manifest } from "../../src/shared/manifest";
import { AssetStore } from "../../src/worker/asset-store";
import { RecordStore } from "../../src/worker/record-store";
import { SearchService } from "../../src/worker/search/search-service";
import { LocalShards } from "../../src/worker/search/shard-runner";
import { SearchIndex } from "../../src/worker/search/search-index";
import { warmSearchRequest } from "./local-index";

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dossier-pack-shards-"));
  await writeJsonl(syntheticCorpus(2_000), join(dir, "data", "synthetic.jsonl"));
  const packs = { targetBytes: 64 * 1024, indexPageEntries: 200 };
  buildCatalogue({ dataDirs: [join(dir, "data")], outDir: join(dir, "three"), searchShards: 3, packs });
  buildCatalogue({ dataDirs: [join(dir, "data")], outDir: join(dir, "loose"), searchShards: 3 });
}, 300_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The build served from disk as the ASSETS binding would, the directory pages read listed. */
function served(root: string) {
  const pages: number[] = [];
  const fetcher = {
    async fetch(req: Request): Promise<Response> {
      const path = decodeURIComponent(new URL(req.url).pathname);
      const page = /^\/packs\/dir-(\d+)\./.exec(path)?.[1];
      if (page !== undefined) pages.push(Number(page));
      const file = join(root, path);
      return existsSync(file) ? new Response(readFileSync(file)) : new Response("not found", { status: 404 });
    },
  };
  return { store: new AssetStore(fetcher as unknown as Fetcher), pages };
}

describe("a sharded build's pack directory", () => {
  it("has a shard's chunks found through that shard's own pages, and no other", async () => {
    const root = join(dir, "three");
    const m = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8")) as Manifest;
    const index = m.packs!.index;
    expect(index.shards?.count).toBe(3);
    // No startup bundle in the way: each page read is a read of its own here.
    const { store, pages } = served(root);
    const shard = new SearchIndex(store, 1);
    await shard.prefetch(["soviet", "embassy", "paris"]);
    const [first, end] = packShardPages(index, 1);
    expect(pages.length).toBeGreaterThan(0);
    expect(
      pages.every((p) => p >= first && p < end),
      `pages read: ${pages.join(", ")}`,
    ).toBe(true);
    expect((await shard.postings("soviet")).fields).not.toEqual({});
  });

  it("answers every search as the same build unpacked does", async () => {
    const search = (root: string) => {
      const { store } = served(join(dir, root));
      const records = new RecordStore(store);
      const service = new SearchService(records, store, new LocalShards(3, store, records));
      return async (q: string) => {
        const { tookMs: _, ...answer } = await service.search({ ...warmSearchRequest(q), collapse: true });
        return answer;
      };
    };
    const packed = search("three");
    const loose = search("loose");
    for (const q of ["soviet embassy", "Besedovsky", "file report", "Dmitri", "passport Glasgow"]) {
      const a = await packed(q);
      expect(a.failedShards, q).toBeUndefined();
      expect(a, q).toEqual(await loose(q));
    }
  });
});
