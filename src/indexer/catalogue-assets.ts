/**
 * Turns validated records into the served record store: hash-placed record
 * shards, series listing pages and the manifest. Node only.
 */
import type { CatalogueRecord } from "../shared/record";
import { compareReferences } from "../shared/reference";
import { shardOf } from "../shared/hash";
import {
  FORMAT_VERSION,
  MANIFEST_PATH,
  MAX_PACKED_RECORD_SHARDS,
  MAX_RECORD_SHARD_FILES,
  PACKED_SHARD_MAX_RECORDS,
  RECORD_SHARD_EXT,
  RECORD_SHARD_TARGET_BYTES,
  RECORD_TABLE_PAGE_SHARDS,
  RECORD_TABLE_ROOT_PAGES,
  type RecordShardTablePage,
  type RecordTablePages,
  type Manifest,
  type StoredRecord,
} from "../shared/manifest";
import { type AssetWriter, contentHash } from "./content-hash";
import { encodeRecordShard } from "./record-shard-file";
import { writeSeriesDirectory } from "./series-directory-assets";
import { arrayDocs, DocFile, type Docs } from "./doc-file";
import { SeriesListing } from "./series-listing";
import { runsPathNear, SpilledRuns } from "./sorted-runs";

export interface CatalogueBuildOptions {
  /** Override the shard count (tests use it to force many tiny shards). */
  recordShards?: number;
  /** The shards go into packs (pack-assets.ts): a large catalogue may then have more of them. */
  packed?: boolean;
}

export interface CatalogueLayout {
  /** Records in doc-number order: shard by shard, catalogue order inside a shard. */
  docs: Docs;
  /**
   * Where each record shard's docs begin, then the doc count (shardCount + 1 numbers, see shardStartsOf): shard
   * `s` holds docs `shardStarts[s]` to `shardStarts[s + 1] - 1`, none when the two are equal. Docs are shard by
   * shard, so 4 bytes a shard say what each doc's shard said in 4 bytes a record (40 MB at ten million records, on
   * each thread that held it through the build).
   */
  shardStarts: Uint32Array;
  shardCount: number;
}

/**
 * The record shards' starts (CatalogueLayout.shardStarts) of `count` docs whose shards, in doc order, are
 * `shardOfDoc(0)`, `shardOfDoc(1)`, …: each a shard below `shardCount`, never one below the doc's before it.
 *
 * @example
 *   shardStartsOf(4, (d) => [0, 0, 2, 2][d]!, 3); // Uint32Array [0, 2, 2, 4]: shard 1 holds no doc
 */
export function shardStartsOf(count: number, shardOfDoc: (doc: number) => number, shardCount: number): Uint32Array {
  const starts = new Uint32Array(shardCount + 1);
  let s = -1;
  for (let doc = 0; doc < count; doc++) {
    const next = shardOfDoc(doc);
    if (!(Number.isInteger(next) && next >= Math.max(s, 0) && next < shardCount))
      throw new Error(
        `catalogue-assets: doc ${doc} is in record shard ${next}, after one in ${s} (docs go shard by shard, below ${shardCount})`,
      );
    while (s < next) starts[++s] = doc;
  }
  while (s < shardCount) starts[++s] = count;
  return starts;
}

/** What a record of `jsonLength` characters counts toward the shard count (see layoutRecords). */
export function recordLayoutBytes(jsonLength: number): number {
  return Math.min(jsonLength, RECORD_SHARD_TARGET_BYTES);
}

/** The record shards of `count` records counting `bytes` (recordLayoutBytes summed), unless the options force it. */
export function recordShardCount(bytes: number, count: number, options: CatalogueBuildOptions): number {
  if (options.recordShards !== undefined) return options.recordShards;
  // Shards grow past the target once a catalogue would need more than MAX_RECORD_SHARD_FILES of them: a
  // deployment holds at most 100,000 asset files, and the index and pages need their share. Packed, they stop
  // growing at PACKED_SHARD_MAX_RECORDS records, as long as their table allows.
  const target = Math.max(RECORD_SHARD_TARGET_BYTES, Math.ceil(bytes / MAX_RECORD_SHARD_FILES));
  let shards = Math.ceil(bytes / target);
  if (options.packed)
    shards = Math.max(shards, Math.min(MAX_PACKED_RECORD_SHARDS, Math.ceil(count / PACKED_SHARD_MAX_RECORDS)));
  return Math.max(1, Math.min(count, shards));
}

/** Decides the shard of every record and fixes doc numbers; the search index keys on them. */
export function layoutRecords(records: CatalogueRecord[], options: CatalogueBuildOptions): CatalogueLayout {
  // A record counts at most one target's worth: a record larger than a shard fills a shard of its own
  // wherever it lands, and counting its full size would spread the others over hundreds of empty shards.
  let bytes = 0;
  for (const r of records) bytes += recordLayoutBytes(JSON.stringify(r).length);
  const shardCount = recordShardCount(bytes, records.length, options);
  const withShard = records.map((r) => ({ r, s: shardOf(r.id, shardCount) }));
  withShard.sort((a, b) => a.s - b.s || compareReferences(a.r.reference, b.r.reference));
  return {
    docs: arrayDocs(withShard.map((x) => x.r)),
    shardStarts: shardStartsOf(withShard.length, (d) => withShard[d]!.s, shardCount),
    shardCount,
  };
}

/** Writes record shards and series pages, and returns the manifest without a version yet. */
export function writeRecordStore(
  layout: CatalogueLayout,
  /** Each doc's related records (related-records.ts). */
  related: { of(doc: number): StoredRecord["related"] | undefined },
  out: AssetWriter,
  options: {
    /** Each doc's rank in catalogue order (SearchPlan.catalogueOrder): what orders a series listing. */
    catalogueOrder: ArrayLike<number>;
    /** Shards per record-shard table page; tests pass a small one to get many pages from a small catalogue. */
    perPage?: number;
    /** Entries held before a sorted run is spilled (series listings, Discovery ids); tests pass a small one. */
    blockEntries?: number;
  },
): Omit<Manifest, "version"> {
  const { docs, shardStarts, shardCount } = layout;
  const perPage = options.perPage ?? RECORD_TABLE_PAGE_SHARDS;
  // Docs are shard by shard, so each shard is written as soon as its last doc is read: one shard held at a time.
  const hashes: string[] = [];
  // An empty shard starts where the next one does, so a binary search over the starts stays valid.
  const starts = Array.from(shardStarts.subarray(0, shardCount));
  let s = 0;
  let items: StoredRecord<CatalogueRecord>[] = [];
  const flushTo = (s: number) => {
    while (hashes.length < s) {
      hashes.push(hashOfPath(out.add("records", String(hashes.length), RECORD_SHARD_EXT, encodeRecordShard(items))));
      items = [];
    }
  };
  const listing = new SeriesListing(
    options.catalogueOrder,
    runsPathNear(docs instanceof DocFile ? docs.path : null, "series"),
    options.blockEntries,
  );
  const sources: Record<string, number> = {};
  const discoveryIds = new SpilledRuns<[string]>(
    runsPathNear(docs instanceof DocFile ? docs.path : null, "discovery-ids"),
    options.blockEntries ?? DISCOVERY_IDS_BLOCK_ENTRIES,
    // A Discovery id given twice maps to the last record that gave it.
    (into, more) => {
      into[0] = more[0];
    },
  );
  let discoveryIdCount = 0;
  let doc = 0;
  try {
    for (const record of docs) {
      while (doc >= shardStarts[s + 1]!) s++;
      flushTo(s);
      const rel = related.of(doc);
      items.push(rel?.length ? { record, related: rel } : { record });
      listing.add(
        doc,
        record.series,
        [record.id, record.reference, record.title, record.coveringDates],
        record.heldBy[0] ?? null,
      );
      sources[record.source.name] = (sources[record.source.name] ?? 0) + 1;
      if (typeof record.discoveryId === "string" && record.discoveryId) {
        discoveryIds.add(record.discoveryId, [record.id]);
        // Counted as given, repeats too: the chunk count is what the ids given ask for.
        discoveryIdCount++;
      }
      doc++;
    }
  } catch (e) {
    listing.remove();
    discoveryIds.remove();
    throw e;
  }
  flushTo(shardCount);
  const pageList: RecordTablePages = { hashes: "", starts: [] };
  for (let first = 0; first < shardCount; first += perPage) {
    const page: RecordShardTablePage = {
      first,
      hashes: hashes.slice(first, first + perPage).join(""),
      starts: starts.slice(first, first + perPage),
    };
    pageList.hashes += hashOfPath(out.addJson("records", `table-${first / perPage}`, page));
    pageList.starts.push(starts[first]!);
  }
  const pages = pageList.starts.length;

  const series = listing.finish(out);

  const discoveryIdPaths = discoveryIdCount
    ? writeDiscoveryIds(discoveryIds, discoveryIdCount, out, options.blockEntries)
    : [];
  return {
    format: FORMAT_VERSION,
    builtAt: new Date().toISOString(),
    records: docs.length,
    sources,
    recordShards: {
      count: shardCount,
      perPage,
      pages,
      pageList: pages > RECORD_TABLE_ROOT_PAGES ? out.addJson("records", "table-pages", pageList) : pageList,
    },
    series: writeSeriesDirectory(series, out),
    ...(discoveryIdPaths.length ? { discoveryIds: discoveryIdPaths } : {}),
  };
}

/** Discovery ids per map chunk: a details request by Discovery id reads one chunk of a few tens of KB. */
const DISCOVERY_IDS_PER_CHUNK = 2000;

/** Discovery ids held before a run is spilled (sorted-runs.ts): a catalogue imported from Discovery has one a record. */
const DISCOVERY_IDS_BLOCK_ENTRIES = 200_000;

/**
 * Maps each Discovery id the ingest kept to its record's id, so Discovery-compatible clients can use Discovery's ids.
 * `byId` gives each id once, in order; `count` ids were given, repeats counted. A chunk is the ids that hash to it, as an object in the order
 * their `id,record` strings sort: a second set of sorted runs, keyed by chunk, so no chunk's ids are gathered in
 * memory before the last id is read.
 */
function writeDiscoveryIds(
  byId: SpilledRuns<[string]>,
  count: number,
  out: AssetWriter,
  blockEntries = DISCOVERY_IDS_BLOCK_ENTRIES,
): string[] {
  const chunks = Math.ceil(count / DISCOVERY_IDS_PER_CHUNK);
  const width = String(chunks).length;
  const byChunk = new SpilledRuns<[string, string]>(`${byId.pathPrefix}-chunks`, blockEntries, () => {
    throw new Error("catalogue-assets: a Discovery id met twice after its ids were made distinct");
  });
  try {
    for (const [did, [id]] of byId.sorted())
      byChunk.addNew(`${String(shardOf(did, chunks)).padStart(width, "0")}${did},${id}`, [did, id]);
  } catch (e) {
    byChunk.remove();
    throw e;
  }
  const paths: string[] = [];
  let entries: Array<[string, string]> = [];
  const flushTo = (k: number) => {
    while (paths.length < k) {
      paths.push(out.addJson("records", `discovery-ids-${paths.length}`, Object.fromEntries(entries)));
      entries = [];
    }
  };
  for (const [key, pair] of byChunk.sorted()) {
    flushTo(Number(key.slice(0, width)));
    entries.push(pair);
  }
  flushTo(chunks);
  return paths;
}

/** Seals the manifest with a version hashed over every chunk path (paths carry content hashes). */
export function sealManifest(partial: Omit<Manifest, "version" | "builtAt">, out: AssetWriter): Manifest {
  const version = contentHash(out.paths().sort().join("\n") + JSON.stringify(partial.search ?? null));
  const manifest: Manifest = { ...partial, version, builtAt: new Date().toISOString() } as Manifest;
  out.files.set(MANIFEST_PATH, JSON.stringify(manifest));
  return manifest;
}

/** The content hash inside a chunk path `/dir/name.<hash>.ext`. */
export function hashOfPath(path: string): string {
  const parts = path.split(".");
  return parts[parts.length - 2]!;
}
