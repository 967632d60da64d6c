/**
 * Phonetic keys for personal names: Daitch–Mokotoff Soundex, from talisman.
 * It suits Slavic, Yiddish and German names (Gelfand ~ Helfand share 587630,
 * which American Soundex misses) and yields several codes for ambiguous
 * spellings, all of which are kept.
 */
import daitchMokotoff from "talisman/phonetics/daitch-mokotoff.js";

/** Phonetic codes of one folded word, or none for short or non-Latin words. */
export function phoneticKeys(word: string): string[] {
  if (word.length < 3 || !/^[a-z]+$/.test(word)) return [];
  try {
    return (daitchMokotoff(word) as string[]).filter((c) => c !== "000000");
  } catch {
    return []; // talisman throws on inputs it cannot code; a word without a key is still searchable literally
  }
}
