/**
 * The Worker's view of the chunked FlexSearch index. A term's postings live in
 * exactly one chunk (its bucket, or its own chunk if it is very common); the
 * chunk is fetched on first use, imported into FlexSearch indexes built with
 * the build's own options, and kept per isolate under the AssetStore's budget.
 */
import { Index, Encoder } from "flexsearch";
import { fnv1a32 } from "../../shared/hash";
import { FIELD_NAMES, FLEX_OPTIONS, INDEX_FORMAT, configFingerprint, type FieldName, type SearchManifest } from "../../shared/search-config";
import type { AssetStore } from "../asset-store";
import { ApiError } from "../errors";

/** FlexSearch's per-term postings: slot = position bucket (0 = earliest), each a list of doc numbers. */
export type Slots = ReadonlyArray<readonly number[] | null | undefined>;
export type TermPostings = Partial<Record<FieldName, Slots>>;
type ChunkIndexes = Partial<Record<FieldName, Map<string, Slots>>>;

function flexIndex(): Index {
  // A fresh options object each time: FlexSearch's constructor mutates what it is given.
  return new Index({ tokenize: FLEX_OPTIONS.tokenize, resolution: FLEX_OPTIONS.resolution, encoder: new Encoder({ ...FLEX_OPTIONS.encoder }) });
}

export interface FilterColumns {
  order: Uint32Array;
  start: Int16Array;
  end: Int16Array;
  series: Uint16Array;
}

export class SearchIndex {
  constructor(private readonly assets: AssetStore) {}

  async meta(): Promise<SearchManifest> {
    const m = await this.assets.manifest();
    const s = m.search as SearchManifest | undefined;
    if (!s) throw new ApiError(503, "index_unavailable", "search-index: this build has no search index; run npm run build");
    if (s.format !== INDEX_FORMAT || s.fingerprint !== configFingerprint()) {
      throw new ApiError(503, "index_unavailable", `search-index: the built index (format ${s.format}) was made with another configuration than this Worker's (format ${INDEX_FORMAT}); rebuild with npm run build`);
    }
    return s;
  }

  chunkPathOf(meta: SearchManifest, term: string): string {
    return meta.solo[term] ?? meta.buckets[fnv1a32(term) % meta.buckets.length]!;
  }

  /** The postings of a term in every field that has it. */
  async postings(term: string): Promise<TermPostings> {
    const meta = await this.meta();
    const chunk = await this.assets.json<ChunkIndexes>(this.chunkPathOf(meta, term), importChunk);
    const out: TermPostings = {};
    for (const f of FIELD_NAMES) {
      const slots = chunk[f]?.get(term);
      if (slots) out[f] = slots;
    }
    return out;
  }

  async filters(): Promise<FilterColumns> {
    const meta = await this.meta();
    const buf = await this.assets.binary(meta.filters);
    const n = meta.docs;
    return { order: new Uint32Array(buf, 0, n), start: new Int16Array(buf, n * 4, n), end: new Int16Array(buf, n * 6, n), series: new Uint16Array(buf, n * 8, n) };
  }

  /** Vocabulary words of one length with their document frequency, for typo candidates. */
  async vocab(length: number): Promise<Array<[string, number]>> {
    const meta = await this.meta();
    const path = meta.vocab[String(length)];
    return path ? this.assets.json<Array<[string, number]>>(path) : [];
  }

  async thesaurus(): Promise<Record<string, Array<[string[], number, string]>>> {
    const meta = await this.meta();
    return meta.thesaurus ? this.assets.json(meta.thesaurus) : {};
  }
}

/** Imports each field of a chunk into its own FlexSearch index, as exported by the build. */
function importChunk(parsed: Partial<Record<FieldName, unknown[]>>): ChunkIndexes {
  const out: ChunkIndexes = {};
  for (const f of FIELD_NAMES) {
    const data = parsed[f];
    if (!data) continue;
    const idx = flexIndex();
    idx.import("map", data as never);
    out[f] = (idx as unknown as { map: Map<string, Slots> }).map;
  }
  return out;
}
