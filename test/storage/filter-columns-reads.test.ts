import { describe, expect, it } from "vitest";
import { coldService, searchRequest } from "./cold-search-service";
import { SearchIndex } from "../../src/worker/search/search-index";

describe("a search shard's filter columns", () => {
  it("are read once by a cold isolate whose warm-up and search ask for them at once, then held", async () => {
    const { store, service, shards } = await coldService();
    const q = "cipher";
    await Promise.all([service.warm(q), service.search(searchRequest(q))]);
    expect(store.reads.get("search/filters")).toBe(shards);
    await service.search(searchRequest("embassy", { sort: "date" }));
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
