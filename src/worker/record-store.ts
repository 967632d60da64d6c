/**
 * Record lookups over the built store: by id, by loose reference, by range,
 * and series listings in catalogue order. Takes its AssetStore as a
 * constructor argument, so it can be tested alone.
 */
import { ISOLATE_MEMORY } from "./isolate-memory";
import type { CatalogueRecord } from "../shared/record";
import {
  lastAtOrBelow,
  recordShardPath,
  recordTablePageOf,
  recordTablePagePath,
  recordTablePagePaths,
  type RecordTablePages,
  type Manifest,
  type RecordShardTablePage,
  type SeriesEntry,
  type SeriesPage,
  type SeriesPageEntry,
  type StoredRecord,
} from "../shared/manifest";
import { shardOf } from "../shared/hash";
import { lruBySize } from "../shared/lru";
import {
  compareReferences,
  parseReferenceRange,
  referenceRuns,
  referenceToId,
  MAX_RANGE_SPAN,
} from "../shared/reference";
import type { AssetStore } from "./asset-store";
import { ApiError } from "./errors";
import { allSeries, seriesByKey, seriesOfKey } from "./series-directory";
import levenshtein from "talisman/metrics/levenshtein.js";

export interface SeriesItem {
  id: string;
  reference: string;
  title: string | null;
  coveringDates: string | null;
}
export type SeriesListing = {
  series: string;
  heldBy: string | null;
  total: number;
  offset: number;
  limit: number;
  items: SeriesItem[];
};

/** Catalogue order, and among items sharing a reference the bare id first, then by item key. */
function catalogueOrder(a: CatalogueRecord, b: CatalogueRecord): number {
  return compareReferences(a.reference, b.reference) || compareReferences(a.id, b.id);
}

/**
 * Bytes of stored records an isolate keeps. A record shard is parsed to find a record in it, but only the records
 * asked for are kept, not whole shards: a page of ten hits reads ten shards of eight or so records each, and
 * keeping the shards made an isolate's heap grow by their other records with every query. A 100k warm mix's
 * records fit (see docs/benchmarks-history.md, and `ISOLATE_MEMORY.records`).
 */
export const RECORD_CACHE_BYTES = ISOLATE_MEMORY.records;

/** Record table pages a cold search reads ahead whole (see prefetchTable): about 0.5 MB of JSON at most. */
export const RECORD_TABLE_PREFETCH_PAGES = 12;

/**
 * Stored records by shard path and place (`<path>#<index>`) or id (`<path>\u0000<id>`). The path is
 * content-hashed, so one build's records never answer for another's.
 */
const recordCache = lruBySize<string, StoredRecord<CatalogueRecord>>(RECORD_CACHE_BYTES, storedBytes);

/** Bytes the record cache holds now, as counted against `RECORD_CACHE_BYTES`. */
export function recordCacheBytes(): number {
  return recordCache.calculatedSize;
}

/** Approximate heap bytes of a stored record: its strings' characters, twice over for object overhead. */
function storedBytes(s: StoredRecord<CatalogueRecord>): number {
  let n = 64 + 24 * (s.related?.length ?? 0);
  for (const v of Object.values(s.record)) {
    if (typeof v === "string") n += 24 + v.length;
    else if (Array.isArray(v)) for (const x of v) n += 24 + (typeof x === "string" ? x.length : 16);
    else n += 16;
  }
  return 2 * n;
}

export class RecordStore {
  constructor(private readonly assets: AssetStore) {}

  manifest(): Promise<Manifest> {
    return this.assets.manifest();
  }

  /** The stored record (with its related list) for an id, or null. */
  async stored(id: string): Promise<StoredRecord<CatalogueRecord> | null> {
    const m = await this.assets.manifest();
    const path = await this.shardPath(shardOf(id, m.recordShards.count));
    const key = `${path}\u0000${id}`;
    const hit = recordCache.get(key);
    if (hit) return hit;
    const items = await this.assets.deflatedJson<StoredRecord<CatalogueRecord>[]>(path, false);
    const found = items.find((x) => x.record.id === id) ?? null;
    if (found) recordCache.set(key, found);
    return found;
  }

  /** Asset path of record shard `k`, from its page of the shard table (read once, then held like any chunk). */
  async shardPath(k: number): Promise<string> {
    const m = await this.assets.manifest();
    return recordShardPath(await this.tablePage(m, recordTablePageOf(m, k)), k);
  }

  /**
   * Starts reading the whole record table when it has at most `maxPages` pages (100k records: 7 pages of 37 KB),
   * so a cold search finds the table read by the time its hits are known instead of reading it after scoring:
   * one round trip fewer on the cold path. A larger table is read page by page as hits need it. A build's startup
   * bundle usually holds the pages (shared/manifest.ts `StartupBundle`): then they are no read of their own.
   * A larger table's page list, when it is a file of its own, is read now.
   */
  async prefetchTable(maxPages = RECORD_TABLE_PREFETCH_PAGES): Promise<void> {
    const m = await this.assets.manifest();
    const list = await this.pageList(m);
    if (m.recordShards.pages > maxPages) return;
    await Promise.all(recordTablePagePaths(list).map((path) => this.assets.json<RecordShardTablePage>(path)));
  }

  /** The table's page list (`RecordTablePages`): the root's, or its own file's, read once and then held. */
  private async pageList(m: Manifest): Promise<RecordTablePages> {
    const list = m.recordShards.pageList;
    return typeof list === "string" ? this.assets.json<RecordTablePages>(list) : list;
  }

  /** The table page holding doc `doc`. */
  private async pageOfDoc(m: Manifest, doc: number): Promise<RecordShardTablePage> {
    return this.tablePage(m, lastAtOrBelow((await this.pageList(m)).starts, doc));
  }

  private async tablePage(m: Manifest, p: number): Promise<RecordShardTablePage> {
    if (!(p >= 0 && p < m.recordShards.pages))
      throw new ApiError(503, "index_unavailable", `record-store: the manifest has no record table page ${p}`);
    return this.assets.json<RecordShardTablePage>(recordTablePagePath(await this.pageList(m), p));
  }

  /** A stored record's related records, resolved to ids, references and titles. */
  async related(
    stored: StoredRecord<CatalogueRecord>,
  ): Promise<Array<{ id: string; reference: string; title: string; why: string }>> {
    const list = stored.related ?? [];
    const records = await this.byDocs(list.map(([doc]) => doc));
    return list.map(([, why], i) => ({
      id: records[i]!.id,
      reference: records[i]!.reference,
      title: records[i]!.title,
      why,
    }));
  }

  async get(id: string): Promise<CatalogueRecord | null> {
    return (await this.stored(id))?.record ?? null;
  }

  /**
   * Reads the record-table pages that hold `docs`, so a search that has its likely page of hits reads them beside
   * the volume column's pages, not after them: one round trip fewer when the table is too big to be read ahead
   * (prefetchTable). Never rejects; `byDocs` meets a failure. The caller starts it without waiting and awaits it
   * before its request ends, as any read it started.
   */
  async prefetchPagesOf(docs: readonly number[]): Promise<void> {
    try {
      const m = await this.assets.manifest();
      if (m.recordShards.pages <= RECORD_TABLE_PREFETCH_PAGES) return;
      const { starts } = await this.pageList(m);
      const pages = new Set(docs.map((doc) => lastAtOrBelow(starts, doc)));
      await Promise.all([...pages].map((p) => this.tablePage(m, p)));
    } catch {
      // Met again, with its error, by the read that needs the page.
    }
  }

  /** Many records by doc number, reading each shard once. */
  async byDocs(docs: number[]): Promise<CatalogueRecord[]> {
    const m = await this.assets.manifest();
    return Promise.all(
      docs.map(async (doc) => {
        // The last page, then the last shard on it, whose start is at or below the doc.
        const page = await this.pageOfDoc(m, doc);
        const i = lastAtOrBelow(page.starts, doc);
        const path = recordShardPath(page, page.first + i);
        const at = doc - page.starts[i]!;
        const key = `${path}#${at}`;
        const hit = recordCache.get(key);
        if (hit) return hit.record;
        const items = await this.assets.deflatedJson<StoredRecord<CatalogueRecord>[]>(path, false);
        const item = items[at];
        if (!item) throw new ApiError(503, "index_unavailable", `record-store: ${path} has no record ${at}`);
        recordCache.set(key, item);
        return item.record;
      }),
    );
  }

  /**
   * Records for a loose reference or a range, in catalogue order. A reference
   * may name several distinct items (NAA files two people under "A6119, 141";
   * the build gives all but one an id with an item key), so this returns
   * every one; one that names no record but heads others (a piece catalogued
   * only by its items) returns those (`under`). Throws a 404 ApiError with the
   * nearest existing references when nothing matches.
   */
  async lookup(ref: string): Promise<CatalogueRecord[]> {
    const found = await this.find(ref);
    if (found.length) return found;
    throw new ApiError(404, "not_found", `lookup: no record has the reference "${ref}"`, {
      suggestions: await this.nearest(ref),
    });
  }

  /**
   * What `lookup` answers, or none when nothing matches: without the nearest references a 404 lists, which a search
   * reading a reference out of its text (often only words, "MI5 1940") does not need.
   */
  async find(ref: string): Promise<CatalogueRecord[]> {
    const range = parseReferenceRange(ref);
    let found: CatalogueRecord[] = [];
    if (range) {
      if (range.to - range.from + 1 > MAX_RANGE_SPAN) {
        throw new ApiError(
          400,
          "bad_request",
          `lookup: the range ${range.from}-${range.to} spans more than ${MAX_RANGE_SPAN} references`,
        );
      }
      const ids = await this.idsInRange(range.prefix, range.from, range.to);
      found = (await Promise.all(ids.map((id) => this.get(id)))).filter((r): r is CatalogueRecord => r !== null);
    } else {
      const key = referenceToId(ref);
      if (key) found = await this.itemsOfKey(key);
      // A piece catalogued only by its items (ADM 101/84): its items, as search finds them.
      if (!found.length) found = await this.under(ref, MAX_RANGE_SPAN);
    }
    return found.sort(catalogueOrder);
  }

  /**
   * Records filed under a reference that names no record itself, in catalogue order, at most `max`: a piece whose
   * items alone are catalogued (ADM 101/84 holds ADM 101/84/4/10). They sort right after it, so the series pages
   * from where it would stand are read until the references no longer begin with it.
   */
  async under(ref: string, max: number): Promise<CatalogueRecord[]> {
    const key = referenceToId(ref);
    const entry = key ? await this.seriesOfKey(key) : null;
    if (!entry) return [];
    const pages = await this.seriesPages(entry);
    const first = Math.max(
      0,
      pages.findLastIndex((pg) => compareReferences(pg.first, ref) <= 0),
    );
    const ids: string[] = [];
    scan: for (let p = first; p < pages.length; p++) {
      for (const [id, reference] of await this.assets.json<Array<[string, string]>>(pages[p]!.path)) {
        if (referenceToId(reference).startsWith(`${key}-`)) {
          ids.push(id);
          if (ids.length >= max) break scan;
        } else if (compareReferences(reference, ref) > 0) break scan;
      }
    }
    return (await Promise.all(ids.map((id) => this.get(id)))).filter((r): r is CatalogueRecord => r !== null);
  }

  /**
   * Every record whose reference has the key `key`. The bare id is read
   * straight from its shard; the series page that would list the reference
   * tells whether other items share it.
   */
  private async itemsOfKey(key: string): Promise<CatalogueRecord[]> {
    const [one, listed] = await Promise.all([this.get(key), this.listedUnder(key)]);
    const others = (listed ?? []).filter((id) => id !== key);
    if (others.length === 0) return one ? [one] : [];
    const rest = (await Promise.all(others.map((id) => this.get(id)))).filter((r): r is CatalogueRecord => r !== null);
    return one ? [one, ...rest] : rest;
  }

  /**
   * Ids of the series page entries whose reference has the key `key`, or null
   * when no series key prefixes it (a JFK number is filed under "JFK", so
   * only its shard can say whether it exists).
   */
  private async listedUnder(key: string): Promise<string[] | null> {
    const entry = await this.seriesOfKey(key);
    if (!entry) return null;
    const pages = await this.seriesPages(entry);
    // References with one key sort together, but may straddle a page break:
    // start at the last page beginning before the key, end at the last beginning at it.
    const last = pages.findLastIndex((pg) => compareReferences(pg.first, key) <= 0);
    if (last < 0) return [];
    const first = Math.max(
      0,
      pages.findLastIndex((pg) => compareReferences(pg.first, key) < 0),
    );
    const ids: string[] = [];
    for (let p = first; p <= last; p++) {
      for (const [id, reference] of await this.assets.json<Array<[string, string]>>(pages[p]!.path)) {
        if (referenceToId(reference) === key) ids.push(id);
      }
    }
    return ids;
  }

  /** A series' listing pages: a list out of the manifest root, read on the series' first listing or lookup. */
  private seriesPages(entry: SeriesEntry): Promise<SeriesPage[]> {
    return this.assets.json<SeriesPage[]>(entry.pageList);
  }

  /** The series with the longest key that is `key` or a prefix of it ending at a run boundary. */
  private seriesOfKey(key: string): Promise<SeriesEntry | null> {
    return seriesOfKey(this.assets, key);
  }

  /** The series whose key is `key` (e.g. `kv-2`), or null. */
  series(key: string): Promise<SeriesEntry | null> {
    return seriesByKey(this.assets, key);
  }

  async listSeries(name: string, offset: number, limit: number): Promise<SeriesListing> {
    const entry = await this.series(referenceToId(name));
    if (!entry) {
      const key = referenceToId(name);
      const near = (await allSeries(this.assets))
        .map((s) => ({ s, d: levenshtein(key, s.key) }))
        .sort((a, b) => a.d - b.d || compareReferences(a.s.name, b.s.name))
        .slice(0, 5)
        .map((x) => x.s.name);
      throw new ApiError(404, "not_found", `series: no series is called "${name}"`, { suggestions: near });
    }
    const items: SeriesListing["items"] = [];
    const pages = await this.seriesPages(entry);
    const pageSize = pages.length > 1 ? Math.ceil(entry.count / pages.length) : entry.count;
    for (let p = Math.floor(offset / Math.max(pageSize, 1)); p < pages.length && items.length < limit; p++) {
      const page = await this.assets.json<SeriesPageEntry[]>(pages[p]!.path);
      const base = p * pageSize;
      for (let i = Math.max(0, offset - base); i < page.length && items.length < limit; i++) {
        const [id, reference, title, coveringDates] = page[i]!;
        items.push({ id, reference, title: title ?? null, coveringDates: coveringDates ?? null });
      }
    }
    return { series: entry.name, heldBy: entry.heldBy ?? null, total: entry.count, offset, limit, items };
  }

  private async idsInRange(prefix: string, from: number, to: number): Promise<string[]> {
    // The range's prefix is a series key ("kv-2") or a series key plus more runs.
    const entry = await this.seriesOfKey(prefix);
    if (!entry) return [];
    const ids: string[] = [];
    for (const page of await this.seriesPages(entry)) {
      for (const [id, reference] of await this.assets.json<Array<[string, string]>>(page.path)) {
        // By the reference's key, not the id: a second item under one reference has an id with an item key after it.
        const key = referenceToId(reference);
        if (!key.startsWith(prefix + "-")) continue;
        const last = key.slice(prefix.length + 1);
        if (/^\d+$/.test(last) && Number(last) >= from && Number(last) <= to) ids.push(id);
      }
    }
    return ids;
  }

  /** Up to five existing references nearest to `ref`: same series by number, else by spelling. */
  async nearest(ref: string, count = 5): Promise<string[]> {
    const key = referenceToId(ref);
    const entry = await this.seriesOfKey(key);
    if (!entry) {
      return (await allSeries(this.assets))
        .map((s) => ({ s, d: levenshtein(key.slice(0, s.key.length + 2), s.key) }))
        .sort((a, b) => a.d - b.d || compareReferences(a.s.name, b.s.name))
        .slice(0, count)
        .map((x) => x.s.first || x.s.name);
    }
    const runs = referenceRuns(ref);
    const num = Number(runs.filter((r) => /^\d+$/.test(r)).at(-1) ?? NaN);
    // Pick the page that would hold ref, plus its neighbours for references near the edges.
    const pages = await this.seriesPages(entry);
    let p = pages.findLastIndex((pg) => compareReferences(pg.first, ref) <= 0);
    if (p < 0) p = 0;
    const candidates: string[] = [];
    for (const q of [p - 1, p, p + 1]) {
      const page = pages[q];
      if (page)
        for (const [, reference] of await this.assets.json<Array<[string, string]>>(page.path))
          candidates.push(reference);
    }
    // Distinct items sharing a reference would otherwise suggest it more than once.
    const unique = [...new Set(candidates)];
    const lastNumber = (r: string) =>
      Number(
        referenceRuns(r)
          .filter((x) => /^\d+$/.test(x))
          .at(-1) ?? NaN,
      );
    const score = (r: string) =>
      Number.isFinite(num) && Number.isFinite(lastNumber(r))
        ? Math.abs(lastNumber(r) - num)
        : levenshtein(referenceToId(r), key);
    return unique
      .map((r) => ({ r, d: score(r) }))
      .sort((a, b) => a.d - b.d || compareReferences(a.r, b.r))
      .slice(0, count)
      .map((x) => x.r);
  }
}
