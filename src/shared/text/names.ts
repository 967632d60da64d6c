/**
 * Personal names as people write them: nicknames, initials, Irish and
 * Scottish prefixes, particles. Shared by the build (extra name tokens in the
 * people field) and the Worker (query alternatives), so both sides agree.
 *
 * @example
 * nicknamesOf("bill")            // → ["billy", "fred", "robert", "will", "william", …]
 * nameTokens("John Brian O'Neil") // → ["ini-j", "ini-b", "neil"]
 * nameTokens("Wilhelm von Rautter") // → ["ini-w", "vonrautter"]
 */
import NICKNAMES from "../../../data/nicknames/nicknames.json";
import { STOPWORDS, fold, words } from "./fold";
import { phoneticKeys } from "./phonetic";
import { variantKey } from "./variants";

const TABLE = new Map<string, string[]>(Object.entries(NICKNAMES as Record<string, string[]>));

/** Given names related to a folded given name as nickname or diminutive, either way; [] for none. */
export function nicknamesOf(word: string): string[] {
  return TABLE.get(word) ?? [];
}

/** The index term standing for "a given name starting with this letter". */
export function initialTerm(letter: string): string {
  return `ini-${letter}`;
}

/** Particles that begin surnames: "von Rautter" is also typed "Vonrautter" or "Rautter". */
export const PARTICLES = new Set([
  "van",
  "von",
  "de",
  "du",
  "der",
  "den",
  "da",
  "di",
  "la",
  "le",
  "del",
  "dos",
  "ter",
  "ten",
]);

/**
 * Extra people-field tokens for one personal name (given names first, as the
 * records hold them): an initial term per given name, the part after an
 * Irish "O'" ("O'Brien" is indexed "obrien" and "brien"), and particles joined
 * to the word they begin ("vonrautter").
 */
export function nameTokens(name: string): string[] {
  const ws = words(name);
  if (ws.length < 2) return [];
  const out = new Set<string>();
  for (const g of ws.slice(0, -1)) {
    if (/^\p{L}/u.test(g) && !PARTICLES.has(g) && !STOPWORDS.has(g)) out.add(initialTerm(g[0]!));
  }
  for (const m of fold(name).matchAll(/\bo['’`]\s?(\p{L}{3,})/gu)) out.add(m[1]!);
  for (let i = 0; i < ws.length - 1; i++) if (PARTICLES.has(ws[i]!)) out.add(ws[i]! + ws[i + 1]!);
  return [...out];
}

/**
 * Whether a catalogue word matches a query word under the search rules for
 * names: literally, by variant key, by a shared phonetic code, as a nickname,
 * or as an initial (a one-letter query word and a word starting with it).
 */
export function nameWordMatches(queryWord: string, word: string): boolean {
  if (queryWord === word) return true;
  if (queryWord.length === 1) return word.startsWith(queryWord);
  if (variantKey(queryWord) === variantKey(word)) return true;
  if (nicknamesOf(queryWord).includes(word)) return true;
  const codes = phoneticKeys(queryWord);
  return queryWord.length >= 4 && phoneticKeys(word).some((c) => codes.includes(c));
}
