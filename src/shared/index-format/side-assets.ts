/**
 * The search index's JSON side assets, typed once for the build that writes
 * them and the Worker that reads them: typeahead partitions, the name
 * authority and the typo vocabulary. They are read whole
 * (a few KB each), so JSON stays their encoding.
 */

/**
 * A typeahead entry: `[key, text, kind, id or slug, weight]`, partitions sorted by key. A title entry also
 * carries its record's reference (as researchers cite it), so typeahead never reads a record shard to show it.
 */
export type SuggestEntry =
  | [key: string, text: string, kind: SuggestKind, id: string | null, weight: number]
  | [key: string, text: string, kind: "title", id: string, weight: number, reference: string];
/**
 * Key spaces of the typeahead beside the folded spelling (which never holds these characters): a key starting
 * with SUGGEST_VARIANT is the variant key of each word (see text/variants.ts), one starting with
 * SUGGEST_PHONETIC a person's name word's phonetic code. Bump SUGGEST_FORMAT when their meaning changes.
 */
export const SUGGEST_VARIANT = "~";
export const SUGGEST_PHONETIC = "#";
/** 2: variant and phonetic key spaces. */
export const SUGGEST_FORMAT = 2;
export type SuggestKind = "person" | "reference" | "title" | "subject";

/**
 * A person as stored: the canonical entry lists spellings and doc numbers
 * (resolved to records when served); every other spelling's slug points to it.
 */
export type PersonEntry = PersonRecord | { slug: string; see: string };
export interface PersonRecord {
  slug: string;
  name: string;
  variants: string[];
  docs: number[];
}

/** Words of one length with their document frequency, sorted by word. */
export type VocabPartition = Array<[word: string, df: number]>;

/**
 * Where in a length's vocabulary file (its JSON text) the words beginning with two letters are: the bytes
 * `[offset, offset + length)` hold exactly their entries, comma-separated, without the list's brackets. Keyed
 * by the two letters and the length (`"so7"`).
 */
export type VocabRange = [offset: number, length: number];
