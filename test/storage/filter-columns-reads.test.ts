/**
 * A search shard's filter columns (bit-packed, shared/index-format/filter-columns.ts) are read once per isolate and
 * held decoded: a cold query's warm-up and its search share the one read, and a later query, or a sort by date,
 * reads them no more.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AssetStore } from "../../src/worker/asset-store";
import { RecordStore } from "../../src/worker/record-store";
import { LocalShards } from "../../src/worker/search/shard-runner";
import { SearchService, type SearchRequest } from "../../src/worker/search/search-service";
import { SearchIndex, searchMeta } from "../../src/worker/search/search-index";
import { storageFor } from "../../src/worker/storage/asset-storage";

async function coldService(): Promise<{ store: AssetStore; service: SearchService; shards: number }> {
  const store = new AssetStore(storageFor(env).storage());
  const records = new RecordStore(store);
  const shards = (await searchMeta(store)).shards.count;
  return { store, service: new SearchService(records, store, new LocalShards(shards, store, records)), shards };
}

const request = (q: string, more: Partial<SearchRequest> = {}): SearchRequest => ({
  q,
  limit: 10,
  offset: 0,
  series: [],
  match: "variants",
  synonyms: true,
  explain: false,
  collapse: true,
  ...more,
});

describe("a search shard's filter columns", () => {
  it("are read once by a cold isolate whose warm-up and search ask for them at once, then held", async () => {
    const { store, service, shards } = await coldService();
    const q = "cipher";
    await Promise.all([service.warm(q), service.search(request(q))]);
    expect(store.reads.get("search/filters")).toBe(shards);
    await service.search(request("embassy", { sort: "date" }));
    expect(store.reads.get("search/filters")).toBe(shards);
  });

  it("decode to one column entry per doc of the shard, each year either known or 0 on both sides", async () => {
    const { store, shards } = await coldService();
    for (let k = 0; k < shards; k++) {
      const index = new SearchIndex(store, k);
      const shard = await index.shard();
      const cols = await index.filters();
      expect(cols.base).toBe(shard.start);
      expect(cols.order.length).toBe(shard.end - shard.start);
      for (let i = 0; i < cols.order.length; i++) expect(cols.start[i] === 0).toBe(cols.end[i] === 0);
    }
  });
});
