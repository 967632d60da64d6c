import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { SeriesEntry, SeriesPage, SeriesPageEntry } from "../../src/shared/manifest";
import { SERIES_PAGE_SIZE } from "../../src/shared/manifest";
import { compareReferences, referenceToId } from "../../src/shared/reference";
import { AssetWriter } from "../../src/indexer/content-hash";
import { catalogueRanks } from "../../src/indexer/reference-order";
import { SeriesListing } from "../../src/indexer/series-listing";

const root = mkdtempSync(join(tmpdir(), "dossier-series-listing-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Doc {
  series: string;
  entry: SeriesPageEntry;
  heldBy: string | null;
}

/** The listing as the record store made it before it spilled: each series' entries sorted whole, by reference then id. */
function heldListing(docs: Doc[]) {
  const bySeries = new Map<string, Doc[]>();
  for (const d of docs) (bySeries.get(d.series) ?? bySeries.set(d.series, []).get(d.series)!).push(d);
  return [...bySeries]
    .sort((a, b) => compareReferences(a[0], b[0]))
    .map(([name, list]) => {
      list.sort((a, b) => compareReferences(a.entry[1], b.entry[1]) || compareReferences(a.entry[0], b.entry[0]));
      const pages: SeriesPageEntry[][] = [];
      for (let i = 0; i < list.length; i += SERIES_PAGE_SIZE)
        pages.push(list.slice(i, i + SERIES_PAGE_SIZE).map((d) => d.entry));
      return { name, count: list.length, heldBy: list[0]!.heldBy, pages };
    });
}

/** A catalogue of several series, its docs in a shuffled order, with references that tie (distinct items). */
function catalogue(size: number): Doc[] {
  let x = 7;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const docs: Doc[] = [];
  for (let i = 0; i < size; i++) {
    const series = ["KV 2", "KV 3", "HO 45", "WO 208"][next() % 4]!;
    const piece = next() % (size / 3);
    // Every fifth doc shares its reference with another item, told apart by an item key in its id.
    const reference = `${series}/${piece}`;
    const id = `${referenceToId(reference)}${i % 5 === 0 ? `~${String.fromCharCode(97 + (next() % 26))}${i}` : `-${i}`}`;
    docs.push({ series, entry: [id, reference, `Title ${i}`, null], heldBy: ["TNA", "NAA", null][next() % 3]! });
  }
  return docs;
}

function listed(docs: Doc[], blockEntries: number) {
  // The docs are not in catalogue order: ranked by sorting them all, as a layout made by hand is.
  const ranks = catalogueRanks(
    docs.map((d) => d.entry[1]),
    [0],
  );
  const listing = new SeriesListing(ranks, join(root, `runs-${blockEntries}`), blockEntries);
  docs.forEach((d, doc) => {
    listing.add(doc, d.series, d.entry, d.heldBy);
  });
  const out = new AssetWriter();
  const series = listing.finish(out);
  const read = (path: string) => JSON.parse(out.files.get(path) as string);
  return series.map((s: SeriesEntry) => ({
    name: s.name,
    count: s.count,
    heldBy: s.heldBy,
    pages: (read(s.pageList) as SeriesPage[]).map((p) => read(p.path) as SeriesPageEntry[]),
  }));
}

describe("series listings gathered in sorted runs on disk", () => {
  it("lists every series page by page in catalogue order, ties by id, as sorting each series whole did", () => {
    const docs = catalogue(3_000);
    const expected = heldListing(docs);
    expect(expected.some((s) => s.pages.length > 1)).toBe(true);
    // One block (nothing spilled) and blocks of 97 entries (about thirty runs merged) give the same pages.
    expect(listed(docs, 1_000_000)).toEqual(expected);
    expect(listed(docs, 97)).toEqual(expected);
  });

  it("leaves no scratch runs behind once the listing is written", () => {
    listed(catalogue(500), 50);
    expect(readdirSync(root).filter((f) => f.startsWith("runs-50"))).toEqual([]);
    expect(existsSync(root)).toBe(true);
  });

  it("names the doc that has no catalogue rank", () => {
    const listing = new SeriesListing(new Uint32Array(1), join(root, "runs-short"));
    expect(() => listing.add(1, "KV 2", ["kv-2-1", "KV 2/1"], null)).toThrow(
      /series-listing: doc 1 has no catalogue rank/,
    );
    listing.remove();
  });
});
