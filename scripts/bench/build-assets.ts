/**
 * Builds Dossier's assets for a bench corpus with the real `buildCatalogue`
 * (the same ingest and build as `npm run build`) and measures what it wrote.
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { buildCatalogue, walk } from "../../src/indexer/build-catalogue";

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
  stats: AssetStats;
}

export async function buildAssets(
  dataDir: string,
  outDir: string,
  options: { searchShards?: number } = {},
): Promise<BuildOutcome> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const t0 = performance.now();
  const result = buildCatalogue({
    dataDirs: [dataDir],
    outDir,
    ...(options.searchShards ? { searchShards: options.searchShards } : {}),
  });
  const ms = performance.now() - t0;
  return { ms, records: result.manifest.records, stats: assetStats(outDir) };
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
    files: files.length,
    raw,
    gzip,
    termChunks: {
      count: termSizes.length,
      maxRaw: termSizes.at(-1) ?? 0,
      p50Raw: termSizes[Math.floor(termSizes.length / 2)] ?? 0,
    },
  };
}
