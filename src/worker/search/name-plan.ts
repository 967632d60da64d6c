/**
 * Query planning rules for names and record numbers: which alternatives a
 * query word gets beyond its literal, stem and variant forms. Kept apart from
 * the scorer (engine.ts): these rules only produce `Alternative`s and
 * `QueryUnit`s, the interface the scorer consumes.
 *
 * - Sound-alike (phonetic) codes only for name-like words, so "atomic" is
 *   never matched by how it sounds.
 * - Nicknames and diminutives for name-like words (Bill → William).
 * - Initials: a single letter beside a name matches given names starting with it.
 * - Record numbers: partial JFK numbers and release-PDF docids, in the reference field.
 */
import { RULE_WEIGHTS, type FieldName, type MatchRule } from "../../shared/search-config";
import { initialTerm, nicknamesOf } from "../../shared/text/names";
import { allowedEdits } from "../../shared/text/typo";
import type { ParsedQuery } from "./query-parser";
import type { PlanLexicon } from "./search-index";

/** Alternative and unit shapes, as engine.ts defines them (repeated here as types only, to avoid an import cycle). */
interface Alt {
  terms: Array<{ term: string; fields: FieldName[] }>;
  rule: MatchRule;
  weight: number;
  label: string;
  bonus?: boolean;
}
interface Unit {
  text: string;
  words: string[];
  alternatives: Alt[];
  fields?: FieldName[];
}

/** Defaults of the name rules, in one place. */
export const NAME_RULE_DEFAULTS = {
  /** Phonetic codes are for names of at least this many letters. */
  phoneticMinLength: 4,
  /**
   * At most this many nicknames per word (the table lists up to ~20 for some names, alphabetically). 8 before:
   * "Cassie" has ten full names and Kathleen is the tenth; 16 covers all but 15 of the table's 2,164 names.
   */
  maxNicknames: 16,
  /** Catalogue words graded by closeness per query word, closest and commonest first. */
  closenessCandidates: 5,
};

/** Fields where a catalogue word graded by closeness may stand: where names are written. */
const CLOSENESS_FIELDS: FieldName[] = ["title", "people"];

/**
 * Closeness of spelling among matches by variant key or sound. A variant key
 * or a sound code stands for many spellings alike ("iensen": Jensen, JENSSEN),
 * so a record whose own word is nearer the typed one cannot outrank the rest
 * by those keys alone. For a name-like word the catalogue does not hold as
 * typed, the catalogue words within one edit (two from 9 letters) become
 * tie-breakers worth `closeness / edits`: added to records the word matched
 * by another rule, never a match on their own. Bounded like any alternative
 * (weight × field weights × idf), so top-k bounds still hold.
 */
export async function closenessAlternatives(lexicon: PlanLexicon, w: string): Promise<Alt[]> {
  if (/\d/.test(w) || (await lexicon.has(w))) return [];
  const max = Math.max(1, allowedEdits(w));
  const found = await lexicon.near(w, max, 2);
  return found.slice(0, NAME_RULE_DEFAULTS.closenessCandidates).map(({ t, d }) => ({
    terms: [{ term: t, fields: CLOSENESS_FIELDS }],
    rule: "closeness" as const,
    weight: RULE_WEIGHTS.closeness / d,
    label: `${t} (${d} edit${d > 1 ? "s" : ""} from ${w})`,
    bonus: true,
  }));
}

/** Fields where a given name may stand. */
const GIVEN_NAME_FIELDS: FieldName[] = ["people", "title"];

/**
 * Whether a word may be matched by sound: it is written like a name
 * (capitalised, `person:`), or the catalogue has it in no spelling at all
 * (then it is most likely a misheard name). Single letters and short words never.
 */
export function soundsLikeName(w: string, q: ParsedQuery, spelt: boolean): boolean {
  if (w.length < NAME_RULE_DEFAULTS.phoneticMinLength || /\d/.test(w)) return false;
  return q.nameLike.includes(w) || !spelt;
}

/** Nickname alternatives of a name-like word (both ways: Bill → William, William → Bill). */
export function nicknameAlternatives(w: string, q: ParsedQuery, rules: ReadonlySet<MatchRule>): Alt[] {
  if (!rules.has("nickname") || !q.nameLike.includes(w) || !/^[a-z]+$/.test(w)) return [];
  return nicknamesOf(w)
    .filter((n) => n !== w)
    .slice(0, NAME_RULE_DEFAULTS.maxNicknames)
    .map((n) => ({
      terms: [{ term: n, fields: GIVEN_NAME_FIELDS }],
      rule: "nickname",
      weight: RULE_WEIGHTS.nickname,
      label: `${n} (nickname of ${w})`,
    }));
}

/**
 * Initials go with the surname they stand beside: each name-like unit gets
 * one more alternative, the name plus a given name starting with every
 * initial. It scores as the name and the initials' given names together, so
 * "J. B. Smith" puts John Brian Smith above Jane Smith, while an initial
 * alone never makes a hit and never counts as a matched query word (a full
 * given name does, so full-name matches rank above).
 */
export function attachInitials(
  units: Unit[],
  q: ParsedQuery,
  rules: ReadonlySet<MatchRule>,
  nameFields: FieldName[],
): void {
  if (!rules.has("initial") || !q.initials.length) return;
  const initials = q.initials.map((l) => ({ term: initialTerm(l), fields: ["people"] as FieldName[] }));
  const label = q.initials.map((l) => `${l.toUpperCase()}.`).join(" ");
  for (const u of units) {
    if (u.words.length !== 1 || !q.nameLike.includes(u.words[0]!)) continue;
    const w = u.words[0]!;
    u.alternatives.push({
      terms: [{ term: w, fields: nameFields }, ...initials],
      rule: "initial",
      weight: RULE_WEIGHTS.exact,
      label: `${label} ${w}`,
    });
  }
}

/** One unit per record-number form the index holds beyond references: "10051-10096", "docid-32206291". */
export function numberUnits(q: ParsedQuery): Unit[] {
  return q.numbers.map((n) => ({
    text: n,
    words: [n],
    alternatives: [
      {
        terms: [{ term: n, fields: ["ref"] }],
        rule: "exact",
        weight: RULE_WEIGHTS.exact,
        label: `record number ${n}`,
      },
    ],
  }));
}
