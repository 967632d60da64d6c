/**
 * Word families of the term chunks (index format 8): which chunk a term lives in, and which derived terms a
 * literal word feeds. Shared by the build, which buckets terms and finds family members, and the Worker, which
 * must find a term's chunk the same way.
 *
 * A term's bucket is chosen by its stem, not by the term itself, so "report", "reports" and "reported" share a
 * chunk with the stem field's "report", whose docs are then mostly given by those members (term-chunk.ts).
 */
import { fnv1a32 } from "../hash";
import { FIELD_NAMES } from "../search-config";
import { memoised } from "../text/memo";
import { phoneticKeys } from "../text/phonetic";
import { stem } from "../text/stem";
import { variantKey } from "../text/variants";
import type { TermFamilies } from "./term-chunk";

// The Worker looks up several terms a query word; words repeat across queries.
const stemOf = memoised(stem, 20_000);

/** What a term is bucketed by: its stem (a stem is its own stem for every stem the catalogue holds). */
export function termBucketKey(term: string): string {
  return stemOf(term);
}

/** The hash a term's bucket is taken from: `termBucketHash(term) % bucketCount`. */
export function termBucketHash(term: string): number {
  return fnv1a32(termBucketKey(term));
}

const STEM = FIELD_NAMES.indexOf("stem");
const NAMES = FIELD_NAMES.indexOf("names");
const PHON = FIELD_NAMES.indexOf("phon");
/** As record-fields.ts picks the title and people words that get variant keys and sound codes. */
const isNameWord = (w: string) => w.length >= 2 && /^\p{L}+$/u.test(w);

/**
 * The derived terms a literal word feeds (record-fields.ts): its stem; for a name word, its variant key and sound
 * codes. Build-time: the encoder checks each member's docs against the derived field's, so a rule that differs
 * here only costs bytes, never a wrong posting.
 */
export const termFamilies: TermFamilies = (term) => {
  const out: Array<readonly [number, string]> = [[STEM, stemOf(term)]];
  if (isNameWord(term)) {
    out.push([NAMES, variantKey(term)]);
    for (const k of phoneticKeys(term)) out.push([PHON, k]);
  }
  return out;
};
