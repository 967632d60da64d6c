/**
 * The lazy manifest (issue 14): a new isolate parses only the manifest root, so the root must not grow with the
 * catalogue. At 20,000 synthetic records the root before the lazy layout was 30.5 KiB (15 KiB of it the
 * typeahead directory); every table that grows with the catalogue is now a paged table or a file of its own.
 * DOSSIER_ROOT_TEST_RECORDS sets the size: 20,000 by default.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { syntheticCorpus, writeJsonl } from "../../scripts/bench/synthetic-catalogue";
import {
  MANIFEST_PATH,
  PAGED_TABLE_PAGE_BYTES,
  pagedTablePages,
  pagedTablePath,
  type Manifest,
  type PagedTable,
} from "../../src/shared/manifest";

const RECORDS = Number(process.env.DOSSIER_ROOT_TEST_RECORDS ?? 20_000);
const ROOT_LIMIT_BYTES = 16 * 1024;
let dir: string;
let out: string;
let manifest: Manifest;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dossier-root-test-"));
  await writeJsonl(syntheticCorpus(RECORDS), join(dir, "data", "synthetic.jsonl"));
  out = join(dir, "out");
  buildCatalogue({ dataDirs: [join(dir, "data")], outDir: out, reportPath: join(dir, "report.json") });
  manifest = JSON.parse(readFileSync(join(out, MANIFEST_PATH), "utf8")) as Manifest;
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const pages = (t: PagedTable) => Array.from({ length: pagedTablePages(t) }, (_, p) => pagedTablePath(t, p));
const readPage = (path: string) => JSON.parse(readFileSync(join(out, path), "utf8")) as Record<string, unknown>;

describe(`the manifest root of a ${RECORDS}-record synthetic catalogue`, () => {
  it("stays under 16 KiB", () => {
    expect(statSync(join(out, MANIFEST_PATH)).size).toBeLessThan(ROOT_LIMIT_BYTES);
  });

  it("names the typeahead directory, people and vocabulary as paged tables whose pages hold every key once", () => {
    const s = manifest.search!;
    for (const table of [s.suggest, s.vocab, s.people.chunks]) {
      const keys = pages(table).flatMap((p) => Object.keys(readPage(p)));
      expect(keys.length).toBe(table.size);
      expect(new Set(keys).size).toBe(table.size);
    }
    expect(s.suggest.size).toBeGreaterThan(100);
    expect(s.people.chunks.size).toBe(s.people.count);
  });

  it("keeps each paged-table page near its target size, so one lookup reads one small page", () => {
    const s = manifest.search!;
    for (const p of pages(s.suggest)) expect(statSync(join(out, p)).size).toBeLessThan(2 * PAGED_TABLE_PAGE_BYTES);
  });

  it("keeps each search shard's bucket hashes and solo terms, and each series' page list, out of the root", () => {
    for (const shard of manifest.search!.shards) {
      const table = readPage(shard.terms) as { buckets: string; solo: Record<string, string> };
      expect(table.buckets.length).toBe(shard.bucketCount * 12);
      expect(Object.keys(table.solo).length).toBeGreaterThan(0);
    }
    for (const series of manifest.series) {
      const list = JSON.parse(readFileSync(join(out, series.pageList), "utf8")) as Array<{ first: string }>;
      expect(list[0]!.first).toBe(series.first);
    }
  });
});
