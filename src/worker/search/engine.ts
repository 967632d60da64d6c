/**
 * Ranking. FlexSearch finds which documents hold a term and where (its
 * position slot); it gives no score, so Dossier computes one:
 *
 *   score(doc) = Σ over query units of  max over the unit's alternatives of
 *                rule weight × Σ over fields holding the term of
 *                field weight × idf of the term in that field × position factor(slot)
 *              + proximity bonus when two query words sit in the same slot
 *                range of one field
 *
 * A unit is a query word (or a thesaurus phrase); its alternatives are the
 * word itself, its stem, its transliteration variant key, its phonetic codes,
 * thesaurus expansions and, when the word is not in the index in any
 * spelling, typo corrections. Hits are ordered by how many units they match
 * first, then by score, then by catalogue order, so a record matching every
 * term never ranks below one matching some.
 *
 * Planning (which alternatives) is catalogue-wide and done once; scoring runs
 * per search shard on a serialisable plan, so a sharded index ranks exactly
 * as a single one.
 */
import { FIELDS, RULE_WEIGHTS, type FieldName, type MatchRule } from "../../shared/search-config";
import { stem } from "../../shared/text/stem";
import { variantKey } from "../../shared/text/variants";
import { phoneticKeys } from "../../shared/text/phonetic";
import { STOPWORDS, words } from "../../shared/text/fold";
import { allowedEdits, editsWithin } from "../../shared/text/typo";
import type { ParsedQuery } from "./query-parser";
import { attachInitials, nicknameAlternatives, numberUnits, soundsLikeName } from "./name-plan";
import type { FilterColumns, SearchIndex, SearchLexicon, TermPostings } from "./search-index";

export type MatchMode = "exact" | "variants" | "phonetic";

/** Defaults of the search engine, in one place. */
export const SEARCH_DEFAULTS = {
  mode: "variants" as MatchMode,
  /** Position factor: slot 0 (start of the field) counts fully, each later slot 6% less. */
  slotDecay: 0.06,
  /** Bonus per pair of query words found close together in the same field. */
  proximityBonus: 0.5,
  /** A matched reference outranks any text match. */
  referenceBoost: 1000,
  /** Typo corrections tried per word. */
  typoCandidates: 3,
  /** At most this many references a query may expand to (ranges). */
  maxReferenceDocs: 200,
  /** Candidates a quoted phrase is checked against, best first. */
  phraseCheckLimit: 500,
  /** Date boost (when a date range filters out everything): bonus at the range, halving every decade away. */
  dateBoost: 2,
};

const LITERAL_FIELDS: FieldName[] = ["ref", "title", "people", "tags", "desc"];
const PERSON_FIELDS: FieldName[] = ["people", "names", "phon", "title"];
const PLACE_FIELDS: FieldName[] = ["tags", "desc"];

export interface Alternative {
  /** All terms must be present (multi-word thesaurus expansions have several). */
  terms: Array<{ term: string; fields: FieldName[] }>;
  rule: MatchRule;
  weight: number;
  /** What to show in `explain`. */
  label: string;
}

export interface QueryUnit {
  text: string;
  words: string[];
  alternatives: Alternative[];
  /** Restrict to these fields (person:, place:). */
  fields?: FieldName[];
}

export interface UnitMatch { unit: string; rule: MatchRule; via: string; score: number }

export interface ScoredDoc {
  doc: number;
  score: number;
  matched: number;
  /** Catalogue order, the last tie-break. */
  order: number;
  parts: UnitMatch[];
}

export interface EngineOptions {
  mode: MatchMode;
  /** Which rules may match; `exact` is always on. Narrowed by `mode` (exact mode allows only `exact`). */
  rules: ReadonlySet<MatchRule>;
  explain: boolean;
}

/** Every rule, the default. */
export const ALL_RULES: ReadonlySet<MatchRule> = new Set(Object.keys(RULE_WEIGHTS) as MatchRule[]);

/** The rules a request may use: exact mode allows only literal words; synonyms=0 drops the thesaurus. */
export function effectiveRules(mode: MatchMode, synonyms: boolean, rules?: Iterable<MatchRule>): Set<MatchRule> {
  const out = new Set<MatchRule>(rules ?? ALL_RULES);
  out.add("exact");
  if (mode === "exact") return new Set(["exact"]);
  if (!synonyms) out.delete("synonym");
  return out;
}

/** Everything a shard needs to score its part of a query; plain data, so it can cross to a Durable Object. */
export interface QueryPlan {
  units: QueryUnit[];
  /** Record ids named by the query (references and ranges, expanded). */
  referenceIds: Array<{ id: string; ref: string }>;
  exclude: string[];
  phrases: string[][];
  /** Series names to keep (empty: all). */
  series: string[];
  from?: number;
  to?: number;
  /** Years named in the query: a filter, or a boost when filtering would leave nothing. */
  dates: { from: number; to: number; mode: "filter" | "boost" } | null;
  explain: boolean;
  /** How many of its best hits each shard returns: offset + limit. */
  keep: number;
  /** Documents in the whole catalogue. */
  docs: number;
}

/** Builds the query's units and their alternatives, catalogue-wide. */
export async function planUnits(lexicon: SearchLexicon, q: ParsedQuery, opts: EngineOptions): Promise<QueryUnit[]> {
  const thesaurus = opts.rules.has("synonym") ? await lexicon.thesaurus() : {};
  const personWords = new Set(q.fields.person.flat());
  const placeWords = new Set(q.fields.place.flat());
  const units: QueryUnit[] = [];
  const ws = q.words;
  for (let i = 0; i < ws.length; i++) {
    // Longest thesaurus phrase starting here (up to 4 words), so "security service" is one unit.
    let span = 1;
    let expansions: Array<[string[], number, string]> = [];
    for (let n = Math.min(4, ws.length - i); n >= 1; n--) {
      const key = ws.slice(i, i + n).map(stem).join(" ");
      // Own keys only: user words such as "constructor" must not find Object.prototype members.
      const found = Object.hasOwn(thesaurus, key) ? thesaurus[key] : undefined;
      if (found) { span = n; expansions = found; break; }
    }
    const unitWords = ws.slice(i, i + span);
    const restrict = unitWords.some((w) => personWords.has(w)) ? PERSON_FIELDS : unitWords.some((w) => placeWords.has(w)) ? PLACE_FIELDS : undefined;
    const alternatives: Alternative[] = [];
    if (span === 1) {
      const w = unitWords[0]!;
      // An initial is planned as its own unit (below); any other single letter gets no expansion at all.
      if (w.length === 1) {
        if (!q.initials.includes(w)) units.push({ text: w, words: [w], alternatives: [wordAlternatives(w, { ...opts, rules: new Set(["exact"]) })[0]!] });
        continue;
      }
      const isSpelt = await spelt(lexicon, w, opts.rules);
      // Sound-alike matching is for names only; a word the thesaurus knows is a domain term, not a misheard name.
      const phonetic = !expansions.length && (opts.mode === "phonetic" || soundsLikeName(w, q, isSpelt));
      alternatives.push(...wordAlternatives(w, phonetic ? opts : { ...opts, rules: without(opts.rules, "phonetic") }));
      alternatives.push(...nicknameAlternatives(w, q, opts.rules));
      if (opts.rules.has("typo") && !isSpelt) alternatives.push(...(await typoAlternatives(lexicon, w, opts.mode)));
    } else {
      alternatives.push({ terms: unitWords.map((w) => ({ term: w, fields: LITERAL_FIELDS })), rule: "exact", weight: RULE_WEIGHTS.exact, label: unitWords.join(" ") });
    }
    for (const [exp, w, group] of expansions) {
      const expWords = exp.filter((x) => !STOPWORDS.has(x));
      if (!expWords.length) continue;
      alternatives.push({
        terms: expWords.map((x) => ({ term: expWords.length > 1 ? x : stem(x), fields: expWords.length > 1 ? LITERAL_FIELDS : ["stem", "ref", "title", "people", "tags", "desc"] })),
        // A phrase scores every one of its words: divided by its length, "Central Intelligence Agency" for
        // "CIA" is worth about one word, not three, and no longer outranks the literal "CIA".
        rule: "synonym", weight: (RULE_WEIGHTS.synonym * w) / expWords.length, label: `${exp.join(" ")} (${group})`,
      });
    }
    units.push({ text: unitWords.join(" "), words: unitWords, alternatives, ...(restrict ? { fields: restrict } : {}) });
    i += span - 1;
  }
  attachInitials(units, q, opts.rules, LITERAL_FIELDS);
  units.push(...numberUnits(q));
  return units;
}

function without(rules: ReadonlySet<MatchRule>, rule: MatchRule): ReadonlySet<MatchRule> {
  const out = new Set(rules);
  out.delete(rule);
  return out;
}

/**
 * Whether the catalogue holds the word in a spelling the rules derive from
 * it (itself, its stem, its variant key). Typos are tried only when it does
 * not: a sound-alike hit alone does not rule out a slip of the keyboard.
 */
async function spelt(lexicon: SearchLexicon, w: string, rules: ReadonlySet<MatchRule>): Promise<boolean> {
  if (await lexicon.has(w)) return true;
  if (rules.has("stem") && (await lexicon.has(stem(w)))) return true;
  return rules.has("variant") && (await lexicon.has(variantKey(w)));
}

function wordAlternatives(w: string, opts: EngineOptions): Alternative[] {
  const alts: Alternative[] = [{ terms: [{ term: w, fields: LITERAL_FIELDS }], rule: "exact", weight: RULE_WEIGHTS.exact, label: w }];
  if (/^\d+$/.test(w)) return alts;
  const { rules } = opts;
  if (rules.has("stem")) {
    const s = stem(w);
    alts.push({ terms: [{ term: s, fields: ["stem"] }], rule: "stem", weight: RULE_WEIGHTS.stem, label: s });
  }
  if (rules.has("variant")) {
    const v = variantKey(w);
    // A word that is its own variant key is spelt as the names field holds it: that is a literal match.
    alts.push(v === w
      ? { terms: [{ term: v, fields: ["names"] }], rule: "exact", weight: RULE_WEIGHTS.exact, label: v }
      : { terms: [{ term: v, fields: ["names"] }], rule: "variant", weight: RULE_WEIGHTS.variant, label: v });
  }
  if (rules.has("phonetic")) {
    const weight = opts.mode === "phonetic" ? RULE_WEIGHTS.variant : RULE_WEIGHTS.phonetic;
    for (const code of phoneticKeys(w)) alts.push({ terms: [{ term: code, fields: ["phon"] }], rule: "phonetic", weight, label: code });
  }
  return alts;
}

/** Typo alternatives for a word: vocabulary words within its allowed edits, closest and commonest first. */
async function typoAlternatives(lexicon: SearchLexicon, w: string, mode: MatchMode): Promise<Alternative[]> {
  const max = allowedEdits(w) + (mode === "phonetic" && w.length >= 4 ? 1 : 0);
  if (max === 0 || /\d/.test(w)) return [];
  const found: Array<{ t: string; d: number; df: number }> = [];
  for (let len = Math.max(1, w.length - max); len <= w.length + max; len++) {
    for (const [t, df] of await lexicon.vocab(len)) {
      const d = editsWithin(w, t, max);
      if (d <= max && d > 0) found.push({ t, d, df });
    }
  }
  found.sort((a, b) => a.d - b.d || b.df - a.df || (a.t < b.t ? -1 : 1));
  return found.slice(0, SEARCH_DEFAULTS.typoCandidates).map(({ t, d }) => ({
    terms: [{ term: t, fields: [...LITERAL_FIELDS, "names"] as FieldName[] }],
    rule: "typo" as const, weight: RULE_WEIGHTS.typo / d, label: `${t} (${d} edit${d > 1 ? "s" : ""})`,
  }));
}

/** What one shard answers: its best hits, its share of the total and facets. */
export interface ShardResult {
  total: number;
  /** Matches before the query's own date range was applied (decides filter vs boost). */
  undated: number;
  top: ScoredDoc[];
  facets: { series: Record<string, number>; decade: Record<string, number> };
}

/** Reads records by doc number, for phrase checks. */
export type RecordTexts = (docs: number[]) => Promise<string[]>;

const FIELD_INDEX = new Map<FieldName, number>(Object.keys(FIELDS).map((f, i) => [f as FieldName, i]));
const FIELD_BY_INDEX = Object.keys(FIELDS) as FieldName[];

/**
 * Per-query scratch space for one shard, indexed by `doc - base`. Typed arrays
 * and touched-lists instead of Maps: a common word touches most of a shard,
 * and this is the hot loop of every search.
 */
class Scratch {
  readonly alt: Float64Array;
  readonly altCount: Uint8Array;
  readonly altField: Uint8Array;
  readonly altSlot: Uint8Array;
  altTouched: number[] = [];

  constructor(readonly size: number) {
    this.alt = new Float64Array(size);
    this.altCount = new Uint8Array(size);
    this.altField = new Uint8Array(size);
    this.altSlot = new Uint8Array(size);
  }

  clearAlt(): void {
    for (const i of this.altTouched) { this.alt[i] = 0; this.altCount[i] = 0; }
    this.altTouched = [];
  }
}

/** Per-unit results kept for totals, proximity and `explain`. */
interface UnitArrays {
  score: Float64Array;
  /** Index of the winning alternative, +1 (0 = no match). */
  alt: Uint8Array;
  field: Uint8Array;
  slot: Uint8Array;
  touched: number[];
}

/**
 * Adds one term's score, over the given fields, into the alternative scratch.
 * Each field contributes weight × idf within that field × position factor,
 * BM25F-style: a word rare in titles counts for more there even if
 * descriptions use it often. Document frequencies are the catalogue's own in
 * a sharded index, so shards agree.
 */
function addTerm(p: TermPostings, fields: FieldName[], n: number, restrict: FieldName[] | undefined, base: number, x: Scratch, termNo: number): void {
  for (const f of fields) {
    if (restrict && !restrict.includes(f)) continue;
    const slots = p.fields[f];
    if (!slots) continue;
    let df = p.df?.[f] ?? 0;
    if (!df) for (const list of slots) if (list) df += list.length;
    const w = FIELDS[f].weight * Math.log(1 + n / df);
    const fi = FIELD_INDEX.get(f)!;
    for (let s = 0; s < slots.length; s++) {
      const list = slots[s];
      if (!list) continue;
      const add = w * (1 - SEARCH_DEFAULTS.slotDecay * s);
      for (let j = 0; j < list.length; j++) {
        const i = list[j]! - base;
        if (x.altCount[i] === termNo) {
          // First field of this term for this doc: count the term once.
          if (termNo === 0) x.altTouched.push(i);
          x.altCount[i] = termNo + 1;
          if (termNo === 0 || FIELDS[f].weight > FIELDS[FIELD_BY_INDEX[x.altField[i]!]!].weight) { x.altField[i] = fi; x.altSlot[i] = s; }
          x.alt[i]! += add;
        } else if (x.altCount[i] === termNo + 1) {
          x.alt[i]! += add;
          if (FIELDS[f].weight > FIELDS[FIELD_BY_INDEX[x.altField[i]!]!].weight) { x.altField[i] = fi; x.altSlot[i] = s; }
        }
      }
    }
  }
}

async function scoreUnit(index: SearchIndex, unit: QueryUnit, n: number, base: number, x: Scratch): Promise<UnitArrays> {
  const u: UnitArrays = { score: new Float64Array(x.size), alt: new Uint8Array(x.size), field: new Uint8Array(x.size), slot: new Uint8Array(x.size), touched: [] };
  const postings = await Promise.all(unit.alternatives.map((a) => Promise.all(a.terms.map((t) => index.postings(t.term)))));
  unit.alternatives.forEach((alt, ai) => {
    x.clearAlt();
    alt.terms.forEach((t, ti) => addTerm(postings[ai]![ti]!, t.fields, n, unit.fields, base, x, ti));
    const need = alt.terms.length;
    for (const i of x.altTouched) {
      if (x.altCount[i] !== need) continue; // a multi-word expansion needs all its words
      const sc = x.alt[i]! * alt.weight;
      if (u.alt[i] === 0) u.touched.push(i);
      if (u.alt[i] === 0 || sc > u.score[i]!) { u.score[i] = sc; u.alt[i] = ai + 1; u.field[i] = x.altField[i]!; u.slot[i] = x.altSlot[i]!; }
    }
  });
  x.clearAlt();
  return u;
}

/** Keeps the best `k` of a stream under `better`, as a binary min-heap (worst on top). */
class TopK {
  private readonly heap: number[] = [];
  constructor(private readonly k: number, private readonly better: (a: number, b: number) => boolean) {}

  offer(i: number): void {
    const h = this.heap;
    if (h.length < this.k) {
      h.push(i);
      for (let c = h.length - 1; c > 0;) { const p = (c - 1) >> 1; if (this.better(h[p]!, h[c]!)) { [h[p], h[c]] = [h[c]!, h[p]!]; c = p; } else break; }
    } else if (this.k > 0 && this.better(i, h[0]!)) {
      h[0] = i;
      for (let p = 0; ;) {
        const l = 2 * p + 1, r = l + 1;
        let w = p;
        if (l < h.length && this.better(h[w]!, h[l]!)) w = l;
        if (r < h.length && this.better(h[w]!, h[r]!)) w = r;
        if (w === p) break;
        [h[p], h[w]] = [h[w]!, h[p]!];
        p = w;
      }
    }
  }

  /** Best first. */
  sorted(): number[] {
    return [...this.heap].sort((a, b) => (this.better(a, b) ? -1 : this.better(b, a) ? 1 : 0));
  }
}

/** Scores a plan on one search shard: match, filter, facet, and keep the best `plan.keep`. */
export async function scoreShard(index: SearchIndex, plan: QueryPlan, seriesNames: string[], recordTexts: RecordTexts): Promise<ShardResult> {
  const n = plan.docs;
  const cols = await index.filters();
  const base = cols.base;
  const size = cols.order.length;
  const x = new Scratch(size);
  const total = new Float64Array(size);
  const matched = new Uint16Array(size);
  const touched: number[] = [];
  const touch = (i: number) => { if (matched[i] === 0 && total[i] === 0) touched.push(i); };

  const units: UnitArrays[] = [];
  for (const unit of plan.units) {
    const u = await scoreUnit(index, unit, n, base, x);
    units.push(u);
    for (const i of u.touched) { touch(i); total[i]! += u.score[i]!; matched[i]!++; }
  }
  const proximity = new Float64Array(units.length > 1 ? size : 0);
  if (units.length > 1) {
    for (const i of touched) {
      if (matched[i]! < 2) continue;
      let close = 0;
      for (let a = 0; a < units.length; a++) {
        if (!units[a]!.alt[i]) continue;
        for (let b = a + 1; b < units.length; b++) {
          if (units[b]!.alt[i] && units[a]!.field[i] === units[b]!.field[i] && Math.abs(units[a]!.slot[i]! - units[b]!.slot[i]!) <= 1) close++;
        }
      }
      proximity[i] = close * SEARCH_DEFAULTS.proximityBonus;
      total[i]! += proximity[i]!;
    }
  }
  const refHits = new Map<number, Array<{ id: string; ref: string }>>();
  for (const r of plan.referenceIds) {
    for (const list of (await index.postings(r.id)).fields.ref ?? []) {
      for (const doc of list ?? []) {
        const i = doc - base;
        touch(i);
        total[i]! += SEARCH_DEFAULTS.referenceBoost;
        matched[i]!++;
        (refHits.get(i) ?? refHits.set(i, []).get(i)!).push(r);
      }
    }
  }

  // Filters: series, explicit years, exclusions, the query's own years.
  const seriesOk = plan.series.length ? new Set(plan.series.map((s) => seriesNames.indexOf(s)).filter((k) => k >= 0)) : null;
  const overlaps = (i: number, from?: number, to?: number) => {
    const s = cols.start[i]!, e = cols.end[i]!;
    if (from === undefined && to === undefined) return true;
    if (!s && !e) return false;
    return (to === undefined || s <= to) && (from === undefined || e >= from);
  };
  const excluded = new Set<number>();
  for (const w of plan.exclude.flatMap((t) => words(t))) {
    const p = await index.postings(w);
    for (const f of LITERAL_FIELDS) for (const list of p.fields[f] ?? []) for (const doc of list ?? []) excluded.add(doc - base);
  }
  const onlyFilters = plan.units.length === 0 && plan.referenceIds.length === 0;
  const pool: Iterable<number> = onlyFilters && (plan.dates || plan.from !== undefined || plan.to !== undefined || seriesOk)
    ? { [Symbol.iterator]: function* () { for (let i = 0; i < size; i++) yield i; } }
    : touched;
  const candidates: number[] = [];
  for (const i of pool) {
    if (seriesOk && !seriesOk.has(cols.series[i]!)) continue;
    if (excluded.has(i) || !overlaps(i, plan.from, plan.to)) continue;
    candidates.push(i);
  }
  const undated = candidates.length;
  let kept = candidates;
  const dateBonus = new Map<number, number>();
  if (plan.dates?.mode === "filter") {
    const { from, to } = plan.dates;
    kept = candidates.filter((i) => overlaps(i, from, to));
  } else if (plan.dates?.mode === "boost") {
    const { from, to } = plan.dates;
    for (const i of candidates) {
      const s = cols.start[i]!, e = cols.end[i]! || s;
      if (!s) continue;
      const bonus = SEARCH_DEFAULTS.dateBoost * 0.5 ** (Math.max(0, s - to, from - e) / 10);
      total[i]! += bonus;
      dateBonus.set(i, bonus);
    }
  }

  const better = (a: number, b: number) => matched[a]! > matched[b]! || (matched[a] === matched[b] && (total[a]! > total[b]! || (total[a] === total[b] && cols.order[a]! < cols.order[b]!)));
  let facetSet = kept;
  let best: number[];
  if (plan.phrases.length) {
    const top = new TopK(SEARCH_DEFAULTS.phraseCheckLimit, better);
    for (const i of kept) top.offer(i);
    const checked = top.sorted();
    const texts = await recordTexts(checked.map((i) => i + base));
    facetSet = checked.filter((_, j) => {
      const text = ` ${words(texts[j]!).join(" ")} `;
      return plan.phrases.every((p) => text.includes(` ${p.join(" ")} `));
    });
    best = facetSet.slice(0, plan.keep);
  } else {
    const top = new TopK(plan.keep, better);
    for (const i of kept) top.offer(i);
    best = top.sorted();
  }

  const topDocs = best.map((i): ScoredDoc => {
    const parts: UnitMatch[] = [];
    if (plan.explain) {
      plan.units.forEach((unit, u) => {
        const a = units[u]!.alt[i]!;
        if (a) { const alt = unit.alternatives[a - 1]!; parts.push({ unit: unit.text, rule: alt.rule, via: alt.label, score: round(units[u]!.score[i]!) }); }
      });
      if (proximity.length && proximity[i]) parts.push({ unit: "proximity", rule: "exact", via: `${proximity[i]! / SEARCH_DEFAULTS.proximityBonus} close pair(s)`, score: round(proximity[i]!) });
      for (const r of refHits.get(i) ?? []) parts.push({ unit: r.ref, rule: "exact", via: `reference ${r.id}`, score: SEARCH_DEFAULTS.referenceBoost });
      const bonus = dateBonus.get(i);
      if (bonus !== undefined && plan.dates) parts.push({ unit: `${plan.dates.from}-${plan.dates.to}`, rule: "exact", via: "date boost", score: round(bonus) });
    }
    return { doc: i + base, score: total[i]!, matched: matched[i]!, order: cols.order[i]!, parts };
  });
  return { total: facetSet.length, undated, top: topDocs, facets: facetsOf(facetSet, cols, seriesNames) };
}

/** The global hit order: more matched units, then score, then catalogue order. */
export function compareHits(a: ScoredDoc, b: ScoredDoc): number {
  return b.matched - a.matched || b.score - a.score || a.order - b.order;
}

/** Decades counted in typed arrays: years 0–2999, which covers every archive date. */
const DECADE_SLOTS = 300;

function facetsOf(docs: number[], cols: FilterColumns, seriesNames: string[]): ShardResult["facets"] {
  const seriesCounts = new Uint32Array(seriesNames.length);
  const decadeCounts = new Uint32Array(DECADE_SLOTS);
  let undated = 0;
  for (const i of docs) {
    seriesCounts[cols.series[i]!]!++;
    const s = cols.start[i]!, e = cols.end[i]! || s;
    if (s <= 0) { undated++; continue; }
    // A record counts once in every decade its covering dates touch.
    for (let d = Math.floor(s / 10), last = Math.min(Math.floor(e / 10), DECADE_SLOTS - 1); d <= last; d++) decadeCounts[d]!++;
  }
  const series: Record<string, number> = {};
  seriesCounts.forEach((c, k) => { if (c) series[seriesNames[k]!] = c; });
  const decade: Record<string, number> = {};
  decadeCounts.forEach((c, d) => { if (c) decade[String(d * 10)] = c; });
  // Records with no date at all: a facet value of their own, so a date filter's exclusions are visible.
  if (undated) decade.undated = undated;
  return { series, decade };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
