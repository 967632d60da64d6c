// The per-isolate caches stay inside their bounds, run here in workerd itself: the
// shared LRU, the asset store's byte budget and the fallback rate limiter's windows.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AssetStore } from "../../src/worker/asset-store";
import { WindowLimiter } from "../../src/worker/middleware/rate-limit";
import { RecordStore } from "../../src/worker/record-store";
import { lruByCount, lruBySize } from "../../src/shared/lru";

describe("the shared LRU", () => {
  it("keeps at most its count of entries and drops the least recently used first", () => {
    const lru = lruByCount<string, number>(3);
    lru.set("a", 1).set("b", 2).set("c", 3);
    expect(lru.get("a")).toBe(1);
    lru.set("d", 4);
    expect([...lru.keys()].sort()).toEqual(["a", "c", "d"]);
    expect(lru.size).toBe(3);
  });

  it("keeps the sizes of its entries within the budget and refuses an entry bigger than all of it", () => {
    const lru = lruBySize<string, string>(10, (s) => s.length);
    lru.set("a", "xxxx").set("b", "xxxx").set("c", "xxxx");
    expect(lru.calculatedSize).toBeLessThanOrEqual(10);
    expect(lru.has("a")).toBe(false);
    lru.set("big", "x".repeat(11));
    expect(lru.has("big")).toBe(false);
    expect(lru.calculatedSize).toBe(8);
  });
});

describe("the asset store", () => {
  it("holds no more parsed chunks than its byte budget, however many it reads", async () => {
    const budget = 40_000;
    const store = new AssetStore(env.ASSETS, budget);
    const m = await store.manifest();
    const records = new RecordStore(store);
    expect(m.recordShards.count).toBeGreaterThan(3);
    let read = 0;
    for (let k = 0; k < m.recordShards.count; k++) {
      await store.deflatedJson(await records.shardPath(k));
      read++;
      expect(store.heldBytes()).toBeLessThanOrEqual(budget);
    }
    expect(read).toBe(m.recordShards.count);
    expect(store.heldBytes()).toBeGreaterThan(0);
  });
});

describe("the fallback rate limiter", () => {
  it("under a flood of new addresses forgets the least recently seen clients, not the client still sending", () => {
    const limiter = new WindowLimiter(1, () => 0);
    expect(limiter.take("busy")).toBeNull();
    for (let i = 0; i < 49_999; i++) limiter.take(`flood-${i}`);
    expect(limiter.take("busy")).toBe(60);
    limiter.take("one-more");
    expect(limiter.take("busy")).toBe(60);
    expect(limiter.take("flood-0")).toBeNull();
  });
});
