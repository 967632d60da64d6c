/**
 * The lazy manifest (issue 14): a new isolate parses only the manifest root, so the root must not grow with the
 * catalogue. Two small builds stand for a small and a large catalogue: 200 records in 2 series and 1 search shard,
 * and 2,000 records in 400 series held by 3 archives and 40 search shards. Anything listed in the root per record,
 * series or shard (a series entry is about 175 bytes, a shard entry about 180) would make the second root tens of
 * KiB bigger; paged tables add only 12 characters of hash per 16 KiB page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { builtSearchShards, builtSeries, readBuiltTable } from "../../src/indexer/build-folders";
import { syntheticCorpus } from "../../scripts/bench/synthetic-catalogue";
import { referenceToId } from "../../src/shared/reference";
import {
  MANIFEST_PATH,
  PAGED_TABLE_INLINE_BYTES,
  PAGED_TABLE_PAGE_BYTES,
  pagedTablePages,
  pagedTablePath,
  type Manifest,
  type SeriesArchives,
  type SeriesEntry,
  type SeriesSummary,
} from "../../src/shared/manifest";

/** Bytes the larger catalogue's root may exceed the smaller one's by: digits of counts and a few page hashes. */
const ROOT_GROWTH_LIMIT = 400;
const ROOT_LIMIT_BYTES = 16 * 1024;
const ARCHIVES = ["The National Archives, Kew", "National Archives of Australia", "NARA, College Park"];

let dir: string;
const builds = new Map<"small" | "large", { out: string; manifest: Manifest; rootBytes: number }>();

/** `records` synthetic records spread over `series` series (and the archives in turn), as JSON Lines. */
function writeCatalogue(file: string, records: number, series: number): void {
  const lines: string[] = [];
  let i = 0;
  for (const r of syntheticCorpus(records).records()) {
    const name = `ZZ ${(i % series) + 1}`;
    const reference = `${name}/${Math.floor(i / series) + 1}`;
    const heldBy = [ARCHIVES[(i % series) % ARCHIVES.length]!];
    lines.push(
      JSON.stringify({ ...r, id: referenceToId(reference), reference, series: name, department: "ZZ", heldBy }),
    );
    i++;
  }
  writeFileSync(file, lines.join("\n") + "\n");
}

function build(name: "small" | "large", records: number, series: number, shards: number): void {
  const data = join(dir, name, "data");
  mkdirSync(data, { recursive: true });
  writeCatalogue(join(data, "catalogue.jsonl"), records, series);
  const out = join(dir, name, "out");
  buildCatalogue({ dataDirs: [data], outDir: out, reportPath: join(dir, name, "report.json"), searchShards: shards });
  const manifest = JSON.parse(readFileSync(join(out, MANIFEST_PATH), "utf8")) as Manifest;
  builds.set(name, { out, manifest, rootBytes: statSync(join(out, MANIFEST_PATH)).size });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dossier-root-test-"));
  build("small", 200, 2, 1);
  build("large", 2000, 400, 40);
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const large = () => builds.get("large")!;

describe("the manifest root", () => {
  it("is the same size, within a few hundred bytes, for 10 × the records, 200 × the series and 40 × the shards", () => {
    const small = builds.get("small")!;
    expect(small.manifest.series.count).toBe(2);
    expect(large().manifest.series.count).toBe(400);
    expect(large().manifest.search!.shards.count).toBe(40);
    // Small tables are carried whole in the root as well (`PagedTable.entries`), each within a fixed bound; the rest
    // of the root must not grow.
    const inlined = (m: Manifest) => {
      let bytes = 0;
      const walk = (v: unknown): void => {
        if (!v || typeof v !== "object") return;
        const entries = (v as { entries?: unknown }).entries;
        if (typeof (v as { prefix?: unknown }).prefix === "string" && entries) {
          const n = JSON.stringify(entries).length;
          expect(n).toBeLessThanOrEqual(PAGED_TABLE_INLINE_BYTES);
          bytes += n + ',"entries":'.length;
        }
        for (const x of Object.values(v)) walk(x);
      };
      walk(m);
      return bytes;
    };
    const rest = (b: { manifest: Manifest; rootBytes: number }) => b.rootBytes - inlined(b.manifest);
    expect(rest(large()) - rest(small)).toBeLessThan(ROOT_GROWTH_LIMIT);
    expect(large().rootBytes).toBeLessThan(ROOT_LIMIT_BYTES);
  });

  it("names the series, search shards, typeahead, people and vocabulary as paged tables holding every key once", () => {
    const { out, manifest } = large();
    const s = manifest.search!;
    for (const table of [s.suggest, s.vocab, s.people.chunks, s.shards.table, manifest.series.table]) {
      const keys = Array.from({ length: pagedTablePages(table) }, (_, p) =>
        Object.keys(JSON.parse(readFileSync(join(out, pagedTablePath(table, p)), "utf8")) as object),
      ).flat();
      expect(keys.length).toBe(table.size);
      expect(new Set(keys).size).toBe(table.size);
      for (let p = 0; p < pagedTablePages(table); p++)
        expect(statSync(join(out, pagedTablePath(table, p))).size).toBeLessThan(2 * PAGED_TABLE_PAGE_BYTES);
    }
    expect(manifest.series.table.size).toBe(400);
    expect(pagedTablePages(manifest.series.table)).toBeGreaterThan(1);
  });

  it("keeps each shard's term table and doc range, and each series' page list, in the files it names", () => {
    const { out, manifest } = large();
    const shards = builtSearchShards(out, manifest);
    expect(shards.map((x) => [x.start, x.end])).toEqual(
      Array.from({ length: 40 }, (_, k) => [Math.round((k * 2000) / 40), Math.round(((k + 1) * 2000) / 40)]),
    );
    for (const shard of shards) {
      const table = JSON.parse(readFileSync(join(out, shard.terms), "utf8")) as { buckets: string };
      expect(table.buckets.length).toBe(shard.bucketCount * 12);
    }
    for (const series of builtSeries(out, manifest)) {
      const list = JSON.parse(readFileSync(join(out, series.pageList), "utf8")) as Array<{ first: string }>;
      expect(list[0]!.first).toBe(series.first);
    }
  });

  it("names a series summary bounded by archives, and each series' archive for search, outside the root", () => {
    const { out, manifest } = large();
    const summary = JSON.parse(readFileSync(join(out, manifest.series.summary), "utf8")) as SeriesSummary;
    expect(summary.archives.map((a) => a.name).sort()).toEqual([...ARCHIVES].sort());
    expect(summary.archives.reduce((n, a) => n + a.series, 0)).toBe(400);
    expect(summary.archives.reduce((n, a) => n + a.records, 0)).toBe(2000);
    for (const a of summary.archives) expect(a.top.length).toBeLessThanOrEqual(50);
    const archives = JSON.parse(readFileSync(join(out, manifest.series.archives), "utf8")) as SeriesArchives;
    const byKey = readBuiltTable<SeriesEntry>(out, manifest.series.table);
    archives.names.forEach((name, i) => {
      expect(archives.archives[archives.of[i]!]).toBe(byKey.get(referenceToId(name))!.heldBy);
    });
  });
});
