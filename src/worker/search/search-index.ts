/**
 * The Worker's view of one search shard of the index. A term's postings live
 * in exactly one binary term chunk of the shard (its bucket, or its own chunk
 * if it is very common); only the term's own entries are read from it (see
 * shared/index-format/term-chunk.ts). What is kept per isolate is not the
 * chunk but the term's postings, decoded into typed arrays under their own
 * byte budget: a bucket chunk holds hundreds of terms a query never asks
 * for, and keeping whole chunks (and records) under one budget made a warm
 * 100k mix refetch and re-verify several chunks per query.
 */
import { fnv1a32, shardOf } from "../../shared/hash";
import { bloomHas } from "../../shared/bloom";
import { FIELD_NAMES, type FieldName } from "../../shared/search-config";
import { lruBySize } from "../../shared/lru";
import {
  IndexFormatError,
  TermChunk,
  decodeFilterColumns,
  searchSection,
  termChunkPath,
  type FieldPostings,
  type FilterColumns,
  type SearchManifest,
  type SearchShardManifest,
  type ShardTermTable,
  type VocabPartition,
} from "../../shared/index-format";
import type { AssetStore } from "../asset-store";
import { ApiError } from "../errors";

export type { FieldPostings, FilterColumns };

/** A term's postings in one shard, per field. */
export interface TermPostings {
  term: string;
  fields: Partial<Record<FieldName, FieldPostings>>;
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
    const bits = new Uint8Array(await this.assets.binary(lexicon.path));
    return bloomHas(bits, term, lexicon.hashes);
  }

  /** Vocabulary words of one length with their document frequency, for typo candidates. */
  async vocab(length: number): Promise<VocabPartition> {
    const meta = await this.meta();
    const path = await this.assets.tableGet<string>(meta.vocab, String(length));
    return path ? this.assets.json<VocabPartition>(path) : [];
  }
}

/**
 * Bytes of decoded postings an isolate keeps: a 100k warm mix's terms fit
 * (see BENCHMARKS.md), and 128 MB isolates keep room for records and requests.
 */
export const POSTINGS_CACHE_BYTES = 32 * 1024 * 1024;

interface CachedTerm {
  postings: TermPostings;
  bytes: number;
}

/**
 * Decoded postings by chunk path and term. The path is content-hashed and
 * names the shard, so one build's terms never answer for another's.
 */
const postingsCache = lruBySize<string, CachedTerm>(POSTINGS_CACHE_BYTES, (e) => e.bytes);
const utf8 = new TextEncoder();

/** Bytes the decoded-postings cache holds now (for the bench and the health check). */
export function postingsCacheBytes(): number {
  return postingsCache.calculatedSize;
}

export class SearchIndex {
  constructor(
    private readonly assets: AssetStore,
    readonly shardNo = 0,
  ) {}

  async shard(): Promise<SearchShardManifest> {
    const meta = await searchMeta(this.assets);
    const s = meta.shards[this.shardNo];
    if (!s)
      throw new ApiError(
        503,
        "index_unavailable",
        `search-index: shard ${this.shardNo} is not in this build (it has ${meta.shards.length})`,
      );
    return s;
  }

  /** The postings of a term in every field of this shard that has it. */
  async postings(term: string): Promise<TermPostings> {
    const shard = await this.shard();
    // The shard's term table is out of the manifest root: read on this shard's first query, then held.
    const table = await this.assets.json<ShardTermTable>(shard.terms);
    const path = termChunkPath(shard, table, term, fnv1a32(term) % shard.bucketCount);
    const key = `${path}\u0000${term}`;
    const hit = postingsCache.get(key);
    if (hit) return hit.postings;
    // The chunk itself is not kept: the decoded postings below are what the next query reads.
    const buf = await this.assets.binary(path, false);
    let chunk: TermChunk;
    try {
      chunk = new TermChunk(buf, path);
    } catch (e) {
      throw new ApiError(503, "index_unavailable", `search-index: ${(e as Error).message}; rebuild with npm run build`);
    }
    const i = chunk.find(utf8.encode(term));
    const fields: TermPostings["fields"] = {};
    let bytes = 64 + 2 * key.length;
    if (i >= 0)
      for (const d of chunk.postings(i)) {
        fields[FIELD_NAMES[d.field]!] = d;
        bytes += d.bytes;
      }
    const postings = { term, fields };
    postingsCache.set(key, { postings, bytes });
    return postings;
  }

  async filters(): Promise<FilterColumns> {
    const shard = await this.shard();
    return decodeFilterColumns(await this.assets.binary(shard.filters), shard.start, shard.end - shard.start);
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
