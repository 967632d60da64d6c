/**
 * The two storage backends read the same bytes: whole objects and byte
 * ranges, through the real static assets binding and Miniflare's R2. Runs in
 * both workerd projects (the default one binds an R2 bucket it does not serve from).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MANIFEST_PATH, recordTablePagePath, type Manifest, type RecordTablePages } from "../../src/shared/manifest";
import { R2AssetStorage, StaticAssetStorage } from "../../src/worker/storage/asset-storage";
import { bindings, request } from "../cache/worker-env";

const bucket = env.CATALOGUE_BUCKET!;
const text = (b: ArrayBuffer | null) => (b ? new TextDecoder().decode(b) : null);

describe("the R2 backend", () => {
  it("reads a whole object, a byte range of it, and null for a key the bucket lacks", async () => {
    await bucket.put("storage-test/abc.txt", "0123456789abcdef");
    const r2 = new R2AssetStorage(bucket);
    expect(text(await r2.get("/storage-test/abc.txt"))).toBe("0123456789abcdef");
    expect(text(await r2.getRange("/storage-test/abc.txt", 10, 4))).toBe("abcd");
    expect(await r2.get("/storage-test/none.txt")).toBeNull();
    expect(await r2.getRange("/storage-test/none.txt", 0, 4)).toBeNull();
  });
});

describe.runIf(env.ASSETS)("the static assets backend", () => {
  // Miniflare's assets binding answers a Range request with 200 and the whole file (checked
  // here on 2026-12-01), so a range costs a whole read there: packs are an R2 layout (see README).
  it("reads a byte range as the same bytes a whole read holds there", async () => {
    const assets = new StaticAssetStorage(env.ASSETS);
    const whole = await assets.get(MANIFEST_PATH);
    const m = JSON.parse(text(whole)!) as Manifest;
    const path = recordTablePagePath(m.recordShards.pageList as RecordTablePages, 0);
    const table = new Uint8Array((await assets.get(path))!);
    const part = new Uint8Array((await assets.getRange(path, 7, 50))!);
    expect(part).toEqual(table.subarray(7, 57));
    expect(await assets.get("/records/none.000000000000.json")).toBeNull();
  });
});

describe("the backend setting", () => {
  it("answers 503 index_unavailable saying what is missing when r2 is chosen without a bucket", async () => {
    const { status, body } = await request(
      "/api/health",
      bindings({ ASSET_BACKEND: "r2", CATALOGUE_BUCKET: undefined }),
    );
    expect(status).toBe(503);
    expect(body.error.code).toBe("index_unavailable");
    expect(body.error.message).toMatch(/no R2 bucket is bound as CATALOGUE_BUCKET/);
  });

  it("refuses a backend it does not know, naming the ones it does", async () => {
    const b: Record<string, unknown> = bindings();
    b.ASSET_BACKEND = "s3";
    const { status, body } = await request("/api/health", b as ReturnType<typeof bindings>);
    expect(status).toBe(503);
    expect(body.error.message).toMatch(/ASSET_BACKEND is "s3"; it must be one of assets, r2/);
  });
});
