/**
 * Builds the chunked FlexSearch index and the search side files.
 *
 * One FlexSearch Index per field is built over the whole catalogue, then each
 * field's term map is split into buckets by a hash of the term, so a query
 * loads only the chunks of its own terms and ranking equals that of the single
 * index (posting lists are copied whole, never rebuilt per bucket). Only the
 * term maps ship: FlexSearch's `reg` would repeat every id in every chunk.
 * Terms with very long posting lists get chunks of their own, so one common
 * word never makes every query that shares its bucket pay for it.
 */
import { Index, Encoder } from "flexsearch";
import type { CatalogueRecord } from "../shared/record";
import { fnv1a32 } from "../shared/hash";
import { compareReferences } from "../shared/reference";
import { recordFieldTerms } from "../shared/record-fields";
import {
  CHUNKING, FIELD_NAMES, FLEX_OPTIONS, INDEX_FORMAT, configFingerprint,
  type FieldName, type SearchManifest,
} from "../shared/search-config";
import type { StoredRecord } from "../shared/manifest";
import type { AssetWriter } from "./content-hash";
import type { CatalogueLayout } from "./catalogue-assets";
import { buildSuggest } from "./suggest-assets";
import { buildRelated } from "./related-records";
import { buildPeople } from "./people-assets";
import { compileThesaurus } from "./thesaurus-assets";

/** A fresh options object each time: FlexSearch's constructor mutates what it is given. */
export function flexIndex(): Index {
  return new Index({ tokenize: FLEX_OPTIONS.tokenize, resolution: FLEX_OPTIONS.resolution, encoder: new Encoder({ ...FLEX_OPTIONS.encoder }) });
}

type Slots = Array<number[] | null | undefined>;

function yearOf(date: string | null): number {
  return date ? Number(date.slice(0, 4)) : 0;
}

export function buildSearchAssets(layout: CatalogueLayout, out: AssetWriter, options: { thesaurus: unknown }) {
  const { docs } = layout;
  const fieldIndexes = new Map<FieldName, Index>(FIELD_NAMES.map((f) => [f, flexIndex()]));
  const fieldTerms: Array<Record<FieldName, string[]>> = [];
  const termTotals = Object.fromEntries(FIELD_NAMES.map((f) => [f, 0])) as Record<FieldName, number>;

  docs.forEach((r, doc) => {
    const terms = recordFieldTerms(r);
    fieldTerms.push(terms);
    for (const f of FIELD_NAMES) {
      termTotals[f] += terms[f].length;
      if (terms[f].length) fieldIndexes.get(f)!.add(doc, terms[f].join(" "));
    }
  });

  // Gather every term's postings across fields, sized as they will be serialised.
  const byTerm = new Map<string, Array<[FieldName, Slots]>>();
  for (const f of FIELD_NAMES) {
    for (const [term, slots] of (fieldIndexes.get(f) as unknown as { map: Map<string, Slots> }).map) {
      let list = byTerm.get(term);
      if (!list) byTerm.set(term, (list = []));
      list.push([f, slots]);
    }
  }
  let totalBytes = 0;
  const solo: Record<string, string> = {};
  const bucketed: Array<[string, Array<[FieldName, Slots]>]> = [];
  for (const [term, entries] of byTerm) {
    const bytes = JSON.stringify(entries).length + term.length;
    if (bytes > CHUNKING.soloTermBytes) solo[term] = out.addJson("search/terms", `solo-${fnv1a32(term).toString(36)}`, chunkOf([[term, entries]]));
    else { bucketed.push([term, entries]); totalBytes += bytes; }
  }
  const bucketCount = Math.max(1, Math.ceil(totalBytes / CHUNKING.bucketTargetBytes));
  const buckets: Array<Array<[string, Array<[FieldName, Slots]>]>> = Array.from({ length: bucketCount }, () => []);
  for (const item of bucketed) buckets[fnv1a32(item[0]) % bucketCount]!.push(item);
  const bucketPaths = buckets.map((items, b) => out.addJson("search/terms", String(b), chunkOf(items)));

  // Filter and facet columns: one small binary file, read whole by any filtered or faceted query.
  const seriesNames = [...new Set(docs.map((r) => r.series))].sort();
  const seriesIndex = new Map(seriesNames.map((s, i) => [s, i]));
  const n = docs.length;
  // Uint32 column first, so every view stays aligned to its element size.
  const cols = new ArrayBuffer(n * 10);
  const order = new Uint32Array(cols, 0, n);
  const starts = new Int16Array(cols, n * 4, n);
  const ends = new Int16Array(cols, n * 6, n);
  const series = new Uint16Array(cols, n * 8, n);
  docs.forEach((r, i) => {
    starts[i] = yearOf(r.startDate);
    ends[i] = yearOf(r.endDate) || yearOf(r.startDate);
    series[i] = seriesIndex.get(r.series)!;
  });
  // Catalogue order breaks score ties, so the 26 equal Fuchs files list KV 2/1245 first.
  [...docs.keys()].sort((a, b) => compareReferences(docs[a]!.reference, docs[b]!.reference)).forEach((doc, rank) => { order[doc] = rank; });
  const filters = out.add("search", "filters", "bin", new Uint8Array(cols));

  const vocab = buildVocab(fieldTerms, out);
  const thesaurus = compileThesaurus(options.thesaurus, out);
  const suggest = buildSuggest(docs, out);
  const related = buildRelated(docs, fieldTerms);
  const people = buildPeople(docs, out);

  const manifest: SearchManifest = {
    format: INDEX_FORMAT,
    fingerprint: configFingerprint(),
    docs: n,
    buckets: bucketPaths,
    solo,
    filters,
    seriesNames,
    vocab,
    suggest,
    thesaurus: thesaurus?.path ?? null,
    thesaurusVersion: thesaurus?.version ?? null,
    people,
    avgFieldTerms: Object.fromEntries(FIELD_NAMES.map((f) => [f, termTotals[f] / Math.max(1, n)])) as Record<FieldName, number>,
  };
  return { manifest, related: related as Map<string, StoredRecord["related"]> };
}

/** A chunk is `{ field: FlexSearch map export [[term, slots], …] }`, importable as-is with `index.import("map", …)`. */
function chunkOf(items: Array<[string, Array<[FieldName, Slots]>]>): Partial<Record<FieldName, Array<[string, Slots]>>> {
  const chunk: Partial<Record<FieldName, Array<[string, Slots]>>> = {};
  for (const [term, entries] of items) for (const [f, slots] of entries) (chunk[f] ??= []).push([term, slots]);
  return chunk;
}

/** Words of 5+ letters by length, with document frequency, for typo correction. */
function buildVocab(fieldTerms: Array<Record<FieldName, string[]>>, out: AssetWriter): Record<string, string> {
  const df = new Map<string, number>();
  for (const terms of fieldTerms) {
    const seen = new Set<string>();
    for (const f of ["title", "people", "tags", "desc", "names"] as const) for (const t of terms[f]) if (t.length >= 5 && !/\d/.test(t)) seen.add(t);
    for (const t of seen) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const byLength = new Map<number, Array<[string, number]>>();
  for (const [t, c] of df) {
    let list = byLength.get(t.length);
    if (!list) byLength.set(t.length, (list = []));
    list.push([t, c]);
  }
  const vocab: Record<string, string> = {};
  for (const [len, list] of byLength) {
    list.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    vocab[String(len)] = out.addJson("search/vocab", String(len), list);
  }
  return vocab;
}

export type { CatalogueRecord };
