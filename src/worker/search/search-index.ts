/**
 * The Worker's view of one search shard of the index. A term's postings live
 * in exactly one binary term chunk of the shard (its bucket, or its own chunk
 * if it is very common); only the term's own entries are read from it (see
 * shared/index-format/term-chunk.ts). What is kept per isolate is not the
 * chunk but the term's postings, each field decoded into typed arrays when
 * scoring first reads it, under their own byte budget: a bucket chunk holds
 * hundreds of terms a query never asks for, and keeping whole chunks (and
 * records) under one budget made a warm 100k mix refetch and re-verify
 * several chunks per query. A field not yet read holds its chunk's bytes.
 */
import { ISOLATE_MEMORY } from "../isolate-memory";
import { shardOf } from "../../shared/hash";
import { HASH_CHARS } from "../../shared/manifest";
import { bloomHas, bloomPageOf, bloomPageSection } from "../../shared/bloom";
import { FIELD_NAMES, type FieldName } from "../../shared/search-config";
import { lruBySize } from "../../shared/lru";
import {
  type HeldPostings,
  IndexFormatError,
  TermChunk,
  lexiconPagePath,
  decodeFilterColumns,
  searchSection,
  termChunkPath,
  termBucketHash,
  type FieldPostings,
  type FilterColumns,
  type SearchManifest,
  type SearchShardManifest,
  type ShardTermTable,
  type VocabPartition,
  type VocabRange,
  vocabPrefixKey,
} from "../../shared/index-format";
import { corruptAsset, type AssetStore } from "../asset-store";
import { ApiError } from "../errors";
import { editsWithin } from "../../shared/text/typo";
import { searchStats } from "./search-stats";
import { PACKED_SHARE, type Packer, PostingsCache, SMALL_ENTRY_BYTES } from "./postings-admission";
import { type PackedTerm, packTerm, unpackTerm } from "./packed-postings";

export type { FieldPostings, FilterColumns };

/** A term's postings in one shard, per field. */
export interface TermPostings {
  term: string;
  fields: Partial<Record<FieldName, FieldPostings>>;
  /**
   * The term's key in its shard's build (chunk path and term), the same for every decode of it: what is derived from
   * its postings (top lists) is found by it after the postings themselves were evicted and decoded again.
   */
  key?: string;
}

/** The search manifest, checked against this Worker's index format and configuration. */
export async function searchMeta(assets: AssetStore): Promise<SearchManifest> {
  const m = await assets.manifest();
  try {
    return searchSection(m);
  } catch (e) {
    if (e instanceof IndexFormatError) throw new ApiError(503, "index_unavailable", e.message);
    throw e;
  }
}

/** Catalogue-wide lookups that need no postings: thesaurus, lexicon, typo vocabulary. */
export class SearchLexicon {
  constructor(private readonly assets: AssetStore) {}

  meta(): Promise<SearchManifest> {
    return searchMeta(this.assets);
  }

  async thesaurus(): Promise<Record<string, Array<[string[], number, string]>>> {
    const meta = await this.meta();
    return meta.thesaurus ? this.assets.json(meta.thesaurus) : {};
  }

  /** Whether the catalogue indexes this exact term anywhere (Bloom filter: rare false yes, never a false no). */
  async has(term: string): Promise<boolean> {
    const { lexicon } = await this.meta();
    return bloomHas(await this.lexiconSection(term, 0), term, lexicon.hashes);
  }

  /**
   * Section `section` of the lexicon page holding `key` (see shared/bloom.ts): the page, a few KB, is read once per
   * isolate and kept like any chunk, and a word's forms and prefixes are all on it.
   */
  private async lexiconSection(key: string, section: 0 | 1): Promise<Uint8Array> {
    const { lexicon } = await this.meta();
    const path = lexiconPagePath(lexicon, bloomPageOf(key, lexicon.pages.length / HASH_CHARS));
    const page = new Uint8Array(await this.assets.binary(path));
    try {
      return bloomPageSection(page, section, path);
    } catch (e) {
      throw corruptAsset(path, (e as Error).message);
    }
  }

  /**
   * Vocabulary words of one length that begin with `prefix` (two letters or more), with their document
   * frequency, sorted: reads only the part of the length's file that holds the prefix's first two letters.
   */
  async vocabPrefixed(length: number, prefix: string): Promise<VocabPartition> {
    const meta = await this.meta();
    if (!(await this.mayHavePrefixed(meta, length, prefix))) return [];
    if (!meta.vocabRanges || prefix.length < 2) return (await this.vocab(length)).startingWith(prefix);
    const [path, range] = await Promise.all([
      this.assets.tableGet<string>(meta.vocab, String(length)),
      this.assets.tableGet<VocabRange>(meta.vocabRanges, `${prefix.slice(0, 2)}${length}`),
    ]);
    if (!path || !range) return [];
    // The whole partition, when the typo rule has read it, holds the range's words: not held a second time.
    const whole = this.assets.heldJson<unknown>(path);
    if (whole instanceof VocabWords) return whole.startingWith(prefix);
    const words = await this.assets.jsonRange<VocabPartition[number], VocabWords>(path, range[0], range[1], (list) =>
      VocabWords.of(list, length),
    );
    return words.startingWith(prefix);
  }

  /**
   * False when the build's prefix filter (see `VOCAB_PREFIX_FILTER`) says no vocabulary word of `length` begins
   * with `prefix`: certain, so the length's file need not be read. True when it may, or when the filter does not
   * cover this prefix (or the build has none). On the word's lexicon page (see `lexiconSection`).
   */
  private async mayHavePrefixed(meta: SearchManifest, length: number, prefix: string): Promise<boolean> {
    const f = meta.vocabPrefixes;
    if (!f || prefix.length < f.minPrefix || length <= prefix.length || length - prefix.length > f.maxExtra)
      return true;
    const key = vocabPrefixKey(prefix, length);
    return bloomHas(await this.lexiconSection(key, 1), key, f.hashes);
  }

  /** Vocabulary words of one length with their document frequency, for typo candidates. */
  async vocab(length: number): Promise<VocabWords> {
    const meta = await this.meta();
    const path = await this.assets.tableGet<string>(meta.vocab, String(length));
    return path ? this.assets.json(path, (raw) => VocabWords.of(raw as VocabPartition, length)) : VocabWords.EMPTY;
  }

  /**
   * Vocabulary words between 1 and `max` edits from `w` (none shorter than `minLength`), closest then commonest
   * first: the candidates of the typo and closeness rules. The partitions are read in one parallel batch, since
   * on a cold isolate each is an asset read of its own.
   */
  async near(w: string, max: number, minLength: number): Promise<Array<{ t: string; d: number; df: number }>> {
    const lengths: number[] = [];
    for (let len = Math.max(minLength, w.length - max); len <= w.length + max; len++) lengths.push(len);
    const found: Array<{ t: string; d: number; df: number }> = [];
    for (const list of await Promise.all(lengths.map((len) => this.vocab(len))))
      for (let i = 0; i < list.size; i++) {
        const t = list.word(i);
        const d = editsWithin(w, t, max);
        if (d <= max && d > 0) found.push({ t, d, df: list.df(i) });
      }
    return found.sort((a, b) => a.d - b.d || b.df - a.df || (a.t < b.t ? -1 : 1));
  }
}

/** What planning asks of the catalogue-wide lookups (`SearchLexicon`, or `lexiconBeforeVocabulary`). */
export type PlanLexicon = Pick<SearchLexicon, "thesaurus" | "has" | "vocabPrefixed" | "vocab" | "near">;

/**
 * Planning as it can be done once the thesaurus is in, before the lexicon and the vocabulary are: every word taken
 * as spelt, no prefix words. A plan made with it names the terms of the real plan except its typo, prefix and
 * closeness candidates (and a misspelt word's sound codes), so a cold isolate's warm-up reads their chunks a round
 * trip before the real plan is made.
 */
export function lexiconBeforeVocabulary(lexicon: SearchLexicon): PlanLexicon {
  return {
    thesaurus: () => lexicon.thesaurus(),
    has: async () => true,
    vocabPrefixed: async () => [],
    vocab: async () => VocabWords.EMPTY,
    near: async () => [],
  };
}

/**
 * A vocabulary partition as an isolate keeps it: its words, all of one length, end to end in one string, and
 * their document frequencies in a typed array. Parsed, a partition is an array of pairs, about 60 bytes of heap
 * a word; kept so, under 10: the typo rule reads a few whole partitions per misspelt word, and holding them as
 * pairs was most of what a 100k isolate's heap grew by over a query mix.
 */
export class VocabWords {
  static readonly EMPTY = new VocabWords(0, "", new Uint32Array(0));

  private constructor(
    private readonly wordLength: number,
    private readonly text: string,
    private readonly dfs: Uint32Array,
  ) {}

  static of(list: VocabPartition, length: number): VocabWords {
    const dfs = new Uint32Array(list.length);
    const words: string[] = [];
    list.forEach(([t, df], i) => {
      if (typeof t !== "string" || t.length !== length)
        throw new Error(`a word of the length-${length} partition is ${JSON.stringify(t)}`);
      words.push(t);
      dfs[i] = df;
    });
    return new VocabWords(length, words.join(""), dfs);
  }

  get size(): number {
    return this.dfs.length;
  }

  /** What the partition holds: its words' characters (one byte each when all are Latin-1, as V8 keeps them) and frequencies. */
  get heldBytes(): number {
    return 64 + this.text.length * (/[^\u0000-\u00ff]/.test(this.text) ? 2 : 1) + this.dfs.byteLength;
  }

  word(i: number): string {
    return this.text.slice(i * this.wordLength, (i + 1) * this.wordLength);
  }

  df(i: number): number {
    return this.dfs[i]!;
  }

  /**
   * The words that begin with `prefix`, with their document frequencies, in order: found by binary search, since
   * a partition is sorted by word (`VocabPartition`) and a whole one, read for the typo rule, holds thousands.
   */
  startingWith(prefix: string): VocabPartition {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.word(mid) < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: VocabPartition = [];
    for (let i = lo; i < this.size; i++) {
      const t = this.word(i);
      if (!t.startsWith(prefix)) break;
      out.push([t, this.dfs[i]!]);
    }
    return out;
  }
}

/** Bytes of decoded and packed postings an isolate keeps (see `ISOLATE_MEMORY.postings`). */
export const POSTINGS_CACHE_BYTES = ISOLATE_MEMORY.postings;

/**
 * Bytes of term chunks an isolate keeps as read (compressed) when their terms decode to many times their size: a
 * common word's own chunk (see `ISOLATE_MEMORY.rawChunks`). Most of a million-record warm mix's decoded postings
 * are a few hundred common term-shards whose lists decode to ten times their chunk (at 300k, 18.6 MiB decoded from
 * 1.7 MiB of chunks): these chunks keep the large ones a decode away, not a read away.
 */
export const RAW_CHUNK_BYTES = ISOLATE_MEMORY.rawChunks;
/** A chunk is kept raw when a term of it decodes to at least this many times the chunk's bytes. */
const RAW_RATIO = 4;

/** Bytes a cached term holds beyond its lists and its key (see `decode`). */
const TERM_BYTES = 600;

interface CachedTerm {
  postings: TermPostings;
  bytes: number;
}

/** The bytes of a cached term: its fixed part (see `decode`) and its lists'. */
function termBytes(postings: TermPostings): number {
  let bytes = TERM_BYTES + 2 * (postings.key?.length ?? 0);
  for (const fp of Object.values(postings.fields)) bytes += (fp as HeldPostings).bytes;
  return bytes;
}

/**
 * Packs a cached term's lists for the cache's packed tier, and makes a query's copy from them (packed-postings.ts).
 */
const termPacker: Packer<CachedTerm, PackedTerm<FieldName>> = {
  pack({ postings }) {
    return packTerm(
      postings.term,
      postings.key,
      Object.entries(postings.fields) as Array<[FieldName, HeldPostings]>,
      FIELD_NAMES,
    );
  },
  unpack(packed) {
    const postings: TermPostings = {
      term: packed.term,
      fields: Object.fromEntries(unpackTerm(packed, FIELD_NAMES)),
      key: packed.key,
    };
    return { postings, bytes: termBytes(postings) };
  },
};

/**
 * Decoded postings by chunk path and term. The path is content-hashed and
 * names the shard, so one build's terms never answer for another's.
 */
let postingsCache = new PostingsCache<CachedTerm, PackedTerm<FieldName>>(POSTINGS_CACHE_BYTES, termPacker);
/** Dense term chunks as read, by path (see `RAW_CHUNK_BYTES`): checked against their hash when first read. */
let rawChunks = lruBySize<string, ArrayBuffer>(RAW_CHUNK_BYTES, (b) => b.byteLength);

/** Starts the decoded-postings cache (and the raw chunks beside it) afresh (benches measuring a working set; tests). */
export function resetPostingsCache(
  bytes = POSTINGS_CACHE_BYTES,
  rawBytes = RAW_CHUNK_BYTES,
  packedShare = PACKED_SHARE,
): void {
  postingsCache = new PostingsCache<CachedTerm, PackedTerm<FieldName>>(bytes, termPacker, packedShare);
  rawChunks = lruBySize<string, ArrayBuffer>(rawBytes, (b) => b.byteLength);
}

/** Entries the postings cache has packed and unpacked, and the bytes of its packed tier (for the bench). */
export function postingsCacheMoves(): { packed: number; unpacked: number; packedBytes: number } {
  return { ...postingsCache.moves, packedBytes: postingsCache.packedSize };
}

/** Bytes of dense term chunks held as read (for the bench). */
export function rawChunkBytes(): number {
  return rawChunks.calculatedSize;
}

/** Keeps a term just decoded, if the cache has room or it is worth more than what it would displace. */
function keepDecoded(key: string, entry: CachedTerm): void {
  postingsCache.offer(key, entry);
}
/** Terms being decoded, by the same key: concurrent requests for one term share one decode. */
const decoding = new Map<string, Promise<TermPostings>>();
/**
 * Term chunks a cold isolate's warm-up has read for the search that follows, as bytes, by shard (its term table's
 * path) and chunk path: the warm-up reads them all before it decodes any (see `prefetchShardTerms`), and the search
 * decodes from them a term the warm-up has not reached. Dropped by the shard's next search (`releaseStaged`): at
 * most one query's chunks are held (about 100–250 KB at 100k), also when a response-cache hit answers the request
 * and no search follows.
 */
const staged = new Map<string, Map<string, Promise<ArrayBuffer>>>();
const utf8 = new TextEncoder();
/**
 * A chunk read once for several terms (the warm-up's staged bytes) is read as one `TermChunk`: its directory
 * entries and decoded fields serve every term of it that a derived field names as a member.
 */
const chunks = new WeakMap<ArrayBuffer, TermChunk>();

/** The chunk holding `term` in a shard, and the term's key in the postings cache (the chunk path names the shard). */
function termChunkKey(shard: SearchShardManifest, table: ShardTermTable, term: string): { path: string; key: string } {
  const path = termChunkPath(shard, table, term, termBucketHash(term) % shard.bucketCount);
  return { path, key: `${path}\u0000${term}` };
}

/** Term chunks the warm-up holds as bytes for a search still to come, in every shard (for tests). */
export function stagedChunks(): number {
  let n = 0;
  for (const held of staged.values()) n += held.size;
  return n;
}

/** Bytes the decoded-postings cache holds now (for the bench and the health check). */
export function postingsCacheBytes(): number {
  return postingsCache.calculatedSize;
}

/**
 * What a warm shard's every query reads before any postings, held per asset store (whose manifest never changes):
 * its manifest entry, its term table, its filter columns once read, and each term's key in the postings cache.
 * With it a cached term's postings are found without a promise (`cachedPostings`): on a warm isolate the awaits of
 * `postings` (the shard entry, the term table, the term) were a larger part of a query of a few matches than its
 * scoring (docs/benchmarks-history.md, branch `warm7`).
 */
interface ShardView {
  shard: SearchShardManifest;
  table: ShardTermTable;
  keys: Map<string, { path: string; key: string }>;
}

/**
 * Decoded filter columns by their (content-hashed) path, for every shard the isolate serves, under one budget
 * (`ISOLATE_MEMORY.filterColumns`). Each is counted with the facet column scoring derives from it and holds only
 * while the columns are held (scoring.ts `facetColumnsOf`): 16 bytes a doc.
 */
let heldColumns = columnsCache(ISOLATE_MEMORY.filterColumns);

/** Bytes a held shard's columns count a doc: 10 decoded (filter-columns.ts) and 6 of the facet column made from them. */
export const HELD_COLUMN_BYTES_PER_DOC = 16;

function columnsCache(bytes: number) {
  return lruBySize<string, FilterColumns>(bytes, (c) => HELD_COLUMN_BYTES_PER_DOC * c.order.length);
}

/** Empties the filter columns held, with a new budget (tests and benches; the Worker keeps the default). */
export function resetFilterColumns(bytes: number = ISOLATE_MEMORY.filterColumns): void {
  heldColumns = columnsCache(bytes);
}

/** Bytes of filter columns held now (with their facet columns), as counted against their budget. */
export function filterColumnBytes(): number {
  return heldColumns.calculatedSize;
}

/**
 * Term keys a shard view remembers before it starts afresh: a key is about 150 bytes of heap (the term, its chunk
 * path and the cache key, the latter shared with the postings cache), so at most about 0.6 MB; a 200-query mix asks
 * fewer terms than this.
 */
const VIEW_TERMS = 4096;

const shardViews = new WeakMap<AssetStore, Array<ShardView | undefined>>();
/** Filter columns being read and decoded, by store and shard: a cold query's warm-up and its search share one. */
const filtersReading = new WeakMap<AssetStore, Map<number, Promise<FilterColumns>>>();

export class SearchIndex {
  constructor(
    private readonly assets: AssetStore,
    readonly shardNo = 0,
  ) {}

  private view(): ShardView | undefined {
    return shardViews.get(this.assets)?.[this.shardNo];
  }

  private async loadView(): Promise<ShardView> {
    const held = this.view();
    if (held) return held;
    const shard = await this.shard();
    // The shard's term table is out of the manifest root: read on this shard's first query, then held.
    const table = await this.assets.json<ShardTermTable>(shard.terms);
    let views = shardViews.get(this.assets);
    if (!views) shardViews.set(this.assets, (views = []));
    return (views[this.shardNo] ??= { shard, table, keys: new Map() });
  }

  private keyOf(view: ShardView, term: string): { path: string; key: string } {
    let k = view.keys.get(term);
    if (!k) {
      if (view.keys.size >= VIEW_TERMS) view.keys.clear();
      view.keys.set(term, (k = termChunkKey(view.shard, view.table, term)));
    }
    return k;
  }

  /** A term's postings if this isolate holds them decoded now, else undefined (then ask `postings`). */
  cachedPostings(term: string): TermPostings | undefined {
    const view = this.view();
    if (!view) return undefined;
    const { key } = this.keyOf(view, term);
    const p = postingsCache.get(key)?.postings;
    if (p) {
      postingsCache.touch(key);
      const st = searchStats();
      if (st) st.postingsHits++;
    }
    return p;
  }

  /** The shard's filter columns if held now, else undefined (then ask `filters`). */
  cachedFilters(): FilterColumns | undefined {
    const view = this.view();
    return view && heldColumns.get(view.shard.filters);
  }

  async shard(): Promise<SearchShardManifest> {
    const meta = await searchMeta(this.assets);
    // The shard list is a paged table out of the manifest root: one page, read once per isolate.
    const s = await this.assets.tableGet<SearchShardManifest>(meta.shards.table, String(this.shardNo));
    if (!s)
      throw new ApiError(
        503,
        "index_unavailable",
        `search-index: shard ${this.shardNo} is not in this build (it has ${meta.shards.count})`,
      );
    return s;
  }

  /** The postings of a term in every field of this shard that has it. */
  async postings(term: string): Promise<TermPostings> {
    const view = await this.loadView();
    const { path, key } = this.keyOf(view, term);
    const hit = postingsCache.get(key);
    postingsCache.touch(key);
    const st = searchStats();
    if (hit) {
      if (st) st.postingsHits++;
      return hit.postings;
    }
    let p = decoding.get(key);
    if (!p) {
      p = this.decode(view.shard, path, term, key, staged.get(view.shard.terms)?.get(path)).finally(() =>
        decoding.delete(key),
      );
      decoding.set(key, p);
    }
    return p;
  }

  private async decode(
    shard: SearchShardManifest,
    path: string,
    term: string,
    key: string,
    staged?: Promise<ArrayBuffer>,
  ): Promise<TermPostings> {
    // The chunk is not kept under the asset budget: the postings below are what the next query reads (a field not
    // yet read holds the chunk until it is), or, for a dense chunk, the raw chunks beside them.
    const raw = rawChunks.get(path);
    const buf = raw ?? (await (staged ?? this.assets.binary(path, false)));
    // A raw chunk gets a decoder of its own, not shared through `chunks`: a shared one would keep every field it
    // ever decoded alive as long as the raw bytes are held.
    let chunk = raw ? undefined : chunks.get(buf);
    if (!chunk)
      try {
        // Lists hold shard-local doc numbers (16-bit in a shard of up to 65,536 docs): scoring indexes by them.
        chunk = new TermChunk(buf, path, shard.start, shard.end - shard.start);
        if (!raw) chunks.set(buf, chunk);
      } catch (e) {
        throw new ApiError(
          503,
          "index_unavailable",
          `search-index: ${(e as Error).message}; rebuild with npm run build`,
        );
      }
    const i = chunk.find(utf8.encode(term));
    const fields: TermPostings["fields"] = {};
    // Counted as decoded from the start: until a list is read it holds its chunk instead (see LazyPostings). The
    // fixed part is measured (the term's objects, its key and the cache's entry: the bench's million-record mix held
    // about 550 bytes a term beyond its lists', Node, heap and array buffers freed when the cache is dropped).
    let bytes = TERM_BYTES + 2 * key.length;
    if (i >= 0)
      for (const d of chunk.postings(i)) {
        fields[FIELD_NAMES[d.field]!] = d;
        bytes += d.bytes;
      }
    // A small term's lists are decoded now (a few thousand postings at most): a list left undecoded holds its whole
    // chunk (LazyPostings), and the cache keeps thousands of small terms (postings-admission.ts).
    if (bytes <= SMALL_ENTRY_BYTES) for (const fp of Object.values(fields)) fp.decodeAll();
    const postings = { term, fields, key };
    const st = searchStats();
    if (st) {
      st.postingsDecoded++;
      st.decodedBytes += bytes;
      if (raw) st.rawChunkHits++;
    }
    if (!raw && bytes >= RAW_RATIO * buf.byteLength) {
      rawChunks.set(path, buf);
      // Its shared decoder (and the fields it decoded) goes with this query; the next decode makes a fresh one.
      chunks.delete(buf);
    }
    keepDecoded(key, { postings, bytes });
    return postings;
  }

  /**
   * Reads what every query of this shard needs whatever its terms: the term table, the filter columns and, in a
   * packed build, the pack directory its chunks are found through. With `terms`, their postings as well, once the
   * term table is in: a cold query's words are known before its plan is, and their chunks need not wait for it.
   * Never rejects for a term (its read fails again, with its error, when the shard is scored).
   */
  async prefetch(terms: readonly string[] = []): Promise<void> {
    await prefetchShards(this.assets, this.shardNo, this.shardNo + 1, terms);
  }

  /** `prefetch` without terms: what the shard's every query reads. */
  private async prefetchTables(): Promise<void> {
    const meta = await searchMeta(this.assets);
    const packs = this.assets.prefetchPacks(this.shardNo);
    const shard = await this.shard();
    // The series names too: scoring waits for them before it starts, after the plan has arrived.
    await Promise.all([
      packs,
      this.assets.json<ShardTermTable>(shard.terms),
      this.filters(),
      this.assets.json<string[]>(meta.seriesNames),
    ]);
  }

  /**
   * The chunks holding `terms` that this shard holds neither staged nor decoded, once its term table is in, and
   * the map its search takes staged chunks from (see `staged`).
   */
  private async unstagedChunks(
    terms: readonly string[],
  ): Promise<{ held: Map<string, Promise<ArrayBuffer>>; paths: string[] }> {
    const view = await this.loadView();
    let held = staged.get(view.shard.terms);
    if (!held) staged.set(view.shard.terms, (held = new Map()));
    const paths = new Set<string>();
    for (const term of terms) {
      const { path, key } = this.keyOf(view, term);
      if (!held.has(path) && !postingsCache.has(key) && !rawChunks.has(path)) paths.add(path);
    }
    return { held, paths: [...paths] };
  }

  /** Whether this isolate holds the shard's view and every one of `terms` decoded (or its chunk raw), now. */
  private holdsPostings(terms: readonly string[]): boolean {
    const view = this.view();
    if (!view) return false;
    for (const term of terms) {
      const { path, key } = this.keyOf(view, term);
      if (!postingsCache.has(key) && !rawChunks.has(path)) return false;
    }
    return true;
  }

  /** Looks `terms` up, one a task (see `prefetchShardTerms`); a term whose read failed is left for the search. */
  private async lookUp(terms: readonly string[]): Promise<void> {
    for (const term of new Set(terms)) {
      await new Promise((r) => setTimeout(r, 0));
      await this.postings(term).catch(() => {});
    }
  }

  /**
   * Reads the term chunks holding `terms` in shards `shardNos`, holding their bytes for each shard's next search
   * (see `staged`), then looks the terms up (their directory entries: a field's lists are decoded when scoring reads
   * them); terms held already are skipped. The chunks of all the shards are asked for at once, once every term table
   * is in (`AssetStore.binaries`): a group's chunks of one bucket lie side by side in one pack, and are one read.
   * Settles when all are looked up; a failed read is dropped, and met again by the search.
   */
  static async prefetchShardTerms(assets: AssetStore, shardNos: readonly number[], terms: readonly string[]) {
    if (!terms.length) return;
    await Promise.allSettled((await SearchIndex.stageShardTerms(assets, shardNos, terms)).values());
    // Then looked up, one term a task: the search that follows on a cache miss finds them held (or waits for the
    // one under way), while an answer from the response cache, which needs none of them, goes out between two
    // terms instead of after all of them (workerd runs the isolate on one thread).
    await Promise.all(shardNos.map((k) => new SearchIndex(assets, k).lookUp(terms)));
  }

  /**
   * Starts reading, in one batch across shards `shardNos` (`AssetStore.binaries`), the term chunks holding `terms`
   * that a shard holds neither staged nor decoded, and stages them for each shard's next search (see `staged`).
   * Resolves, with the reads started, once every shard's term table is in: a group's object calls it before it
   * scores its first shard, which would otherwise read its own chunks one by one (and each later shard its own,
   * only once the shard before it is scored). A shard whose term table cannot be read is left to its search.
   */
  static async stageShardTerms(
    assets: AssetStore,
    shardNos: readonly number[],
    terms: readonly string[],
  ): Promise<Map<string, Promise<ArrayBuffer>>> {
    const unique = [...new Set(terms)];
    const indexes = shardNos.map((k) => new SearchIndex(assets, k));
    // A warm group holds every shard's view and the terms' postings: nothing to read, and no shard awaited.
    if (indexes.every((ix) => ix.holdsPostings(unique))) return new Map();
    const wanted = (await Promise.allSettled(indexes.map((ix) => ix.unstagedChunks(unique)))).flatMap((w) =>
      w.status === "fulfilled" ? [w.value] : [],
    );
    const reads = assets.binaries(
      wanted.flatMap((w) => w.paths),
      false,
    );
    for (const { held, paths } of wanted)
      for (const path of paths) {
        const read = reads.get(path)!;
        held.set(path, read);
        read.catch(() => held.delete(path));
      }
    return reads;
  }

  /** The shards `[first, end)`'s `prefetchTables`, for `prefetchShards`. */
  static tablesOf(assets: AssetStore, first: number, end: number): Array<Promise<void>> {
    return Array.from({ length: end - first }, (_, i) => new SearchIndex(assets, first + i).prefetchTables());
  }

  /**
   * Drops the chunk bytes the warm-up held for this shard: its search has looked up what it needed of them (a
   * field it has not read yet holds its own chunk, see LazyPostings).
   */
  async releaseStaged(): Promise<void> {
    if (!staged.size) return;
    // Never throws: a shard missing from the build is the search's error to report, not this clean-up's.
    const shard = await this.shard().catch(() => null);
    if (shard) staged.delete(shard.terms);
  }

  /**
   * The shard's filter columns: every query of the shard reads them (437 KB at 100k records, bit-packed; decoded,
   * 1 MB). Held decoded under their own budget (`heldColumns`), shared by every shard object of the isolate; not
   * kept in the asset cache as read, since the decoded columns are what every later query reads.
   */
  async filters(): Promise<FilterColumns> {
    const held = this.cachedFilters();
    if (held) return held;
    let reading = filtersReading.get(this.assets);
    if (!reading) filtersReading.set(this.assets, (reading = new Map()));
    let p = reading.get(this.shardNo);
    if (!p) {
      p = this.readFilters().finally(() => reading.delete(this.shardNo));
      reading.set(this.shardNo, p);
    }
    return p;
  }

  private async readFilters(): Promise<FilterColumns> {
    const shard = await this.shard();
    // Read beside the term table, not after it: on a cold isolate the columns are the largest read before scoring.
    const [, buf] = await Promise.all([this.loadView(), this.assets.binary(shard.filters, false)]);
    // Another shard object of the isolate may have decoded the same columns while this one read them.
    const held = heldColumns.get(shard.filters);
    if (held) return held;
    let cols: FilterColumns;
    try {
      cols = decodeFilterColumns(buf, shard.start, shard.end - shard.start);
    } catch (e) {
      throw corruptAsset(shard.filters, (e as Error).message);
    }
    heldColumns.set(shard.filters, cols);
    return cols;
  }
}

/** Path of the name-authority chunk that files `slug`, or undefined when the build has no people. */
export async function peopleChunkPath(
  assets: AssetStore,
  meta: SearchManifest,
  slug: string,
): Promise<string | undefined> {
  if (!meta.people.count) return undefined;
  return assets.tableGet<string>(meta.people.chunks, String(shardOf(slug, meta.people.count)));
}

/**
 * What the decoded-postings cache holds, for benches: terms, bytes as counted, postings decoded and not, and the
 * distinct term chunks undecoded lists still hold (their bytes).
 */
export function postingsCensus(): {
  /** Terms held flat (typed arrays, or made from a packed copy on their first read). */
  terms: number;
  counted: number;
  /** Terms held packed, and their bytes as counted. */
  packedTerms: number;
  packedBytes: number;
  decodedPostings: number;
  undecodedPostings: number;
  chunksHeld: number;
  chunkBytes: number;
  byTerm: Array<{ key: string; bytes: number; decoded: number; undecoded: number }>;
} {
  let counted = 0,
    decodedPostings = 0,
    undecodedPostings = 0;
  const held = new Set<object>();
  let chunkBytes = 0;
  const byTerm: Array<{ key: string; bytes: number; decoded: number; undecoded: number }> = [];
  for (const [key, e] of postingsCache.entries()) {
    counted += e.bytes;
    let dec = 0,
      undec = 0;
    for (const fp of Object.values(e.postings.fields)) {
      const lazy = fp as FieldPostings & { decoded?: boolean; chunk?: { u8?: Uint8Array } | null };
      if (lazy.decoded === false) {
        undec += fp.count;
        const c = lazy.chunk;
        if (c && !held.has(c)) {
          held.add(c);
          chunkBytes += c.u8?.byteLength ?? 0;
        }
      } else dec += fp.count;
    }
    decodedPostings += dec;
    undecodedPostings += undec;
    byTerm.push({ key, bytes: e.bytes, decoded: dec, undecoded: undec });
  }
  byTerm.sort((a, b) => b.bytes - a.bytes);
  let packedTerms = 0,
    packedBytes = 0;
  for (const [, p] of postingsCache.packedEntries()) {
    packedTerms++;
    packedBytes += p.bytes;
  }
  return {
    terms: byTerm.length,
    counted,
    packedTerms,
    packedBytes,
    decodedPostings,
    undecodedPostings,
    chunksHeld: held.size,
    chunkBytes,
    byTerm,
  };
}

/**
 * Reads what every query of shards `[first, end)` needs (term tables, filter columns, pack directory pages) and,
 * with `terms`, their term chunks, all of the shards' at once (`SearchIndex.prefetchShardTerms`). Settles when
 * every read has settled, then rejects with the first failure, if any: a read its request leaves running is
 * cancelled when the request ends, and a later request waiting on it would hang.
 */
export async function prefetchShards(
  assets: AssetStore,
  first: number,
  end: number,
  terms: readonly string[] = [],
): Promise<void> {
  const shardNos = Array.from({ length: end - first }, (_, i) => first + i);
  const settled = await Promise.allSettled([
    ...SearchIndex.tablesOf(assets, first, end),
    SearchIndex.prefetchShardTerms(assets, shardNos, terms),
  ]);
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
}
