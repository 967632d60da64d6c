/**
 * The catalogue's asset layout: a small manifest at a fixed path, and
 * content-hashed, immutable chunks it names. The build writes it, the Worker
 * reads it; this module is the only contract between them besides the types.
 */
import { fnv1a32 } from "./hash";
import type { SearchManifest } from "./index-format/search-manifest";

/**
 * Bumped whenever the layout or meaning of any chunk changes. 3: the record-shard table in pages. 4: the
 * typeahead directory, people and vocabulary lists and the search shards' term tables out of the root (lazy root).
 * 5: the series list, the search shard list and the filters' series names out of the root too (a root of
 * bounded size at any catalogue size).
 * 6: the volume groups' segments are files of their own, not packed (a cold page read a whole pack for each).
 * 7: the lexicon (with the prefix filter) in pages a query reads one per word, and the volume column sparse (a
 * bitmap of the docs in a file of several volumes and their groups) with its segments one group a line.
 * 8: a sharded build's pack directory gives each search shard's chunks pages of their own (`PackIndex.shards`).
 * 9: record shards are zlib-deflated JSON (`RECORD_SHARD_EXT`).
 * 10: the record-shard table's page list is compact (`RecordTablePages`), and in a file of its own past
 * RECORD_TABLE_ROOT_PAGES pages: a packed build of ten million records has 123 pages, not 15.
 */
export const FORMAT_VERSION = 10;

/** Where the manifest lives inside the assets directory. */
export const MANIFEST_PATH = "/manifest.json";

/** Records per series listing page. */
export const SERIES_PAGE_SIZE = 500;

/** Target bytes of one record shard: a lookup reads one shard, so keep it a few KB. */
export const RECORD_SHARD_TARGET_BYTES = 8 * 1024;

/** Most record shard files an unpacked build makes (Workers Paid allows 100,000 asset files per deployment). */
export const MAX_RECORD_SHARD_FILES = 30_000;

/**
 * Most records a packed build puts in one record shard, while MAX_PACKED_RECORD_SHARDS allows. Packs hold the shards,
 * so the file limit does not bound them, and a page of ten hits reads ten shards whole: at the unpacked cap a
 * 10M-record catalogue's shards held 333 records (370 KB of JSON, 116 KB deflated), and a cold search from R2 spent
 * about 110 ms reading, inflating and parsing ten of them for ten records. Up to a million records the file cap
 * already keeps shards this small, so their table still fits a startup bundle there.
 */
export const PACKED_SHARD_MAX_RECORDS = 40;

/**
 * Most record shards a packed build makes: what grows instead of shards is their table, whose pages (2,048 shards,
 * 37 KB of JSON each) the manifest root lists, about 40 bytes a page. At this cap 128 pages.
 */
export const MAX_PACKED_RECORD_SHARDS = 1 << 18;

/**
 * One item of a series listing page: id, reference, title, covering dates.
 * Readers take the first two by position, so assets built before title and
 * dates were added still read.
 */
export type SeriesPageEntry = [id: string, reference: string, title?: string, coveringDates?: string | null];

export interface SeriesPage {
  /** Asset path of the page: `SeriesPageEntry[]` in catalogue order. */
  path: string;
  /** Reference of the page's first entry, for range and nearest-reference searches. */
  first: string;
}

export interface SeriesEntry {
  name: string;
  /** `referenceToId(name)`, the form used in URLs and range prefixes. */
  key: string;
  count: number;
  /** Reference of the series' first record (in catalogue order). */
  first: string;
  /** Path of the series' listing pages, `SeriesPage[]` in catalogue order: read on demand, not in the root. */
  pageList: string;
  /** The archive holding the series (its first record's first `heldBy`); absent in older builds. */
  heldBy?: string | null;
}

/**
 * Where the series are. Both the list of series and the map from series to archive grow with the catalogue (a
 * national catalogue has thousands of series), so neither is in the root.
 */
export interface SeriesDirectory {
  count: number;
  /** `SeriesEntry` by its `key` (`kv-2`). */
  table: PagedTable;
  /** Path of the `SeriesSummary`: what the home page and the series index show, read whole. */
  summary: string;
  /** Path of the `SeriesArchives`: each series' holding archive, for search's archive filter and facet. */
  archives: string;
}

/** Series listed per archive page (`/series?archive=<i>&page=<p>`), biggest first. */
export const SERIES_BROWSE_PAGE = 500;
/** Biggest series of each archive named in the summary itself (the home page shows a few of them). */
export const SERIES_SUMMARY_TOP = 50;

/** One series in a browse list: key, name, record count. */
export type SeriesBrief = [key: string, name: string, count: number];

/** One archive in the series summary; series without a holding archive are under `name: null`. */
export interface ArchiveSummary {
  name: string | null;
  records: number;
  series: number;
  /** Its biggest `SERIES_SUMMARY_TOP` series, biggest first. */
  top: SeriesBrief[];
  /** Paths of its whole series list, `SeriesBrief[]` pages of `SERIES_BROWSE_PAGE`, biggest first. */
  pages: string[];
}

/** The series summary: bounded by the number of archives, not of series. */
export interface SeriesSummary {
  /** Biggest archive first. */
  archives: ArchiveSummary[];
  /** Reference of the biggest series' first record: the home page's example of a reference search. */
  example: string | null;
}

/** Each series' holding archive: `of[i]` indexes `archives` for series `names[i]` (-1 when none is known). */
export interface SeriesArchives {
  archives: string[];
  names: string[];
  of: number[];
}

export interface Manifest {
  format: number;
  /** Content hash over every chunk: changes whenever any served byte changes. */
  version: string;
  builtAt: string;
  records: number;
  /** Records per source name. */
  sources: Record<string, number>;
  /**
   * Record shards: `count` of them, found through a table read in pages on
   * demand (a million-record catalogue has ~30,000 shards, whose table would
   * otherwise be most of what every new isolate parses). See `RecordShardTablePage`.
   */
  recordShards: {
    count: number;
    /** Shards per table page: page `p` covers shards `p * perPage …`. */
    perPage: number;
    /** How many table pages there are. */
    pages: number;
    /**
     * The pages' hashes and first docs (`RecordTablePages`): in the root up to RECORD_TABLE_ROOT_PAGES pages, else
     * the path of a JSON file holding them, read on demand (a startup bundle holds it).
     */
    pageList: RecordTablePages | string;
  };
  /** Series, out of the root: a paged table by key, and a summary for the pages that browse them. */
  series: SeriesDirectory;
  /**
   * Asset paths of the Discovery id map, `{ [discoveryId]: dossierId }`, split
   * by `shardOf(discoveryId, paths.length)`; absent when no record came from Discovery.
   */
  discoveryIds?: string[];
  /** Filled by the search index build; absent in a records-only build. Read it through `searchSection`. */
  search?: SearchManifest;
  /** Present when the build packed its chunks (`npm run build -- --packs`); see `PackDirectory`. */
  packs?: PackDirectory;
  /**
   * The files a cold search reads first, bundled into a few reads, in the order a search needs them; see
   * `StartupBundle`. Absent in older builds.
   */
  startup?: StartupBundle[];
}

/**
 * Copies of files a new isolate's first search reads right after the manifest, laid end to end in one file, so
 * the isolate reads them in one round trip instead of several: each read through the asset binding costs workerd's
 * one thread about 0.8 ms whatever its size, a megabyte about 5 ms (docs/benchmarks-history.md, branch `cold6`). A
 * build writes a few, read side by side, grouped by when a search waits for them: the tables planning reads (term
 * table, thesaurus, vocabulary ranges), the pack directory (every packed read waits for it), and what the page of hits
 * reads after scoring (volume column, record-shard table). The filter columns, single files of several hundred KB, stay
 * reads of their own beside them: one bundle of everything held the first reads of term chunks until its last megabyte
 * came (docs/benchmarks-history.md, `cold6`); so do the lexicon's pages, a few KB each, of which a query reads only
 * its words'. Every file stays a file of its own as well: a reader
 * that lost a piece (evicted from its cache) or a Worker that predates bundles reads that. All bundles together are
 * bounded by `STARTUP_BUNDLE_MAX_BYTES` at any catalogue size: a table that does not fit is left out whole and read in
 * pieces on demand, as before.
 */
export interface StartupBundle {
  /** Asset path of the bundle, `/packs/startup-<i>.<hash>.bin`. */
  path: string;
  /** The files inside, in order, each starting where the one before ends: path and byte length. */
  files: Array<[path: string, bytes: number]>;
}

/** Most bytes a build's startup bundles hold together (a 100k-record catalogue's startup files are about 2.4 MB). */
export const STARTUP_BUNDLE_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Where the chunks of a packed build are. Chunks keep their paths (every path
 * in this manifest is still a chunk's name); their bytes live inside pack
 * files, read by byte range, so a catalogue of millions of chunks is a few
 * thousand files. Both lists grow with the catalogue, so both are read in
 * pages, their pages under /packs/ (never packed themselves). What stays out
 * of packs is `isPackedPath`'s rule (shared/pack-index.ts).
 * Range reads need R2: the static assets binding answers a range with the
 * whole file (see README, "Packs").
 */
export interface PackDirectory {
  /** Pack file paths, `/packs/<bucket>-<part>.<hash>.pack`, under keys `String(i)`; `PackLocation` names `i`. */
  files: PagedTable;
  /** Chunk locations, in binary pages (shared/pack-index.ts). */
  index: PackIndex;
}

/**
 * The binary pages of chunk locations: page `p` is `/packs/dir-<p>.<hash>.bin` (see `packIndexPageOf` for which
 * page lists a chunk). Not a `PagedTable` (its pages are not JSON objects). `names` are JSON files
 * `/packs/names-<p>.<hash>.json`, each page's paths in its entry order, for tools that list a build: the Worker
 * never reads them.
 */
export interface PackIndex {
  /** Content hash of each page (HASH_CHARS each), concatenated. */
  pages: string;
  /** Content hash of each page's names file, concatenated. */
  names: string;
  /** Chunks in all pages. */
  size: number;
  /**
   * In a sharded build: `count` search shards, each with `pages` pages of its own after the others, listing the
   * chunks under its folder (`/search/s<k>/`). A shard's Durable Object then reads its own pages, not the whole
   * directory (1.4 MB at a million records, read by each of 16 objects before).
   */
  shards?: { count: number; pages: number };
}

export function packIndexPages(ix: PackIndex): number {
  return ix.pages.length / HASH_CHARS;
}

/** Pages listing chunks of no search shard: the first of the directory. */
export function packIndexCommonPages(ix: PackIndex): number {
  return Math.max(1, packIndexPages(ix) - (ix.shards ? ix.shards.count * ix.shards.pages : 0));
}

/** The search shard whose folder (`/search/s<k>/…`) holds `path` in a sharded build, or undefined. */
export function searchShardFolderOf(path: string): number | undefined {
  const m = SHARD_FOLDER.exec(path);
  return m ? Number(m[1]) : undefined;
}

const SHARD_FOLDER = /^\/search\/s(\d+)\//;

/** The search shard whose own directory pages list `path` (see `PackIndex.shards`), or undefined. */
export function packShardOf(ix: PackIndex, path: string): number | undefined {
  if (!ix.shards) return undefined;
  const k = searchShardFolderOf(path);
  return k !== undefined && k < ix.shards.count ? k : undefined;
}

/** The pages of search shard `k`'s chunks, `[first, end)` (none in a build without shard pages). */
export function packShardPages(ix: PackIndex, k: number): [first: number, end: number] {
  if (!ix.shards) return [0, 0];
  const first = packIndexCommonPages(ix) + k * ix.shards.pages;
  return [first, first + ix.shards.pages];
}

/**
 * The page listing `path`: among its search shard's pages for a shard's chunk (in a build that has them), else
 * among the common pages, by `fnv1a32(path)`.
 */
export function packIndexPageOf(ix: PackIndex, path: string): number {
  const k = packShardOf(ix, path);
  if (k === undefined) return fnv1a32(path) % packIndexCommonPages(ix);
  return packShardPages(ix, k)[0] + (fnv1a32(path) % ix.shards!.pages);
}

export function packIndexPagePath(ix: PackIndex, p: number): string {
  return `/packs/dir-${p}.${hashAt(ix.pages, p)}.bin`;
}

export function packIndexNamesPath(ix: PackIndex, p: number): string {
  return `/packs/names-${p}.${hashAt(ix.names, p)}.json`;
}

/** A chunk inside a pack: index into `PackDirectory.files`, byte offset, byte length. */
export type PackLocation = [pack: number, offset: number, length: number];

/** Largest pack file a build writes: under Workers' 25 MiB asset limit, and a few R2 range reads' worth. */
export const PACK_MAX_BYTES = 24 * 1024 * 1024;
/** Bytes a pack aims at; packs are filled by a hash of the chunk's name, so sizes vary around it. */
export const PACK_TARGET_BYTES = 16 * 1024 * 1024;
/** Bytes a files-table page aims at: read whole, once per isolate, before the first chunk it locates. */
export const PACK_DIR_PAGE_BYTES = 128 * 1024;
/** Chunks a binary directory page aims at (20 bytes each, see shared/pack-index.ts). */
export const PACK_INDEX_PAGE_ENTRIES = 4096;

/** A record as stored in a shard, with what the build derived for it. */
export interface StoredRecord<R = unknown> {
  record: R;
  /** Related records computed at build time: `[doc number, why]`, closest first. */
  related?: Array<[number, string]>;
}

/** Characters of content hash in chunk names (48 bits). */
export const HASH_CHARS = 12;

/** The `i`th fixed-width hash of a concatenated hash string. */
export function hashAt(hashes: string, i: number): string {
  return hashes.slice(i * HASH_CHARS, (i + 1) * HASH_CHARS);
}

/** One page of the record-shard table: shards `first … first + starts.length - 1`. */
export interface RecordShardTablePage {
  first: number;
  /**
   * Content hash of each shard, fixed width (HASH_CHARS), concatenated: one
   * string parses far faster than an array of paths. See `recordShardPath`.
   */
  hashes: string;
  /** Doc number of each shard's first record; doc numbers run shard by shard. */
  starts: number[];
}

/** Shards per record-shard table page: about 40 KB of JSON. */
export const RECORD_TABLE_PAGE_SHARDS = 2048;

/**
 * The record-shard table's pages: what finds page `p` (`recordTablePagePath`) and the page holding a doc. About 21
 * characters a page.
 *
 * @example
 * // A doc's page: the last whose first doc is at or below it.
 * const p = lastAtOrBelow(list.starts, doc);
 * const page = await assets.json<RecordShardTablePage>(recordTablePagePath(list, p));
 */
export interface RecordTablePages {
  /** Content hash of each page, fixed width (HASH_CHARS), concatenated. */
  hashes: string;
  /** Doc number of each page's first shard's first record: a doc's page is the last whose start ≤ it. */
  starts: number[];
}

/**
 * Most record-table pages whose list the manifest root holds (about 340 bytes of it); past them the list is a file
 * of its own, so the root stays the same size however many records a catalogue has.
 */
export const RECORD_TABLE_ROOT_PAGES = 16;

/** Asset path of page `p` of the record-shard table. */
export function recordTablePagePath(list: Pick<RecordTablePages, "hashes">, p: number): string {
  return `/records/table-${p}.${hashAt(list.hashes, p)}.json`;
}

/** Asset paths of every page of the record-shard table, in order. */
export function recordTablePagePaths(list: Pick<RecordTablePages, "hashes">): string[] {
  return Array.from({ length: list.hashes.length / HASH_CHARS }, (_, p) => recordTablePagePath(list, p));
}

/**
 * The extension of a record shard: a JSON array of `StoredRecord`, ordered by doc number, deflated in zlib's format
 * (RFC 1950, whose checksum catches a damaged shard). Records are most of a catalogue's bytes (119 of 172 MB
 * of chunks at 100k synthetic records) and deflate to about a third. Static assets answer a read of a packed chunk
 * with its whole pack, so smaller records make smaller packs for the same number of files; and a cold page of
 * hits at ten million records reads ten shards of 370 KB from R2 by range.
 */
export const RECORD_SHARD_EXT = "jsonz";

/** Asset path of record shard `k` (on `page`): see RECORD_SHARD_EXT. */
export function recordShardPath(page: RecordShardTablePage, k: number): string {
  return `/records/${k}.${hashAt(page.hashes, k - page.first)}.${RECORD_SHARD_EXT}`;
}

/** The table page holding shard `k`. */
export function recordTablePageOf(m: Pick<Manifest, "recordShards">, k: number): number {
  return Math.floor(k / m.recordShards.perPage);
}

/** The last index whose value is ≤ `x` in a non-decreasing list (0 when none is). */
export function lastAtOrBelow(list: ArrayLike<number>, x: number): number {
  let lo = 0,
    hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (list[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * A table that grows with the catalogue, kept out of the manifest root and read a page at a time on demand
 * (a new isolate parses only the root). Page `p` is the JSON object `{ [key]: value }` at
 * `pagedTablePath(t, p)`; a key is on page `fnv1a32(key) % pages`. Page hashes are concatenated, fixed
 * width, as the record-shard table's are, so even a table of thousands of pages costs the root 12 bytes a page.
 */
export interface PagedTable {
  /** Path stem of the pages: page `p` is `<prefix>-<p>.<hash>.json`. */
  prefix: string;
  /** Content hash of each page (HASH_CHARS each), concatenated. */
  hashes: string;
  /** Keys in the whole table. */
  size: number;
  /**
   * When set, a key's page is chosen by its first `keyChars` characters only, so lookups of one word's
   * prefixes (the typeahead's longest-match probes) land on one or two pages instead of many.
   */
  keyChars?: number;
  /**
   * The whole table, when its JSON is at most `PAGED_TABLE_INLINE_BYTES` (a one-shard index's shard list, the
   * vocabulary's partition list): a cold query finds its entries in the root it has already read, a round trip
   * sooner than through a page. The page is written all the same, for tools and for Workers that predate this.
   */
  entries?: Record<string, unknown>;
  /**
   * A table of more than `PAGED_TABLE_ROOT_PAGES` pages keeps its pages' hashes out of the root: this file holds
   * them (a JSON string, as `hashes` would be), `hashes` is empty and `pages` counts them. Read once per isolate,
   * by the first lookup. At 10M records the typeahead's directory has 856 pages: 10 KB of hashes a new isolate
   * parsed with every root.
   */
  hashesFile?: string;
  pages?: number;
}

/** Pages a paged table may have and still keep its pages' hashes in the root (see `PagedTable.hashesFile`). */
export const PAGED_TABLE_ROOT_PAGES = 64;

/** Bytes of JSON a paged-table page aims at: one small read, parsed once per isolate. */
export const PAGED_TABLE_PAGE_BYTES = 16 * 1024;

/**
 * Largest paged table (bytes of JSON) the root carries whole as well (`PagedTable.entries`). A million records'
 * 16-shard list is about 3 KB, the vocabulary's partition list under 1 KB: a few tables of at most this keep the
 * root well under its 16 KiB bound.
 */
export const PAGED_TABLE_INLINE_BYTES = 4 * 1024;

/** Pages of a paged table. */
export function pagedTablePages(t: PagedTable): number {
  return t.hashesFile ? (t.pages ?? 0) : t.hashes.length / HASH_CHARS;
}

/** The page holding `key` (0 for an empty table, which has one empty page). */
export function pagedTablePageOf(t: PagedTable, key: string): number {
  return fnv1a32(t.keyChars ? key.slice(0, t.keyChars) : key) % Math.max(1, pagedTablePages(t));
}

/**
 * Asset path of page `p` of a paged table. `hashes`: the table's page hashes when they are in its `hashesFile`
 * (the caller has read it); a table whose hashes are in the root needs none.
 */
export function pagedTablePath(t: PagedTable, p: number, hashes?: string): string {
  const h = t.hashesFile ? hashes : t.hashes;
  if (h === undefined)
    throw new Error(`manifest: the page hashes of ${t.prefix} are in ${t.hashesFile}; read them first`);
  return `${t.prefix}-${p}.${hashAt(h, p)}.json`;
}

/** The R2 object key of an asset path: the path without its leading slash. Shared by the upload and the Worker. */
export function r2Key(path: string): string {
  return path.startsWith("/") ? path.slice(1) : path;
}
