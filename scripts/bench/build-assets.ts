/**
 * Builds Dossier's assets for a bench corpus with `npm run build`'s own command
 * in a child process, so the figures are what anyone rerunning that command
 * gets: wall time, peak RSS (the largest process of the build, by GNU time) and
 * what it wrote. A child also keeps the build's heap out of the bench's.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, relative, resolve } from "node:path";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { walk } from "../../src/indexer/build-catalogue";
import { builtPackEntries, readBuiltManifest, readBuiltTable } from "../../src/indexer/build-folders";
import { buildCommand } from "../lib/build-command";

export interface AssetStats {
  files: number;
  /** Raw and gzip bytes by top-level asset folder (search, records, series) plus the manifest. */
  raw: Record<string, number>;
  gzip: Record<string, number>;
  /** Term chunk files: what a query's postings come from. */
  termChunks: { count: number; maxRaw: number; p50Raw: number };
  /** The largest file on disk: static assets take at most 25 MiB a file (issue 14), R2 objects more. */
  largestFile: { path: string; bytes: number } | null;
}

export interface BuildOutcome {
  ms: number;
  records: number;
  /** Peak resident memory of the build's largest process, bytes; null where GNU time is not installed. */
  peakRss: number | null;
  /** The command, as a reader would type it. */
  command: string;
  stats: AssetStats;
}

const ROOT = resolve(import.meta.dirname, "../..");
const GNU_TIME = "/usr/bin/time";

export async function buildAssets(
  dataDir: string,
  outDir: string,
  options: { searchShards?: number; extraArgs?: string[] } = {},
): Promise<BuildOutcome> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const args = [
    "--data",
    dataDir,
    "--out",
    outDir,
    "--quiet",
    ...(options.searchShards ? ["--shards", String(options.searchShards)] : []),
    ...(options.extraArgs ?? []),
  ];
  const [node, argv] = buildCommand(...args);
  const rssFile = join(tmpdir(), `dossier-bench-rss-${process.pid}`);
  const timed = existsSync(GNU_TIME);
  const t0 = performance.now();
  const r = timed
    ? spawnSync(GNU_TIME, ["-o", rssFile, "-f", "%M", node, ...argv], { cwd: ROOT, stdio: "inherit" })
    : spawnSync(node, argv, { cwd: ROOT, stdio: "inherit" });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`bench: npm run build -- ${args.join(" ")} failed (exit ${r.status})`);
  let peakRss: number | null = null;
  if (timed) {
    const kib = Number(readFileSync(rssFile, "utf8").trim().split("\n").at(-1));
    rmSync(rssFile, { force: true });
    if (Number.isFinite(kib)) peakRss = kib * 1024;
  }
  const manifest = readBuiltManifest(outDir);
  if (!manifest) throw new Error(`bench: the build in ${outDir} has no readable manifest`);
  return {
    ms,
    records: manifest.records,
    peakRss,
    command: `npm run build -- ${args.map((a) => (a.startsWith("/") ? relative(ROOT, a) : a)).join(" ")}`,
    stats: assetStats(outDir),
  };
}

/**
 * Calls `visit` with every chunk of a build: each file that is not a pack, and each chunk inside the packs, by the
 * path it would have unpacked (no leading slash). One pack in memory at a time. A startup bundle is visited as
 * the copies it holds, each under the path of the file it copies: the copies are shipped bytes too, so a search
 * table copied into a bundle counts twice under search/, as deployed.
 */
export function forEachChunk(dir: string, files: string[], visit: (path: string, data: Uint8Array) => void): void {
  const m = readBuiltManifest(dir);
  const bundles = new Map((m?.startup ?? []).map((b) => [b.path.replace(/^\//, ""), b.files]));
  for (const p of files) {
    if (p.endsWith(".pack")) continue;
    const data = readFileSync(join(dir, p));
    const copies = bundles.get(p);
    if (!copies) {
      visit(p, data);
      continue;
    }
    let offset = 0;
    for (const [path, bytes] of copies) {
      visit(path.replace(/^\//, ""), data.subarray(offset, offset + bytes));
      offset += bytes;
    }
  }
  if (!m?.packs) return;
  const packFiles = readBuiltTable<string>(dir, m.packs.files, m);
  const byPack = new Map<number, Array<[path: string, offset: number, length: number]>>();
  for (const [path, [pack, offset, length]] of builtPackEntries(dir, m)) {
    const list = byPack.get(pack) ?? [];
    list.push([path, offset, length]);
    byPack.set(pack, list);
  }
  for (const [pack, list] of byPack) {
    const bytes = readFileSync(join(dir, packFiles.get(String(pack))!));
    for (const [path, offset, length] of list) visit(path.replace(/^\//, ""), bytes.subarray(offset, offset + length));
  }
}

/**
 * Gzip at level 6, roughly what the edge serves; per chunk, as each chunk is fetched alone. A packed build's chunks
 * are counted one by one from their packs under the folder they belong to, so the figures compare with an
 * unpacked build's; `files` is what is on disk.
 */
export function assetStats(dir: string): AssetStats {
  const raw: Record<string, number> = {};
  const gzip: Record<string, number> = {};
  const termSizes: number[] = [];
  const files = walk(dir).map((p) => relative(dir, p));
  let largestFile: AssetStats["largestFile"] = null;
  for (const path of files) {
    const bytes = statSync(join(dir, path)).size;
    if (!largestFile || bytes > largestFile.bytes) largestFile = { path, bytes };
  }
  const add = (p: string, data: Uint8Array) => {
    const top = p.includes("/") ? p.split("/")[0]! : p;
    raw[top] = (raw[top] ?? 0) + data.length;
    gzip[top] = (gzip[top] ?? 0) + gzipSync(data, { level: 6 }).length;
    // Unsharded builds keep term chunks in search/terms/, sharded ones in search/s<k>/terms/.
    if (/^search\/(?:s\d+\/)?terms\//.test(p)) termSizes.push(data.length);
  };
  forEachChunk(dir, files, add);
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
    largestFile,
  };
}
