/**
 * Ranking. FlexSearch finds which documents hold a term and where (its
 * position slot); it gives no score, so Dossier computes one:
 *
 *   score(doc) = Σ over query units of  max over the unit's alternatives of
 *                rule weight × idf(term) × Σ over fields holding it of
 *                field weight × position factor(slot)
 *              + proximity bonus when two query words sit in the same slot
 *                range of one field
 *
 * A unit is a query word (or a thesaurus phrase); its alternatives are the
 * word itself, its stem, its transliteration variant key, its phonetic codes,
 * thesaurus expansions and, when nothing else matched, typo corrections. Hits
 * are ordered by how many units they match first, then by score, so a record
 * matching every term never ranks below one matching some.
 */
import { FIELDS, RULE_WEIGHTS, type FieldName, type MatchRule } from "../../shared/search-config";
import { stem } from "../../shared/text/stem";
import { variantKey } from "../../shared/text/variants";
import { phoneticKeys } from "../../shared/text/phonetic";
import { STOPWORDS, words } from "../../shared/text/fold";
import { allowedEdits, editsWithin } from "../../shared/text/typo";
import { referenceToId, parseReferenceRange } from "../../shared/reference";
import type { ParsedQuery } from "./query-parser";
import type { SearchIndex, TermPostings } from "./search-index";

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
};

const LITERAL_FIELDS: FieldName[] = ["ref", "title", "people", "tags", "desc"];
const PERSON_FIELDS: FieldName[] = ["people", "names", "phon", "title"];
const PLACE_FIELDS: FieldName[] = ["tags", "desc"];

interface Alternative {
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

/** Builds the query's units and their alternatives. Pure but for the thesaurus and vocabulary reads. */
export async function planUnits(index: SearchIndex, q: ParsedQuery, opts: EngineOptions): Promise<QueryUnit[]> {
  const thesaurus = opts.rules.has("synonym") ? await index.thesaurus() : {};
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
    // A word the thesaurus knows is a domain term, not a misheard name: no sound-alike matching for it.
    if (span === 1) alternatives.push(...wordAlternatives(unitWords[0]!, expansions.length ? { ...opts, rules: withoutPhonetic(opts.rules) } : opts));
    else alternatives.push({ terms: unitWords.map((w) => ({ term: w, fields: LITERAL_FIELDS })), rule: "exact", weight: RULE_WEIGHTS.exact, label: unitWords.join(" ") });
    for (const [exp, w, group] of expansions) {
      const expWords = exp.filter((x) => !STOPWORDS.has(x));
      if (!expWords.length) continue;
      alternatives.push({
        terms: expWords.map((x) => ({ term: expWords.length > 1 ? x : stem(x), fields: expWords.length > 1 ? LITERAL_FIELDS : ["stem", "ref", "title", "people", "tags", "desc"] })),
        rule: "synonym", weight: RULE_WEIGHTS.synonym * w, label: `${exp.join(" ")} (${group})`,
      });
    }
    units.push({ text: unitWords.join(" "), words: unitWords, alternatives, fields: restrict });
    i += span - 1;
  }
  return units;
}

function withoutPhonetic(rules: ReadonlySet<MatchRule>): ReadonlySet<MatchRule> {
  const out = new Set(rules);
  out.delete("phonetic");
  return out;
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
async function typoAlternatives(index: SearchIndex, w: string, mode: MatchMode): Promise<Alternative[]> {
  const max = allowedEdits(w) + (mode === "phonetic" && w.length >= 4 ? 1 : 0);
  if (max === 0 || /\d/.test(w)) return [];
  const found: Array<{ t: string; d: number; df: number }> = [];
  for (let len = w.length - max; len <= w.length + max; len++) {
    for (const [t, df] of await index.vocab(len)) {
      const d = editsWithin(w, t, max);
      if (d <= max && d > 0) found.push({ t, d, df });
    }
  }
  found.sort((a, b) => a.d - b.d || b.df - a.df);
  return found.slice(0, SEARCH_DEFAULTS.typoCandidates).map(({ t, d }) => ({
    terms: [{ term: t, fields: [...LITERAL_FIELDS, "names"] as FieldName[] }],
    rule: "typo" as const, weight: RULE_WEIGHTS.typo / d, label: `${t} (${d} edit${d > 1 ? "s" : ""})`,
  }));
}

interface TermHits { doc: number; score: number; field: FieldName; slot: number }

/**
 * Per-doc score of one term over the given fields, with its best (field, slot)
 * for proximity. Each field contributes weight × idf within that field ×
 * position factor, BM25F-style: a word rare in titles counts for more there
 * even if descriptions use it often.
 */
function termScores(p: TermPostings, fields: FieldName[], n: number, restrict?: FieldName[]): Map<number, TermHits> {
  const out = new Map<number, TermHits>();
  for (const f of fields) {
    if (restrict && !restrict.includes(f)) continue;
    const slots = p[f];
    if (!slots) continue;
    let df = 0;
    for (const list of slots) if (list) df += list.length;
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
        } else out.set(doc, { doc, score: add, field: f, slot: s });
      }
    }
  }
  return out;
}

/** Scores every document matching at least one unit. */
export async function scoreUnits(index: SearchIndex, units: QueryUnit[], opts: EngineOptions, n: number): Promise<Map<number, ScoredDoc>> {
  const docs = new Map<number, ScoredDoc>();
  const positions = new Map<number, Array<{ field: FieldName; slot: number }>>();
  for (const unit of units) {
    let best = await unitScores(index, unit, n);
    // Typos are tried when the word is not in the index in any spelling the rules
    // derive from it; sound-alike hits alone do not rule out a slip of the keyboard.
    const spelt = [...best.values()].some((m) => m.rule !== "phonetic");
    if (!spelt && unit.words.length === 1 && opts.rules.has("typo")) {
      unit.alternatives.push(...(await typoAlternatives(index, unit.words[0]!, opts.mode)));
      best = await unitScores(index, unit, n);
    }
    for (const [doc, m] of best) {
      let d = docs.get(doc);
      if (!d) docs.set(doc, (d = { doc, score: 0, matched: 0, parts: [] }));
      d.score += m.score;
      d.matched += 1;
      d.parts.push({ unit: unit.text, rule: m.rule, via: m.label, score: round(m.score) });
      const pos = positions.get(doc) ?? positions.set(doc, []).get(doc)!;
      pos.push({ field: m.field, slot: m.slot });
    }
  }
  if (units.length > 1) {
    for (const [doc, pos] of positions) {
      let close = 0;
      for (let i = 0; i < pos.length; i++) for (let j = i + 1; j < pos.length; j++) if (pos[i]!.field === pos[j]!.field && Math.abs(pos[i]!.slot - pos[j]!.slot) <= 1) close++;
      if (close) {
        const d = docs.get(doc)!;
        d.score += close * SEARCH_DEFAULTS.proximityBonus;
        if (opts.explain) d.parts.push({ unit: "proximity", rule: "exact", via: `${close} close pair(s)`, score: round(close * SEARCH_DEFAULTS.proximityBonus) });
      }
    }
  }
  return docs;
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

/** Docs holding a reference (or every reference of a range), found through the `ref` field. */
export async function referenceDocs(index: SearchIndex, refs: string[], rangeIds: (ref: string) => Promise<string[]>): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const ref of refs) {
    const ids = parseReferenceRange(ref) ? (await rangeIds(ref)).slice(0, SEARCH_DEFAULTS.maxReferenceDocs) : [referenceToId(ref)];
    for (const id of ids) {
      const slots = (await index.postings(id)).ref;
      if (slots) for (const list of slots) if (list) for (const doc of list) out.set(doc, ref);
    }
  }
  return out;
}

/** Docs holding any excluded word literally. */
export async function excludedDocs(index: SearchIndex, exclude: string[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (const w of exclude.flatMap((x) => words(x))) {
    const p = await index.postings(w);
    for (const f of LITERAL_FIELDS) for (const list of p[f] ?? []) if (list) for (const doc of list) out.add(doc);
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
