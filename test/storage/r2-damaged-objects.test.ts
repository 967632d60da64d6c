/**
 * A damaged object in the R2 bucket looks from outside as a damaged static
 * asset does (test/hardening/damaged-assets.test.ts): 503 index_unavailable
 * naming the kind, found by the deep health check. Only in the R2 suite.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bindings, request } from "../cache/worker-env";

/**
 * The real bucket with every object whose key matches `target` cut to half its bytes.
 * Each call makes a new binding object, so the Worker's per-binding store starts cold.
 */
function damagedBucket(target: RegExp): R2Bucket {
  const real = env.CATALOGUE_BUCKET!;
  const get = async (key: string, options?: R2GetOptions) => {
    const obj = await real.get(key, options);
    if (!obj || !target.test(key)) return obj;
    const bytes = new Uint8Array(await obj.arrayBuffer());
    const cut = bytes.subarray(0, Math.floor(bytes.length / 2));
    return { arrayBuffer: async () => cut.slice().buffer, text: async () => new TextDecoder().decode(cut) };
  };
  return { get } as unknown as R2Bucket;
}

describe.runIf(env.ASSET_BACKEND === "r2")("a damaged object in the R2 bucket", () => {
  it("answers 503 index_unavailable naming the records kind", async () => {
    const b = bindings({ CATALOGUE_BUCKET: damagedBucket(/^records\//) });
    const { status, body } = await request("/api/records/kv-2-2681", b);
    expect(status).toBe(503);
    expect(body.error.code).toBe("index_unavailable");
    expect(body.error.asset).toBe("records");
  });

  it("is named by the deep health check, and only it", async () => {
    const b = bindings({ CATALOGUE_BUCKET: damagedBucket(/^search\/lexicon\./) });
    const { status, body } = await request("/api/health?deep=1", b);
    expect(status).toBe(503);
    expect(body.failing.map((f: { kind: string }) => f.kind)).toEqual(["search/lexicon"]);
  });

  it("answers 503 naming the bucket when an object is missing from it", async () => {
    const real = env.CATALOGUE_BUCKET!;
    const missing = { get: async (key: string) => (key.startsWith("records/") ? null : real.get(key)) };
    const { status, body } = await request(
      "/api/records/kv-2-2681",
      bindings({ CATALOGUE_BUCKET: missing as R2Bucket }),
    );
    expect(status).toBe(503);
    expect(body.error.message).toMatch(/is missing from the R2 bucket; upload the build with npm run deploy:r2/);
  });
});
