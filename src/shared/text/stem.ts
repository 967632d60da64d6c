/** English stemming (Porter, from the `stemmer` package) for description text. */
import { stemmer } from "stemmer";

/** The stem of one folded word; numbers and short words are their own stem. */
export function stem(word: string): string {
  if (word.length < 4 || /\d/.test(word)) return word;
  return stemmer(word);
}
