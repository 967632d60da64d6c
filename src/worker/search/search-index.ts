/**
 * The Worker's view of one search shard of the chunked FlexSearch index. A
 * term's postings live in exactly one chunk of the shard (its bucket, or its
 * own chunk if it is very common); the chunk is fetched on first use,
 * imported into FlexSearch indexes built with the build's own options, and
 * kept per isolate under the AssetStore's budget.
 */
import { Index, Encoder } from "flexsearch";
import { fnv1a32 } from "../../shared/hash";
import { bloomHas } from "../../shared/bloom";
import { hashAt } from "../../shared/manifest";
import {
  DF_KEY, FIELD_NAMES, FLEX_OPTIONS, INDEX_FORMAT, configFingerprint,
  type FieldName, type SearchManifest, type SearchShardManifest,
} from "../../shared/search-config";
import type { AssetStore } from "../asset-store";
import { ApiError } from "../errors";

/** FlexSearch's per-term postings: slot = position bucket (0 = earliest), each a list of doc numbers. */
export type Slots = ReadonlyArray<readonly number[] | null | undefined>;
export interface TermPostings {
  fields: Partial<Record<FieldName, Slots>>;
  /** Catalogue-wide document frequency per field, in sharded builds. */
  df?: Partial<Record<FieldName, number>>;
}
interface ChunkIndexes {
  fields: Partial<Record<FieldName, Map<string, Slots>>>;
  df?: Record<string, Partial<Record<FieldName, number>>>;
}

function flexIndex(): Index {
  // A fresh options object each time: FlexSearch's constructor mutates what it is given.
  return new Index({ tokenize: FLEX_OPTIONS.tokenize, resolution: FLEX_OPTIONS.resolution, encoder: new Encoder({ ...FLEX_OPTIONS.encoder }) });
}

export interface FilterColumns {
  /** First doc number the columns describe; index a column with `doc - base`. */
  base: number;
  order: Uint32Array;
  start: Int16Array;
  end: Int16Array;
  series: Uint16Array;
}

/** This Worker's index configuration, serialised once per isolate. */
const FINGERPRINT = configFingerprint();

/** The search manifest, checked against this Worker's index configuration. */
export async function searchMeta(assets: AssetStore): Promise<SearchManifest> {
  const m = await assets.manifest();
  const s = m.search as SearchManifest | undefined;
  if (!s) throw new ApiError(503, "index_unavailable", "search-index: this build has no search index; run npm run build");
  if (s.format !== INDEX_FORMAT || s.fingerprint !== FINGERPRINT) {
    throw new ApiError(503, "index_unavailable", `search-index: the built index (format ${s.format}) was made with another configuration than this Worker's (format ${INDEX_FORMAT}); rebuild with npm run build`);
  }
  return s;
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
  async vocab(length: number): Promise<Array<[string, number]>> {
    const meta = await this.meta();
    const path = Object.hasOwn(meta.vocab, length) ? meta.vocab[length] : undefined;
    return path ? this.assets.json<Array<[string, number]>>(path) : [];
  }
}

export class SearchIndex {
  constructor(private readonly assets: AssetStore, readonly shardNo = 0) {}

  async shard(): Promise<SearchShardManifest> {
    const meta = await searchMeta(this.assets);
    const s = meta.shards[this.shardNo];
    if (!s) throw new ApiError(503, "index_unavailable", `search-index: shard ${this.shardNo} is not in this build (it has ${meta.shards.length})`);
    return s;
  }

  /** The postings of a term in every field of this shard that has it. */
  async postings(term: string): Promise<TermPostings> {
    const shard = await this.shard();
    const bucket = fnv1a32(term) % shard.bucketCount;
    // Own keys only: a term such as "constructor" must not find Object.prototype members.
    const solo = Object.hasOwn(shard.solo, term) ? shard.solo[term] : undefined;
    const path = solo ?? `${shard.dir}/${bucket}.${hashAt(shard.buckets, bucket)}.json`;
    const chunk = await this.assets.json<ChunkIndexes>(path, importChunk);
    const fields: TermPostings["fields"] = {};
    for (const f of FIELD_NAMES) {
      const slots = chunk.fields[f]?.get(term);
      if (slots) fields[f] = slots;
    }
    const df = chunk.df && Object.hasOwn(chunk.df, term) ? chunk.df[term] : undefined;
    return df ? { fields, df } : { fields };
  }

  async filters(): Promise<FilterColumns> {
    const shard = await this.shard();
    const buf = await this.assets.binary(shard.filters);
    const m = shard.end - shard.start;
    return {
      base: shard.start,
      order: new Uint32Array(buf, 0, m),
      start: new Int16Array(buf, m * 4, m),
      end: new Int16Array(buf, m * 6, m),
      series: new Uint16Array(buf, m * 8, m),
    };
  }
}

/** Imports each field of a chunk into its own FlexSearch index, as exported by the build. */
function importChunk(parsed: Record<string, unknown>): ChunkIndexes {
  const fields: ChunkIndexes["fields"] = {};
  for (const f of FIELD_NAMES) {
    const data = parsed[f];
    if (!data) continue;
    const idx = flexIndex();
    idx.import("map", data as never);
    fields[f] = (idx as unknown as { map: Map<string, Slots> }).map;
  }
  const df = parsed[DF_KEY] as ChunkIndexes["df"];
  return df ? { fields, df } : { fields };
}
