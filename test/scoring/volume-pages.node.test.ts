/**
 * The volume column read a page at a time (src/worker/search/volume-reads.ts, layout in `VolumeIndex`): a collapsed
 * search reads the directory once and, for its best hits, only the pages of the column holding them, so what it
 * reads does not grow with the catalogue.
 */
import { describe, expect, it } from "vitest";
import { AssetWriter } from "../../src/indexer/content-hash";
import { buildVolumes } from "../../src/indexer/volume-assets";
import { VOLUME_PAGES_PREFIX, volumeDirLayout, volumePagePath, type VolumeIndex } from "../../src/shared/index-format";
import { FORMAT_VERSION, hashAt } from "../../src/shared/manifest";
import { groupVolumes } from "../../src/shared/volumes";
import { AssetStore } from "../../src/worker/asset-store";
import { volumeLists, volumesOf } from "../../src/worker/search/volume-reads";
import { testRecord, twoFilesOfVolumes } from "../record-fixture";

/** The files of `out` served as the ASSETS binding would, each read counted. */
function servedStore(files: ReadonlyMap<string, string | Uint8Array>) {
  const reads = new Map<string, number>();
  const fetcher = {
    async fetch(req: Request): Promise<Response> {
      const path = decodeURIComponent(new URL(req.url).pathname);
      reads.set(path, (reads.get(path) ?? 0) + 1);
      const data = path === "/manifest.json" ? MANIFEST : files.get(path);
      return data === undefined ? new Response("not found", { status: 404 }) : new Response(data);
    },
  };
  return { store: new AssetStore(fetcher as unknown as Fetcher), reads };
}

const MANIFEST = JSON.stringify({ format: FORMAT_VERSION, recordShards: { count: 0, pages: [] } });

/** The page hashes the volume directory lists. */
function pageHashes(out: AssetWriter, index: VolumeIndex): string {
  const layout = volumeDirLayout(index);
  const bin = out.files.get(index.dir) as Uint8Array;
  return new TextDecoder().decode(bin.subarray(layout.pageHashesAt, layout.segmentHashesAt));
}

describe("the volume column, read a page at a time", () => {
  it("gives every doc its file of several volumes, whose list names its ids", async () => {
    const records = twoFilesOfVolumes();
    const out = new AssetWriter();
    const index = buildVolumes(records, out, { segmentBytes: 8 });
    const groups = groupVolumes(records);
    const { store } = servedStore(out.files);
    const volumes = await volumesOf(store, index);
    const found = await volumes.groupsOf(records.map((_, d) => d));
    expect(records.map((_, d) => found.get(d) ?? -1)).toEqual(
      records.map((_, d) => groups.findIndex(([docs]) => docs.includes(d))),
    );
    const lists = await volumeLists(store, volumes, [0, 1]);
    expect([lists.get(0), lists.get(1)]).toEqual(groups.map(([, ids]) => ids));
  });

  it("reads a doc's group from the page of the column holding it, and no other page", async () => {
    // 1,000 docs: files of three volumes, every fourth doc in none; pages of 64 docs.
    const records = Array.from({ length: 1000 }, (_, i) =>
      i % 4 === 3
        ? testRecord({ id: `b-${i}`, reference: `B, ${i}`, title: `Loose paper ${i}`, series: "B" })
        : testRecord({
            id: `a-${i}`,
            reference: `A, ${i}`,
            title: `File ${Math.floor(i / 4)} volume ${i % 4}`,
            series: "A",
          }),
    );
    const out = new AssetWriter();
    const index = buildVolumes(records, out, { pageDocs: 64 });
    expect(index.pages).toEqual({ count: 16, docs: 64 });
    const groups = groupVolumes(records);
    const hashes = pageHashes(out, index);
    const { store, reads } = servedStore(out.files);
    const volumes = await volumesOf(store, index);
    const pageOf = (doc: number) => volumePagePath(Math.floor(doc / 64), hashAt(hashes, Math.floor(doc / 64)));
    expect(await volumes.groupsOf([700, 703])).toEqual(
      new Map([[700, groups.findIndex(([docs]) => docs.includes(700))]]),
    );
    const pagesRead = [...reads.keys()].filter((p) => p.startsWith(VOLUME_PAGES_PREFIX));
    expect(pagesRead).toEqual([pageOf(700)]);
    // Every doc, the last page's 40 included; docs outside the catalogue have none.
    const all = await volumes.groupsOf([-1, 1000, 1.5, ...records.map((_, d) => d)]);
    expect(records.map((_, d) => all.get(d) ?? -1)).toEqual(
      records.map((_, d) => groups.findIndex(([docs]) => docs.includes(d))),
    );
    expect(all.size).toBe(index.volumeDocs);
    expect(reads.get(index.dir)).toBe(1);
    expect(Math.max(...[...reads.values()])).toBe(1);
  });

  it("says which page is corrupt when a page does not hold its docs' groups", async () => {
    const records = Array.from({ length: 100 }, (_, i) =>
      testRecord({
        id: `a-${i}`,
        reference: `A, ${i}`,
        title: `File ${Math.floor(i / 2)} volume ${i % 2}`,
        series: "A",
      }),
    );
    const out = new AssetWriter();
    const index = buildVolumes(records, out, { pageDocs: 32 });
    const hashes = pageHashes(out, index);
    const path = volumePagePath(1, hashAt(hashes, 1));
    const cut = (out.files.get(path) as Uint8Array).subarray(0, 40);
    const { store } = servedStore(new Map([...out.files, [path, cut]]));
    const volumes = await volumesOf(store, index);
    await expect(volumes.groupsOf([40])).rejects.toThrow(/volume-of\/1\./);
  });
});
