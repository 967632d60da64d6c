/**
 * The search index's configuration: the one module both the build and the
 * Worker import, so an index is always read with the options it was written
 * with. The manifest records `INDEX_FORMAT` and a fingerprint of this config;
 * the Worker refuses an index whose fingerprint differs.
 */

/** Bumped when the meaning of index chunks changes. */
export const INDEX_FORMAT = 4;

/**
 * FlexSearch options. Dossier tokenises and folds text itself (the variant,
 * phonetic and stem rules need to see words), so FlexSearch gets
 * space-separated terms and must not alter them: no normalising, no
 * dedupe of letters, and `numeric: false` so "2681" is one term, not triplets
 * that would let "KV 2/268" match 2681.
 */
export const FLEX_OPTIONS = {
  tokenize: "strict",
  resolution: 9,
  encoder: { normalize: false, dedupe: false, numeric: false, minlength: 1, split: " " },
} as const;

/** Indexed fields, weighted: reference and title first, then people, then description. */
export const FIELDS = {
  /** Canonical reference key and its last number. */
  ref: { weight: 12 },
  /** Title words, folded. */
  title: { weight: 6 },
  /** Names from `people` and aliases declared in titles. */
  people: { weight: 4 },
  /** Subjects, corporate names, places and series. */
  tags: { weight: 2.5 },
  /** Description words. */
  desc: { weight: 1 },
  /** Variant keys of title and people words (transliteration rules). */
  names: { weight: 4 },
  /** Daitch–Mokotoff codes of title and people words. */
  phon: { weight: 4 },
  /** Porter stems of title, tags and description words. */
  stem: { weight: 2 },
} as const;

export type FieldName = keyof typeof FIELDS;
export const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];

/** How much a match found by each rule is worth, relative to the literal word. */
export const RULE_WEIGHTS = {
  exact: 1,
  stem: 0.8,
  variant: 0.7,
  /** A curated relation is stronger evidence than a sound-alike guess. */
  synonym: 0.6,
  phonetic: 0.35,
  typo: 0.3,
  /** A nickname or diminutive of the given name typed (Bill → William, Sasha → Aleksandr). */
  nickname: 0.6,
  /**
   * Initials beside a name ("J. B. Smith"): the name plus given names starting
   * with those letters, scored together. Never a matched word of its own, so
   * full given names (which are) rank above.
   */
  initial: 1,
} as const;

export type MatchRule = keyof typeof RULE_WEIGHTS;

/** Tuning of the chunked index; see search-assets.ts for what each buys. */
export const CHUNKING = {
  /** Target bytes per term-bucket chunk. */
  bucketTargetBytes: 24 * 1024,
  /** A term whose postings exceed this many bytes gets a chunk of its own. */
  soloTermBytes: 12 * 1024,
  /** Entries per typeahead partition before it is split on one more character. */
  suggestPartitionMax: 2000,
} as const;

/** Fingerprint of everything above that changes how chunks are read. */
export function configFingerprint(): string {
  return JSON.stringify({ INDEX_FORMAT, FLEX_OPTIONS, fields: FIELD_NAMES });
}

/** One search shard: the index of a contiguous range of doc numbers. */
export interface SearchShardManifest {
  /** Doc numbers `[start, end)` this shard indexes; postings hold global doc numbers. */
  start: number;
  end: number;
  /** Folder of this shard's term chunks. */
  dir: string;
  /** Term buckets: a term's chunk is bucket `fnv1a32(term) % bucketCount`, unless it is solo; fixed-width content hashes, concatenated. */
  buckets: string;
  bucketCount: number;
  /** Very common terms, each in a chunk of its own so they never bloat a bucket. */
  solo: Record<string, string>;
  /** Binary columns for docs `start..end`: Uint32 catalogue order, Int16 start year, Int16 end year (0 = unknown), Uint16 series index. */
  filters: string;
  /** Bytes of this shard's term chunks, as built (what an isolate holds when all are loaded). */
  bytes: number;
}

/** What the build records about the search index in the manifest. */
export interface SearchManifest {
  format: number;
  fingerprint: string;
  /** Documents in the whole catalogue (the N of idf, in every shard). */
  docs: number;
  /**
   * The index, split by doc ranges when one isolate cannot hold it. With more
   * than one shard, chunks carry catalogue-wide document frequencies, so every
   * shard scores exactly as the unsharded index would.
   */
  shards: SearchShardManifest[];
  /** Series names, indexed by the filters' series column. */
  seriesNames: string[];
  /** Bloom filter over every indexed term (literal, stem, variant key): whether a word is spelt as the catalogue spells it. */
  lexicon: { path: string; bits: number; hashes: number };
  /** Typo vocabulary: words of each length, sorted, with their document frequency. */
  vocab: Record<string, string>;
  /** Typeahead partitions by folded prefix; the longest matching key wins. */
  suggest: Record<string, string>;
  /** Compiled thesaurus, or null when the data has none. */
  thesaurus: string | null;
  thesaurusVersion: string | null;
  /** Name authority: people chunks by slug hash. */
  people: string[];
}

/** Key of the catalogue-wide document frequencies inside a term chunk of a sharded index. */
export const DF_KEY = "df";
