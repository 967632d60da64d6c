/**
 * How the build lays out the startup bundle (indexer/startup-bundle-assets.ts): the files a cold search reads
 * first, end to end, each table whole or not at all within the bound, and nothing bundled when nothing is saved.
 */
import { describe, expect, it } from "vitest";
import { AssetWriter } from "../../src/indexer/content-hash";
import { withStartupBundle } from "../../src/indexer/startup-bundle-assets";
import { buildVolumes } from "../../src/indexer/volume-assets";
import { VOLUME_PAGES_PREFIX } from "../../src/shared/index-format";
import { recordTablePagePaths, type Manifest, type RecordTablePages } from "../../src/shared/manifest";
import { testRecord } from "../record-fixture";

const h = (i: number) => String(i).padStart(12, "0");

/** A manifest of two record-table pages and a series archive list, with no search index and no packs. */
function manifest(pages = 2): Manifest {
  return {
    format: 5,
    version: "v",
    builtAt: "",
    records: 10,
    sources: {},
    recordShards: {
      count: pages,
      perPage: 1,
      pages,
      pageList: {
        hashes: Array.from({ length: pages }, (_, p) => h(p)).join(""),
        starts: Array.from({ length: pages }, (_, p) => p * 5),
      },
    },
    series: {
      count: 0,
      table: { prefix: "/series/dir/page", hashes: h(9), size: 0, entries: {} },
      summary: `/series/summary/summary.${h(8)}.json`,
      archives: `/series/archives/archives.${h(7)}.json`,
    },
  };
}

/** The record table's page paths of a manifest whose page list is in its root. */
function tablePages(m: Manifest): string[] {
  return recordTablePagePaths(m.recordShards.pageList as RecordTablePages);
}

function files(sizes: Record<string, number>) {
  const bytes = new Map(
    Object.entries(sizes).map(([p, n], i) => [p, new Uint8Array(n).fill(i + 1)] as [string, Uint8Array]),
  );
  const emitted = new Map<string, Uint8Array>();
  return {
    read: (p: string) => {
      const b = bytes.get(p);
      if (!b) throw new Error(`no ${p}`);
      return b;
    },
    emit: (p: string, d: Uint8Array) => void emitted.set(p, d),
    bytes,
    emitted,
  };
}

describe("the startup bundles the build writes", () => {
  it("lay a table's files end to end, in the order the manifest lists them, under a content-hashed name", () => {
    const m = manifest();
    const f = files({ [tablePages(m)[0]!]: 10, [tablePages(m)[1]!]: 20, [m.series.archives]: 5 });
    const out = withStartupBundle(m, f.read, f.emit);
    // The series archives are planning's (bundle 0) and alone there: a bundle of one saves no read, so they join
    // the record table's.
    expect(out.startup!.length).toBe(1);
    const [bundle] = out.startup!;
    expect(bundle!.files).toEqual([
      [tablePages(m)[0], 10],
      [tablePages(m)[1], 20],
      [m.series.archives, 5],
    ]);
    expect(bundle!.path).toMatch(/^\/packs\/startup-2\.[0-9a-f]{12}\.bin$/);
    const bytes = f.emitted.get(bundle!.path)!;
    expect(bytes.byteLength).toBe(35);
    let at = 0;
    for (const [p, n] of bundle!.files) {
      expect(bytes.subarray(at, at + n)).toEqual(f.bytes.get(p));
      at += n;
    }
  });

  it("leave out a table that would pass the bound, whole, so no reader finds half a table bundled", () => {
    const m = manifest();
    const sizes = { [tablePages(m)[0]!]: 40, [tablePages(m)[1]!]: 40, [m.series.archives]: 30 };
    const f = files(sizes);
    expect(withStartupBundle(m, f.read, f.emit, 100).startup).toBeUndefined();
    expect(f.emitted.size).toBe(0);
    const g = files({ ...sizes, [m.series.archives]: 200 });
    expect(withStartupBundle(m, g.read, g.emit, 120).startup![0]!.files.map(([p]) => p)).toEqual(tablePages(m));
  });

  it("write no bundle for a single file, which would save no read", () => {
    const m = manifest(1);
    const f = files({ [tablePages(m)[0]!]: 10, [m.series.archives]: 500 });
    expect(withStartupBundle(m, f.read, f.emit, 100)).toBe(m);
    expect(f.emitted.size).toBe(0);
  });

  it("take the volume column's pages with the room left, and else only its directory", () => {
    const records = Array.from({ length: 100 }, (_, i) =>
      testRecord({ id: `a-${i}`, reference: `A, ${i}`, title: `File ${i >> 1} volume ${i & 1}`, series: "A" }),
    );
    const built = new AssetWriter();
    const volumeIndex = buildVolumes(records, built, { pageDocs: 32 });
    const m = {
      ...manifest(),
      search: { shards: { count: 2 }, seriesNames: "/search/series-names.000000000001.json", volumeIndex },
    } as unknown as Manifest;
    const pages = [...built.files.keys()].filter((p) => p.startsWith(VOLUME_PAGES_PREFIX));
    expect(pages.length).toBe(4);
    const sizes: Record<string, number> = { [tablePages(m)[0]!]: 10, [tablePages(m)[1]!]: 20 };
    sizes[m.series.archives] = 5;
    sizes[m.search!.seriesNames] = 5;
    const f = files(sizes);
    const read = (p: string) => (built.files.has(p) ? (built.files.get(p) as Uint8Array) : f.read(p));
    const bundled = (maxBytes: number) =>
      withStartupBundle(m, read, f.emit, maxBytes).startup!.flatMap((b) => b.files.map(([p]) => p));
    const all = bundled(1 << 20);
    expect(all).toContain(volumeIndex.dir);
    expect(all.filter((p) => p.startsWith(VOLUME_PAGES_PREFIX)).sort()).toEqual(pages.sort());
    // Room for everything but the pages: the directory still goes, early, and the record table.
    const pageBytes = pages.reduce((n, p) => n + read(p).byteLength, 0);
    const some = bundled(40 + read(volumeIndex.dir).byteLength + pageBytes - 1);
    expect(some).toContain(volumeIndex.dir);
    expect(some).toEqual(expect.arrayContaining(tablePages(m)));
    expect(some.filter((p) => p.startsWith(VOLUME_PAGES_PREFIX))).toEqual([]);
  });

  it("put a sharded build's common directory pages with the record table, leaving the pack bundle to the files table", () => {
    const withPacks = (shards?: { count: number; pages: number }) =>
      ({
        ...manifest(),
        packs: {
          files: { prefix: "/packs/files", hashes: h(21) + h(22), size: 2 },
          index: { pages: h(31) + h(32) + h(33) + h(34), names: "", size: 40, ...(shards ? { shards } : {}) },
        },
      }) as Manifest;
    const bundleOf = (m: Manifest) => {
      const paths = [
        ...tablePages(m),
        m.series.archives,
        "/packs/files-0.000000000021.json",
        "/packs/files-1.000000000022.json",
        ...[31, 32, 33, 34].map((n, p) => `/packs/dir-${p}.${h(n)}.bin`),
      ];
      const f = files(Object.fromEntries(paths.map((p) => [p, 10])));
      const out = withStartupBundle(m, f.read, f.emit).startup!;
      const at = new Map(out.flatMap((b) => b.files.map(([p]) => [p, Number(/startup-(\d)/.exec(b.path)![1])])));
      return (p: string) => at.get(p);
    };
    // One shard: the Worker finds its term chunks through every page, in the pack bundle.
    const one = bundleOf(withPacks());
    expect(one("/packs/dir-3.000000000034.bin")).toBe(1);
    expect(one("/packs/files-0.000000000021.json")).toBe(1);
    // Two shards of one page each: two common pages, bundled with the record table; the shards' own are not bundled.
    const two = bundleOf(withPacks({ count: 2, pages: 1 }));
    expect(two("/packs/files-0.000000000021.json")).toBe(1);
    expect(two("/packs/dir-0.000000000031.bin")).toBe(2);
    expect(two("/packs/dir-1.000000000032.bin")).toBe(2);
    expect(two("/packs/dir-2.000000000033.bin")).toBeUndefined();
    expect(two(tablePages(manifest())[0]!)).toBe(2);
  });

  it("put a big record table's page list first, before its pages, and the list alone when the pages do not fit", () => {
    const inRoot = manifest(3);
    const listPath = `/records/table-pages.${h(50)}.json`;
    const m: Manifest = { ...inRoot, recordShards: { ...inRoot.recordShards, pageList: listPath } };
    const list = JSON.stringify(inRoot.recordShards.pageList);
    const sizes = Object.fromEntries(tablePages(inRoot).map((p) => [p, 40]));
    const f = files({ ...sizes, [m.series.archives]: 5 });
    const read = (p: string) => (p === listPath ? new TextEncoder().encode(list) : f.read(p));
    const bundled = (maxBytes: number) =>
      withStartupBundle(m, read, f.emit, maxBytes).startup!.flatMap((b) => b.files.map(([p]) => p));
    expect(bundled(1 << 20)).toEqual([listPath, ...tablePages(inRoot), m.series.archives]);
    expect(bundled(list.length + 5)).toEqual([listPath, m.series.archives]);
  });
});
