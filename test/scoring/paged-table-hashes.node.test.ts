/**
 * A paged table too big for its page hashes to sit in the manifest root (`PagedTable.hashesFile`, past
 * PAGED_TABLE_ROOT_PAGES pages; the typeahead's directory at 10M records has 856): the root names the hashes file
 * and the page count, and the Worker's AssetStore finds every key through that file, read once.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AssetWriter } from "../../src/indexer/content-hash";
import { readBuiltTable } from "../../src/indexer/build-folders";
import { writePagedTable } from "../../src/indexer/paged-table-assets";
import {
  FORMAT_VERSION,
  HASH_CHARS,
  PAGED_TABLE_ROOT_PAGES,
  pagedTablePages,
  pagedTablePath,
} from "../../src/shared/manifest";
import { AssetStore } from "../../src/worker/asset-store";

const dir = mkdtempSync(join(tmpdir(), "dossier-table-hashes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entries = (n: number): Array<[string, string]> =>
  Array.from({ length: n }, (_, i) => [`k${i.toString(36)}`, `/x/${i}.json`]);

describe("a paged table with its page hashes out of the root", () => {
  const out = new AssetWriter();
  // Pages of about 512 bytes: some 200 of them.
  const big = writePagedTable(out, "t", "page", entries(5000), 512);
  const small = writePagedTable(out, "t", "small", entries(600), 512);
  for (const [path, data] of out.files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), data);
  }
  writeFileSync(
    join(dir, "manifest.json"),
    JSON.stringify({
      format: FORMAT_VERSION,
      recordShards: { count: 0, perPage: 1, pages: 0, pageList: { hashes: "", starts: [] } },
      big,
      small,
    }),
  );

  it("names its hashes file and page count in the root, and only a table past the bound does", () => {
    expect(pagedTablePages(big)).toBeGreaterThan(PAGED_TABLE_ROOT_PAGES);
    expect(big.hashes).toBe("");
    expect(big.hashesFile).toMatch(/^\/t\/page-hashes\.[0-9a-f]{12}\.json$/);
    expect((JSON.parse(out.files.get(big.hashesFile!) as string) as string).length).toBe(
      pagedTablePages(big) * HASH_CHARS,
    );
    expect(() => pagedTablePath(big, 0)).toThrow(/page-hashes.*read them first/);
    expect(pagedTablePages(small)).toBeLessThanOrEqual(PAGED_TABLE_ROOT_PAGES);
    expect(small.hashesFile).toBeUndefined();
    expect(small.hashes.length).toBe(pagedTablePages(small) * HASH_CHARS);
  });

  it("gives every key to the Worker's lookups, which read the hashes file once", async () => {
    // The built files served as the ASSETS binding would, each read counted.
    const reads = new Map<string, number>();
    const fetcher = {
      async fetch(req: Request): Promise<Response> {
        const path = decodeURIComponent(new URL(req.url).pathname);
        reads.set(path, (reads.get(path) ?? 0) + 1);
        const file = join(dir, path);
        return existsSync(file) ? new Response(readFileSync(file)) : new Response("not found", { status: 404 });
      },
    };
    const assets = new AssetStore(fetcher as unknown as Fetcher);
    for (const [k, v] of entries(5000).filter((_, i) => i % 37 === 0)) expect(await assets.tableGet(big, k)).toBe(v);
    expect(await assets.tableGet(big, "absent")).toBeUndefined();
    expect(await assets.tableGet(big, "__proto__")).toBeUndefined();
    expect(reads.get(big.hashesFile!)).toBe(1);
    expect((await assets.tableEntries(big)).size).toBe(5000);
    expect(readBuiltTable(dir, big).size).toBe(5000);
  });
});
