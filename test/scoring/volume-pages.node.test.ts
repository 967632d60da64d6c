/**
 * The volume column read a page at a time (src/worker/search/volume-reads.ts, layout in `VolumeIndex`): a collapsed
 * search reads the directory once and, for its best hits, only the pages of the column holding them, so what it
 * reads does not grow with the catalogue.
 */
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { SEARCH_DEFAULTS } from "../../src/worker/search/engine";
import { localService, warmSearchRequest } from "./local-index";
import { AssetWriter, contentHash } from "../../src/indexer/content-hash";
import { buildVolumes } from "../../src/indexer/volume-assets";
import {
  VOLUME_PAGES_PREFIX,
  VOLUME_SEGMENTS_PREFIX,
  volumeDirLayout,
  volumePagePath,
  type VolumeIndex,
} from "../../src/shared/index-format";
import { FORMAT_VERSION, HASH_CHARS, hashAt } from "../../src/shared/manifest";
import type { CatalogueRecord } from "../../src/shared/record";
import { groupVolumes } from "../../src/shared/volumes";
import { AssetStore } from "../../src/worker/asset-store";
import { volumeLists, volumesOf } from "../../src/worker/search/volume-reads";
import { collapseBest } from "../../src/worker/search/search-service";
import type { ScoredDoc } from "../../src/worker/search/scoring";
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

const MANIFEST = JSON.stringify({
  format: FORMAT_VERSION,
  recordShards: { count: 0, perPage: 1, pages: 0, pageList: { hashes: "", starts: [] } },
});

/** The page hashes the volume directory lists. */
function pageHashes(out: AssetWriter, index: VolumeIndex): string {
  const layout = volumeDirLayout(index);
  const bin = out.files.get(index.dir) as Uint8Array;
  return new TextDecoder().decode(bin.subarray(layout.pageHashesAt, layout.segmentHashesAt));
}

/**
 * `n` records: files of `volumes` volumes each, one doc in `every` in no file (none when `every` is 0).
 */
function filesOfVolumes(n: number, volumes: number, every = 0): CatalogueRecord[] {
  return Array.from({ length: n }, (_, i) =>
    every && i % every === every - 1
      ? testRecord({ id: `b-${i}`, reference: `B, ${i}`, title: `Loose paper ${i}`, series: "B" })
      : testRecord({
          id: `a-${i}`,
          reference: `A, ${i}`,
          title: `File ${Math.floor(i / volumes)} volume ${i % volumes}`,
          series: "A",
        }),
  );
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
    const lists = await volumeLists(store, volumes, [0, 1], 100);
    expect([lists.get(0), lists.get(1)]).toEqual(groups.map(([, ids]) => ({ count: ids.length, ids })));
  });

  it("reads a doc's group from the page of the column holding it, and no other page", async () => {
    // 1,000 docs: files of volumes, every fourth doc in none; pages of 64 docs.
    const records = filesOfVolumes(1000, 4, 4);
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

  it("shows a file's first volumes and counts them all, and reads its segment once an isolate", async () => {
    // Files of 40 volumes: a hit shows the first 25 and says 40.
    const records = filesOfVolumes(400, 40);
    const out = new AssetWriter();
    const index = buildVolumes(records, out, { segmentBytes: 64 });
    const groups = groupVolumes(records);
    const first = servedStore(out.files);
    const asked = [0, 3, 7];
    const lists = await volumeLists(first.store, await volumesOf(first.store, index), asked, 25);
    expect(asked.map((g) => lists.get(g))).toEqual(asked.map((g) => ({ count: 40, ids: groups[g]![1].slice(0, 25) })));
    const segmentReads = (reads: Map<string, number>) =>
      [...reads.keys()].filter((p) => p.startsWith(VOLUME_SEGMENTS_PREFIX)).length;
    expect(segmentReads(first.reads)).toBe(3);
    // A store of its own holds no segment (as a full assets budget would not): the files' lists are kept apart.
    const again = servedStore(out.files);
    const volumes = await volumesOf(again.store, index);
    expect(await volumeLists(again.store, volumes, asked, 25)).toEqual(lists);
    expect(segmentReads(again.reads)).toBe(0);
    // A file not asked for before is read from its segment.
    expect((await volumeLists(again.store, volumes, [5], 25)).get(5)).toEqual({
      count: 40,
      ids: groups[5]![1].slice(0, 25),
    });
    expect(segmentReads(again.reads)).toBe(1);
  });

  it("says which page is corrupt when a page's bytes do not hold its docs' groups", async () => {
    const out = new AssetWriter();
    const index = buildVolumes(filesOfVolumes(100, 2), out, { pageDocs: 32 });
    // Page 1 cut short, under the name of its own (cut) bytes, and a directory that names it: the content hash
    // checks pass, so what fails is the page's layout.
    const layout = volumeDirLayout(index);
    const dir = (out.files.get(index.dir) as Uint8Array).slice();
    const cut = (out.files.get(volumePagePath(1, hashAt(pageHashes(out, index), 1))) as Uint8Array).slice(0, 40);
    const cutPath = volumePagePath(1, contentHash(cut));
    dir.set(new TextEncoder().encode(contentHash(cut)), layout.pageHashesAt + HASH_CHARS);
    const dirPath = `/search/volume-dir.${contentHash(dir)}.bin`;
    const files = new Map([...out.files, [cutPath, cut], [dirPath, dir]]);
    const volumes = await volumesOf(servedStore(files).store, { ...index, dir: dirPath });
    await expect(volumes.groupsOf([40])).rejects.toThrow(
      new RegExp(`${cutPath.replace(/[./]/g, "\\$&")}.*40 bytes do not hold 32 docs' bits and \\d+ groups`),
    );
    // The pages around it are whole.
    expect((await volumes.groupsOf([0, 64])).size).toBe(2);
  });
});

describe("collapsing the best hits into files", () => {
  /** The real column of `records` (pages of 32 docs), its `groupsOf` counting the docs and pages each round asks. */
  async function countedColumn(records: CatalogueRecord[]) {
    const out = new AssetWriter();
    const index = buildVolumes(records, out, { pageDocs: 32 });
    const { store, reads } = servedStore(out.files);
    const volumes = await volumesOf(store, index);
    const rounds: number[][] = [];
    const groupsOf = (docs: number[]) => {
      rounds.push(docs);
      return volumes.groupsOf(docs);
    };
    const pagesRead = () => [...reads.keys()].filter((p) => p.startsWith(VOLUME_PAGES_PREFIX)).length;
    return { groupsOf, rounds, pagesRead };
  }
  const hitsOf = (docs: number[]) => docs.map((doc, i) => ({ doc, score: 100 - i }) as unknown as ScoredDoc);

  it("reads the groups of only the hits that fill the page when they are files of their own", async () => {
    // 400 docs in files of 2 volumes; the best 40 hits are one volume of each of 40 files, a page apart.
    const { groupsOf, rounds, pagesRead } = await countedColumn(filesOfVolumes(400, 2));
    const pool = hitsOf(Array.from({ length: 40 }, (_, i) => (i * 32) % 400));
    const best = await collapseBest(pool, 10, false, groupsOf);
    expect(rounds).toEqual([pool.slice(0, 10).map((h) => h.doc)]);
    expect(best.collapsed.map((h) => h.doc)).toEqual(pool.slice(0, 10).map((h) => h.doc));
    expect(best.all).toBe(false);
    expect(pagesRead()).toBe(10);
  });

  it("reads further hits, twice the files missing each round, while volumes of one file fill the page", async () => {
    // Files of 6 volumes: the best 6 hits are one file, then one volume of each of 34 others.
    const { groupsOf, rounds } = await countedColumn(filesOfVolumes(480, 6));
    const pool = hitsOf([0, 1, 2, 3, 4, 5, ...Array.from({ length: 34 }, (_, i) => 6 * (i + 1))]);
    const best = await collapseBest(pool, 10, false, groupsOf);
    // The first round's ten hits are five files; the second looks at ten more.
    expect(rounds.map((r) => r.length)).toEqual([10, 10]);
    // The first file once, at its best volume, then the next files.
    expect(best.collapsed.map((h) => h.doc).slice(0, 10)).toEqual([0, 6, 12, 18, 24, 30, 36, 42, 48, 54]);
    expect(best.collapsed).toHaveLength(15);
  });

  it("reads half as many hits again, not all of them, when a shown file's volume leaves the page one file short", async () => {
    // Files of 2 volumes: the best two hits are one file, then one volume of each of 38 others.
    const { groupsOf, rounds } = await countedColumn(filesOfVolumes(480, 2));
    const pool = hitsOf([0, 1, ...Array.from({ length: 38 }, (_, i) => 2 * (i + 1))]);
    const best = await collapseBest(pool, 10, false, groupsOf);
    expect(rounds.map((r) => r.length)).toEqual([10, 5]);
    expect(best.collapsed.map((h) => h.doc).slice(0, 10)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  });

  it("collapses the whole pool in one round when every match is in it, for an exact count of files", async () => {
    const { groupsOf, rounds } = await countedColumn(filesOfVolumes(400, 2));
    const pool = hitsOf(Array.from({ length: 30 }, (_, i) => i));
    const best = await collapseBest(pool, 10, true, groupsOf);
    expect(rounds.map((r) => r.length)).toEqual([30]);
    expect(best.collapsed).toHaveLength(15);
    expect(best.all).toBe(true);
  });
});

describe("a collapsed search's count of files", () => {
  it("says another page follows when it counted files only as far as its page looked, and is exact when every match fitted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dossier-files-count-"));
    try {
      for (const [n, relation] of [
        [200, "gte"],
        [20, "eq"],
      ] as const) {
        // Files of two like-titled volumes, every title matching "file".
        const data = join(dir, `data-${n}`);
        mkdirSync(data);
        writeFileSync(
          join(data, "records.jsonl"),
          filesOfVolumes(n, 2)
            .map((r) => JSON.stringify(r))
            .join("\n"),
        );
        buildCatalogue({ dataDirs: [data], outDir: join(dir, `out-${n}`) });
        const { service } = await localService(join(dir, `out-${n}`));
        const res = await service.search({ ...warmSearchRequest("file"), collapse: true, limit: 10 });
        expect(res.hits).toHaveLength(10);
        expect(res.hits.every((h) => h.volumes === 2)).toBe(true);
        expect(res.files!.relation).toBe(relation);
        // More than the page (the pager's test for a next page), or exactly the files there are.
        expect(res.files!.value).toBe(relation === "eq" ? 10 : 11);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("a search hit standing for a big file of volumes", () => {
  it("counts every volume and lists the first ones' ids, as many as the search shows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dossier-big-file-"));
    try {
      // One file of 130 like-titled volumes, beside records of another series.
      const records = [
        ...Array.from({ length: 130 }, (_, i) =>
          testRecord({
            id: `kv-2-${i + 1}`,
            reference: `KV 2/${i + 1}`,
            title: "Register of aliens, Margate",
            series: "KV 2",
          }),
        ),
        ...filesOfVolumes(40, 1),
      ];
      mkdirSync(join(dir, "data"));
      writeFileSync(join(dir, "data", "records.jsonl"), records.map((r) => JSON.stringify(r)).join("\n"));
      buildCatalogue({ dataDirs: [join(dir, "data")], outDir: join(dir, "out") });
      const { service } = await localService(join(dir, "out"));
      const res = await service.search({ ...warmSearchRequest("register aliens margate"), collapse: true });
      const shown = SEARCH_DEFAULTS.volumeIdsShown;
      expect(res.hits[0]).toMatchObject({ volumes: 130 });
      expect(res.hits[0]!.volumeIds).toEqual(Array.from({ length: shown }, (_, i) => `kv-2-${i + 1}`));
      expect(res.files).toEqual({ value: 1, relation: "eq" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
