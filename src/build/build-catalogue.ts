/**
 * The whole build: read every supported file under the data directories,
 * validate and merge, then write the record store and search index to the
 * assets directory. Node only; the Worker shares nothing with it but types
 * and the index config.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { CatalogueRecord } from "../shared/record";
import { MANIFEST_PATH, type Manifest } from "../shared/manifest";
import { ingestText, mergeDuplicates, type IngestReject, type MergeReport } from "./ingest/index";
import { AssetWriter } from "./content-hash";
import { layoutRecords, sealManifest, writeRecordStore } from "./catalogue-assets";
import { buildSearchAssets } from "./search-assets";

export interface BuildOptions {
  dataDirs: string[];
  outDir: string;
  recordShards?: number;
  /** Force this many search shards (default: as many as the index's measured bytes need). */
  searchShards?: number;
  /**
   * The thesaurus to compile. Default: a thesaurus.json inside the data
   * directories, else the product's own data/thesaurus.json, so a build of
   * any catalogue gets the domain thesaurus.
   */
  thesaurusPath?: string;
  log?: (line: string) => void;
}

export interface BuildResult {
  manifest: Manifest;
  rejects: IngestReject[];
  merges: MergeReport[];
  skipped: Array<{ file: string; reason: string }>;
  bytes: number;
  files: number;
  ms: number;
}

/** Files that configure the build rather than hold records. */
const CONFIG_FILES = new Set(["thesaurus.json"]);
export const DEFAULT_THESAURUS = "data/thesaurus.json";

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** Reads, validates and merges every record file under the data directories. */
export function readCatalogue(dataDirs: string[]) {
  const rejects: IngestReject[] = [];
  const skipped: Array<{ file: string; reason: string }> = [];
  const all: Array<{ record: CatalogueRecord; origin: string }> = [];
  let thesaurusPath: string | null = null;
  for (const dir of dataDirs) {
    if (!existsSync(dir)) throw new Error(`build: data directory ${dir} does not exist`);
    for (const file of walk(dir)) {
      const shown = relative(process.cwd(), file) || file;
      const base = file.split("/").pop()!;
      if (CONFIG_FILES.has(base)) {
        if (base === "thesaurus.json") thesaurusPath ??= file;
        continue;
      }
      if (/\.(md|txt)$/i.test(base)) {
        skipped.push({ file: shown, reason: "documentation, not a catalogue file" });
        continue;
      }
      const result = ingestText(readFileSync(file, "utf8"), shown);
      if (!result.format) {
        skipped.push({ file: shown, reason: result.rejects[0]?.reason ?? "not a supported catalogue format" });
        continue;
      }
      rejects.push(...result.rejects);
      result.records.forEach((record, i) => all.push({ record, origin: result.origins[i] ?? shown }));
    }
  }
  const { records, merges } = mergeDuplicates(all);
  return { records, rejects, merges, skipped, thesaurusPath };
}

export function buildCatalogue(options: BuildOptions): BuildResult {
  const t0 = performance.now();
  const log = options.log ?? (() => {});
  const read = readCatalogue(options.dataDirs);
  const { records, rejects, merges, skipped } = read;
  const thesaurusPath = options.thesaurusPath ?? read.thesaurusPath ?? (existsSync(DEFAULT_THESAURUS) ? DEFAULT_THESAURUS : null);
  const thesaurus = thesaurusPath ? JSON.parse(readFileSync(thesaurusPath, "utf8")) : null;
  if (records.length === 0) throw new Error(`build: no records found under ${options.dataDirs.join(", ")}`);
  log(`read ${records.length} records in ${Math.round(performance.now() - t0)} ms`);

  const out = new AssetWriter();
  const layout = layoutRecords(records, { dataDirs: options.dataDirs, recordShards: options.recordShards });
  const search = buildSearchAssets(layout, out, { thesaurus, ...(options.searchShards ? { shards: options.searchShards } : {}) });
  const partial = writeRecordStore(layout, search.related, out, { dataDirs: options.dataDirs.map((d) => resolve(d)) });
  const manifest = sealManifest({ ...partial, search: search.manifest }, out);

  const outDir = resolve(options.outDir);
  // Only our own chunk folders are replaced, so other assets (the widget) survive a rebuild.
  for (const sub of ["records", "series", "search"]) rmSync(join(outDir, sub), { recursive: true, force: true });
  for (const [path, data] of out.files) {
    const target = join(outDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
  return { manifest, rejects, merges, skipped, bytes: out.totalBytes(), files: out.files.size, ms: performance.now() - t0 };
}

/** The manifest in an assets directory, or null when there is none. */
export function readBuiltManifest(outDir: string): Manifest | null {
  const p = join(outDir, MANIFEST_PATH);
  return existsSync(p) ? (JSON.parse(readFileSync(p, "utf8")) as Manifest) : null;
}
