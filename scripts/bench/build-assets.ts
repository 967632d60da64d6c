/**
 * Builds Dossier's assets for a bench corpus and measures what the build
 * wrote. Uses the real `buildCatalogue` when the ingest module exists; before
 * it lands, the same four build stages are called directly on the JSON Lines
 * (the synthetic records are already in record shape, so no ingest is lost).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { walk } from "../../src/build/build-catalogue";
import type { CatalogueRecord } from "../../src/shared/record";

const ROOT = resolve(import.meta.dirname, "../..");
export const INGEST_MODULE = join(ROOT, "src/build/ingest/index.ts");

export interface AssetStats {
  files: number;
  /** Raw and gzip bytes by top-level asset folder (search, records, series) plus the manifest. */
  raw: Record<string, number>;
  gzip: Record<string, number>;
  /** Term chunk files: what a query's postings come from. */
  termChunks: { count: number; maxRaw: number; p50Raw: number };
}

export interface BuildOutcome {
  ms: number;
  records: number;
  via: "buildCatalogue" | "build stages";
  stats: AssetStats;
}

export async function buildAssets(dataDir: string, outDir: string, options: { searchShards?: number } = {}): Promise<BuildOutcome> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  if (existsSync(INGEST_MODULE)) {
    const { buildCatalogue } = await import("../../src/build/build-catalogue");
    const t0 = performance.now();
    const result = buildCatalogue({ dataDirs: [dataDir], outDir, ...(options.searchShards ? { searchShards: options.searchShards } : {}) } as Parameters<typeof buildCatalogue>[0]);
    const ms = performance.now() - t0;
    return { ms, records: result.manifest.records, via: "buildCatalogue", stats: assetStats(outDir) };
  }
  const { AssetWriter } = await import("../../src/build/content-hash");
  const { layoutRecords, sealManifest, writeRecordStore } = await import("../../src/build/catalogue-assets");
  const { buildSearchAssets } = await import("../../src/build/search-assets");
  const t0 = performance.now();
  const records: CatalogueRecord[] = [];
  let thesaurus: unknown = null;
  for (const name of readdirSync(dataDir).sort()) {
    const file = join(dataDir, name);
    if (name === "thesaurus.json") thesaurus = JSON.parse(readFileSync(file, "utf8"));
    else if (name.endsWith(".jsonl")) for (const line of readFileSync(file, "utf8").split("\n")) if (line) records.push(JSON.parse(line));
  }
  const out = new AssetWriter();
  const layout = layoutRecords(records, { dataDirs: [dataDir] });
  const search = buildSearchAssets(layout, out, { thesaurus, ...(options.searchShards ? { shards: options.searchShards } : {}) } as Parameters<typeof buildSearchAssets>[2]);
  const partial = writeRecordStore(layout, search.related, out, { dataDirs: [resolve(dataDir)] });
  sealManifest({ ...partial, search: search.manifest }, out);
  for (const [path, data] of out.files) {
    const target = join(outDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
  return { ms: performance.now() - t0, records: records.length, via: "build stages", stats: assetStats(outDir) };
}

/** Gzip at level 6, roughly what the edge serves; per file, as each chunk is fetched alone. */
export function assetStats(dir: string): AssetStats {
  const raw: Record<string, number> = {};
  const gzip: Record<string, number> = {};
  const termSizes: number[] = [];
  const files = walk(dir).map((p) => relative(dir, p));
  for (const p of files) {
    const data = readFileSync(join(dir, p));
    const top = p.includes("/") ? p.split("/")[0]! : p;
    raw[top] = (raw[top] ?? 0) + data.length;
    gzip[top] = (gzip[top] ?? 0) + gzipSync(data, { level: 6 }).length;
    // Unsharded builds keep term chunks in search/terms/, sharded ones in search/s<k>/terms/.
    if (/^search\/(?:s\d+\/)?terms\//.test(p)) termSizes.push(data.length);
  }
  termSizes.sort((a, b) => a - b);
  return {
    files: files.length, raw, gzip,
    termChunks: { count: termSizes.length, maxRaw: termSizes.at(-1) ?? 0, p50Raw: termSizes[Math.floor(termSizes.length / 2)] ?? 0 },
  };
}
