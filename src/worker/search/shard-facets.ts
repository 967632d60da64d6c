/**
 * A shard's facets (series and decades) of a set of docs, counted from its filter columns through a per-isolate
 * facet column, or from the columns directly for a few matches; and the facet rows of a common word's top lists.
 */
import type { FilterColumns } from "../../shared/index-format";
import type { ShardResult } from "./scoring";
import { scoringCounters } from "./scoring-counters";
import type { TermTop } from "./top-k-term-lists";

/** Decades counted in typed arrays: years 0–2999, which covers every archive date. */
const DECADE_SLOTS = 300;
/** Each decade's facet key, made once. */
const DECADE_LABELS = Array.from({ length: DECADE_SLOTS }, (_, d) => String(d * 10));
/**
 * A doc with no date at all spans `[UNDATED, UNDATED + 1)`, a slot past the decades: counted like a decade, so the
 * facet loop has no branch (a mispredicted one after each doc's cache miss cost more than the counting).
 */
const UNDATED = DECADE_SLOTS + 1;

/**
 * What facets read of each doc, side by side at `3i`: its series, and its decades as a span `[first, last + 1)`
 * (an empty span for dates past the slots or ending before they start; `UNDATED` first for no date). Derived once
 * per isolate and shard from the filter columns (held while they are, see search-index.ts `heldColumns`): a doc's facets are then one
 * cache line and two writes to a difference array, where a series column, two year columns, a division and a
 * loop over decades were three scattered reads.
 */
const facetColumns = new WeakMap<ArrayBufferLike, Uint16Array>();

export function facetColumnsOf(cols: FilterColumns): Uint16Array {
  // By the columns' buffer: while a shard's columns are held, each query gets the same decoded columns
  // (search-index.ts `heldColumns`), and the facet column goes with them when they are let go.
  let fc = facetColumns.get(cols.start.buffer);
  if (fc) return fc;
  fc = new Uint16Array(3 * cols.start.length);
  for (let i = 0; i < cols.start.length; i++) facetEntry(cols, i, fc, 3 * i);
  facetColumns.set(cols.start.buffer, fc);
  return fc;
}

/** Doc `i`'s facet entry (series, first decade, last decade + 1: see `facetColumnsOf`) into `out` at `at`. */
function facetEntry(cols: FilterColumns, i: number, out: Uint16Array, at: number): void {
  out[at] = cols.series[i]!;
  const s = cols.start[i]!,
    e = cols.end[i]! || s;
  if (s <= 0) {
    out[at + 1] = UNDATED;
    out[at + 2] = UNDATED + 1;
    return;
  }
  const first = Math.floor(s / 10),
    stop = Math.min(Math.floor(e / 10), DECADE_SLOTS - 1) + 1;
  // An empty span stays [0, 0): it adds and takes away the same count.
  out[at + 1] = stop > first ? first : 0;
  out[at + 2] = stop > first ? stop : 0;
}

/**
 * Matches at most this share (inverse) of a shard have their facets read from the filter columns directly, unless
 * the facet column is made already: making it walks every doc of the shard, 6–7 ms of a cold 100k-record search's
 * CPU in Node profiles for a rare name's few matches (and again in each of 16 shards at a million records).
 */
const FACET_COLUMN_SHARE = 16;
/** Those matches' facet entries, made and counted within one `facetsOf` call. */
let directRows = new Uint16Array(3 * 1024);

/**
 * Each top list's docs' facet entries, in the list's order (three a doc, as in the facet column), by the list's
 * docs: made on a list's first answer, so a common word's answer reads its docs' facets in a row, where reading the
 * facet column was a cache miss a doc (the largest single line of those answers, docs/benchmarks-history.md, branch `warm7`).
 */
const topFacetRows = new WeakMap<Uint32Array, Uint16Array>();

export function facetRowsOf(top: TermTop, fc: Uint16Array): Uint16Array {
  let rows = topFacetRows.get(top.docs);
  if (!rows) {
    const { docs } = top;
    rows = new Uint16Array(3 * docs.length);
    for (let j = 0; j < docs.length; j++) {
      const at = 3 * docs[j]!;
      rows[3 * j] = fc[at]!;
      rows[3 * j + 1] = fc[at + 1]!;
      rows[3 * j + 2] = fc[at + 2]!;
    }
    topFacetRows.set(top.docs, rows);
  }
  return rows;
}

/** The facet entries of a top-list answer's docs, in the order found: one per isolate, grown as needed. */
let answerFacetRows = new Uint16Array(3 * 1024);

/** Room for `count` docs' facet entries in a top-list answer (the isolate's one buffer, grown as needed). */
export function answerFacetRowsFor(count: number): Uint16Array {
  if (answerFacetRows.length < 3 * count) answerFacetRows = new Uint16Array(3 * count);
  return answerFacetRows;
}

/**
 * Facet counting's scratch, one per isolate and left zeroed: a few hundred counters, where allocating typed arrays
 * per query cost more than counting a rare word's docs. Read and cleared within one synchronous call.
 */
let seriesScratch = new Uint32Array(64);
const deltaScratch = new Int32Array(UNDATED + 2);

export function facetsOf(docs: ArrayLike<number>, cols: FilterColumns, seriesNames: string[]): ShardResult["facets"] {
  if (seriesScratch.length < seriesNames.length) seriesScratch = new Uint32Array(seriesNames.length);
  const seriesCounts = seriesScratch;
  // Decade counts as differences: +1 at a doc's first decade, -1 past its last; summed in order below. Docs with
  // no date add at `UNDATED`, past the decades summed.
  const delta = deltaScratch;
  const made = facetColumns.get(cols.start.buffer);
  if (!made && docs.length * FACET_COLUMN_SHARE < cols.start.length) {
    scoringCounters.facetsWithoutColumn++;
    if (directRows.length < 3 * docs.length) directRows = new Uint16Array(3 * docs.length);
    for (let k = 0; k < docs.length; k++) facetEntry(cols, docs[k]!, directRows, 3 * k);
    return facetsOfRows(directRows, docs.length, seriesNames);
  }
  const fc = made ?? facetColumnsOf(cols);
  for (let k = 0; k < docs.length; k++) {
    const at = 3 * docs[k]!;
    seriesCounts[fc[at]!]!++;
    // A record counts once in every decade its covering dates touch.
    delta[fc[at + 1]!]!++;
    delta[fc[at + 2]!]!--;
  }
  return countedFacets(seriesNames);
}

/** The facets of `count` docs whose facet entries are `rows` (three each, as in the facet column), in a row. */
export function facetsOfRows(rows: Uint16Array, count: number, seriesNames: string[]): ShardResult["facets"] {
  if (seriesScratch.length < seriesNames.length) seriesScratch = new Uint32Array(seriesNames.length);
  const seriesCounts = seriesScratch;
  const delta = deltaScratch;
  for (let at = 0; at < 3 * count; at += 3) {
    seriesCounts[rows[at]!]!++;
    delta[rows[at + 1]!]!++;
    delta[rows[at + 2]!]!--;
  }
  return countedFacets(seriesNames);
}

/** The facets the scratch counters hold, which it leaves zeroed. */
function countedFacets(seriesNames: string[]): ShardResult["facets"] {
  const seriesCounts = seriesScratch;
  const delta = deltaScratch;
  const undated = delta[UNDATED]!;
  // Pairs, then `Object.fromEntries`: series names are catalogue text, and one named "__proto__" must be a key.
  const series: Array<[string, number]> = [];
  for (let k = 0; k < seriesNames.length; k++) if (seriesCounts[k]) series.push([seriesNames[k]!, seriesCounts[k]!]);
  // Decade keys are this module's own (numbers and "undated"): set directly.
  const decade: Record<string, number> = {};
  for (let d = 0, count = 0; d < DECADE_SLOTS; d++) {
    count += delta[d]!;
    if (count) decade[DECADE_LABELS[d]!] = count;
  }
  // Records with no date at all: a facet value of their own, so a date filter's exclusions are visible.
  if (undated) decade.undated = undated;
  seriesCounts.fill(0, 0, seriesNames.length);
  delta.fill(0);
  return { series: Object.fromEntries(series), decade };
}
