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
import { referenceToId } from "../shared/reference";
import { type AssetWriter, contentHash } from "./content-hash";
import { writeSeriesDirectory } from "./series-directory-assets";

export interface CatalogueBuildOptions {
  /** Override the shard count (tests use it to force many tiny shards). */
  recordShards?: number;
}

export interface CatalogueLayout {
  /** Records in doc-number order: shard by shard, catalogue order inside a shard. */
  docs: CatalogueRecord[];
  shardOfDoc: Int32Array;
  shardCount: number;
}

/** Decides the shard of every record and fixes doc numbers; the search index keys on them. */
export function layoutRecords(records: CatalogueRecord[], options: CatalogueBuildOptions): CatalogueLayout {
  // A record counts at most one target's worth: a record larger than a shard fills a shard of its own
  // wherever it lands, and counting its full size would spread the others over hundreds of empty shards.
  let bytes = 0;
  for (const r of records) bytes += Math.min(JSON.stringify(r).length, RECORD_SHARD_TARGET_BYTES);
  // Shards grow past the target once a catalogue would need more than MAX_RECORD_SHARD_FILES of them:
  // a deployment holds at most 100,000 asset files, and the index and pages need their share.
  const target = Math.max(RECORD_SHARD_TARGET_BYTES, Math.ceil(bytes / MAX_RECORD_SHARD_FILES));
  const shardCount = options.recordShards ?? Math.max(1, Math.min(records.length, Math.ceil(bytes / target)));
  const withShard = records.map((r) => ({ r, s: shardOf(r.id, shardCount) }));
  withShard.sort((a, b) => a.s - b.s || compareReferences(a.r.reference, b.r.reference));
  return {
    docs: withShard.map((x) => x.r),
    shardOfDoc: Int32Array.from(withShard, (x) => x.s),
    shardCount,
  };
}

/** Writes record shards and series pages, and returns the manifest without a version yet. */
export function writeRecordStore(
  layout: CatalogueLayout,
  related: Map<string, StoredRecord["related"]>,
  out: AssetWriter,
  /** Shards per record-shard table page; tests pass a small one to get many pages from a small catalogue. */
  perPage = RECORD_TABLE_PAGE_SHARDS,
): Omit<Manifest, "version"> {
  const { docs, shardOfDoc, shardCount } = layout;
  const shards: StoredRecord<CatalogueRecord>[][] = Array.from({ length: shardCount }, () => []);
  const starts = new Array<number>(shardCount).fill(docs.length);
  docs.forEach((record, doc) => {
    const s = shardOfDoc[doc]!;
    if (starts[s]! > doc) starts[s] = doc;
    const rel = related.get(record.id);
    shards[s]!.push(rel?.length ? { record, related: rel } : { record });
  });
  // Empty shards start where the next one does, so a binary search over starts stays valid.
  for (let s = shardCount - 2; s >= 0; s--) if (shards[s]!.length === 0) starts[s] = starts[s + 1]!;
  const hashes = shards.map((items, s) => hashOfPath(out.addJson("records", String(s), items)));
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

  const bySeries = new Map<string, CatalogueRecord[]>();
  const sources: Record<string, number> = {};
  for (const r of docs) {
    let list = bySeries.get(r.series);
    if (!list) bySeries.set(r.series, (list = []));
    list.push(r);
    sources[r.source.name] = (sources[r.source.name] ?? 0) + 1;
  }
  const series: SeriesEntry[] = [];
  for (const [name, list] of [...bySeries].sort((a, b) => compareReferences(a[0], b[0]))) {
    list.sort((a, b) => compareReferences(a.reference, b.reference) || compareReferences(a.id, b.id));
    const key = referenceToId(name);
    const pages: SeriesPage[] = [];
    for (let i = 0; i < list.length; i += SERIES_PAGE_SIZE) {
      const page = list.slice(i, i + SERIES_PAGE_SIZE);
      const entries = page.map((r): SeriesPageEntry => [r.id, r.reference, r.title, r.coveringDates]);
      pages.push({ path: out.addJson("series", `${key}-${i / SERIES_PAGE_SIZE}`, entries), first: page[0]!.reference });
    }
    // The page list grows with the series (a page per 500 records): it lives outside the manifest root.
    const pageList = out.addJson("series/lists", key, pages);
    series.push({
      name,
      key,
      count: list.length,
      first: pages[0]!.first,
      pageList,
      heldBy: list[0]!.heldBy[0] ?? null,
    });
  }

  const discoveryIds = writeDiscoveryIds(docs, out);
  return {
    format: FORMAT_VERSION,
    builtAt: new Date().toISOString(),
    records: docs.length,
    sources,
    recordShards: { count: shardCount, perPage, pages, pageStarts },
    series: writeSeriesDirectory(series, out),
    ...(discoveryIds.length ? { discoveryIds } : {}),
  };
}

/** Discovery ids per map chunk: a details request by Discovery id reads one chunk of a few tens of KB. */
const DISCOVERY_IDS_PER_CHUNK = 2000;

/**
 * Maps each Discovery id the ingest kept to its record's id, so Discovery-compatible clients can use Discovery's ids.
 */
function writeDiscoveryIds(docs: CatalogueRecord[], out: AssetWriter): string[] {
  const pairs = docs.flatMap((r) =>
    typeof r.discoveryId === "string" && r.discoveryId ? [[r.discoveryId, r.id] as const] : [],
  );
  if (!pairs.length) return [];
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
