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
  MAX_RECORD_SHARD_FILES,
  RECORD_SHARD_TARGET_BYTES,
  RECORD_TABLE_PAGE_SHARDS,
  type RecordShardTablePage,
  SERIES_PAGE_SIZE,
  type Manifest,
  type SeriesEntry,
  type SeriesPage,
  type SeriesPageEntry,
  type StoredRecord,
} from "../shared/manifest";
import { referenceRuns, referenceToId } from "../shared/reference";
import { compareReferenceRuns } from "./reference-order";
import { type AssetWriter, contentHash } from "./content-hash";
import { writeSeriesDirectory } from "./series-directory-assets";
import { arrayDocs, type Docs } from "./doc-file";

export interface CatalogueBuildOptions {
  /** Override the shard count (tests use it to force many tiny shards). */
  recordShards?: number;
}

export interface CatalogueLayout {
  /** Records in doc-number order: shard by shard, catalogue order inside a shard. */
  docs: Docs;
  shardOfDoc: Int32Array;
  shardCount: number;
}

/** What a record of `jsonLength` characters counts toward the shard count (see layoutRecords). */
export function recordLayoutBytes(jsonLength: number): number {
  return Math.min(jsonLength, RECORD_SHARD_TARGET_BYTES);
}

/** The record shards of `count` records counting `bytes` (recordLayoutBytes summed), unless the options force it. */
export function recordShardCount(bytes: number, count: number, options: CatalogueBuildOptions): number {
  // Shards grow past the target once a catalogue would need more than MAX_RECORD_SHARD_FILES of them:
  // a deployment holds at most 100,000 asset files, and the index and pages need their share.
  const target = Math.max(RECORD_SHARD_TARGET_BYTES, Math.ceil(bytes / MAX_RECORD_SHARD_FILES));
  return options.recordShards ?? Math.max(1, Math.min(count, Math.ceil(bytes / target)));
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
    shardOfDoc: Int32Array.from(withShard, (x) => x.s),
    shardCount,
  };
}

/** Writes record shards and series pages, and returns the manifest without a version yet. */
export function writeRecordStore(
  layout: CatalogueLayout,
  /** Each doc's related records (related-records.ts). */
  related: { of(doc: number): StoredRecord["related"] | undefined },
  out: AssetWriter,
  /** Shards per record-shard table page; tests pass a small one to get many pages from a small catalogue. */
  perPage = RECORD_TABLE_PAGE_SHARDS,
): Omit<Manifest, "version"> {
  const { docs, shardOfDoc, shardCount } = layout;
  // Docs are shard by shard, so each shard is written as soon as its last doc is read: one shard held at a time.
  const hashes: string[] = [];
  const starts = new Array<number>(shardCount).fill(docs.length);
  let items: StoredRecord<CatalogueRecord>[] = [];
  const flushTo = (s: number) => {
    while (hashes.length < s) {
      hashes.push(hashOfPath(out.addJson("records", String(hashes.length), items)));
      items = [];
    }
  };
  /** What a series listing shows of a record, and what orders it. */
  const bySeries = new Map<string, Array<{ entry: SeriesPageEntry; heldBy: string | null }>>();
  const sources: Record<string, number> = {};
  const discoveryIds: Array<readonly [string, string]> = [];
  let doc = 0;
  for (const record of docs) {
    const s = shardOfDoc[doc]!;
    flushTo(s);
    if (starts[s]! > doc) starts[s] = doc;
    const rel = related.of(doc);
    items.push(rel?.length ? { record, related: rel } : { record });
    let list = bySeries.get(record.series);
    if (!list) bySeries.set(record.series, (list = []));
    list.push({
      entry: [record.id, record.reference, record.title, record.coveringDates],
      heldBy: record.heldBy[0] ?? null,
    });
    sources[record.source.name] = (sources[record.source.name] ?? 0) + 1;
    if (typeof record.discoveryId === "string" && record.discoveryId)
      discoveryIds.push([record.discoveryId, record.id]);
    doc++;
  }
  flushTo(shardCount);
  // Empty shards start where the next one does, so a binary search over starts stays valid.
  for (let s = shardCount - 2; s >= 0; s--) if (starts[s]! === docs.length) starts[s] = starts[s + 1]!;
  const pages: string[] = [];
  const pageStarts: number[] = [];
  for (let first = 0; first < shardCount; first += perPage) {
    const page: RecordShardTablePage = {
      first,
      hashes: hashes.slice(first, first + perPage).join(""),
      starts: starts.slice(first, first + perPage),
    };
    pages.push(out.addJson("records", `table-${first / perPage}`, page));
    pageStarts.push(starts[first]!);
  }

  const series: SeriesEntry[] = [];
  for (const [name, list] of [...bySeries].sort((a, b) => compareReferences(a[0], b[0]))) {
    inCatalogueOrder(list);
    const key = referenceToId(name);
    const pages: SeriesPage[] = [];
    for (let i = 0; i < list.length; i += SERIES_PAGE_SIZE) {
      const entries = list.slice(i, i + SERIES_PAGE_SIZE).map((x) => x.entry);
      pages.push({ path: out.addJson("series", `${key}-${i / SERIES_PAGE_SIZE}`, entries), first: entries[0]![1] });
    }
    // The page list grows with the series (a page per 500 records): it lives outside the manifest root.
    const pageList = out.addJson("series/lists", key, pages);
    series.push({
      name,
      key,
      count: list.length,
      first: pages[0]!.first,
      pageList,
      heldBy: list[0]!.heldBy,
    });
  }

  const discoveryIdPaths = discoveryIds.length ? writeDiscoveryIds(discoveryIds, out) : [];
  return {
    format: FORMAT_VERSION,
    builtAt: new Date().toISOString(),
    records: docs.length,
    sources,
    recordShards: { count: shardCount, perPage, pages, pageStarts },
    series: writeSeriesDirectory(series, out),
    ...(discoveryIdPaths.length ? { discoveryIds: discoveryIdPaths } : {}),
  };
}

/**
 * Sorts a series' entries by reference, then id, as compareReferences orders them, each reference split once
 * (reference-order.ts): compareReferences' bounded cache thrashes over a series of more than 200,000 records,
 * splitting most references again at every comparison. Ties (distinct items sharing a reference) are rare.
 */
function inCatalogueOrder(list: Array<{ entry: SeriesPageEntry; heldBy: string | null }>): void {
  const runs = list.map((x) => referenceRuns(x.entry[1]));
  const order = Array.from(list.keys()).sort(
    (a, b) => compareReferenceRuns(runs[a]!, runs[b]!) || compareReferences(list[a]!.entry[0], list[b]!.entry[0]),
  );
  const sorted = order.map((i) => list[i]!);
  for (let i = 0; i < sorted.length; i++) list[i] = sorted[i]!;
}

/** Discovery ids per map chunk: a details request by Discovery id reads one chunk of a few tens of KB. */
const DISCOVERY_IDS_PER_CHUNK = 2000;

/**
 * Maps each Discovery id the ingest kept to its record's id, so Discovery-compatible clients can use Discovery's ids.
 */
function writeDiscoveryIds(pairs: Array<readonly [string, string]>, out: AssetWriter): string[] {
  const count = Math.ceil(pairs.length / DISCOVERY_IDS_PER_CHUNK);
  const chunks = Array.from({ length: count }, () => new Map<string, string>());
  for (const [did, id] of pairs) chunks[shardOf(did, count)]!.set(did, id);
  return chunks.map((m, k) => out.addJson("records", `discovery-ids-${k}`, Object.fromEntries([...m].sort())));
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
