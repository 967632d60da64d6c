/**
 * The whole build: read every supported file under the data directories,
 * validate and merge, then write the record store and search index to the
 * assets directory. Node only; the Worker shares nothing with it but types
 * and the index config.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { StringDecoder } from "node:string_decoder";
import type { CatalogueRecord } from "../shared/record";
import { MANIFEST_PATH, type Manifest } from "../shared/manifest";
import { ingestText, mergeDuplicates, type DistinctItemsReport, type IngestReject, type MergeReport } from "./ingest/index";
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
  /** Distinct items (different barcodes or Discovery ids) that share a reference, kept apart. */
  distinct: DistinctItemsReport[];
  skipped: Array<{ file: string; reason: string }>;
  bytes: number;
  files: number;
  /**
   * What this build changed in the assets directory. Chunk names carry content
   * hashes, so a chunk whose content did not change keeps its name and is
   * neither rewritten nor uploaded again by `wrangler deploy`.
   */
  changed: { written: number; writtenBytes: number; removed: number; kept: number };
  ms: number;
}

/** Files that configure the build rather than hold records. */
const CONFIG_FILES = new Set(["thesaurus.json", "nicknames.json", "russian-diminutives.csv"]);
export const DEFAULT_THESAURUS = "data/thesaurus.json";

/** Every file under a directory, sorted, skipping dot-files (checkpoints, editor files). */
export function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/**
 * Files larger than this are read in pieces of whole lines: V8 cannot hold a
 * string over 512 MB, and a million-record JSON Lines file is about 1 GB.
 */
const LARGE_FILE_BYTES = 256 * 1024 * 1024;
const PIECE_BYTES = 32 * 1024 * 1024;

/**
 * Ingests a large line-oriented file piece by piece, each piece whole lines,
 * with line numbers in rejects and origins made file-relative again. Only JSON
 * Lines can be cut like this (a CSV piece would lose its header row), so a large
 * file of another format is refused with a clear reason rather than misread.
 */
export function ingestLargeFile(file: string, shown: string, pieceBytes = PIECE_BYTES): ReturnType<typeof ingestText> {
  const fd = openSync(file, "r");
  const out: ReturnType<typeof ingestText> = { format: null, records: [], rejects: [], origins: [] };
  // Keeps a character whose bytes straddle two reads whole.
  const decoder = new StringDecoder("utf8");
  try {
    const buf = Buffer.alloc(pieceBytes);
    let carry = "";
    let lineOffset = 0;
    let pos = 0;
    for (;;) {
      const read = readSync(fd, buf, 0, pieceBytes, pos);
      pos += read;
      const text = carry + (read ? decoder.write(buf.subarray(0, read)) : decoder.end());
      const cut = read === 0 ? text.length : text.lastIndexOf("\n") + 1;
      const piece = text.slice(0, cut);
      carry = text.slice(cut);
      if (piece.trim()) {
        const part = ingestText(piece, shown);
        if (out.format === null) {
          if (part.format !== "dossier-jsonl") {
            return { ...out, rejects: [{ file: shown, line: 1, field: "(file)", reason: `build: ${shown} is over ${LARGE_FILE_BYTES >> 20} MB and only JSON Lines can be read in pieces; split it into smaller files` }] };
          }
          out.format = part.format;
        }
        out.records.push(...part.records);
        for (const r of part.rejects) out.rejects.push({ ...r, line: r.line + lineOffset });
        for (const o of part.origins) {
          const at = o.lastIndexOf(":");
          out.origins.push(`${o.slice(0, at)}:${Number(o.slice(at + 1)) + lineOffset}`);
        }
      }
      for (let i = 0; i < piece.length; i++) if (piece.charCodeAt(i) === 10) lineOffset++;
      if (read === 0) break;
    }
  } finally {
    closeSync(fd);
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
      const result = statSync(file).size > LARGE_FILE_BYTES ? ingestLargeFile(file, shown) : ingestText(readFileSync(file, "utf8"), shown);
      if (!result.format) {
        skipped.push({ file: shown, reason: result.rejects[0]?.reason ?? "not a supported catalogue format" });
        continue;
      }
      rejects.push(...result.rejects);
      result.records.forEach((record, i) => all.push({ record, origin: result.origins[i] ?? shown }));
    }
  }
  const { records, merges, distinct } = mergeDuplicates(all);
  return { records, rejects, merges, distinct, skipped, thesaurusPath };
}

export function buildCatalogue(options: BuildOptions): BuildResult {
  const t0 = performance.now();
  const log = options.log ?? (() => {});
  const read = readCatalogue(options.dataDirs);
  const { records, rejects, merges, distinct, skipped } = read;
  const thesaurusPath = options.thesaurusPath ?? read.thesaurusPath ?? (existsSync(DEFAULT_THESAURUS) ? DEFAULT_THESAURUS : null);
  const thesaurus = thesaurusPath ? JSON.parse(readFileSync(thesaurusPath, "utf8")) : null;
  if (records.length === 0) throw new Error(`build: no records found under ${options.dataDirs.join(", ")}`);
  log(`read ${records.length} records in ${Math.round(performance.now() - t0)} ms`);

  const out = new AssetWriter();
  const layout = layoutRecords(records, { dataDirs: options.dataDirs, recordShards: options.recordShards });
  const search = buildSearchAssets(layout, out, { thesaurus, ...(options.searchShards ? { shards: options.searchShards } : {}) });
  const partial = writeRecordStore(layout, search.related, out, { dataDirs: options.dataDirs.map((d) => resolve(d)) });
  const manifest = sealManifest({ ...partial, search: search.manifest }, out);

  const changed = writeChangedFiles(resolve(options.outDir), out.files);
  return { manifest, rejects, merges, distinct, skipped, bytes: out.totalBytes(), files: out.files.size, changed, ms: performance.now() - t0 };
}

/** The manifest in an assets directory, or null when there is none. */
export function readBuiltManifest(outDir: string): Manifest | null {
  const p = join(outDir, MANIFEST_PATH);
  return existsSync(p) ? (JSON.parse(readFileSync(p, "utf8")) as Manifest) : null;
}

/** Our own chunk folders; anything else in the assets directory (the widget, _headers) is left alone. */
const CHUNK_DIRS = ["records", "series", "search"];

/**
 * Writes only the files that are new (a content-hashed name that is not on
 * disk yet) and removes chunks no longer named, so an edit to a few records
 * rewrites only the chunks they touch. The manifest is always rewritten.
 */
function writeChangedFiles(outDir: string, files: Map<string, string | Uint8Array>) {
  const changed = { written: 0, writtenBytes: 0, removed: 0, kept: 0 };
  for (const [path, data] of files) {
    const target = join(outDir, path);
    if (path !== MANIFEST_PATH && existsSync(target)) { changed.kept++; continue; }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
    changed.written++;
    changed.writtenBytes += typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
  }
  for (const sub of CHUNK_DIRS) {
    const root = join(outDir, sub);
    if (!existsSync(root)) continue;
    for (const file of walk(root)) {
      const path = "/" + relative(outDir, file).split("\\").join("/");
      if (!files.has(path)) { rmSync(file); changed.removed++; }
    }
  }
  return changed;
}
