/**
 * Packing (src/indexer/pack-assets.ts): every chunk reads back byte for byte
 * from its pack through the directory, no pack passes the limit, and a
 * rebuild that changes one chunk changes only the pack holding it.
 */
import { describe, expect, it } from "vitest";
import {
  MANIFEST_PATH,
  pagedTablePageOf,
  pagedTablePath,
  packIndexCommonPages,
  packIndexPageOf,
  packIndexPagePath,
  packIndexPages,
  packShardOf,
  packShardPages,
  type PackDirectory,
  type PagedTable,
} from "../../src/shared/manifest";
import { PackIndexPage } from "../../src/shared/pack-index";
import { contentHash } from "../../src/indexer/content-hash";
import { packAssets, packLayoutKey } from "../../src/indexer/pack-assets";
import { shardGroups } from "../../src/shared/shard-groups";

/** A build's chunk map: `n` chunks of varied sizes under the packed folders, a manifest and a widget file. */
function chunks(n: number, seed = 1): Map<string, string | Uint8Array> {
  const files = new Map<string, string | Uint8Array>([
    [MANIFEST_PATH, "{}"],
    ["/widget.js", "w"],
  ]);
  for (let i = 0; i < n; i++) {
    const data = `${i}:${seed}:`.padEnd(100 + ((i * 7919) % 3000), "x");
    const dir = ["records", "series", "search/terms"][i % 3];
    files.set(`/${dir}/${i}.${contentHash(data)}.json`, data);
  }
  return files;
}

/** The value under `key` in a paged table, read from the built files as the Worker reads it. */
function tableGet<V>(files: Map<string, string | Uint8Array>, table: PagedTable, key: string): V | undefined {
  const page = JSON.parse(files.get(pagedTablePath(table, pagedTablePageOf(table, key))) as string) as Record<
    string,
    V
  >;
  return Object.hasOwn(page, key) ? page[key] : undefined;
}

/** Every pack file the directory names. */
function packFiles(files: Map<string, string | Uint8Array>, dir: PackDirectory): string[] {
  return Array.from({ length: dir.files.size }, (_, i) => tableGet<string>(files, dir.files, String(i))!);
}

function readBack(files: Map<string, string | Uint8Array>, dir: PackDirectory, path: string): string {
  const page = files.get(packIndexPagePath(dir.index, packIndexPageOf(dir.index, path))) as Uint8Array;
  const [pack, offset, length] = PackIndexPage.decode(page.slice().buffer).get(path)!;
  const bytes = files.get(tableGet<string>(files, dir.files, String(pack))!) as Uint8Array;
  return new TextDecoder().decode(bytes.subarray(offset, offset + length));
}

/** Where the directory puts `path`: its pack file's path, offset and length. */
function locate(files: Map<string, string | Uint8Array>, dir: PackDirectory, path: string): [string, number, number] {
  const page = files.get(packIndexPagePath(dir.index, packIndexPageOf(dir.index, path))) as Uint8Array;
  const [pack, offset, length] = PackIndexPage.decode(page.slice().buffer).get(path)!;
  return [tableGet<string>(files, dir.files, String(pack))!, offset, length];
}

const SMALL = { targetBytes: 20_000, maxBytes: 40_000, dirPageBytes: 4_000, indexPageEntries: 100 };

describe("packing a build's chunks", () => {
  it("reads every chunk back byte for byte from its pack, through its directory page", () => {
    const input = chunks(600);
    const { files, directory } = packAssets(input, SMALL);
    expect(directory.files.size).toBeGreaterThan(10);
    expect(packIndexPages(directory.index)).toBeGreaterThan(5);
    for (const [path, data] of input) {
      if (path === MANIFEST_PATH || path === "/widget.js") expect(files.get(path)).toBe(data);
      else expect(readBack(files, directory, path), path).toBe(data);
    }
    expect([...files.keys()].filter((p) => p.startsWith("/records/") || p.startsWith("/search/"))).toEqual([]);
  });

  it("gives each search shard's chunks directory pages of their own, after the common pages", () => {
    const input = chunks(300);
    // Three shards' term chunks, shard 2 the biggest.
    for (let i = 0; i < 420; i++) {
      const k = i % 7 < 4 ? 2 : i % 7 < 6 ? 1 : 0;
      const data = `s${k}:${i}`.padEnd(200, "y");
      input.set(`/search/s${k}/terms/${i}.${contentHash(data)}.bin`, data);
    }
    const { files, directory } = packAssets(input, SMALL);
    const { index } = directory;
    // 240 chunks in shard 2 at 100 a page: three pages a shard; 300 others: three common pages.
    expect(index.shards).toEqual({ count: 3, pages: 3 });
    expect(packIndexCommonPages(index)).toBe(3);
    expect(packIndexPages(index)).toBe(3 + 3 * 3);
    for (const [path, data] of input) {
      if (path === MANIFEST_PATH || path === "/widget.js") continue;
      const k = packShardOf(index, path);
      const page = packIndexPageOf(index, path);
      if (k === undefined) expect(page).toBeLessThan(3);
      else {
        expect(k).toBe(Number(path.split("/")[2]!.slice(1)));
        const [first, end] = packShardPages(index, k);
        expect(page >= first && page < end, path).toBe(true);
      }
      expect(readBack(files, directory, path), path).toBe(data);
    }
    // A build of one shard (its chunks under /search/, not /search/s0/) has common pages only.
    expect(packAssets(chunks(300), SMALL).directory.index.shards).toBeUndefined();
  });

  it("leaves the tables a query reads first out of packs, as files of their own", () => {
    const input = chunks(60);
    input.set("/search/s1/term-table.0123456789ab.json", "{}");
    input.set("/records/table-0.0123456789ab.json", "{}");
    const { files, directory } = packAssets(input, SMALL);
    expect(files.get("/search/s1/term-table.0123456789ab.json")).toBe("{}");
    expect(files.get("/records/table-0.0123456789ab.json")).toBe("{}");
    expect(directory.index.size).toBe(60);
  });

  it("writes no pack over its limit, and far fewer files than chunks", () => {
    const { files, directory } = packAssets(chunks(600), SMALL);
    for (const p of packFiles(files, directory))
      expect((files.get(p) as Uint8Array).byteLength).toBeLessThanOrEqual(40_000);
    expect(files.size).toBeLessThan(600 / 5);
  });

  it("rewrites only the pack of a changed chunk when a rebuild changes one", () => {
    const first = packAssets(chunks(600), SMALL);
    const before = packFiles(first.files, first.directory);
    const changed = chunks(600);
    const victim = [...changed.keys()].find((p) => p.startsWith("/records/"))!;
    changed.delete(victim);
    const data = "changed".padEnd(500, "y");
    changed.set(victim.replace(/\.[0-9a-f]+\.json$/, `.${contentHash(data)}.json`), data);
    const second = packAssets(changed, SMALL);
    const after = packFiles(second.files, second.directory);
    const gone = before.filter((p) => !after.includes(p));
    expect(gone.length).toBe(1);
  });

  it("refuses chunks bigger than a pack may be, naming every one, largest first", () => {
    const files = new Map([["/search/terms/solo-x.aaaaaaaaaaaa.bin", new Uint8Array(50_000)]]);
    expect(() => packAssets(files, SMALL)).toThrow(
      "pack-assets: 1 chunk is over the 40000-byte pack limit: /search/terms/solo-x.aaaaaaaaaaaa.bin (50000 bytes)",
    );
    files.set("/search/suggest/b.bbbbbbbbbbbb.json", new Uint8Array(60_000));
    files.set("/records/3.cccccccccccc.json", new Uint8Array(100));
    expect(() => packAssets(files, SMALL)).toThrow(
      "pack-assets: 2 chunks are over the 40000-byte pack limit: /search/suggest/b.bbbbbbbbbbbb.json (60000 bytes), /search/terms/solo-x.aaaaaaaaaaaa.bin (50000 bytes)",
    );
  });

  it("lays a group's term chunks of one bucket side by side in one pack, in shard order, past 16 shards", () => {
    const input = chunks(60);
    // 34 shards: 16 groups of two or three. Shard 1 has twice the buckets of the rest (a power of two each).
    const shards = 34;
    const path = (k: number, name: string) => {
      const data = `s${k}:${name}`.padEnd(300 + k, "z");
      const p = `/search/s${k}/terms/${name}.${contentHash(data)}.bin`;
      input.set(p, data);
      return p;
    };
    const made = Array.from({ length: shards }, (_, k) => ({
      buckets: Array.from({ length: k === 1 ? 8 : 4 }, (_, b) => path(k, String(b))),
      solo: path(k, "solo-abc"),
    }));
    const { files, directory } = packAssets(input, SMALL);
    for (const [first, end] of shardGroups(shards)) {
      const runs = [0, 1, 2, 3].map((b) =>
        made.slice(first, end).flatMap((m) => m.buckets.filter((_, i) => i % 4 === b)),
      );
      runs.push(made.slice(first, end).map((m) => m.solo));
      for (const run of runs) {
        const at = run.map((p) => locate(files, directory, p));
        expect(new Set(at.map(([pack]) => pack)).size, run.join()).toBe(1);
        // Each begins where the one before it ends: one range holds them all, in shard order.
        for (let i = 1; i < at.length; i++) expect(at[i]![1], run[i]).toBe(at[i - 1]![1] + at[i - 1]![2]);
      }
    }
    for (const [path, data] of input)
      if (path.startsWith("/search/")) expect(readBack(files, directory, path)).toBe(data);
  });

  it("keys term chunks by their own names when each group is one shard", () => {
    const paths = [0, 1, 2].flatMap((k) => [
      `/search/s${k}/terms/0.0123456789ab.bin`,
      `/search/s${k}/terms/1.ba9876543210.bin`,
    ]);
    const key = packLayoutKey(paths);
    expect(paths.map(key)).toEqual(paths.map((p) => p.replace(/\.[0-9a-f]+\.bin$/, ".bin")));
  });
});
