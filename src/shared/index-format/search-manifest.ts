/**
 * The search section of the manifest: its type, its format version and
 * fingerprint, and the check every Worker path runs before reading any
 * search asset (search, suggest, people, health), so an index is never read
 * with options other than those it was written with.
 */
import { FIELD_NAMES, FLEX_OPTIONS } from "../search-config";
import { HASH_CHARS, hashAt, type Manifest, type PagedTable } from "../manifest";
import { BLOCK_SIZE } from "./term-chunk";
import { SUGGEST_FORMAT } from "./side-assets";
import { PEOPLE_FORMAT } from "./people-chunk";

/**
 * Bumped when the meaning of any search asset changes. 5: binary term chunks with block maxima; 6: term chunks
 * with a prefix-compressed directory and packed postings, decoded whole; 7: the volume groups in segments (a
 * Worker of format 6 would find no groups list); 8: terms bucketed by stem, derived fields given by their word
 * families (term-chunk.ts, term-family.ts); 9: each field's count, lowest slot and bits in the term directory, so
 * a field is decoded only when scoring reads it; 10: filter columns bit-packed (filter-columns.ts); 11: the volume
 * groups' segments cut by bytes, their first groups listed in the volume file (`VolumeIndex`); 12: the volume
 * column in pages by doc range, with a directory of the pages and segments (`VolumeIndex`); 13: the filter columns'
 * years as 16-bit values and series as bytes, copied whole (filter-columns.ts).
 */
export const INDEX_FORMAT = 13;

/** Fingerprint of everything that changes how search assets are read. */
export function configFingerprint(): string {
  return JSON.stringify({
    INDEX_FORMAT,
    FLEX_OPTIONS,
    fields: FIELD_NAMES,
    block: BLOCK_SIZE,
    suggest: SUGGEST_FORMAT,
    people: PEOPLE_FORMAT,
  });
}

/** One search shard: the index of a contiguous range of doc numbers. */
export interface SearchShardManifest {
  /** Doc numbers `[start, end)` this shard indexes; postings hold global doc numbers. */
  start: number;
  end: number;
  /** Folder of this shard's term chunks. */
  dir: string;
  bucketCount: number;
  /** Path of this shard's `ShardTermTable` (bucket hashes and solo terms), read on the shard's first query. */
  terms: string;
  /** Filter columns of docs `start..end` (see filter-columns.ts). */
  filters: string;
  /** Bytes of this shard's term chunks, as built (what an isolate holds when all are loaded). */
  bytes: number;
}

/**
 * Where a search shard's terms are: outside the manifest root, since both grow with the catalogue (30 KiB of
 * bucket hashes at 100k records).
 */
export interface ShardTermTable {
  /**
   * Term buckets: a term's chunk is bucket `termBucketHash(term) % bucketCount`, unless it is solo;
   * fixed-width content hashes, concatenated. See `termChunkPath`.
   */
  buckets: string;
  /** Very common terms, each in a chunk of its own so they never bloat a bucket. */
  solo: Record<string, string>;
}

/**
 * The search shards: a paged table of `SearchShardManifest` under keys `String(k)`, out of the root, since a
 * 10M-record catalogue has a hundred or more shards of about 180 bytes each.
 */
export interface SearchShardList {
  count: number;
  table: PagedTable;
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
  shards: SearchShardList;
  /** Path of the series names (`string[]`), indexed by the filters' series column: out of the root, as it grows. */
  seriesNames: string;
  /**
   * Bloom filter over every indexed term (literal, stem, variant key): whether a word is spelt as the catalogue
   * spells it. In pages (see shared/bloom.ts), page `p` at `lexiconPagePath(lexicon, p)`, a query reading the page
   * of each word; section 0 of each page is this filter, section 1 the prefix filter (`vocabPrefixes`).
   */
  lexicon: LexiconPages;
  /** Typo vocabulary partitions (paths) by word length (see vocab.ts), keyed by the length's decimal string. */
  vocab: PagedTable;
  /**
   * Byte ranges of the vocabulary files by two first letters and length (see `VocabRange`), for the prefix rule;
   * absent in builds before it.
   */
  vocabRanges?: PagedTable;
  /**
   * Bloom filter of which longer vocabulary words each prefix begins (see `VOCAB_PREFIX_FILTER`), for the prefix
   * rule to skip vocabulary files that hold none: its hash count and the prefix lengths it covers. Its bits are
   * section 1 of the lexicon's pages (a word's prefixes are on the word's page). Absent in builds before it (every
   * range is then read).
   */
  vocabPrefixes?: { hashes: number; minPrefix: number; maxExtra: number };
  /**
   * Typeahead directory: partition paths by folded prefix (`<prefix>*` for a prefix's top entries); the longest
   * matching key wins (see suggest.ts).
   */
  suggest: PagedTable;
  /** Compiled thesaurus, or null when the data has none. */
  thesaurus: string | null;
  thesaurusVersion: string | null;
  /**
   * Name authority: `count` people chunks, chunk `shardOf(slug, count)`'s path under key `String(i)`
   * (see people.ts).
   */
  people: { count: number; chunks: PagedTable };
  /** Files of several volumes (see volume-assets.ts); absent in builds before it. */
  volumeIndex?: VolumeIndex;
}

/**
 * Files of several volumes, laid out so a query reads only what its hits need, whatever the catalogue's size. The
 * doc → group column is cut by doc range into `pages.count` pages of `pages.docs` docs (a multiple of 32; the last
 * page may hold fewer), each a binary file at `volumePagePath`, little-endian (offsets in `volumePageLayout`): a
 * bitmap of the page's docs, bit `i & 31` of word `i >> 5` set when its `i`th doc is in a file of several volumes;
 * then, for each such doc in doc order, its group's number in `width` bytes, padded to a whole Uint32. A doc's place
 * in that list is the count of bits set before its own (a rank the reader tabulates per page). Most docs are in no
 * such file, so a page is a fraction of a column of every doc's group. The groups, each a JSON `[docs, ids]`, are in
 * `segments.count` segments at `volumeSegmentPath`, cut by bytes (a group is never split, so a segment is over its
 * aim only by its last group), read whole, one group a line (the list's `[` alone on the first line): a reader finds
 * group `g`'s segment by binary search over the segments' first groups, and the group on its line `g - first + 1`,
 * and parses only that. The directory `dir` (offsets in `volumeDirLayout`) holds each segment's first group as a
 * Uint32, then each page's content hash, then each segment's: read once per isolate. Format 11 had one column of
 * every doc, read whole by the first collapsed search of an isolate (21 MB at ten million synthetic records).
 *
 * @example
 * // 6 docs, docs 1 and 2 one file (group 0), docs 3–5 another (group 1), each group its own segment, one page:
 * // { dir: "/search/volume-dir.<hash>.bin", width: 2, docs: 6, volumeDocs: 5, count: 2,
 * //   pages: { count: 1, docs: 32 }, segments: { count: 2 } }
 */
export interface VolumeIndex {
  dir: string;
  width: 2 | 3 | 4;
  /** Docs in the catalogue. */
  docs: number;
  /** Docs in a file of several volumes: bits set over all pages. */
  volumeDocs: number;
  /** Groups (files of several volumes). */
  count: number;
  /** Pages of the doc → group column, and docs each (page `p` holds docs `[p * docs, (p + 1) * docs)`). */
  pages: { count: number; docs: number };
  segments: { count: number };
}

/** Byte offsets of the parts of the volume directory (see `VolumeIndex`), and its whole length. */
export function volumeDirLayout(index: Pick<VolumeIndex, "pages" | "segments">): {
  pageHashesAt: number;
  segmentHashesAt: number;
  bytes: number;
} {
  const pageHashesAt = index.segments.count * 4;
  const segmentHashesAt = pageHashesAt + index.pages.count * HASH_CHARS;
  return { pageHashesAt, segmentHashesAt, bytes: segmentHashesAt + index.segments.count * HASH_CHARS };
}

/**
 * Byte offsets of a page of the volume column holding `docs` docs, `volumeDocs` of them in a group (see
 * `VolumeIndex`): its column after the bitmap, and its whole length.
 */
export function volumePageLayout(docs: number, volumeDocs: number, width: number): { columnAt: number; bytes: number } {
  const columnAt = Math.ceil(docs / 32) * 4;
  return { columnAt, bytes: columnAt + Math.ceil((volumeDocs * width) / 4) * 4 };
}

/** The paths of the volume column's pages, from the volume directory's bytes (see `VolumeIndex`). */
export function volumePagePaths(index: Pick<VolumeIndex, "pages" | "segments">, dir: Uint8Array): string[] {
  const layout = volumeDirLayout(index);
  const hashes = new TextDecoder().decode(dir.subarray(layout.pageHashesAt, layout.segmentHashesAt));
  return Array.from({ length: index.pages.count }, (_, p) => volumePagePath(p, hashAt(hashes, p)));
}

/** Path stem of the volume column's pages (see `VolumeIndex`). */
export const VOLUME_PAGES_PREFIX = "/search/volume-of/";

/** Asset path of volume column page `p`, whose content hash is `hash`. */
export function volumePagePath(p: number, hash: string): string {
  return `${VOLUME_PAGES_PREFIX}${p}.${hash}.bin`;
}

/** Bytes of a group number in the volume column, for `groups` groups. */
export function volumeGroupWidth(groups: number): 2 | 3 | 4 {
  return groups <= 0x10000 ? 2 : groups <= 0x1000000 ? 3 : 4;
}

/** The lexicon's pages (see `SearchManifest.lexicon`). */
export interface LexiconPages {
  /** Content hash of each page (HASH_CHARS each), concatenated: page `p` is `/search/lexicon/<p>.<hash>.bin`. */
  pages: string;
  /** The lexicon filter's hash count. */
  hashes: number;
}

/** Path stem of the lexicon's pages. */
export const LEXICON_PAGES_PREFIX = "/search/lexicon/";

/** Asset path of lexicon page `p`. */
export function lexiconPagePath(lexicon: LexiconPages, p: number): string {
  return `${LEXICON_PAGES_PREFIX}${p}.${hashAt(lexicon.pages, p)}.bin`;
}

/** Path stem of the volume groups' segments (see `VolumeIndex`). */
export const VOLUME_SEGMENTS_PREFIX = "/search/volume-groups/";

/** Asset path of segment `s`, whose content hash is `hash`. */
export function volumeSegmentPath(s: number, hash: string): string {
  return `${VOLUME_SEGMENTS_PREFIX}${s}.${hash}.json`;
}

/** Why a search asset cannot be read; the Worker answers 503 index_unavailable with this message. */
export class IndexFormatError extends Error {
  override readonly name = "IndexFormatError";
}

const FINGERPRINT = configFingerprint();

/**
 * The manifest's search section, checked against this code's index format.
 * @example const s = searchSection(await assets.manifest()); s.shards.count
 */
export function searchSection(m: Pick<Manifest, "search">): SearchManifest {
  const s = m.search;
  if (!s) throw new IndexFormatError("index-format: this build has no search index; run npm run build");
  if (s.format !== INDEX_FORMAT || s.fingerprint !== FINGERPRINT) {
    throw new IndexFormatError(
      `index-format: the built index (format ${s.format}) was made with another configuration than this code's ` +
        `(format ${INDEX_FORMAT}); rebuild with npm run build`,
    );
  }
  return s;
}

/** Asset path of the term chunk that holds `term` in a shard, given its bucket. */
export function termChunkPath(shard: SearchShardManifest, table: ShardTermTable, term: string, bucket: number): string {
  // Own keys only: a term such as "constructor" must not find Object.prototype members.
  const solo = Object.hasOwn(table.solo, term) ? table.solo[term] : undefined;
  return solo ?? `${shard.dir}/${bucket}.${hashAt(table.buckets, bucket)}.bin`;
}
