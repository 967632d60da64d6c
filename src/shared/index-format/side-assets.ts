/**
 * The search index's JSON side assets, typed once for the build that writes
 * them and the Worker that reads them: typeahead partitions, the name
 * authority and the typo vocabulary. They are read whole
 * (a few KB each), so JSON stays their encoding.
 */
import { words } from "../text/fold";
import { referenceToId } from "../reference";

/**
 * A typeahead entry: `[key, text, kind, id or slug, weight]`, partitions sorted by key (stored in columns:
 * suggest-partition.ts). A title entry also
 * carries its record's reference (as researchers cite it), so typeahead never reads a record shard to show it;
 * a person's entry, when its slug is a spelling the name authority files under another, that canonical slug, so
 * typeahead merges one person's spellings without reading the authority. An id the entry's other parts give is
 * stored as 0 (a third of the typeahead's bytes): read ids through `suggestEntryId`.
 */
export type SuggestEntry =
  | [key: string, text: string, kind: SuggestKind, id: string | null | 0, weight: number]
  /** A title's reference, or a person's canonical slug (see above). */
  | [key: string, text: string, kind: SuggestKind, id: string | 0, weight: number, extra: string];

/** The id an entry would store if it did not derive from its other parts: `null` for a subject. */
function derivedId(e: SuggestEntry): string | null {
  if (e[2] === "person") return words(e[1]).join("-");
  if (e[2] === "reference") return e[0];
  if (e[2] === "title" && e[5] !== undefined) return referenceToId(e[5]);
  return null;
}

/** An entry's id: as stored, or derived from its text (a person's slug), key (a reference) or reference (a title). */
export function suggestEntryId(e: SuggestEntry): string | null {
  return e[3] === 0 ? derivedId(e) : e[3];
}

/**
 * What makes entries one suggestion: a title by its folded text (many files share one title), anything else by
 * its id or text. Typeahead shows one suggestion for each (and merges a person's spellings further: see
 * suggest-service.ts), so a build keeps only the first of each in a lookup's ranking (suggest-assets.ts).
 * `wordsOf`: `words`, or a memoised one.
 */
export function suggestionIdentity(e: SuggestEntry, wordsOf: (text: string) => readonly string[] = words): string {
  const [, text, kind] = e;
  if (kind === "title") return `title|${wordsOf(text).join(" ")}`;
  return `${kind}|${suggestEntryId(e) ?? text}`;
}

/** The entry as written: its id dropped (0) when `suggestEntryId` gives it back. */
export function compactSuggestEntry(e: SuggestEntry): SuggestEntry {
  if (e[3] === null || e[3] === 0 || derivedId(e) !== e[3]) return e;
  const out = [...e] as SuggestEntry;
  out[3] = 0;
  return out;
}

/**
 * Key spaces of the typeahead beside the folded spelling (which never holds these characters): a key starting
 * with SUGGEST_VARIANT is the variant key of each word (see text/variants.ts), one starting with
 * SUGGEST_PHONETIC a person's name word's phonetic code. Bump SUGGEST_FORMAT when their meaning changes.
 */
export const SUGGEST_VARIANT = "~";
export const SUGGEST_PHONETIC = "#";
/**
 * 2: variant and phonetic key spaces; 3: a person's entry carries its canonical slug, derivable ids are 0;
 * 4: a large partition carries its entries' ranking order; 5: partitions in columns, keys and ranking derived
 * (suggest-partition.ts); 6: prefixes split at any depth (a lookup walks down from one character), a key keeps
 * one entry a title text and at most SUGGEST_KEY_KIND_MAX of a kind, and a split's best entries are per kind.
 */
export const SUGGEST_FORMAT = 6;

/**
 * The order typeahead shows one key space's matches in: heavier first, then shorter text. Ties keep stored
 * (key) order: callers sort stably, or break ties by position as `byWeight` does.
 */
export function suggestOrder(a: SuggestEntry, b: SuggestEntry): number {
  return b[4] - a[4] || a[1].length - b[1].length;
}

/**
 * A partition of more than this many entries is walked in its ranking (`SuggestList.ranking`) when a prefix
 * matches a good share of it: a short prefix matches most of such a partition, and a keystroke shows a handful.
 */
export const SUGGEST_RANKED_MIN = 64;

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

/**
 * The prefix rule's filter (`SearchManifest.vocabPrefixes`): a Bloom filter holding, for every vocabulary word, each
 * of its prefixes of `minPrefix` letters or more that is at most `maxExtra` letters shorter than it, keyed with the
 * word's length (`vocabPrefixKey`). "No" is certain: no vocabulary word of that length begins with the prefix, and
 * the prefix rule skips reading that length's file, which static assets send whole (100–160 KB at 100k records for
 * the few kilobytes it wants). A "yes" is wrong about one time in fifty (2.2% in theory at 8 bits a key and 6
 * hashes): then the file is read, as without it. Format 6 had 5 bits a key and 3 hashes, one in eight, read whole
 * beside the lexicon; on the lexicon's page of the word (shared/bloom.ts) the bits cost a query a KB or two, and
 * each false "yes" a vocabulary file. `cold9` had 9.6 bits and 7 hashes (1.3% measured); 8 bits keep the index's
 * gzip bytes within 1.5x plain FlexSearch's (issue 13), which the paged lexicon's extra bits had passed by 5 KB at
 * 100k records, for about 1 KB more of vocabulary read per query word on average.
 */
export const VOCAB_PREFIX_FILTER = { minPrefix: 5, maxExtra: 4, bitsPerKey: 8, hashes: 6 };

/** The key of "a `length`-letter vocabulary word begins with `prefix`" in the prefix filter. */
export function vocabPrefixKey(prefix: string, length: number): string {
  return `${prefix}\u0000${length}`;
}
