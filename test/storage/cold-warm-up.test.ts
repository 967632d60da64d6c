/**
 * A cold isolate's first search starts its reads while the response caches are asked (`SearchService.warm`, from
 * `withStores`): the plan's reads, and every term chunk the plan names, all read before any is decoded, then
 * decoded a term a task. The search that follows then finds its plan made and its terms decoded: it reads no term
 * chunk of its own, drops the bytes the warm-up held, and answers as a search of a warm isolate would.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AssetStore } from "../../src/worker/asset-store";
import { RecordStore } from "../../src/worker/record-store";
import { LocalShards } from "../../src/worker/search/shard-runner";
import { SearchService, type SearchRequest } from "../../src/worker/search/search-service";
import { postingsCacheBytes, searchMeta, stagedChunks } from "../../src/worker/search/search-index";
import { storageFor } from "../../src/worker/storage/asset-storage";

/** A fresh store over the configured backend, and a search service scoring every shard in this isolate. */
async function coldService(): Promise<{ store: AssetStore; service: SearchService }> {
  const store = new AssetStore(storageFor(env).storage());
  const records = new RecordStore(store);
  const shards = new LocalShards((await searchMeta(store)).shards.count, store, records);
  return { store, service: new SearchService(records, store, shards) };
}

/** A search with the API's defaults. */
const request = (q: string): SearchRequest => ({
  q,
  limit: 10,
  offset: 0,
  series: [],
  match: "variants",
  synonyms: true,
  explain: false,
  collapse: true,
});

describe("a cold isolate's warm-up for its first search", () => {
  it("reads every term chunk the search needs, so the search itself reads none", async () => {
    // Words no other test of this file asks for: the decoded postings are kept per isolate.
    const q = "Guelfan ciphers Kutepoff";
    const { store, service } = await coldService();
    await service.warm(q);
    const warmed = store.reads.get("search/terms") ?? 0;
    expect(warmed).toBeGreaterThan(0);
    const answer = await service.search(request(q));
    expect(store.reads.get("search/terms") ?? 0).toBe(warmed);
    expect(answer.hits.length).toBeGreaterThan(0);
  });

  it("decodes the terms once their chunks are in, and holds the chunks' bytes only until the search has run", async () => {
    const q = "Bessedovsky cipher Paris";
    const { service } = await coldService();
    const decoded = postingsCacheBytes();
    await service.warm(q);
    expect(postingsCacheBytes()).toBeGreaterThan(decoded);
    expect(stagedChunks()).toBeGreaterThan(0);
    await service.search(request(q));
    expect(stagedChunks()).toBe(0);
  });

  it("answers as a search with no warm-up does", async () => {
    const q = "Helfland Rome embassy";
    const warm = await coldService();
    await warm.service.warm(q);
    const cold = await coldService();
    const [a, b] = await Promise.all([warm.service.search(request(q)), cold.service.search(request(q))]);
    const strip = (r: typeof a) => ({ ...r, tookMs: 0 });
    expect(strip(a)).toEqual(strip(b));
  });
});
