/**
 * Typo tolerance: how many edits a word may have, and the distance itself.
 * Damerau–Levenshtein (talisman), so a swapped pair ("Lnagton") is one edit.
 */
import damerauLevenshtein from "talisman/metrics/damerau-levenshtein.js";

/** One edit from 5 letters, two from 9; shorter words must be spelt right. */
export function allowedEdits(word: string): number {
  return word.length >= 9 ? 2 : word.length >= 5 ? 1 : 0;
}

/** Edit distance, or `max + 1` as soon as it is known to exceed `max`. */
export function editsWithin(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d = (damerauLevenshtein as unknown as { limited(max: number, a: string, b: string): number }).limited(
    max,
    a,
    b,
  );
  return d < 0 || d > max ? max + 1 : d;
}
