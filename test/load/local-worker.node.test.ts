// The one Miniflare launcher the eval, benches and load run share: it serves the
// built catalogue and reads the Worker's heap through workerd's inspector.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { startLocalWorker, type LocalWorker } from "../../scripts/lib/local-worker";

let dir: string;
let worker: LocalWorker;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dossier-local-worker-"));
  buildCatalogue({ dataDirs: ["data"], outDir: join(dir, "assets") });
  worker = await startLocalWorker({ assetsDir: join(dir, "assets"), inspector: true });
}, 120_000);

afterAll(async () => {
  await worker?.dispose();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe("the local Worker", () => {
  it("answers searches from the built catalogue", async () => {
    const res = await worker.fetch("/api/search?q=Fuchs");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: { value: number } };
    expect(body.total.value).toBeGreaterThan(0);
  });

  it("reads the Worker isolate's heap and array buffers after a GC, and every other isolate's heap, through the inspector", async () => {
    const heap = await worker.heap(true);
    expect(heap!.usedSize).toBeGreaterThan(1_000_000);
    expect(heap!.usedSize).toBeLessThanOrEqual(heap!.totalSize);
    // The search above left decoded postings and chunks as read: array buffers, outside the heap's used size.
    expect(heap!.backingStorageSize).toBeGreaterThan(10_000);
    const all = await worker.isolateHeaps(true);
    const ids = all.map((h) => h.isolate);
    expect(ids).toContain("core:user:dossier");
    expect(ids.some((id) => id.startsWith("kv:"))).toBe(true);
    expect(all.find((h) => h.isolate === "core:user:dossier")!.collected).toBe(true);
  }, 60_000);

  it("reports workerd's resident memory on Linux", () => {
    if (process.platform !== "linux") return;
    expect(worker.rssBytes()).toBeGreaterThan(10 * 1024 * 1024);
  });
});

describe("the local Worker with Miniflare's simulations warmed first", () => {
  it("starts with KV and the Cache API written and read back beside it, and still answers its first search from the index", async () => {
    const warmed = await startLocalWorker({ assetsDir: join(dir, "assets"), warmSimulators: true });
    try {
      const res = await warmed.fetch("/api/search?q=Fuchs");
      expect(res.status).toBe(200);
      // The warmer's keys are its own: the Worker's first search misses both caches and is answered live.
      expect(res.headers.get("x-cache")).toBe("MISS");
      expect(res.headers.get("server-timing")).toMatch(/cache;dur=[\d.]+;desc="miss"/);
    } finally {
      await warmed.dispose();
    }
  }, 60_000);
});
