import { describe, expect, it } from "vitest";
import { coldService, searchRequest } from "./cold-search-service";
import { postingsCacheBytes, stagedChunks } from "../../src/worker/search/search-index";

describe("a cold isolate's warm-up for its first search", () => {
  it("reads every term chunk the search needs, so the search itself reads none", async () => {
    // Words no other test of this file asks for: the decoded postings are kept per isolate.
    const q = "Guelfan ciphers Kutepoff";
    const { store, service } = await coldService();
    await service.warm(q);
    const warmed = store.reads.get("search/terms") ?? 0;
    expect(warmed).toBeGreaterThan(0);
    const answer = await service.search(searchRequest(q));
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
    await service.search(searchRequest(q));
    expect(stagedChunks()).toBe(0);
  });

  it("answers as a search with no warm-up does", async () => {
    const q = "Helfland Rome embassy";
    const warm = await coldService();
    await warm.service.warm(q);
    const cold = await coldService();
    const [a, b] = await Promise.all([warm.service.search(searchRequest(q)), cold.service.search(searchRequest(q))]);
    const strip = (r: typeof a) => ({ ...r, tookMs: 0 });
    expect(strip(a)).toEqual(strip(b));
  });
});
