/**
 * Uploading a build into R2 (scripts/lib/r2-upload.ts, what `npm run deploy:r2`
 * and the R2 suite's setup run): only objects the bucket lacks, the manifest
 * after every chunk it names. Against Miniflare's real R2, under a key prefix
 * of its own so the served catalogue is not touched.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bucketTarget, uploadBuild, type BucketTarget, type BuildSource } from "../../scripts/lib/r2-upload";

const bucket = env.CATALOGUE_BUCKET!;
let run = 0;

/** A target writing under its own prefix of the real bucket, recording the order of its puts. */
function prefixedTarget(): { target: BucketTarget; puts: string[]; prefix: string } {
  const prefix = `upload-test-${Date.now().toString(36)}-${run++}/`;
  const inner = bucketTarget(bucket);
  const puts: string[] = [];
  return {
    prefix,
    puts,
    target: {
      getText: (key) => inner.getText(prefix + key),
      put: async (key, bytes) => {
        puts.push(key);
        await inner.put(prefix + key, bytes);
      },
    },
  };
}

function build(files: Record<string, string>): BuildSource {
  return {
    list: async () => Object.keys(files),
    read: async (path) => new TextEncoder().encode(files[path]),
  };
}

const first = {
  "/manifest.json": '{"v":1}',
  "/records/0.aaaaaaaaaaaa.json": "[0]",
  "/records/1.bbbbbbbbbbbb.json": "[1]",
  "/search/terms/0.cccccccccccc.bin": "terms",
  "/widget.js": "not catalogue",
};

describe("uploading a build to R2", () => {
  it("puts every catalogue object of a first build, the manifest after every chunk, and not the widget", async () => {
    const { target, puts, prefix } = prefixedTarget();
    const r = await uploadBuild(build(first), target);
    expect(r).toMatchObject({ uploaded: 4, kept: 0 });
    expect(puts.slice(-2)).toEqual(["manifest.json", "uploaded.json"]);
    expect(puts).not.toContain("widget.js");
    expect(await (await bucket.get(`${prefix}records/1.bbbbbbbbbbbb.json`))?.text()).toBe("[1]");
  });

  it("puts only the changed chunks and the manifest when a build changes one record shard", async () => {
    const { target, puts } = prefixedTarget();
    await uploadBuild(build(first), target);
    puts.length = 0;
    const second = { ...first, "/manifest.json": '{"v":2}', "/records/1.dddddddddddd.json": "[1b]" };
    delete (second as Record<string, string>)["/records/1.bbbbbbbbbbbb.json"];
    const r = await uploadBuild(build(second), target);
    expect(r).toMatchObject({ uploaded: 2, kept: 2 });
    expect(puts).toEqual(["records/1.dddddddddddd.json", "manifest.json", "uploaded.json"]);
  });

  it("puts nothing but the manifest when the build is unchanged", async () => {
    const { target } = prefixedTarget();
    await uploadBuild(build(first), target);
    expect(await uploadBuild(build(first), target)).toMatchObject({ uploaded: 1, kept: 3 });
  });

  it("resumes an upload stopped midway from the objects it had listed, not from nothing", async () => {
    const { target, puts } = prefixedTarget();
    const files: Record<string, string> = { "/manifest.json": '{"v":3}' };
    for (let i = 0; i < 10; i++) files[`/records/${i}.${String(i).repeat(12)}.json`] = `[${i}]`;
    let left = 6;
    const failing: BucketTarget = {
      getText: target.getText,
      put: async (key, bytes) => {
        if (key.startsWith("records/") && left-- <= 0) throw new Error("connection lost");
        await target.put(key, bytes);
      },
    };
    // One at a time, the list every two objects: six put, then the seventh fails.
    await expect(uploadBuild(build(files), failing, 1, 2)).rejects.toThrow("connection lost");
    expect(puts.filter((k) => k === "uploaded.json")).toHaveLength(3);
    expect(puts).not.toContain("manifest.json");
    puts.length = 0;
    expect(await uploadBuild(build(files), target, 1, 2)).toMatchObject({ uploaded: 5, kept: 6 });
    expect(puts.filter((k) => k.startsWith("records/"))).toHaveLength(4);
    expect(puts.at(-2)).toBe("manifest.json");
  });

  it("refuses a folder without a manifest, saying so", async () => {
    const { target } = prefixedTarget();
    await expect(uploadBuild(build({ "/records/0.aaaaaaaaaaaa.json": "[]" }), target)).rejects.toThrow(
      /has no \/manifest\.json/,
    );
  });
});
