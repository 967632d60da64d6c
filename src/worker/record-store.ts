/**
 * Record lookups over the built store: by id, by loose reference, by range,
 * and series listings in catalogue order. Takes its AssetStore as a
 * constructor argument, so it can be tested alone.
 */
import type { CatalogueRecord } from "../shared/record";
import type { Manifest, SeriesEntry, StoredRecord } from "../shared/manifest";
import { shardOf } from "../shared/hash";
import { compareReferences, parseReferenceRange, referenceRuns, referenceToId, MAX_RANGE_SPAN } from "../shared/reference";
import type { AssetStore } from "./asset-store";
import { ApiError } from "./errors";
import levenshtein from "talisman/metrics/levenshtein.js";

export type SeriesListing = { series: string; total: number; offset: number; limit: number; items: Array<{ id: string; reference: string }> };

export class RecordStore {
  constructor(private readonly assets: AssetStore) {}

  manifest(): Promise<Manifest> {
    return this.assets.manifest();
  }

  /** The stored record (with its related list) for an id, or null. */
  async stored(id: string): Promise<StoredRecord<CatalogueRecord> | null> {
    const m = await this.assets.manifest();
    const shard = shardOf(id, m.recordShards.count);
    const items = await this.assets.json<StoredRecord<CatalogueRecord>[]>(m.recordShards.paths[shard]!);
    return items.find((x) => x.record.id === id) ?? null;
  }

  /** A stored record's related records, resolved to ids, references and titles. */
  async related(stored: StoredRecord<CatalogueRecord>): Promise<Array<{ id: string; reference: string; title: string; why: string }>> {
    const list = stored.related ?? [];
    const records = await this.byDocs(list.map(([doc]) => doc));
    return list.map(([, why], i) => ({ id: records[i]!.id, reference: records[i]!.reference, title: records[i]!.title, why }));
  }

  async get(id: string): Promise<CatalogueRecord | null> {
    return (await this.stored(id))?.record ?? null;
  }

  /** Many records by doc number, reading each shard once. */
  async byDocs(docs: number[]): Promise<CatalogueRecord[]> {
    const m = await this.assets.manifest();
    const starts = m.recordShards.starts;
    return Promise.all(docs.map(async (doc) => {
      let lo = 0, hi = starts.length - 1;
      while (lo < hi) { // last shard whose start <= doc
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= doc) lo = mid; else hi = mid - 1;
      }
      const items = await this.assets.json<StoredRecord<CatalogueRecord>[]>(m.recordShards.paths[lo]!);
      return items[doc - starts[lo]!]!.record;
    }));
  }

  /**
   * Records for a loose reference or a range. Throws a 404 ApiError with the
   * nearest existing references when nothing matches.
   */
  async lookup(ref: string): Promise<CatalogueRecord[]> {
    const range = parseReferenceRange(ref);
    if (range) {
      if (range.to - range.from + 1 > MAX_RANGE_SPAN) {
        throw new ApiError(400, "bad_request", `lookup: the range ${range.from}-${range.to} spans more than ${MAX_RANGE_SPAN} references`);
      }
      const ids = await this.idsInRange(range.prefix, range.from, range.to);
      const found = (await Promise.all(ids.map((id) => this.get(id)))).filter((r): r is CatalogueRecord => r !== null);
      if (found.length) return found;
    } else {
      const id = referenceToId(ref);
      const one = id ? await this.get(id) : null;
      if (one) return [one];
    }
    throw new ApiError(404, "not_found", `lookup: no record has the reference "${ref}"`, { suggestions: await this.nearest(ref) });
  }

  /** The series whose key is `key` (e.g. `kv-2`), or null. */
  async series(key: string): Promise<SeriesEntry | null> {
    const m = await this.assets.manifest();
    return m.series.find((s) => s.key === key) ?? null;
  }

  async listSeries(name: string, offset: number, limit: number): Promise<SeriesListing> {
    const entry = await this.series(referenceToId(name));
    if (!entry) {
      const m = await this.assets.manifest();
      const key = referenceToId(name);
      const near = m.series.map((s) => ({ s, d: levenshtein(key, s.key) })).sort((a, b) => a.d - b.d).slice(0, 5).map((x) => x.s.name);
      throw new ApiError(404, "not_found", `series: no series is called "${name}"`, { suggestions: near });
    }
    const items: SeriesListing["items"] = [];
    const pageSize = entry.pages.length > 1 ? Math.ceil(entry.count / entry.pages.length) : entry.count;
    for (let p = Math.floor(offset / Math.max(pageSize, 1)); p < entry.pages.length && items.length < limit; p++) {
      const page = await this.assets.json<Array<[string, string]>>(entry.pages[p]!.path);
      const base = p * pageSize;
      for (let i = Math.max(0, offset - base); i < page.length && items.length < limit; i++) {
        items.push({ id: page[i]![0], reference: page[i]![1] });
      }
    }
    return { series: entry.name, total: entry.count, offset, limit, items };
  }

  private async idsInRange(prefix: string, from: number, to: number): Promise<string[]> {
    const m = await this.assets.manifest();
    // The range's prefix is a series key ("kv-2") or a series key plus more runs.
    const entry = [...m.series].sort((a, b) => b.key.length - a.key.length).find((s) => prefix === s.key || prefix.startsWith(s.key + "-"));
    if (!entry) return [];
    const ids: string[] = [];
    for (const page of entry.pages) {
      for (const [id] of await this.assets.json<Array<[string, string]>>(page.path)) {
        if (!id.startsWith(prefix + "-")) continue;
        const last = id.slice(prefix.length + 1);
        if (/^\d+$/.test(last) && Number(last) >= from && Number(last) <= to) ids.push(id);
      }
    }
    return ids;
  }

  /** Up to five existing references nearest to `ref`: same series by number, else by spelling. */
  async nearest(ref: string, count = 5): Promise<string[]> {
    const m = await this.assets.manifest();
    const key = referenceToId(ref);
    const entry = [...m.series].sort((a, b) => b.key.length - a.key.length).find((s) => key.startsWith(s.key + "-") || key === s.key);
    if (!entry) {
      return m.series.map((s) => ({ s, d: levenshtein(key.slice(0, s.key.length + 2), s.key) })).sort((a, b) => a.d - b.d).slice(0, count).map((x) => x.s.pages[0]?.first ?? x.s.name);
    }
    const runs = referenceRuns(ref);
    const num = Number(runs.filter((r) => /^\d+$/.test(r)).at(-1) ?? NaN);
    // Pick the page that would hold ref, plus its neighbours for references near the edges.
    let p = entry.pages.findLastIndex((pg) => compareReferences(pg.first, ref) <= 0);
    if (p < 0) p = 0;
    const candidates: string[] = [];
    for (const q of [p - 1, p, p + 1]) {
      const page = entry.pages[q];
      if (page) for (const [, reference] of await this.assets.json<Array<[string, string]>>(page.path)) candidates.push(reference);
    }
    const lastNumber = (r: string) => Number(referenceRuns(r).filter((x) => /^\d+$/.test(x)).at(-1) ?? NaN);
    const score = (r: string) => (Number.isFinite(num) && Number.isFinite(lastNumber(r)) ? Math.abs(lastNumber(r) - num) : levenshtein(referenceToId(r), key));
    return candidates.map((r) => ({ r, d: score(r) })).sort((a, b) => a.d - b.d || compareReferences(a.r, b.r)).slice(0, count).map((x) => x.r);
  }
}
