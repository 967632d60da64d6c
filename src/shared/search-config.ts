/**
 * The search index's configuration: the one module both the build and the
 * Worker import, so an index is always read with the options it was written
 * with. The asset contract (index-format/) fingerprints this config into the
 * manifest; the Worker refuses an index whose fingerprint differs.
 */

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
  /** Inherited from the hierarchy: the titles of the record's parent and series (see hierarchy-context.ts). */
  ctx: { weight: 0.5 },
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
  /**
   * A longer catalogue word the typed word begins ("merchant" → "merchantman",
   * "australia" → "australian"), as people search while typing; scaled by how
   * much of the word was typed.
   */
  prefix: 0.5,
  /** A nickname or diminutive of the given name typed (Bill → William, Sasha → Aleksandr). */
  nickname: 0.6,
  /**
   * Initials beside a name ("J. B. Smith"): the name plus given names starting
   * with those letters, scored together. Never a matched word of its own, so
   * full given names (which are) rank above.
   */
  initial: 1,
  /**
   * Closeness of spelling, a tie-breaker among matches by variant key or sound:
   * a catalogue word within one edit (two from 9 letters) of a query word the
   * catalogue does not hold literally adds this share, divided by the edits,
   * to the doc's match ("Yenssen" puts JENSSEN above Jensen, which share a
   * variant key). It never makes a match or counts as a matched word.
   */
  closeness: 0.1,
  /**
   * A place inside the place the query names (data/places: Scotland → Glasgow,
   * Lanarkshire): a record filed under the county answers a question about
   * the country, below one that names the country itself.
   */
  place: 0.4,
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
