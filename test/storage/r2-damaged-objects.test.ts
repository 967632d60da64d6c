/**
 * A damaged object in the R2 bucket looks from outside as a damaged static
 * asset does (test/hardening/damaged-assets.test.ts): 503 index_unavailable
 * naming the kind of chunk a request needed, found by the deep health check.
 * Only in the R2 suite, whose build is packed: the damage is to pack files.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bindings, request } from "../cache/worker-env";

const PACKS = /^packs\/\d+-\d+\.[0-9a-f]+\.pack$/;

/**
 * The real bucket with every object whose key matches `target` cut to half the
 * bytes asked for (a truncated upload). Each call makes a new binding object,
 * so the Worker's per-binding store starts cold.
 */
function damagedBucket(target: RegExp): R2Bucket {
  const real = env.CATALOGUE_BUCKET!;
  const get = async (key: string, options?: R2GetOptions) => {
    const obj = await real.get(key, options);
    if (!obj || !target.test(key)) return obj;
    const bytes = new Uint8Array(await obj.arrayBuffer());
    const cut = bytes.slice(0, Math.floor(bytes.length / 2));
    return { arrayBuffer: async () => cut.buffer, text: async () => new TextDecoder().decode(cut) };
  };
  return { get } as unknown as R2Bucket;
}

describe.runIf(env.ASSET_BACKEND === "r2")("a damaged pack in the R2 bucket", () => {
  it("answers 503 index_unavailable naming the kind of chunk the request read from it", async () => {
    const b = bindings({ CATALOGUE_BUCKET: damagedBucket(PACKS) });
    const { status, body } = await request("/api/records/kv-2-2681", b);
    expect(status).toBe(503);
    expect(body.error.code).toBe("index_unavailable");
    // The record-shard table's pages are files of their own, so a lookup's first packed chunk is its record shard.
    expect(body.error.asset).toBe("records");
    expect(body.error.message).toMatch(/its pack \/packs\/\d+-\d+\.[0-9a-f]+\.pack gave \d+ of its \d+ bytes/);
  });

  it("is found by the deep health check, which names the packs and the chunks in them", async () => {
    const { status, body } = await request("/api/health?deep=1", bindings({ CATALOGUE_BUCKET: damagedBucket(PACKS) }));
    expect(status).toBe(503);
    const kinds = body.failing.map((f: { kind: string }) => f.kind);
    expect(kinds).toEqual(expect.arrayContaining(["packs", "records", "search/terms"]));
    expect(kinds).not.toContain("packs/directory");
    expect(kinds).not.toContain("packs/files");
  });

  it("reports ok from the deep health check on the whole bucket, directory and packs included", async () => {
    const { status, body } = await request("/api/health?deep=1");
    expect(status).toBe(200);
    expect(Object.keys(body.checked)).toEqual(
      expect.arrayContaining(["packs", "packs/directory", "packs/files", "records", "records/table", "series"]),
    );
  });

  it("answers 503 naming the bucket when a pack is missing from it", async () => {
    const real = env.CATALOGUE_BUCKET!;
    const gone = { get: (key: string, o?: R2GetOptions) => (PACKS.test(key) ? null : real.get(key, o)) };
    const { status, body } = await request("/api/records/kv-2-2681", bindings({ CATALOGUE_BUCKET: gone as R2Bucket }));
    expect(status).toBe(503);
    expect(body.error.message).toMatch(/is missing from the R2 bucket; upload the build with npm run deploy:r2/);
  });
});
