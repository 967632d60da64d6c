/**
 * Query planning. A unit is a query word (or a thesaurus phrase); its
 * alternatives are the word itself, its stem, its transliteration variant
 * key, its phonetic codes, thesaurus expansions and, when the word is not in
 * the index in any spelling, typo corrections, each with its rule and weight.
 * How alternatives are scored is scoring.ts.
 *
 * Planning (which alternatives) is catalogue-wide and done once; scoring runs
 * per search shard on a serialisable plan, so a sharded index ranks exactly
 * as a single one.
 */
import { RULE_WEIGHTS, type FieldName, type MatchRule } from "../../shared/search-config";
import { stem } from "../../shared/text/stem";
import { variantKey } from "../../shared/text/variants";
import { phoneticKeys } from "../../shared/text/phonetic";
import { STOPWORDS } from "../../shared/text/fold";
import { allowedEdits } from "../../shared/text/typo";
import type { ParsedQuery } from "./query-parser";
import { attachInitials, closenessAlternatives, nicknameAlternatives, numberUnits, soundsLikeName } from "./name-plan";
import { placeAlternatives } from "./place-plan";
import type { PlanLexicon } from "./search-index";

export type MatchMode = "exact" | "variants" | "phonetic";

/** Defaults of the search engine, in one place. */
export const SEARCH_DEFAULTS = {
  mode: "variants" as MatchMode,
  /**
   * Position factor: slot 0 (start of the field) counts fully, each later slot 4% less. 0.06 before: 0.04 ranked
   * better or equal on every dev and probe set, topics most (long NAA titles name their subject late; RELEVANCE.md).
   */
  slotDecay: 0.04,
  /** Bonus per pair of query words found close together in the same field. */
  proximityBonus: 0.5,
  /** A matched reference outranks any text match. */
  referenceBoost: 1000,
  /** Typo corrections tried per word. */
  typoCandidates: 3,
  /** Longer words tried per typed word by the prefix rule (commonest first), and how many letters longer at most. */
  prefixCandidates: 3,
  prefixExtraLetters: 4,
  /** Words a typed wildcard (`Bese*`) is expanded to, commonest first. */
  wildcardCandidates: 20,
  /** Words shorter than this get no prefix expansion ("war" must not find "warrant"). */
  prefixMinLength: 5,
  /** At most this many references a query may expand to (ranges). */
  maxReferenceDocs: 200,
  /** Candidates a quoted phrase is checked against, best first. */
  phraseCheckLimit: 500,
  /** Date boost (when a date range filters out everything): bonus at the range, halving every decade away. */
  dateBoost: 2,
  /** Share of its score an undated record keeps when the query's own years filter (it may fall in them or not). */
  undatedYearShare: 0.5,
  /**
   * Coordination: share of its score a doc loses when it matches none of the
   * query's words but one; missing one of two words costs half of this. At 1 a
   * doc keeps the share of the words it matched (0.5, then 0.8 before; 1 ranked
   * best on every dev set and the private second split, RELEVANCE.md).
   */
  coordination: 1,
  /**
   * With collapse, each shard returns this many times the page's hits, so a
   * page still fills when the best hits are volumes of a few files.
   */
  collapseFetch: 4,
  /**
   * With collapse, a hit lists the ids of its file's first this many volumes (`volumeIds`); `volumes` counts them all.
   * Like-titled records of a series are one file, and a big catalogue has files of thousands: listing them all made a
   * page of ten hits tens of thousands of ids, and cost a 10M warm query 10 of its 13 ms (docs/benchmarks-history.md).
   */
  volumeIdsShown: 100,
  /** Score every match, for exact totals and facets, when a query's postings number at most this. */
  exactTotalPostings: 10_000,
  /** When top-k stops early, facets count this many best candidates. */
  facetCandidates: 1000,
};

export const LITERAL_FIELDS: FieldName[] = ["ref", "title", "people", "tags", "desc", "ctx"];
const PERSON_FIELDS: FieldName[] = ["people", "names", "phon", "title"];
const PLACE_FIELDS: FieldName[] = ["tags", "desc"];

export interface Alternative {
  /** All terms must be present (multi-word thesaurus expansions have several). */
  terms: Array<{ term: string; fields: FieldName[] }>;
  rule: MatchRule;
  weight: number;
  /** What to show in `explain`. */
  label: string;
  /** A tie-breaker (closeness): added to a doc the unit's other alternatives matched, never a match itself. */
  bonus?: boolean;
}

export interface QueryUnit {
  text: string;
  words: string[];
  alternatives: Alternative[];
  /** Restrict to these fields (person:, place:). */
  fields?: FieldName[];
}

export interface EngineOptions {
  mode: MatchMode;
  /** Which rules may match; `exact` is always on. Narrowed by `mode` (exact mode allows only `exact`). */
  rules: ReadonlySet<MatchRule>;
  explain: boolean;
}

/** Every rule, the default. */
export const ALL_RULES: ReadonlySet<MatchRule> = new Set(Object.keys(RULE_WEIGHTS) as MatchRule[]);

/**
 * The rule sets of requests that name no rules, by mode and synonyms: one set each, so the plan cache keys a
 * request's rules by the set it is handed (`plan-cache.ts`) instead of sorting and joining them per query.
 */
const defaultRules = new Map<string, ReadonlySet<MatchRule>>();

/** The rules a request may use: exact mode allows only literal words; synonyms=0 drops the thesaurus. */
export function effectiveRules(
  mode: MatchMode,
  synonyms: boolean,
  rules?: Iterable<MatchRule>,
): ReadonlySet<MatchRule> {
  if (rules) return rulesOf(mode, synonyms, rules);
  const key = `${mode}\u0000${synonyms}`;
  let held = defaultRules.get(key);
  if (!held) defaultRules.set(key, (held = rulesOf(mode, synonyms, ALL_RULES)));
  return held;
}

function rulesOf(mode: MatchMode, synonyms: boolean, rules: Iterable<MatchRule>): Set<MatchRule> {
  const out = new Set<MatchRule>(rules);
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
  dates: {
    from: number;
    to: number;
    mode: "filter" | "boost";
    /**
     * The unit of a query year the catalogue also holds as a word (a title
     * saying "1963"): a record dated then counts it matched at full worth, and
     * one whose text has it passes the filter too, so a record dated 1964
     * titled "… 1963" is still found by "… 1963".
     */
    yearUnit?: number;
  } | null;
  explain: boolean;
  /** Count every match (exact total and facets), even when top-k could stop early. */
  exact?: boolean;
  /** How many of its best hits each shard returns: offset + limit. */
  keep: number;
  /**
   * Each hit carries its record's years (`ScoredDoc.startYear`, `endYear`): a date sort orders the best hits by them, and the
   * coordinator holds no shard's filter columns (a 10M catalogue's are 80 MB).
   */
  years?: boolean;
  /** Documents in the whole catalogue. */
  docs: number;
}

/** Every term a query's units look up, in order (with repeats). */
export function termsOfUnits(units: readonly QueryUnit[]): string[] {
  return units.flatMap((u) => u.alternatives.flatMap((a) => a.terms.map((t) => t.term)));
}

/** Builds the query's units and their alternatives, catalogue-wide. */
export async function planUnits(lexicon: PlanLexicon, q: ParsedQuery, opts: EngineOptions): Promise<QueryUnit[]> {
  const none: Awaited<ReturnType<PlanLexicon["thesaurus"]>> = {};
  const [thesaurus] = await Promise.all([
    opts.rules.has("synonym") ? lexicon.thesaurus() : none,
    ...planReads(lexicon, q, opts.rules),
  ]);
  const personWords = new Set(q.fields.person.flat());
  const placeWords = new Set(q.fields.place.flat());
  const units: QueryUnit[] = [];
  const ws = q.words;
  for (let i = 0; i < ws.length; i++) {
    // Longest thesaurus phrase starting here (up to 4 words), so "security service" is one unit.
    let span = 1;
    let expansions: Array<[string[], number, string]> = [];
    for (let n = Math.min(4, ws.length - i); n >= 1; n--) {
      const key = ws
        .slice(i, i + n)
        .map(stem)
        .join(" ");
      // Own keys only: user words such as "constructor" must not find Object.prototype members.
      const found = Object.hasOwn(thesaurus, key) ? thesaurus[key] : undefined;
      if (found) {
        span = n;
        expansions = found;
        break;
      }
    }
    // Two words the text wrote as one apart ("JM/WAVE"), where the catalogue has them joined ("JMWAVE").
    let joinedTerm: string | null = null;
    if (span === 1 && i + 1 < ws.length && q.joined.some(([a, b]) => a === ws[i] && b === ws[i + 1])) {
      const term = ws[i]! + ws[i + 1]!;
      if (await lexicon.has(term)) {
        joinedTerm = term;
        span = 2;
      }
    }
    const unitWords = ws.slice(i, i + span);
    const restrict = unitWords.some((w) => personWords.has(w))
      ? PERSON_FIELDS
      : unitWords.some((w) => placeWords.has(w))
        ? PLACE_FIELDS
        : undefined;
    const alternatives: Alternative[] = [];
    if (span === 1) {
      const w = unitWords[0]!;
      // An initial is planned as its own unit (below); any other single letter gets no expansion at all.
      if (w.length === 1) {
        if (!q.initials.includes(w))
          units.push({
            text: w,
            words: [w],
            alternatives: [wordAlternatives(w, { ...opts, rules: new Set(["exact"]) })[0]!],
          });
        continue;
      }
      const wildcard = q.wildcards.find((x) => x.word === w);
      if (wildcard) {
        // "Bese*": the word and the catalogue's words it begins, and no guessing at what else it might be.
        alternatives.push(wordAlternatives(w, { ...opts, rules: new Set(["exact"]) })[0]!);
        alternatives.push(...(await wildcardAlternatives(lexicon, w, wildcard.extra)));
      } else {
        const isSpelt = await spelt(lexicon, w, opts.rules);
        // Sound-alike matching is for names only; a word the thesaurus knows is a domain term, not a misheard name.
        const phonetic = !expansions.length && (opts.mode === "phonetic" || soundsLikeName(w, q, isSpelt));
        alternatives.push(
          ...wordAlternatives(w, phonetic ? opts : { ...opts, rules: without(opts.rules, "phonetic") }),
        );
        alternatives.push(...nicknameAlternatives(w, q, opts.rules));
        if (opts.rules.has("typo") && !isSpelt) alternatives.push(...(await typoAlternatives(lexicon, w, opts.mode)));
        if (opts.rules.has("prefix")) alternatives.push(...(await prefixAlternatives(lexicon, w)));
        if (phonetic && opts.rules.has("closeness")) alternatives.push(...(await closenessAlternatives(lexicon, w)));
        alternatives.push(...placeAlternatives(w, opts.rules));
      }
    } else {
      alternatives.push({
        terms: unitWords.map((w) => ({ term: w, fields: LITERAL_FIELDS })),
        rule: "exact",
        weight: RULE_WEIGHTS.exact,
        label: unitWords.join(" "),
      });
      if (joinedTerm)
        alternatives.push({
          terms: [{ term: joinedTerm, fields: LITERAL_FIELDS }],
          rule: "exact",
          weight: RULE_WEIGHTS.exact,
          label: joinedTerm,
        });
    }
    for (const [exp, w, group] of expansions) {
      const expWords = exp.filter((x) => !STOPWORDS.has(x));
      if (!expWords.length) continue;
      alternatives.push({
        terms: expWords.map((x) => ({
          term: expWords.length > 1 ? x : stem(x),
          fields: expWords.length > 1 ? LITERAL_FIELDS : ["stem", "ref", "title", "people", "tags", "desc"],
        })),
        // A phrase scores every one of its words: divided by its length, "Central Intelligence Agency" for
        // "CIA" is worth about one word, not three, and no longer outranks the literal "CIA".
        rule: "synonym",
        weight: (RULE_WEIGHTS.synonym * w) / expWords.length,
        label: `${exp.join(" ")} (${group})`,
      });
    }
    units.push({
      text: unitWords.join(" "),
      words: unitWords,
      alternatives,
      ...(restrict ? { fields: restrict } : {}),
    });
    i += span - 1;
  }
  attachInitials(units, q, opts.rules, LITERAL_FIELDS);
  units.push(...numberUnits(q));
  return units;
}

/**
 * The reads planning a query makes whatever it finds (each word's lexicon page and prefix vocabulary), started
 * together: a cold isolate then waits for them once, not each word after the one before.
 */
function planReads(lexicon: PlanLexicon, q: ParsedQuery, rules: ReadonlySet<MatchRule>): Promise<unknown>[] {
  // Each word's lexicon page (its stem and variant key are mostly on the same one: see shared/bloom.ts).
  const words = [...new Set(q.words)].filter((w) => w.length > 1);
  const reads: Promise<unknown>[] = words.flatMap((w) => [
    lexicon.has(w),
    ...(rules.has("stem") ? [lexicon.has(stem(w))] : []),
    ...(rules.has("variant") ? [lexicon.has(variantKey(w))] : []),
  ]);
  if (rules.has("synonym")) reads.push(lexicon.thesaurus());
  if (rules.has("prefix"))
    for (const w of new Set(q.words))
      if (prefixable(w))
        reads.push(...longerLengths(w, SEARCH_DEFAULTS.prefixExtraLetters).map((n) => lexicon.vocabPrefixed(n, w)));
  return reads;
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
async function spelt(lexicon: PlanLexicon, w: string, rules: ReadonlySet<MatchRule>): Promise<boolean> {
  if (await lexicon.has(w)) return true;
  if (rules.has("stem") && (await lexicon.has(stem(w)))) return true;
  return rules.has("variant") && (await lexicon.has(variantKey(w)));
}

function wordAlternatives(w: string, opts: EngineOptions): Alternative[] {
  const alts: Alternative[] = [
    { terms: [{ term: w, fields: LITERAL_FIELDS }], rule: "exact", weight: RULE_WEIGHTS.exact, label: w },
  ];
  if (/^\d+$/.test(w)) {
    // A bare number of five digits or more may be an NAA item's barcode or a JFK release PDF's docid.
    if (w.length >= 5)
      for (const n of [`barcode-${w}`, `docid-${w}`])
        alts.push({
          terms: [{ term: n, fields: ["ref"] }],
          rule: "exact",
          weight: RULE_WEIGHTS.exact,
          label: `record number ${n}`,
        });
    return alts;
  }
  const { rules } = opts;
  if (rules.has("stem")) {
    const s = stem(w);
    alts.push({ terms: [{ term: s, fields: ["stem"] }], rule: "stem", weight: RULE_WEIGHTS.stem, label: s });
  }
  if (rules.has("variant")) {
    const v = variantKey(w);
    // A word that is its own variant key is spelt as the names field holds it: that is a literal match.
    alts.push(
      v === w
        ? { terms: [{ term: v, fields: ["names"] }], rule: "exact", weight: RULE_WEIGHTS.exact, label: v }
        : { terms: [{ term: v, fields: ["names"] }], rule: "variant", weight: RULE_WEIGHTS.variant, label: v },
    );
  }
  if (rules.has("phonetic")) {
    const weight = opts.mode === "phonetic" ? RULE_WEIGHTS.variant : RULE_WEIGHTS.phonetic;
    for (const code of phoneticKeys(w))
      alts.push({ terms: [{ term: code, fields: ["phon"] }], rule: "phonetic", weight, label: code });
  }
  return alts;
}

/**
 * Prefix alternatives: the commonest longer vocabulary words that begin with
 * the typed word, read from the part of each length's vocabulary that holds
 * the word's first two letters.
 */
async function prefixAlternatives(lexicon: PlanLexicon, w: string): Promise<Alternative[]> {
  if (!prefixable(w)) return [];
  return (await wordsBeginning(lexicon, w, SEARCH_DEFAULTS.prefixExtraLetters, SEARCH_DEFAULTS.prefixCandidates)).map(
    (t) => ({
      terms: [{ term: t, fields: LITERAL_FIELDS.filter((f) => f !== "ref") }],
      rule: "prefix" as const,
      weight: (RULE_WEIGHTS.prefix * w.length) / t.length,
      label: `${t} (begins with ${w})`,
    }),
  );
}

/**
 * The words a wildcard word (`Bese*`) begins, up to `extra` letters longer: asked for in so many words, they weigh as
 * the word itself would.
 */
async function wildcardAlternatives(lexicon: PlanLexicon, w: string, extra: number): Promise<Alternative[]> {
  return (await wordsBeginning(lexicon, w, extra, SEARCH_DEFAULTS.wildcardCandidates)).map((t) => ({
    terms: [{ term: t, fields: LITERAL_FIELDS.filter((f) => f !== "ref") }],
    rule: "prefix" as const,
    weight: RULE_WEIGHTS.exact,
    label: `${t} (${w}*)`,
  }));
}

/** The `count` commonest vocabulary words that begin with `w` and are 1 to `extra` letters longer. */
async function wordsBeginning(lexicon: PlanLexicon, w: string, extra: number, count: number): Promise<string[]> {
  const found: Array<{ t: string; df: number }> = [];
  // The partitions are fetched together: on a cold isolate each is a separate asset read.
  const lists = await Promise.all(longerLengths(w, extra).map((n) => lexicon.vocabPrefixed(n, w)));
  for (const list of lists) for (const [t, df] of list) found.push({ t, df });
  found.sort((a, b) => b.df - a.df || (a.t < b.t ? -1 : 1));
  return found.slice(0, count).map(({ t }) => t);
}

function prefixable(w: string): boolean {
  return w.length >= SEARCH_DEFAULTS.prefixMinLength && !/\d/.test(w) && !STOPWORDS.has(w);
}

/** The word lengths the prefix rule reads vocabulary partitions of for `w`. */
/** The lengths of words 1 to `extra` letters longer than `w`: the vocabulary partitions its completions are in. */
function longerLengths(w: string, extra: number): number[] {
  return Array.from({ length: extra }, (_, k) => w.length + 1 + k);
}

/** Typo alternatives for a word: vocabulary words within its allowed edits, closest and commonest first. */
async function typoAlternatives(lexicon: PlanLexicon, w: string, mode: MatchMode): Promise<Alternative[]> {
  const max = allowedEdits(w) + (mode === "phonetic" && w.length >= 4 ? 1 : 0);
  if (max === 0 || /\d/.test(w)) return [];
  const found = await lexicon.near(w, max, 1);
  return found.slice(0, SEARCH_DEFAULTS.typoCandidates).map(({ t, d }) => ({
    terms: [{ term: t, fields: [...LITERAL_FIELDS, "names"] as FieldName[] }],
    rule: "typo" as const,
    weight: RULE_WEIGHTS.typo / d,
    label: `${t} (${d} edit${d > 1 ? "s" : ""})`,
  }));
}
