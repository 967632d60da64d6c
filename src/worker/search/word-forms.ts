/**
 * Per-isolate memo of a word's stem and variant key. Snippets judge every
 * word of every hit's description by them, and a warm isolate sees the same
 * catalogue vocabulary again and again: the memo turned the largest share of
 * snippet time (stemming and transliteration keys) into map lookups.
 */
import { stem } from "../../shared/text/stem";
import { variantKey } from "../../shared/text/variants";

/** Words remembered; the memo starts over when full (a few MB at most), cheaper than an LRU per lookup. */
const MAX_WORDS = 50_000;

const forms = new Map<string, { stem: string; variant: string }>();

function formsOf(word: string): { stem: string; variant: string } {
  let f = forms.get(word);
  if (!f) {
    if (forms.size >= MAX_WORDS) forms.clear();
    f = { stem: stem(word), variant: variantKey(word) };
    forms.set(word, f);
  }
  return f;
}

/** `stem(word)`, memoised. */
export function stemOf(word: string): string {
  return formsOf(word).stem;
}

/** `variantKey(word)`, memoised. */
export function variantOf(word: string): string {
  return formsOf(word).variant;
}
