/**
 * Per-isolate memo of a text token's folded form, stem and (when asked for) variant key.
 * Snippets judge every word of every hit's description by them, and a warm
 * isolate sees the same catalogue vocabulary again and again: the memo turned
 * the largest share of snippet time (folding, stemming, transliteration keys)
 * into one map lookup per token. Sound codes (Daitch–Mokotoff, the costliest
 * rule) are remembered per word too, but only computed when asked for.
 */
import { fold } from "../../shared/text/fold";
import { stem } from "../../shared/text/stem";
import { variantKey } from "../../shared/text/variants";
import { memoised } from "../../shared/text/memo";
import { phoneticKeys } from "../../shared/text/phonetic";

/** Tokens remembered (a few MB at most). */
const MAX_WORDS = 50_000;

export interface WordForms {
  /** Folded, apostrophes dropped: how the index spells the word. */
  folded: string;
  stem: string;
  /** The variant key, once asked for (`variantOf`): most words are ruled out by its first letter alone. */
  variant: string | null;
  /**
   * Scratch for snippets: the verdict (bits, see snippet.ts `isMatch`) of the query stamped `stamp` on this word,
   * so a page's snippets judge each distinct word once, with no per-query map.
   */
  stamp: number;
  verdict: number;
}

/** Sound codes of a folded word, remembered: snippets ask for them of every capitalised word of every hit. */
export const phoneticOf = memoised(phoneticKeys, MAX_WORDS);

/** The forms of a token as it appears in a record's text. */
export const formsOf = memoised((token: string): WordForms => {
  const f = fold(token).replace(/['’`]/g, "");
  // Most words' forms are equal strings: kept as one string (the memo's key where it is the folded form), not up to
  // four copies; the memo holds thousands of words after a few queries, and strings are most of its heap.
  const folded = f === token ? token : f;
  const s = stem(folded);
  return { folded, stem: s === folded ? folded : s, variant: null, stamp: 0, verdict: 0 };
}, MAX_WORDS);

/** The word's variant key, made on first use and kept on its forms. */
export function variantOf(f: WordForms): string {
  if (f.variant === null) {
    const v = variantKey(f.folded);
    f.variant = v === f.folded ? f.folded : v === f.stem ? f.stem : v;
  }
  return f.variant;
}
