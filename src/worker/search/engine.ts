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
      const found = thesaurus[key];
      if (found) { span = n; expansions = found; break; }
    }
    const unitWords = ws.slice(i, i + span);
    const restrict = unitWords.some((w) => personWords.has(w)) ? PERSON_FIELDS : unitWords.some((w) => placeWords.has(w)) ? PLACE_FIELDS : undefined;
    const alternatives: Alternative[] = [];
    if (span === 1) {
      const w = unitWords[0]!;
      // A word the thesaurus knows is a domain term, not a misheard name: no sound-alike matching for it.
      alternatives.push(...wordAlternatives(w, expansions.length ? { ...opts, rules: without(opts.rules, "phonetic") } : opts));
      if (opts.rules.has("typo") && !(await spelt(lexicon, w, opts.rules))) alternatives.push(...(await typoAlternatives(lexicon, w, opts.mode)));
    } else {
      alternatives.push({ terms: unitWords.map((w) => ({ term: w, fields: LITERAL_FIELDS })), rule: "exact", weight: RULE_WEIGHTS.exact, label: unitWords.join(" ") });
    }
    for (const [exp, w, group] of expansions) {
      const expWords = exp.filter((x) => !STOPWORDS.has(x));
      if (!expWords.length) continue;
      alternatives.push({
        terms: expWords.map((x) => ({ term: expWords.length > 1 ? x : stem(x), fields: expWords.length > 1 ? LITERAL_FIELDS : ["stem", "ref", "title", "people", "tags", "desc"] })),
        rule: "synonym", weight: RULE_WEIGHTS.synonym * w, label: `${exp.join(" ")} (${group})`,
      });
    }
    units.push({ text: unitWords.join(" "), words: unitWords, alternatives, ...(restrict ? { fields: restrict } : {}) });
    i += span - 1;
  }
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

interface TermHits { score: number; field: FieldName; slot: number }

/**
 * Per-doc score of one term over the given fields, with its best (field, slot)
 * for proximity. Each field contributes weight × idf within that field ×
 * position factor, BM25F-style: a word rare in titles counts for more there
 * even if descriptions use it often. Document frequencies are the
 * catalogue's own in a sharded index, so shards agree.
 */
function termScores(p: TermPostings, fields: FieldName[], n: number, restrict?: FieldName[]): Map<number, TermHits> {
  const out = new Map<number, TermHits>();
  for (const f of fields) {
    if (restrict && !restrict.includes(f)) continue;
    const slots = p.fields[f];
    if (!slots) continue;
    let df = p.df?.[f] ?? 0;
    if (!df) for (const list of slots) if (list) df += list.length;
    const w = FIELDS[f].weight * Math.log(1 + n / df);
    for (let s = 0; s < slots.length; s++) {
      const list = slots[s];
      if (!list) continue;
      const add = w * (1 - SEARCH_DEFAULTS.slotDecay * s);
      for (const doc of list) {
        const cur = out.get(doc);
        if (cur) {
          cur.score += add;
          if (FIELDS[f].weight > FIELDS[cur.field].weight) { cur.field = f; cur.slot = s; }
        } else out.set(doc, { score: add, field: f, slot: s });
      }
    }
  }
  return out;
}

interface UnitHit { score: number; rule: MatchRule; label: string; field: FieldName; slot: number }

async function unitScores(index: SearchIndex, unit: QueryUnit, n: number): Promise<Map<number, UnitHit>> {
  const best = new Map<number, UnitHit>();
  const postings = await Promise.all(unit.alternatives.map((a) => Promise.all(a.terms.map((t) => index.postings(t.term)))));
  unit.alternatives.forEach((alt, ai) => {
    let combined: Map<number, TermHits> | null = null;
    alt.terms.forEach((t, ti) => {
      const scores = termScores(postings[ai]![ti]!, t.fields, n, unit.fields);
      if (combined === null) { combined = scores; return; }
      const next = new Map<number, TermHits>();
      for (const [doc, h] of combined as Map<number, TermHits>) {
        const o = scores.get(doc);
        if (o) next.set(doc, { ...h, score: h.score + o.score });
      }
      combined = next;
    });
    if (!combined) return;
    for (const [doc, h] of combined as Map<number, TermHits>) {
      const s = h.score * alt.weight;
      const cur = best.get(doc);
      if (!cur || s > cur.score) best.set(doc, { score: s, rule: alt.rule, label: alt.label, field: h.field, slot: h.slot });
    }
  });
  return best;
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

/** Scores a plan on one search shard: match, filter, facet, and keep the best `plan.keep`. */
export async function scoreShard(index: SearchIndex, plan: QueryPlan, seriesNames: string[], recordTexts: RecordTexts): Promise<ShardResult> {
  const n = plan.docs;
  const cols = await index.filters();
  const docs = new Map<number, ScoredDoc>();
  const positions = new Map<number, Array<{ field: FieldName; slot: number }>>();
  const entry = (doc: number) => {
    let d = docs.get(doc);
    if (!d) docs.set(doc, (d = { doc, score: 0, matched: 0, order: cols.order[doc - cols.base]!, parts: [] }));
    return d;
  };
  for (const unit of plan.units) {
    for (const [doc, m] of await unitScores(index, unit, n)) {
      const d = entry(doc);
      d.score += m.score;
      d.matched += 1;
      if (plan.explain) d.parts.push({ unit: unit.text, rule: m.rule, via: m.label, score: round(m.score) });
      (positions.get(doc) ?? positions.set(doc, []).get(doc)!).push({ field: m.field, slot: m.slot });
    }
  }
  if (plan.units.length > 1) {
    for (const [doc, pos] of positions) {
      let close = 0;
      for (let i = 0; i < pos.length; i++) for (let j = i + 1; j < pos.length; j++) if (pos[i]!.field === pos[j]!.field && Math.abs(pos[i]!.slot - pos[j]!.slot) <= 1) close++;
      if (close) {
        const d = docs.get(doc)!;
        d.score += close * SEARCH_DEFAULTS.proximityBonus;
        if (plan.explain) d.parts.push({ unit: "proximity", rule: "exact", via: `${close} close pair(s)`, score: round(close * SEARCH_DEFAULTS.proximityBonus) });
      }
    }
  }
  for (const { id, ref } of plan.referenceIds) {
    for (const list of (await index.postings(id)).fields.ref ?? []) {
      for (const doc of list ?? []) {
        const d = entry(doc);
        d.score += SEARCH_DEFAULTS.referenceBoost;
        d.matched += 1;
        if (plan.explain) d.parts.push({ unit: ref, rule: "exact", via: `reference ${id}`, score: SEARCH_DEFAULTS.referenceBoost });
      }
    }
  }

  // Filters: series, explicit years, exclusions, the query's own years.
  const seriesOk = plan.series.length ? new Set(plan.series.map((s) => seriesNames.indexOf(s)).filter((i) => i >= 0)) : null;
  const overlaps = (doc: number, from?: number, to?: number) => {
    const s = cols.start[doc - cols.base]!, e = cols.end[doc - cols.base]!;
    if (from === undefined && to === undefined) return true;
    if (!s && !e) return false;
    return (to === undefined || s <= to) && (from === undefined || e >= from);
  };
  const excluded = new Set<number>();
  for (const w of plan.exclude.flatMap((x) => words(x))) {
    const p = await index.postings(w);
    for (const f of LITERAL_FIELDS) for (const list of p.fields[f] ?? []) for (const doc of list ?? []) excluded.add(doc);
  }
  const onlyFilters = plan.units.length === 0 && plan.referenceIds.length === 0;
  let candidates: ScoredDoc[] = onlyFilters && (plan.dates || plan.from !== undefined || plan.to !== undefined || seriesOk)
    ? Array.from({ length: cols.order.length }, (_, i) => entry(cols.base + i))
    : [...docs.values()];
  candidates = candidates.filter((d) => (!seriesOk || seriesOk.has(cols.series[d.doc - cols.base]!)) && !excluded.has(d.doc) && overlaps(d.doc, plan.from, plan.to));
  const undated = candidates.length;
  if (plan.dates?.mode === "filter") {
    const { from, to } = plan.dates;
    candidates = candidates.filter((d) => overlaps(d.doc, from, to));
  } else if (plan.dates?.mode === "boost") {
    const { from, to } = plan.dates;
    for (const d of candidates) {
      const s = cols.start[d.doc - cols.base]!, e = cols.end[d.doc - cols.base]! || s;
      if (!s) continue;
      const apart = Math.max(0, s - to, from - e);
      const bonus = SEARCH_DEFAULTS.dateBoost * 0.5 ** (apart / 10);
      d.score += bonus;
      if (plan.explain) d.parts.push({ unit: `${from}-${to}`, rule: "exact", via: `dates ${apart} years away`, score: round(bonus) });
    }
  }

  candidates.sort(compareHits);
  if (plan.phrases.length) {
    const checked = candidates.slice(0, SEARCH_DEFAULTS.phraseCheckLimit);
    const texts = await recordTexts(checked.map((d) => d.doc));
    candidates = checked.filter((_, i) => {
      const text = ` ${words(texts[i]!).join(" ")} `;
      return plan.phrases.every((p) => text.includes(` ${p.join(" ")} `));
    });
  }
  return { total: candidates.length, undated, top: candidates.slice(0, plan.keep), facets: facetsOf(candidates, cols, seriesNames) };
}

/** The global hit order: more matched units, then score, then catalogue order. */
export function compareHits(a: ScoredDoc, b: ScoredDoc): number {
  return b.matched - a.matched || b.score - a.score || a.order - b.order;
}

function facetsOf(docs: ScoredDoc[], cols: FilterColumns, seriesNames: string[]): ShardResult["facets"] {
  const series: Record<string, number> = {};
  const decade: Record<string, number> = {};
  for (const { doc } of docs) {
    const i = doc - cols.base;
    const name = seriesNames[cols.series[i]!]!;
    series[name] = (series[name] ?? 0) + 1;
    const s = cols.start[i]!, e = cols.end[i]! || s;
    // A record counts once in every decade its covering dates touch.
    if (s) for (let d = Math.floor(s / 10) * 10; d <= e; d += 10) decade[String(d)] = (decade[String(d)] ?? 0) + 1;
  }
  return { series, decade };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
