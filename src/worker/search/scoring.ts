/**
 * Scoring: the ranking model and top-k query processing over one search shard.
 *
 *   unit score(doc) = max over the unit's alternatives of
 *                     rule weight × Σ over fields holding the term of
 *                     field weight × idf of the term in that field × position factor(slot)
 *   score(doc)      = (Σ unit scores + proximity bonus) × coordination(matched units)
 *                     + reference boost + date boost
 *
 * BM25F-style: each field has its own weight and idf, and each rule its
 * confidence (exact > stem > variant > synonym > phonetic > typo), so an exact
 * rare surname outweighs sound-alike matches on common words. Coordination is
 * soft: a doc missing one of the query's units loses a share of its score
 * (`SEARCH_DEFAULTS.coordination`), so matching more words helps without
 * ranking a weak match on every word above a strong match on some.
 *
 * Every unit's contribution has an upper bound (its best alternative at the
 * field's lowest slot, read from the term directory without decoding
 * postings), and coordination only scales down, so the score of a doc never
 * exceeds its partial score plus the bounds of the units not yet scored. Top-k
 * uses that (MaxScore, term at a time): units are scored in order of their
 * bounds; once the bounds of the rest cannot lift a doc not yet seen above
 * the current k-th best, no new doc can enter the top k, and the remaining
 * units are scored only for the docs that still can, decoding only the
 * postings blocks that hold them. The total is then a lower bound
 * (`exact: false`), and facets cover the best candidates only.
 *
 * Several words (with no reference in the query) go a finer way, a list at a
 * time: a list is one field of one alternative (a stem, a sound code, a typo
 * carry their rule weight in its bound). Given the k-th best so far, MaxScore
 * splits the lists into non-essential ones (a doc found only in them cannot
 * reach it, under coordination) and essential ones; each round scores, in
 * full, the docs of the shortest essential lists not seen yet, which raises
 * the k-th best and makes more lists non-essential. A doc found only in lists
 * never walked is never scored: a common word's long fields and the weak
 * expansions are only looked up for the candidates.
 *
 * One very common word, once warm, is answered from its alternatives' top
 * lists (top-k-term-lists.ts), merged best first until the best 1,000 (the
 * facet candidates) are proven: O(k), not O(matches) (`topListAnswer`).
 */
import type { FieldName, MatchRule } from "../../shared/search-config";
import { words } from "../../shared/text/fold";
import { LITERAL_FIELDS, SEARCH_DEFAULTS, termsOfUnits, type QueryPlan, type QueryUnit } from "./engine";
import type { FilterColumns, SearchIndex, TermPostings } from "./search-index";
import { COMMON_TERM_DEFAULTS, commonTermCandidates, type CommonTermOptions } from "./common-term-answers";
import { searchStats } from "./search-stats";
import { deepenTermTop, kthLargest, termTop, TOP_LIST_DEFAULTS, type TermTop } from "./top-k-term-lists";
import {
  giveArrays,
  listCapacity,
  MATCHED,
  type Only,
  Q,
  type QueryArrays,
  REF,
  type Scratch,
  sortedDocs,
  takeArrays,
  TEXT,
  TEXT_MATCHED,
  TOTAL,
  type UnitArrays,
  type UnitPostings,
} from "./query-arrays";
import { addTerm, FIELD_BY_INDEX, type OneWordPruning, scoreUnit, unitBound, valuesFor } from "./unit-scoring";
import {
  boundedLists,
  coordination,
  coordinationTable,
  essentialCandidates,
  essentialLists,
  probeDocs,
  unitMatchesAtLeast,
  unitPostingCount,
  unseenDocs,
  unseenUnitBounds,
} from "./maxscore-lists";
import { bestSet, bestSorted, TopK } from "./top-k";
import { answerFacetRowsFor, facetColumnsOf, facetRowsOf, facetsOf, facetsOfRows } from "./shard-facets";
import { scoringCounters } from "./scoring-counters";

export interface UnitMatch {
  unit: string;
  rule: MatchRule;
  via: string;
  field?: FieldName;
  score: number;
}

export interface ScoredDoc {
  doc: number;
  score: number;
  matched: number;
  /** Catalogue order, the last tie-break. */
  order: number;
  parts: UnitMatch[];
  /** The record's first and last years, 0 when unknown; only when the plan asks (`QueryPlan.years`). */
  startYear?: number;
  endYear?: number;
}

/** What one shard answers: its best hits, its share of the total and facets. */
export interface ShardResult {
  total: number;
  /** False when top-k stopped early: `total` is then a lower bound. */
  totalExact: boolean;
  /** Matches before the query's own date range was applied (decides filter vs boost). */
  undated: number;
  top: ScoredDoc[];
  facets: { series: Record<string, number>; decade: Record<string, number> };
  /** False when facets count only the best `SEARCH_DEFAULTS.facetCandidates` candidates. */
  facetsExact: boolean;
}

/** Reads records by doc number, for phrase checks. */
export type RecordTexts = (docs: number[]) => Promise<string[]>;

export interface ScoreOptions {
  /** Score every match (exact totals and facets) when the query's postings number at most this. */
  exhaustiveBelow?: number;
  /** Restrict common words to the docs rarer words found, then prove the top k (default on). */
  speculate?: boolean;
  /**
   * Below `exhaustiveBelow`, count the matches (exact total and facets) in a pass of their own and rank by top-k,
   * rather than scoring every match (default on; off scores every match, as the tests' reference does).
   */
  countApart?: boolean;
  /** Several words: MaxScore a list at a time (default on; off takes the unit-at-a-time path). */
  listFirst?: boolean;
  /** List at a time: a round takes lists this short (default `ROUND_POSTINGS`; the tests scale it down). */
  roundPostings?: number;
  /** List at a time: a round may take lists holding up to 1/this of the postings left (default `ROUND_SHARE`). */
  roundShare?: number;
  /** List at a time, the last round scores every doc not seen when its lists hold 1/this of what is left. */
  fullPassShare?: number;
  /** When top-k stops early, facets count this many best candidates (default `SEARCH_DEFAULTS.facetCandidates`). */
  facetCandidates?: number;
  /** Answer one-word queries of very common words from their alternatives' top lists (default on, `TOP_LIST_DEFAULTS`). */
  topLists?: typeof TOP_LIST_DEFAULTS | false;
  /** Answer one-word queries of very common words from their fields' leaders (default on, `COMMON_TERM_DEFAULTS`). */
  commonTerms?: CommonTermOptions | false;
  /**
   * Answer a shard where no list of the plan has a posting at once, without reading or decoding its filter
   * columns (default on; off scores it as any other, as the tests' reference does).
   */
  skipEmpty?: boolean;
}

/** Rounds of list-at-a-time MaxScore before the essential lists left are taken together. */
const LIST_ROUNDS = 8;
/**
 * A round takes one list while it is this short: each round looks its docs up in every list, so rounds pay while
 * they are few docs that raise the k-th best; a long list is taken with the other essential lists, in one pass.
 */
const ROUND_POSTINGS = 512;
/**
 * When no essential list is within `ROUND_POSTINGS`, a round may take lists holding up to 1/this of the postings
 * left, and at most `ROUND_POSTINGS_MAX_SHARE` × `ROUND_POSTINGS`: at 100k, a place's titles (a few hundred docs)
 * beside common words' lists of thousands set a k-th best that leaves most of those lists non-essential, where a
 * full pass scored every doc of them. (Past that cap, rounds of a very common word's lists cost more than they save.)
 */
const ROUND_SHARE = 16;
const ROUND_POSTINGS_MAX_SHARE = 4;
/** The last round scores every doc not seen when its essential lists hold this share (inverse) of what is left. */
const FULL_PASS_SHARE = 2;
/** Speculate when the units left hold this many times more postings than the docs seen. */
const SPECULATE_RATIO = 4;

/**
 * A one-word query answered from its alternatives' top lists (top-k-term-lists.ts), each best first: the lists are
 * walked together from their heads, the highest weighted score next (ties to the alternative planned first), so a
 * doc is met first at its unit score (its best alternative's, as `scoreUnit` merges them); the walk stops past the
 * `need`-th doc, once the next score is below it. Exact when every list walked to its end left out only docs scoring
 * below that `need`-th best (its frontier times the rule weight): a doc met later or never cannot then change the top
 * `need`, nor their scores, fields and slots. Fills `u` and returns a lower bound of the matches; null (with `u` left
 * empty) when a list is cold, a list too shallow (it is derived deeper on its next use), or the unit has a
 * tie-breaker or an expansion of several words (the general path answers).
 */
function topListAnswer(
  unit: QueryUnit,
  postings: UnitPostings,
  n: number,
  x: Scratch,
  u: UnitArrays,
  need: number,
  order: Uint32Array,
  opts: typeof TOP_LIST_DEFAULTS,
  /**
   * The shard's facet column, made only when the lists answer: making it walks every doc of the shard, and a word
   * the lists do not answer (a rare name, a first use) has its few matches' facets read from the filter columns.
   */
  facetColumn: () => Uint16Array,
): { matchesAtLeast: number; inOrder: boolean; facetRows: Uint16Array } | null {
  const alts = unit.alternatives;
  if (alts.some((a) => a.bonus || a.terms.length !== 1)) return null;
  // Only very common words: a field of an alternative longer than `minPostings`.
  let common = false;
  for (let ai = 0; ai < alts.length && !common; ai++)
    for (const fp of Object.values(postings[ai]![0]!.fields)) if (fp && fp.count > opts.minPostings) common = true;
  if (!common) return null;
  const ais: number[] = [];
  const fieldsOf: FieldName[][] = [];
  const tops: TermTop[] = [];
  let cold = false;
  for (let ai = 0; ai < alts.length; ai++) {
    const t = alts[ai]!.terms[0]!;
    const p = postings[ai]![0]!;
    const fields = t.fields.filter((f) => (!unit.fields || unit.fields.includes(f)) && p.fields[f]);
    if (!fields.length) continue;
    const top = termTop(
      p,
      fields,
      n,
      order,
      () => {
        x.clearAlt();
        addTerm(p, fields, n, undefined, x, 0, null);
        const { items, length } = x.altTouched;
        return { touched: items, length, scratch: x.s };
      },
      () => x.clearAlt(),
      opts,
    );
    // Every alternative is asked, so each cold one is remembered on this use.
    if (!top) cold = true;
    else {
      ais.push(ai);
      fieldsOf.push(fields);
      tops.push(top);
    }
  }
  if (cold || !tops.length) return null;
  const L = tops.length;
  const weights = ais.map((ai) => alts[ai]!.weight);
  const pos = new Int32Array(L);
  const fc = facetColumn();
  const rowsOf = tops.map((t) => facetRowsOf(t, fc));
  const facetRows = answerFacetRowsFor(need);
  let found = 0;
  let theta = -Infinity,
    thetaOrder = -1;
  /**
   * Whether the docs were found best first by score then catalogue order, as `TopK` ranks them: the merge takes
   * each list's head in that order, but a weight's rounding can tie two scores a list holds apart.
   */
  let inOrder = true;
  while (found < need) {
    let best = -1,
      v = -Infinity,
      o = 0;
    // Best score, then catalogue order; lists are in plan order, so a doc's tie goes to the alternative planned first.
    for (let l = 0; l < L; l++) {
      const top = tops[l]!;
      const j = pos[l]!;
      if (j >= top.docs.length) continue;
      const s = top.scores[j]! * weights[l]!;
      if (s > v || (s === v && top.orders[j]! < o)) {
        v = s;
        o = top.orders[j]!;
        best = l;
      }
    }
    if (best < 0) break;
    const top = tops[best]!;
    const j = pos[best]!++;
    const i = top.docs[j]!;
    // Met before at a score as high (its best alternative): this is a lesser alternative of the same doc.
    if (u.alt[i] !== 0) continue;
    u.touched.push(i);
    u.alt[i] = ais[best]! + 1;
    u.s[2 * i] = v;
    u.s[2 * i + 1] = top.field[j]! + top.slot[j]! * 256;
    // No tie-breaker (the unit has none): `bonus` is not read.
    if (found > 0 && !(v < theta || (v === theta && o > thetaOrder))) inOrder = false;
    const rows = rowsOf[best]!;
    facetRows[3 * found] = rows[3 * j]!;
    facetRows[3 * found + 1] = rows[3 * j + 1]!;
    facetRows[3 * found + 2] = rows[3 * j + 2]!;
    found++;
    theta = v;
    thetaOrder = o;
  }
  // A list walked to its end may have left out docs from its frontier on; one not at its end stopped past `theta`.
  let proven = true;
  let matchesAtLeast = 0;
  for (let l = 0; l < L; l++) {
    const top = tops[l]!;
    matchesAtLeast = Math.max(matchesAtLeast, top.matches);
    if (pos[l]! < top.docs.length || top.complete) continue;
    const f = top.frontier * weights[l]!;
    if (found < need || !(theta > f || (theta === f && top.frontierOrder >= 0 && thetaOrder < top.frontierOrder))) {
      proven = false;
      deepenTermTop(postings[ais[l]!]![0]!, fieldsOf[l]!);
    }
  }
  if (proven) return { matchesAtLeast, inOrder, facetRows };
  for (let t = 0; t < u.touched.length; t++) u.alt[u.touched.items[t]!] = 0;
  u.touched.length = 0;
  return null;
}

/** An empty mark array: a query with no excluded word allocates none. */
const NO_DOCS = new Uint8Array(0);
/** No proximity scores: a one-unit query has no pairs, and takes no proximity array. */
const NO_SCORES = new Float64Array(0);

/** The words a query excludes, as the index holds them. */
function excludedWords(plan: QueryPlan): string[] {
  return plan.exclude.flatMap((t) => words(t));
}

/** Every term whose postings scoring a shard reads for `plan`: its units', its references' and its excluded words'. */
export function planTerms(plan: QueryPlan): string[] {
  return [...termsOfUnits(plan.units), ...plan.referenceIds.map((r) => r.id), ...excludedWords(plan)];
}

/** Scores a plan on one search shard: match, filter, facet, and keep the best `plan.keep`. */
export async function scoreShard(
  index: SearchIndex,
  plan: QueryPlan,
  seriesNames: string[],
  recordTexts: RecordTexts,
  options: ScoreOptions = {},
): Promise<ShardResult> {
  const st = searchStats();
  const t0 = st ? performance.now() : 0;
  // A warm shard holds every list the query names: taken as they are, with no promise a term.
  // The cold path: every chunk the query needs, fetched in one parallel batch.
  const held = heldFor(index, plan);
  const [unitPostings, refPostings, exclPostings] =
    held ??
    (await Promise.all([
      Promise.all(
        plan.units.map((u) =>
          Promise.all(u.alternatives.map((a) => Promise.all(a.terms.map((t) => index.postings(t.term))))),
        ),
      ),
      Promise.all(plan.referenceIds.map((r) => index.postings(r.id))),
      Promise.all(excludedWords(plan).map((w) => index.postings(w))),
    ]));
  // A shard none of whose lists has a posting matches nothing: answered without its filter columns, so a shard
  // whose columns the isolate let go (they are under a budget shared by every shard it serves: ten million records
  // have 179) does not read and decode them again (290 KB each) to answer a rare name with nothing.
  if (options.skipEmpty !== false && !mayMatch(plan, unitPostings, refPostings)) {
    scoringCounters.shardsWithoutCandidates++;
    if (st) {
      st.shards++;
      if (held) st.shardsHeld++;
      st.waitMs += performance.now() - t0;
    }
    return noMatches();
  }
  // A cold isolate's warm-up (`SearchIndex.prefetch`) has read and decoded them beside the postings, while it waited
  // for reads: decoding them here instead, after the postings, made a cold 100k search 10 ms slower. Held, they are
  // taken without a promise, as the postings are (`heldFor`).
  const cols = index.cachedFilters() ?? (await index.filters());
  const arrays = takeArrays(cols.order.length, listCapacity(cols.order.length, unitPostings, refPostings));
  const t1 = st ? performance.now() : 0;
  if (st) {
    st.shards++;
    if (held) st.shardsHeld++;
    st.waitMs += t1 - t0;
  }
  // Scored in one synchronous span unless a phrase needs records read: the arrays go back to the pool before any
  // other shard of this isolate (a Durable Object beside it, a sibling of `LocalShards`) takes a set, so one set
  // per shard size serves them all. Awaiting the scoring, as before, let every shard scored at once take a set of
  // its own: megabytes each, made and zeroed per query (at 300k records in five shards, a third of a warm query's
  // time and most of its GC).
  try {
    const run = scoreWith(arrays, plan, cols, seriesNames, options, unitPostings, refPostings, exclPostings);
    let step = run.next();
    while (!step.done) step = run.next(await recordTexts(step.value));
    return step.value;
  } finally {
    giveArrays(arrays);
    if (st) st.scoreMs += performance.now() - t1;
  }
}

/**
 * Whether any doc of the shard can match: a list of the plan has a posting in a field it is read for, or the plan
 * has no words and no references (filters alone: every doc is a candidate).
 */
function mayMatch(plan: QueryPlan, unitPostings: UnitPostings[], refPostings: TermPostings[]): boolean {
  if (plan.units.length === 0 && plan.referenceIds.length === 0) return true;
  for (let k = 0; k < plan.units.length; k++) if (unitPostingCount(plan.units[k]!, unitPostings[k]!) > 0) return true;
  return refPostings.some((p) => (p.fields.ref?.count ?? 0) > 0);
}

/** A shard's answer when nothing in it matches, as scoring every doc would give it. */
export function noMatches(): ShardResult {
  return {
    total: 0,
    totalExact: true,
    undated: 0,
    top: [],
    facets: { series: {}, decade: {} },
    facetsExact: true,
  };
}

/** What `scoreShard` reads for `plan`, if the shard holds all of its postings decoded now; else undefined. */
function heldFor(index: SearchIndex, plan: QueryPlan): [UnitPostings[], TermPostings[], TermPostings[]] | undefined {
  const units: UnitPostings[] = [];
  for (const u of plan.units) {
    const alts: TermPostings[][] = [];
    for (const a of u.alternatives) {
      const terms: TermPostings[] = [];
      for (const t of a.terms) {
        const p = index.cachedPostings(t.term);
        if (!p) return undefined;
        terms.push(p);
      }
      alts.push(terms);
    }
    units.push(alts);
  }
  const refs: TermPostings[] = [];
  for (const r of plan.referenceIds) {
    const p = index.cachedPostings(r.id);
    if (!p) return undefined;
    refs.push(p);
  }
  const excl: TermPostings[] = [];
  for (const t of plan.exclude)
    for (const w of words(t)) {
      const p = index.cachedPostings(w);
      if (!p) return undefined;
      excl.push(p);
    }
  return [units, refs, excl];
}

/**
 * Scores a plan on a shard's arrays: a generator that yields the docs whose record texts a phrase check needs (global
 * numbers) and is resumed with those texts; without phrases it never yields, so it runs in one synchronous span.
 */
function* scoreWith(
  arrays: QueryArrays,
  plan: QueryPlan,
  cols: FilterColumns,
  seriesNames: string[],
  options: ScoreOptions,
  unitPostings: UnitPostings[],
  refPostings: TermPostings[],
  exclPostings: TermPostings[],
): Generator<number[], ShardResult, string[]> {
  const n = plan.docs;
  // Postings hold shard-local doc numbers (term-chunk.ts, `docStart`), which index the scratch arrays as they are;
  // `docBase` makes the answer's catalogue numbers.
  const docBase = cols.base;
  // The shard's docs: the arrays may be larger, kept from a larger shard (query-arrays.ts `takeArrays`).
  const size = cols.order.length;
  // A doc's text score, reference boost and final score at `Q * i + TEXT`, `REF`, `TOTAL`; its counts in `h`.
  const { x, seen, touched } = arrays;
  // The query's own numbers and proximity are taken below (made on a set's first use: see `QueryArrays`), once it
  // is known whether the query writes them: one word and nothing else (`direct`) never does.
  let f!: Float64Array;
  let h!: Uint16Array;
  /** A scored unit's docs, from the `from`-th it touched, into the query's text scores and match counts. */
  const addUnit = (u: UnitArrays, from = 0) => {
    const { items, length } = u.touched;
    const us = u.s;
    for (let at = from; at < length; at++) {
      const i = items[at]!;
      if (!seen[i]) {
        seen[i] = 1;
        touched.push(i);
      }
      f[Q * i + TEXT]! += us[2 * i]!;
      h[Q * 4 * i + MATCHED]!++;
      h[Q * 4 * i + TEXT_MATCHED]!++;
    }
  };

  // Filters: series, explicit years, exclusions, and the query's own years when they filter.
  const seriesOk = plan.series.length
    ? new Set(plan.series.map((s) => seriesNames.indexOf(s)).filter((k) => k >= 0))
    : null;
  const overlaps = (i: number, from?: number, to?: number) => {
    // Before the columns are read: a doc's dates are a cache miss of their own.
    if (from === undefined && to === undefined) return true;
    const s = cols.start[i]!,
      e = cols.end[i]!;
    if (!s && !e) return false;
    return (to === undefined || s <= to) && (from === undefined || e >= from);
  };
  const excluded = exclPostings.length ? new Uint8Array(size) : NO_DOCS;
  // A word excluded is one of the record's own: inherited context (ctx) does not exclude.
  for (const p of exclPostings)
    for (const f of LITERAL_FIELDS)
      if (f !== "ctx") for (const doc of p.fields[f]?.decodeAll().docs ?? []) excluded[doc] = 1;
  const passesUndated = (i: number) =>
    (!seriesOk || seriesOk.has(cols.series[i]!)) && !excluded[i] && overlaps(i, plan.from, plan.to);
  const dateFilter = plan.dates?.mode === "filter" ? plan.dates : null;
  const yearUnit = plan.dates?.yearUnit;
  const yearWord = (i: number) => yearUnit !== undefined && Boolean(units[yearUnit]?.alt[i]);
  // Naming the year lets a record past the year filter only beside another query word: a year alone is no match.
  const namesYear = (i: number) => yearWord(i) && h[Q * 4 * i + TEXT_MATCHED]! > 1;
  /**
   * Filtering by a year some titles name, the year is a filter, not a word: it neither adds to a doc's score nor
   * counts among its words matched (coordination), as when no title names it and it is no unit at all. Counted as
   * matched for every candidate, it made "CIA arthur 1960" rank an ASIO file on an Arthur (two of three) above the
   * CIA's file on Arthur Cobb of 1960 (three of three, CIA weighing little).
   */
  const yearOut = yearUnit !== undefined && dateFilter !== null;
  /** A doc's words matched: its units matched, but the year filtered by (of `wordUnits`, below). */
  const wordsMatched = (i: number) => h[Q * 4 * i + TEXT_MATCHED]! - (yearOut && yearWord(i) ? 1 : 0);
  /** Whether any filter can leave a doc out (else `passes` is true of every doc). */
  const filtersDocs =
    seriesOk !== null || exclPostings.length > 0 || plan.from !== undefined || plan.to !== undefined || !!dateFilter;
  /**
   * A record with no date that matches every word of the query passes the query's own years, ranked below the
   * records dated then (it keeps `undatedYearShare` of its score): nothing says it falls outside them, and half of
   * some catalogues' files are undated ("Edith Cavell 1915" finds her undated file). Years asked as parameters
   * (`from`, `to`) still exclude it, and so does a query that is only a year.
   */
  const undatedDoc = (i: number) => !cols.start[i] && !cols.end[i] && !namesYear(i);
  const everyWord = (i: number) => {
    let words = 0;
    for (let a = 0; a < unitCount; a++) {
      if (a === yearUnit) continue;
      if (!units[a]?.alt[i]) return false;
      words++;
    }
    return words > 0;
  };
  const inYears = (i: number) => !dateFilter || overlaps(i, dateFilter.from, dateFilter.to) || namesYear(i);
  /** What share of its score a candidate keeps: 1 but for an undated one let in under the query's years. */
  const yearShare = (i: number) => (dateFilter && undatedDoc(i) ? SEARCH_DEFAULTS.undatedYearShare : 1);
  /**
   * Whether a doc may pass, while its units are still being scored (an undated doc may yet match every word).
   * `finish` keeps a candidate only once `everyWord` holds.
   */
  const passes = filtersDocs
    ? (i: number) => passesUndated(i) && (inYears(i) || (dateFilter !== null && undatedDoc(i)))
    : () => true;
  /** Whether a doc whose units are all scored passes the query's years (`finish` keeps it then). */
  const passesYears = (i: number) => inYears(i) || (undatedDoc(i) && everyWord(i));
  const candidate = (i: number) => passesUndated(i) && passesYears(i);
  /** Passes for certain and keeps its whole score: the docs a k-th best (a lower bound) may count. */
  const passesWhole = dateFilter ? (i: number) => passesUndated(i) && inYears(i) : passes;
  /**
   * One word and nothing else (no reference, filter, date or phrase): a doc's final score is its unit score (times a
   * coordination of 1, plus no boost: the same float), and its docs are the candidates. The unit's arrays are then
   * read as the answer's, and the query's own (text, totals, counts) are never written: a median query's docs were
   * each a cache miss there, and again to clear it.
   */
  const direct =
    plan.units.length === 1 &&
    plan.referenceIds.length === 0 &&
    !filtersDocs &&
    !plan.dates &&
    plan.phrases.length === 0;
  if (!direct) ({ f, h } = arrays);
  const proximity = plan.units.length > 1 ? arrays.proximity : NO_SCORES;

  const refHits = new Map<number, Array<{ id: string; ref: string }>>();
  plan.referenceIds.forEach((r, k) => {
    for (const doc of refPostings[k]!.fields.ref?.decodeAll().docs ?? []) {
      const i = doc;
      if (!seen[i]) {
        seen[i] = 1;
        touched.push(i);
      }
      f[Q * i + REF]! += SEARCH_DEFAULTS.referenceBoost;
      h[Q * 4 * i + MATCHED]!++;
      (refHits.get(i) ?? refHits.set(i, []).get(i)!).push(r);
    }
  });

  const unitCount = plan.units.length;
  /** The query's words: its units but a year filtered by (see `yearOut`). */
  const wordUnits = yearOut ? unitCount - 1 : unitCount;
  const units: Array<UnitArrays | null> = plan.units.map(() => null);
  const bounds = plan.units.map((u, k) => unitBound(u, unitPostings[k]!, n));
  const postingCount = plan.units.reduce((c, u, k) => c + unitPostingCount(u, unitPostings[k]!), 0);
  const onlyFilters = unitCount === 0 && plan.referenceIds.length === 0;
  const small = postingCount <= (options.exhaustiveBelow ?? SEARCH_DEFAULTS.exactTotalPostings);
  // Few enough postings for exact totals and facets: with nothing but a word (no filter, reference, phrase, date or
  // expansion of several words), a doc matches when it holds any posting the plan reads, so the matches are counted
  // by marking those postings' docs, and only the top k is scored.
  const countApart =
    small &&
    options.countApart !== false &&
    !plan.exact &&
    !filtersDocs &&
    // One word: several words' few postings were scored whole about as fast as ranked by MaxScore plus a count
    // (measured again with the list-at-a-time MaxScore below: two-word names faster, misspelt three words slower).
    unitCount === 1 &&
    plan.referenceIds.length === 0 &&
    plan.phrases.length === 0 &&
    !plan.dates &&
    plan.units.every((u) => u.alternatives.every((a) => a.bonus || a.terms.length === 1));
  const scoreAll =
    Boolean(plan.exact) ||
    (small && !countApart) ||
    plan.phrases.length > 0 ||
    plan.dates?.mode === "boost" ||
    yearUnit !== undefined ||
    onlyFilters;
  const exhaustive = scoreAll || unitCount < 2;
  // Proximity adds at most one bonus per pair of units.
  const proximityBound = (SEARCH_DEFAULTS.proximityBonus * (unitCount * (unitCount - 1))) / 2;

  // Units in order of their bounds, the strongest first (MaxScore's order).
  const order = plan.units.map((_, k) => k).sort((a, b) => bounds[b]! - bounds[a]! || a - b);
  let refMax = 0;
  for (const i of refHits.keys()) refMax = Math.max(refMax, f[Q * i + REF]!);
  const unitPostingCounts = plan.units.map((u, k) => unitPostingCount(u, unitPostings[k]!));
  const restPostings = (step: number) => order.slice(step).reduce((c, k) => c + unitPostingCounts[k]!, 0);
  /** What the units from `step` on can add: their bounds summed. */
  const restBoundsFrom = (step: number) => order.slice(step).reduce((s, j) => s + bounds[j]!, 0);
  /**
   * The most a doc not seen yet can score when only the units from `step` on are left: their bounds, the proximity
   * of pairs among them, and at best the coordination of matching just those.
   */
  const unseenBound = (step: number) => {
    const left = order.length - step;
    return (
      (restBoundsFrom(step) + (SEARCH_DEFAULTS.proximityBonus * left * (left - 1)) / 2) * coordination(left, unitCount)
    );
  };
  /**
   * The k-th best score of the docs seen so far (a pass over every one), less a hair of slack so float rounding
   * between summation orders never prunes a tie.
   */
  const kthBestBar = () => {
    const lower = valuesFor(touched.length);
    let m = 0;
    for (let at = 0; at < touched.length; at++) {
      const i = touched.items[at]!;
      if (passesWhole(i))
        lower[m++] = f[Q * i + TEXT]! * coordination(h[Q * 4 * i + TEXT_MATCHED]!, unitCount) + f[Q * i + REF]!;
    }
    const theta = kthLargest(lower.subarray(0, m), plan.keep);
    return theta - Math.abs(theta) * 1e-9;
  };
  /** The bound of every unseen doc when scoring was restricted to the docs seen before the top k was proven. */
  let speculative = -Infinity;
  let specStep = 0;
  let pruned = false;
  let only: Only | null = null;
  let scoredBounds = 0;
  /** A lower bound of the matches, beside the candidates counted (the top lists score a few only; see the end). */
  let matchesAtLeast = 0;
  const commonOpts = options.commonTerms === false ? null : (options.commonTerms ?? COMMON_TERM_DEFAULTS);
  const listOpts = options.topLists === false ? null : (options.topLists ?? TOP_LIST_DEFAULTS);
  const facetCandidates = options.facetCandidates ?? SEARCH_DEFAULTS.facetCandidates;
  const oneWordShortcut = unitCount === 1 && !scoreAll && !filtersDocs && plan.referenceIds.length === 0 && !small;
  const fromLists =
    listOpts && oneWordShortcut && Math.max(plan.keep, facetCandidates) <= listOpts.maxDepth
      ? topListAnswer(
          plan.units[0]!,
          unitPostings[0]!,
          n,
          x,
          arrays.unit(0),
          Math.max(plan.keep, facetCandidates),
          cols.order,
          listOpts,
          () => facetColumnsOf(cols),
        )
      : null;
  if (fromLists) {
    // A very common word, answered from its alternatives' top lists (see topListAnswer for why that is exact).
    scoringCounters.topListAnswers++;
    pruned = true;
    matchesAtLeast = fromLists.matchesAtLeast;
    const u = arrays.unit(0);
    units[0] = u;
    if (!direct) addUnit(u);
  }
  const common =
    !fromLists &&
    commonOpts &&
    unitCount === 1 &&
    !scoreAll &&
    !filtersDocs &&
    plan.referenceIds.length === 0 &&
    plan.keep <= commonOpts.leaders
      ? commonTermCandidates(plan.units[0]!, unitPostings[0]!, commonOpts, cols.order, arrays.mark)
      : null;
  if (common) {
    // A very common word: score its candidates only (see common-term-answers.ts for why that is exact).
    scoringCounters.commonTermAnswers++;
    // Its count is its longest field, as for any query that stops early (below).
    pruned = true;
    const mark = arrays.mark;
    for (const doc of common) mark[doc] = 1;
    const u = arrays.unit(0);
    scoreUnit(plan.units[0]!, unitPostings[0]!, n, x, { docs: common, mark }, u);
    units[0] = u;
    if (!direct) addUnit(u);
    // Candidates a multi-word expansion did not match are not touched: their marks are cleared here.
    for (const doc of common) mark[doc] = 0;
  }
  // Several words, nothing but words: MaxScore list by list (below), instead of unit by unit.
  const listFirst =
    !exhaustive &&
    !common &&
    !fromLists &&
    options.listFirst !== false &&
    unitCount > 1 &&
    plan.referenceIds.length === 0;
  for (let step = 0; step < (common || fromLists || listFirst ? 0 : order.length); step++) {
    const k = order[step]!;
    if (step > 0) scoredBounds += bounds[order[step - 1]!]!;
    if (!exhaustive && !only && step > 0) {
      const rest = restBoundsFrom(step) + proximityBound;
      // A doc not seen yet can match only the units left (a rare word scored first thus cuts common ones short).
      const unseen = unseenBound(step);
      // No doc seen scores above the bounds of the units scored (coordination only scales down), so unless the
      // unseen bound is below that, the k-th best (a pass over every doc seen) cannot be above it either.
      if (unseen < scoredBounds + refMax) {
        const bar = kthBestBar();
        if (unseen < bar) {
          // No doc unseen so far can reach the k-th best: score the rest only for docs that still can.
          pruned = true;
          const alive = touched.where((i) => passes(i) && f[Q * i + TEXT]! + f[Q * i + REF]! + rest >= bar);
          const mark = arrays.mark;
          for (const i of alive) mark[i] = 1;
          only = { docs: sortedDocs(alive), mark };
        } else if (
          options.speculate !== false &&
          // Counted apart, the postings are few: a failed speculation would score them all twice.
          !countApart &&
          SPECULATE_RATIO * touched.length < restPostings(step)
        ) {
          // The units left are common words, and the docs seen few: score the rest for these docs only, and
          // check at the end that their k-th best final score beats every unseen doc's bound (if not, the rest
          // is then scored for the other docs). In MaxScore a doc's full score raises the bar at once; term at
          // a time, partial scores under coordination would keep it low until every common word was scored.
          pruned = true;
          speculative = unseen;
          specStep = step;
          const seenDocs = touched.where(passes);
          const mark = arrays.mark;
          for (const i of seenDocs) mark[i] = 1;
          only = { docs: sortedDocs(seenDocs), mark };
        }
      }
    }
    const u = arrays.unit(k);
    const prune: OneWordPruning | undefined =
      // A unit with tie-breakers is scored whole: they add to docs after the alternatives pruning orders.
      unitCount === 1 && !scoreAll && !plan.units[k]!.alternatives.some((a) => a.bonus)
        ? { passes, passesWhole, f: direct ? null : f, refDocs: touched, refMax, keep: plan.keep, mark: arrays.mark }
        : undefined;
    if (scoreUnit(plan.units[k]!, unitPostings[k]!, n, x, only, u, prune)) pruned = true;
    units[k] = u;
    if (!direct) addUnit(u);
  }

  // The same numbers `coordination` gives, looked up per doc.
  const coord = coordinationTable(wordUnits);
  /**
   * Candidates (docs that pass every filter) and their final scores. With `fresh` (a round of the list-at-a-time
   * path, where each doc is scored once) and no filter, only those docs' final scores are computed: the others'
   * are as an earlier call left them.
   */
  const finish = (fresh?: ArrayLike<number>) => {
    let candidates: Int32Array;
    let undated = 0;
    if (direct) {
      // The unit's docs and scores are the answer's (see `direct`).
      candidates = units[0]!.touched.view();
      return { candidates, undated: candidates.length, dateBonus: new Map<number, number>() };
    }
    const everyDoc = onlyFilters && (plan.dates || plan.from !== undefined || plan.to !== undefined || seriesOk);
    if (everyDoc) arrays.wroteAll = true;
    if (!everyDoc && !filtersDocs) {
      // No filter at all (most queries): every doc touched is a candidate.
      candidates = touched.view();
      undated = candidates.length;
    } else {
      const cands = arrays.candidates;
      cands.length = 0;
      // A filter-only query's pool is every doc of the shard, else the docs touched.
      const poolSize = everyDoc ? size : touched.length;
      for (let at = 0; at < poolSize; at++) {
        const i = everyDoc ? at : touched.items[at]!;
        if (!passesUndated(i)) continue;
        undated++;
        if (passesYears(i)) cands.push(i);
      }
      candidates = cands.view();
    }

    // Final scores, summed in plan order so every path (and every shard) adds the same numbers.
    const dateBonus = new Map<number, number>();
    const boost = plan.dates?.mode === "boost" ? plan.dates : null;
    const only0 = unitCount === 1 && yearUnit === undefined && !boost ? units[0] : null;
    const incremental = fresh !== undefined && !everyDoc && !filtersDocs && yearUnit === undefined && !boost;
    const docs = incremental ? fresh : candidates;
    for (let at = 0; at < docs.length; at++) {
      const i = docs[at]!;
      // A fresh doc no unit matched is not a candidate (not touched).
      if (incremental && !seen[i]) continue;
      if (only0) {
        // One word: its score, its reference boost (the loop below, with nothing to add).
        const s0 = only0.alt[i] ? 0 + only0.s[2 * i]! : 0;
        f[Q * i + TOTAL] = s0 * coord[h[Q * 4 * i + TEXT_MATCHED]!]! * yearShare(i) + f[Q * i + REF]!;
        continue;
      }
      let sum = 0;
      for (let a = 0; a < unitCount; a++) if (units[a]?.alt[i]) sum += units[a]!.score(i);
      // Filtering by a year some titles name (see `yearOut`; such a query is scored exhaustively): a title naming
      // the year neither outranks a record dated then nor is hidden.
      if (yearOut && yearWord(i)) sum -= units[yearUnit]!.score(i);
      const tm = wordsMatched(i);
      if (wordUnits > 1 && tm >= 2) {
        let close = 0;
        for (let a = 0; a < unitCount; a++) {
          const ua = units[a]!;
          if (!ua.alt[i] || (yearOut && a === yearUnit)) continue;
          for (let b = a + 1; b < unitCount; b++) {
            if (yearOut && b === yearUnit) continue;
            const ub = units[b]!;
            if (ub.alt[i] && ua.field(i) === ub.field(i) && Math.abs(ua.slot(i) - ub.slot(i)) <= 1) close++;
          }
        }
        proximity[i] = close * SEARCH_DEFAULTS.proximityBonus;
        arrays.wroteProximity = true;
        sum += proximity[i]!;
      }
      f[Q * i + TOTAL] = sum * coord[tm]! * yearShare(i) + f[Q * i + REF]!;
      if (boost) {
        const { from, to } = boost;
        const s = cols.start[i]!,
          e = cols.end[i]! || s;
        if (s) {
          const bonus = SEARCH_DEFAULTS.dateBoost * 0.5 ** (Math.max(0, s - to, from - e) / 10);
          f[Q * i + TOTAL]! += bonus;
          dateBonus.set(i, bonus);
        }
      }
    }
    return { candidates, undated, dateBonus };
  };
  let { candidates, undated, dateBonus } = finish();
  /** The k-th best final score of the candidates (every doc touched has every unit scored when this is read). */
  const kth = () => {
    const scores = valuesFor(candidates.length).subarray(0, candidates.length);
    for (let j = 0; j < candidates.length; j++) scores[j] = f[Q * candidates[j]! + TOTAL]!;
    return kthLargest(scores, plan.keep);
  };
  /**
   * Scores the units `left` for `docs` (local indexes, marked in `mark2`; none of them scored for those units
   * yet), then moves their marks to `mark`, the docs seen. With `bar`, the units go strongest first and a doc
   * whose score so far plus the bounds `ub` of the units left cannot reach `bar` is dropped before the next unit:
   * it cannot enter the top k, so its score may stay partial (a lower bound, which is all the k-th best reads).
   */
  const scoreUnitsFor = (left: number[], docs: number[], bar = Number.NaN, ub: ArrayLike<number> = bounds) => {
    const seq = bar > 0 ? left.slice().sort((a, b) => ub[b]! - ub[a]! || a - b) : left;
    let live = docs;
    let only: Only = { docs: sortedDocs(live), mark: arrays.mark2 };
    for (let s = 0; s < seq.length; s++) {
      const k = seq[s]!;
      const u = units[k] ?? (units[k] = arrays.unit(k));
      const before = u.touched.length;
      scoreUnit(plan.units[k]!, unitPostings[k]!, n, x, only, u);
      addUnit(u, before);
      if (bar > 0 && s + 1 < seq.length) {
        let rest = proximityBound,
          more = 0;
        for (let r = s + 1; r < seq.length; r++) {
          rest += ub[seq[r]!]!;
          if (ub[seq[r]!]! > 0) more++;
        }
        // At best every unit left matches too: the coordination of that many units matched, at most 1.
        const keep = live.filter(
          (i) =>
            (f[Q * i + TEXT]! + rest) *
              coordination(Math.min(unitCount, h[Q * 4 * i + TEXT_MATCHED]! + more), unitCount) >=
            bar,
        );
        if (keep.length < live.length) {
          for (const i of live) arrays.mark2[i] = 0;
          for (const i of keep) arrays.mark2[i] = 1;
          live = keep;
          only = { docs: sortedDocs(live), mark: arrays.mark2 };
        }
      }
    }
    for (const i of docs) {
      arrays.mark2[i] = 0;
      // Marks are cleared through the touched docs: one a multi-word expansion's rarest term found but no unit
      // matched stays unmarked (never read as seen again: it matches nothing).
      if (seen[i]) arrays.mark[i] = 1;
    }
  };

  if (listFirst) {
    // MaxScore, a list at a time: the shortest essential lists' docs not seen yet are scored in full (every unit),
    // which raises the k-th best; with it, more of the weak lists (long fields, expansions) become non-essential, and
    // a rare word's lists, once done, no longer lift the docs not seen. Once no list is essential, no doc not seen
    // can enter the top k. Each doc is scored once, so its score is the exhaustive one.
    const all = plan.units.map((_, k) => k);
    const { lists, bonus } = boundedLists(plan, all, unitPostings, n);
    const done = new Uint8Array(lists.length);
    const roundPostings = options.roundPostings ?? ROUND_POSTINGS;
    // The best `keep` so far, kept as rounds add docs (each scored once, so its score no longer changes): the k-th
    // best is its worst, where a pass over every candidate found it each round.
    const roundTop = new TopK(plan.keep, f, Q, TOTAL, cols.order);
    for (let round = 0; ; round++) {
      const theta = round ? roundTop.kthScore() : -Infinity;
      const bar = theta - Math.abs(theta) * 1e-9;
      const essential = essentialLists(plan, all, lists, bonus, done, bar);
      if (!essential.length) break;
      const byCount = essential.slice().sort((a, b) => lists[a]!.count - lists[b]!.count);
      let take = byCount;
      let left = 0;
      for (let j = 0; j < lists.length; j++) if (!done[j]) left += lists[j]!.count;
      // A round is short in absolute terms or, when no list is, against what is left: a place's few hundred titles
      // among tens of thousands of postings of common words are the docs that set the k-th best.
      const shortest = lists[byCount[0]!]!.count;
      const roundCap =
        shortest <= roundPostings
          ? roundPostings
          : Math.min(left / (options.roundShare ?? ROUND_SHARE), ROUND_POSTINGS_MAX_SHARE * roundPostings);
      if (round < LIST_ROUNDS && shortest <= roundCap) {
        let sum = 0,
          m = 0;
        while (m < byCount.length && sum + lists[byCount[m]!]!.count <= roundCap) sum += lists[byCount[m++]!]!.count;
        take = byCount.slice(0, m);
      } else {
        // The last round: every essential list left. When they hold much of what is left, every unit is scored for
        // every doc not seen instead, as exhaustive scoring would: no lookups, and the total and facets are exact.
        let taken = 0;
        for (const j of take) taken += lists[j]!.count;
        if (taken * (options.fullPassShare ?? FULL_PASS_SHARE) >= left) {
          scoringCounters.listFirstFullPass++;
          for (const k of all) {
            const u = units[k] ?? (units[k] = arrays.unit(k));
            const before = u.touched.length;
            scoreUnit(plan.units[k]!, unitPostings[k]!, n, x, null, u, undefined, arrays.mark);
            addUnit(u, before);
          }
          done.fill(1);
          ({ candidates, undated, dateBonus } = finish());
          break;
        }
      }
      const fresh = unseenDocs(
        take.map((j) => lists[j]!),
        arrays.mark,
        arrays.mark2,
        passes,
      );
      for (const j of take) done[j] = 1;
      // Lists of one word's forms often hold the same docs: a list whose docs were all seen costs nothing more.
      if (!fresh.length) continue;
      scoreUnitsFor(all, fresh, bar, unseenUnitBounds(plan, lists, bonus, done, take));
      ({ candidates, undated, dateBonus } = finish(fresh));
      // Only candidates: an undated doc found may still miss a word (`passes` lets it be scored), and its final
      // score is then never written.
      for (const i of fresh) if (seen[i] && (!filtersDocs || candidate(i))) roundTop.offer(i);
      if (take.length === essential.length && take.length > 1) break;
    }
    scoringCounters.listFirst++;
    // Lists never walked may hold matches not counted: the total is then a lower bound.
    pruned = done.some((d) => !d);
  }

  if (speculative > -Infinity) {
    let theta = kth();
    const proven = () => speculative < theta - Math.abs(theta) * 1e-9;
    const seenDocs = arrays.mark;
    const left = order.slice(specStep);
    if (!proven()) {
      // The seed (the rarest word's docs) may hold few good docs: probe the best docs of the strongest lists left
      // (scored in full, they are real scores), which raises the k-th best an unseen doc must reach.
      const probe = probeDocs(plan, left, unitPostings, n, seenDocs, arrays.mark2, passes);
      if (probe.length) {
        scoreUnitsFor(left, probe);
        ({ candidates, undated, dateBonus } = finish());
        theta = kth();
      }
    }
    if (!proven()) {
      // Not proven: an unseen doc might still enter the top k. The seen docs' k-th best bounds what it must reach:
      // only the lists that can lift one that far on their own are walked, and the units left are scored for the
      // docs found in them.
      const cands = essentialCandidates(
        plan,
        left,
        unitPostings,
        n,
        theta - Math.abs(theta) * 1e-9,
        seenDocs,
        arrays.mark2,
        passes,
      );
      if (cands) {
        scoringCounters.essentialLists++;
        scoreUnitsFor(left, cands);
      } else {
        // Every list is essential: score the units left for every other doc too (the docs seen have theirs), so
        // every unit is scored in full, as exhaustive scoring would. Seen docs have every unit scored now, so the
        // k-th best is their true one: MaxScore goes on from it.
        let rest: Only | null = null;
        for (let step = specStep; step < order.length; step++) {
          const k = order[step]!;
          if (step > specStep && !rest) {
            const restBounds = restBoundsFrom(step);
            const unseen = unseenBound(step);
            const bar = kthBestBar();
            if (unseen < bar) {
              const upper = restBounds + proximityBound;
              const alive = touched.where(
                (i) => !seenDocs[i] && passes(i) && f[Q * i + TEXT]! + f[Q * i + REF]! + upper >= bar,
              );
              for (const i of alive) arrays.mark2[i] = 1;
              rest = { docs: sortedDocs(alive), mark: arrays.mark2 };
            }
          }
          const u = units[k]!;
          const before = u.touched.length;
          scoreUnit(plan.units[k]!, unitPostings[k]!, n, x, rest, u, undefined, rest ? null : seenDocs);
          addUnit(u, before);
        }
        pruned = rest !== null;
      }
      ({ candidates, undated, dateBonus } = finish());
    }
  }

  // Where the final scores are: the query's totals, or one word's unit scores (see `direct`).
  const [scores, stride, off] = direct ? [units[0]!.s, 2, 0] : [f, Q, TOTAL];
  let facetSet: ArrayLike<number> = candidates;
  /** With `facetSet` the docs of a top-list answer, their facet entries in a row (see `facetRowsOf`). */
  let facetRows: Uint16Array | null = null;
  let best: number[];
  if (plan.phrases.length) {
    const top = new TopK(SEARCH_DEFAULTS.phraseCheckLimit, scores, stride, off, cols.order);
    top.offerAll(candidates);
    const checked = top.sorted();
    const texts: string[] = yield checked.map((i) => i + docBase);
    const holding = checked.filter((_, j) => {
      const t = ` ${words(texts[j]!).join(" ")} `;
      return plan.phrases.every((p) => t.includes(` ${p.join(" ")} `));
    });
    facetSet = holding;
    best = holding.slice(0, plan.keep);
  } else if (direct && fromLists?.inOrder) {
    // One word from its top lists: the unit's docs are the candidates, found best first (see topListAnswer), at
    // most as many as facets count. The best `keep` are their first; no selection is needed.
    facetSet = candidates;
    facetRows = fromLists.facetRows;
    best = Array.from(candidates.subarray(0, Math.min(plan.keep, candidates.length)));
  } else if (pruned && !countApart) {
    // Facets need the set, not its order: only the best `keep` are sorted.
    const items = bestSet(candidates, Math.max(plan.keep, facetCandidates), scores, cols.order, stride, off);
    facetSet = items;
    best = bestSorted(items, plan.keep, scores, cols.order, stride, off);
  } else {
    // Not pruned, or counted apart (facets then come from the count below, not from the candidates).
    best = bestSorted(candidates, plan.keep, scores, cols.order, stride, off);
  }

  const topDocs = best.map((i): ScoredDoc => {
    const parts: UnitMatch[] = [];
    if (plan.explain) {
      plan.units.forEach((unit, u) => {
        const a = units[u]!.alt[i]!;
        const tie = unit.alternatives.some((x) => x.bonus) ? units[u]!.tieBreakers() : null;
        if (a) {
          const alt = unit.alternatives[a - 1]!;
          parts.push({
            unit: unit.text,
            rule: alt.rule,
            via: alt.label,
            field: FIELD_BY_INDEX[units[u]!.field(i)]!,
            // A year the query filters by is counted, not scored (see the final scores).
            score: u === yearUnit && dateFilter ? 0 : round(units[u]!.score(i) - (tie ? tie.bonus[i]! : 0)),
          });
          // A unit's tie-breaker arrays are written only when it has tie-breakers (see scoreUnit).
          const b = tie ? tie.bonusAlt[i]! : 0;
          if (b) {
            const bonus = unit.alternatives[b - 1]!;
            parts.push({ unit: unit.text, rule: bonus.rule, via: bonus.label, score: round(tie!.bonus[i]!) });
          }
        }
      });
      if (unitCount > 1 && proximity[i])
        parts.push({
          unit: "proximity",
          rule: "exact",
          via: `${proximity[i]! / SEARCH_DEFAULTS.proximityBonus} close pair(s)`,
          score: round(proximity[i]!),
        });
      // One word and nothing else (`direct`) has no counts of its own: its one word matched.
      const tm = direct ? 1 : wordsMatched(i);
      if (wordUnits > 1 && tm < wordUnits) {
        parts.push({
          unit: "coordination",
          rule: "exact",
          via: `${tm} of ${wordUnits} words matched: × ${round(coordination(tm, wordUnits))}`,
          score: 0,
        });
      }
      for (const r of refHits.get(i) ?? [])
        parts.push({ unit: r.ref, rule: "exact", via: `reference ${r.id}`, score: SEARCH_DEFAULTS.referenceBoost });
      if (dateFilter && undatedDoc(i))
        parts.push({
          unit: `${dateFilter.from}-${dateFilter.to}`,
          rule: "exact",
          via: `undated: × ${SEARCH_DEFAULTS.undatedYearShare}`,
          score: 0,
        });
      const bonus = dateBonus.get(i);
      if (bonus !== undefined && plan.dates)
        parts.push({
          unit: `${plan.dates.from}-${plan.dates.to}`,
          rule: "exact",
          via: "date boost",
          score: round(bonus),
        });
    }
    return {
      doc: i + docBase,
      score: scores[stride * i + off]!,
      matched: direct ? 1 : h[Q * 4 * i + MATCHED]!,
      order: cols.order[i]!,
      parts,
      ...(plan.years ? { startYear: cols.start[i]!, endYear: cols.end[i]! } : {}),
    };
  });
  // When top-k scored every match after all (nothing pruned), its own count is exact: no second pass.
  if (countApart && pruned) {
    scoringCounters.countedApart++;
    const matches = matchingDocs(plan, unitPostings, arrays.counted);
    return {
      total: matches.length,
      totalExact: true,
      undated: matches.length,
      top: topDocs,
      facets: facetsOf(matches, cols, seriesNames),
      facetsExact: true,
    };
  }
  // Stopped early, the count is at least a unit's longest field (any word matches), as one word's lists and leaders
  // count it on its next uses; only where every posting is a match.
  if (pruned && !filtersDocs && plan.referenceIds.length === 0 && plan.phrases.length === 0 && !plan.dates)
    for (let k = 0; k < unitCount; k++)
      matchesAtLeast = Math.max(matchesAtLeast, unitMatchesAtLeast(plan.units[k]!, unitPostings[k]!));
  return {
    total: pruned ? Math.max(candidates.length, matchesAtLeast) : facetSet.length,
    totalExact: !pruned,
    undated,
    top: topDocs,
    facets: facetRows ? facetsOfRows(facetRows, facetSet.length, seriesNames) : facetsOf(facetSet, cols, seriesNames),
    facetsExact: !pruned,
  };
}

/**
 * Every doc that matches a plan of single-term alternatives, without filters (local indexes, each once): the docs
 * of every posting the plan reads (tie-breakers never make a match). What exhaustive scoring would count.
 * @param seen scratch of the shard's size, all zero; left zero.
 */
function matchingDocs(plan: QueryPlan, unitPostings: UnitPostings[], seen: Uint8Array): number[] {
  const out: number[] = [];
  plan.units.forEach((unit, k) => {
    unit.alternatives.forEach((alt, ai) => {
      if (alt.bonus) return;
      const t = alt.terms[0]!;
      const p = unitPostings[k]![ai]![0]!;
      for (const f of t.fields) {
        if (unit.fields && !unit.fields.includes(f)) continue;
        const docs = p.fields[f]?.decodeAll().docs;
        if (!docs) continue;
        for (let j = 0; j < docs.length; j++) {
          const i = docs[j]!;
          if (!seen[i]) {
            seen[i] = 1;
            out.push(i);
          }
        }
      }
    });
  });
  for (const i of out) seen[i] = 0;
  return out;
}

/** The global hit order: score, then catalogue order. */
export function compareHits(a: ScoredDoc, b: ScoredDoc): number {
  return b.score - a.score || a.order - b.order;
}

/**
 * The best `keep` hits of several shards' lists, in the global order. Each shard's list comes best first, so they are
 * merged, taking the best head `keep` times, rather than joined and sorted: a date sort's pool is 10,000 hits a
 * shard, and sorting eleven shards' 110,000 to keep 10,000 took about 50 ms in Node, the merge 4 (a 10M group's
 * sorted "soviet", `scale-cpu.ts --sort date`: 97–140 ms of CPU against 160–182). A list out of order (never
 * expected) falls back to the sort.
 *
 * @example mergeBest([[{ score: 3, … }, { score: 1, … }], [{ score: 2, … }]], 2) // the hits scoring 3 and 2
 */
export function mergeBest(lists: readonly ScoredDoc[][], keep: number): ScoredDoc[] {
  const live = lists.filter((l) => l.length > 0);
  for (const l of live)
    for (let j = 1; j < l.length; j++)
      if (compareHits(l[j - 1]!, l[j]!) > 0) return live.flat().sort(compareHits).slice(0, keep);
  if (live.length <= 1) return (live[0] ?? []).slice(0, keep);
  const at = new Array<number>(live.length).fill(0);
  const out: ScoredDoc[] = [];
  // At most 16 lists (the fan-out bound), or a group's shards: a scan of the heads is as quick as a heap.
  while (out.length < keep) {
    let best = -1;
    for (let i = 0; i < live.length; i++) {
      const h = live[i]![at[i]!];
      if (h && (best < 0 || compareHits(h, live[best]![at[best]!]!) < 0)) best = i;
    }
    if (best < 0) break;
    out.push(live[best]![at[best]!++]!);
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
