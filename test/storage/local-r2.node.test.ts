// `npm start -- --r2` and `npm run bench -- --backend r2` serve a build from Miniflare's R2: uploadLocal loads
// the bucket, and local-worker's r2Persist runs wrangler.toml's [env.r2] Worker on it.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { bundleWorker, startLocalWorker } from "../../scripts/lib/local-worker";
import { configuredBucket, uploadLocal } from "../../scripts/deploy-r2";

let dir: string;
let script: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dossier-local-r2-"));
  buildCatalogue({ dataDirs: ["data"], outDir: join(dir, "assets") });
  script = await bundleWorker(undefined, join(dir, "worker"));
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("a build served from Miniflare's R2", () => {
  it("is read from the bucket, not static assets: an empty bucket answers 503 naming the missing manifest", async () => {
    const w = await startLocalWorker({
      assetsDir: join(dir, "assets"),
      scriptPath: script,
      r2Persist: join(dir, "empty"),
    });
    try {
      const res = await w.fetch("/api/search?q=Fuchs");
      expect(res.status).toBe(503);
      expect(await res.text()).toContain("missing from the R2 bucket");
    } finally {
      await w.dispose();
    }
  }, 60_000);

  it("answers as the static-assets Worker does once loaded, and a second load uploads only the manifest", async () => {
    const r2 = join(dir, "r2");
    const first = await uploadLocal(join(dir, "assets"), configuredBucket(), r2);
    expect(first.uploaded).toBeGreaterThan(10);
    expect(first.kept).toBe(0);
    const again = await uploadLocal(join(dir, "assets"), configuredBucket(), r2);
    expect(again).toMatchObject({ uploaded: 1, kept: first.uploaded - 1 });

    const fromAssets = await startLocalWorker({ assetsDir: join(dir, "assets"), scriptPath: script });
    const fromR2 = await startLocalWorker({ assetsDir: join(dir, "assets"), scriptPath: script, r2Persist: r2 });
    try {
      for (const path of ["/api/search?q=Fuchs", "/api/search?q=Besedovsky", "/api/lookup?ref=KV%202%2F2681"]) {
        const [a, b] = await Promise.all([fromAssets.fetch(path), fromR2.fetch(path)]);
        expect(b.status, path).toBe(a.status);
        const strip = (x: Record<string, unknown>) => ({ ...x, tookMs: undefined });
        expect(strip((await b.json()) as Record<string, unknown>), path).toEqual(
          strip((await a.json()) as Record<string, unknown>),
        );
      }
    } finally {
      await fromAssets.dispose();
      await fromR2.dispose();
    }
  }, 120_000);

  it("keeps only the bucket between runtimes, so the next one starts with empty response caches", async () => {
    const r2 = join(dir, "r2");
    const w = await startLocalWorker({ assetsDir: join(dir, "assets"), scriptPath: script, r2Persist: r2 });
    try {
      await (await w.fetch("/api/search?q=Fuchs")).arrayBuffer();
    } finally {
      await w.dispose();
    }
    expect(readdirSync(join(r2, "v3"))).toEqual(["r2"]);
    const next = await startLocalWorker({ assetsDir: join(dir, "assets"), scriptPath: script, r2Persist: r2 });
    try {
      const res = await next.fetch("/api/search?q=Fuchs");
      expect(res.status).toBe(200);
      expect(res.headers.get("x-cache")).toBe("MISS");
    } finally {
      await next.dispose();
    }
    expect(existsSync(join(r2, "v3", "r2"))).toBe(true);
  }, 120_000);

  it("warms the bucket's simulation by reads alone when asked to warm Miniflare's simulations, and still answers its first search from the index", async () => {
    const r2 = join(dir, "r2");
    const listing = () => readdirSync(join(r2, "v3", "r2"), { recursive: true }).sort();
    const before = listing();
    const w = await startLocalWorker({
      assetsDir: join(dir, "assets"),
      scriptPath: script,
      r2Persist: r2,
      warmSimulators: true,
    });
    try {
      const res = await w.fetch("/api/search?q=Fuchs");
      expect(res.status).toBe(200);
      expect(res.headers.get("x-cache")).toBe("MISS");
    } finally {
      await w.dispose();
    }
    expect(listing()).toEqual(before);
  }, 120_000);
});
