/**
 * The Worker's view of one search shard of the index. A term's postings live
 * in exactly one binary term chunk of the shard (its bucket, or its own chunk
 * if it is very common); the chunk is fetched on first use and kept per
 * isolate under the AssetStore's budget, and only the term's own entries are
 * read from it (see shared/index-format/term-chunk.ts).
 */
import { fnv1a32 } from "../../shared/hash";
import { bloomHas } from "../../shared/bloom";
import { hashAt } from "../../shared/manifest";
import { FIELD_NAMES, type FieldName } from "../../shared/search-config";
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
    const path = Object.hasOwn(meta.vocab, length) ? meta.vocab[length] : undefined;
    return path ? this.assets.json<VocabPartition>(path) : [];
  }
}

/**
 * Directory views of term chunks, keyed by the buffer the AssetStore holds:
 * when the store evicts a chunk, its view goes with it.
 */
const chunkViews = new WeakMap<ArrayBuffer, TermChunk>();
const utf8 = new TextEncoder();

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
    const path = termChunkPath(shard, term, fnv1a32(term) % shard.bucketCount, (b) => hashAt(shard.buckets, b));
    const buf = await this.assets.binary(path);
    let chunk = chunkViews.get(buf);
    if (!chunk) {
      try {
        chunk = new TermChunk(buf, path);
      } catch (e) {
        throw new ApiError(
          503,
          "index_unavailable",
          `search-index: ${(e as Error).message}; rebuild with npm run build`,
        );
      }
      chunkViews.set(buf, chunk);
    }
    const i = chunk.find(utf8.encode(term));
    const fields: TermPostings["fields"] = {};
    if (i >= 0) for (const p of chunk.postings(i)) fields[FIELD_NAMES[p.field]!] = p;
    return { term, fields };
  }

  async filters(): Promise<FilterColumns> {
    const shard = await this.shard();
    return decodeFilterColumns(await this.assets.binary(shard.filters), shard.start, shard.end - shard.start);
  }
}
