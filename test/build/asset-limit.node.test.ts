// Workers static assets take files of at most 25 MiB; `npm run build` names the files over it, so a catalogue too
// big for static assets is sent to R2 before a deploy fails.
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { filesOverAssetLimit, STATIC_ASSET_MAX_BYTES } from "../../scripts/lib/published-files";

const dir = mkdtempSync(join(tmpdir(), "dossier-asset-limit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A sparse file of `bytes`: its size is what counts, and it costs no disk. */
function fileOf(path: string, bytes: number) {
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), "");
  truncateSync(join(dir, path), bytes);
}

describe("files over the static assets limit", () => {
  it("names a file one byte over 25 MiB, largest first, and passes one of exactly 25 MiB", () => {
    fileOf("search/volume-of.bin", STATIC_ASSET_MAX_BYTES + 1);
    fileOf("search/lexicon.bin", STATIC_ASSET_MAX_BYTES + 1024);
    fileOf("packs/0.bin", STATIC_ASSET_MAX_BYTES);
    fileOf("manifest.json", 100);
    expect(filesOverAssetLimit(dir)).toEqual([
      { path: "search/lexicon.bin", bytes: STATIC_ASSET_MAX_BYTES + 1024 },
      { path: "search/volume-of.bin", bytes: STATIC_ASSET_MAX_BYTES + 1 },
    ]);
  });

  it("finds none in a build that fits", () => {
    const small = mkdtempSync(join(dir, "small-"));
    writeFileSync(join(small, "manifest.json"), "{}");
    expect(filesOverAssetLimit(small)).toEqual([]);
  });
});
