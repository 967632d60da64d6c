/**
 * The whole build: read every supported file under the data directories,
 * validate and merge, then write the record store and search index to the
 * assets directory. Node only; the Worker shares nothing with it but types
 * and the index config.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { MANIFEST_PATH, type Manifest } from "../shared/manifest";
import { heapSoFar, type BuildProgress } from "./build-progress";
import {
  ingestFiles,
  ingestText,
  type CatalogueIngest,
  type DistinctItemsReport,
  type IngestInput,
  type IngestReject,
  type IngestWarning,
  type MergeReport,
} from "./ingest/index";
import { ingestReport, type IngestReport } from "./ingest/report";
import { AssetWriter, isIntactChunk } from "./content-hash";
import { writeFileAtomic } from "./atomic-write";
import { createStagingDir, currentBuildDir, isAlive, publishBuild, type BuildInfo } from "./build-folders";
import { sealManifest, writeRecordStore, type CatalogueBuildOptions } from "./catalogue-assets";
import { isPackable, packChunks, type PackInput, type PackOptions } from "./pack-assets";
import { builtBytes, withStartupBundle } from "./startup-bundle-assets";
import { buildSearchShard, finishSearch, planSearch } from "./search-assets";
import type { SearchShardManifest } from "../shared/index-format/search-manifest";
import { defaultPartsDir, hasShardPart, readShardParts, writeShardPart, type ShardJob } from "./shard-parts";
import { parseThesaurusJson } from "./thesaurus-assets";
import { spillIngest } from "./spilled-ingest";
import { collectGarbage } from "./collect-garbage";
import { DocFile } from "./doc-file";
import {
  startRecordPasses,
  type AfterPlanWorker,
  type RecordPassResult,
  type RecordPasses,
} from "./catalogue-wide-worker";

export interface BuildOptions {
  dataDirs: string[];
  outDir: string;
  recordShards?: number;
  /** Shards per record-shard table page (default RECORD_TABLE_PAGE_SHARDS); tests force many pages. */
  recordTablePageShards?: number;
  /** Force this many search shards (default: as many as the index's measured bytes need). */
  searchShards?: number;
  /** Docs indexed per FlexSearch block (default INDEX_BLOCK_DOCS); the output is the same for any size. */
  indexBlockDocs?: number;
  /**
   * The thesaurus to compile. Default: a thesaurus.json inside the data
   * directories, else the product's own data/thesaurus.json, so a build of
   * any catalogue gets the domain thesaurus.
   */
  thesaurusPath?: string;
  /** Where the full ingest report goes. Default: ingest-report.json next to outDir (dist/ingest-report.json). */
  reportPath?: string;
  log?: (line: string) => void;
  /** Called as each phase starts and ends (see build-progress.ts). */
  progress?: BuildProgress;
  /**
   * Pack chunks into pack files with an offset directory (pack-assets.ts):
   * the layout for R2, where a chunk is one ranged read. `true` for the
   * default sizes; tests pass small ones to get many packs from a small catalogue.
   */
  packs?: boolean | PackOptions;
  /**
   * Take the search shards from the parts folder (built by `--shard i/N` jobs)
   * instead of indexing them here; everything else is built as usual.
   */
  merge?: boolean;
  /**
   * Build each search shard as a part first, skipping parts a killed build
   * left whole, then merge them: a build killed midway starts again from the
   * first shard it had not finished.
   */
  resume?: boolean;
  /** Where shard parts are written and merged from. Default: `<outDir>.parts`. */
  partsDir?: string;
  /**
   * The V8 heap limit, in MB, of the worker thread a threaded build (stageCatalogueParallel) runs its record passes
   * on: its share of the memory budget (scripts/lib/build-memory.ts). Default: V8's own, as for the main thread.
   */
  workerHeapMb?: number;
  /** The worker thread's young generation's semi-space, in MB (scripts/lib/build-memory.ts). Default: V8's own. */
  workerSemiSpaceMb?: number;
  /** Which worker runs the record passes after the plan (catalogue-wide-worker.ts); tests force either. */
  afterPlanWorker?: AfterPlanWorker;
  /**
   * A file descriptor the worker thread writes a line to as each of its passes ends (`npm run build` gives
   * stdout): what the main thread is sent reaches it only when it next yields, at the end of the shards.
   */
  workerLogFd?: number;
}

export interface BuildResult {
  manifest: Manifest;
  rejects: IngestReject[];
  warnings: IngestWarning[];
  merges: MergeReport[];
  /** Distinct items (different barcodes or Discovery ids) that share a reference, kept apart. */
  distinct: DistinctItemsReport[];
  skipped: Array<{ file: string; reason: string }>;
  /** Everything ingest found, as written to `reportPath`. */
  report: IngestReport;
  reportPath: string;
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
const CONFIG_FILES = new Set(["thesaurus.json", "nicknames.json", "russian-diminutives.csv", "places.json"]);
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
  const out: ReturnType<typeof ingestText> = { format: null, records: [], rejects: [], warnings: [], origins: [] };
  for (const part of ingestLargeFilePieces(file, shown, pieceBytes)) {
    out.format = part.format;
    for (const r of part.records) out.records.push(r);
    out.rejects.push(...part.rejects);
    out.warnings.push(...part.warnings);
    for (const o of part.origins) out.origins.push(o);
  }
  return out;
}

/** ingestLargeFile a piece at a time: a build spills each piece's records before the next is read. */
export function* ingestLargeFilePieces(
  file: string,
  shown: string,
  pieceBytes = PIECE_BYTES,
): Generator<ReturnType<typeof ingestText>> {
  const fd = openSync(file, "r");
  let format: ReturnType<typeof ingestText>["format"] = null;
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
        // Detected on the first piece only: a later piece may open with lines that do not parse.
        const part = ingestText(piece, shown, format ?? undefined);
        if (format === null) {
          if (part.format !== "dossier-jsonl") {
            yield {
              format: null,
              records: [],
              warnings: [],
              origins: [],
              rejects: [
                {
                  file: shown,
                  line: 1,
                  field: "(file)",
                  reason:
                    `build: ${shown} is over ${LARGE_FILE_BYTES >> 20} MB and only JSON Lines can be read in ` +
                    `pieces; split it into smaller files`,
                },
              ],
            };
            return;
          }
          format = part.format;
        }
        yield {
          format,
          records: part.records,
          rejects: part.rejects.map((r) => ({ ...r, line: r.line + lineOffset })),
          warnings: part.warnings.map((w) => ({ ...w, line: w.line + lineOffset })),
          origins: part.origins.map((o) => {
            const at = o.lastIndexOf(":");
            return `${o.slice(0, at)}:${Number(o.slice(at + 1)) + lineOffset}`;
          }),
        };
      }
      for (let i = 0; i < piece.length; i++) if (piece.charCodeAt(i) === 10) lineOffset++;
      if (read === 0) break;
    }
  } finally {
    closeSync(fd);
  }
}

/** Reads, validates and merges every record file under the data directories, one file at a time. */
export function readCatalogue(dataDirs: string[]): CatalogueIngest & { thesaurusPath: string | null } {
  let thesaurusPath: string | null = null;
  const ingest = ingestFiles(catalogueInputs(dataDirs, (path) => (thesaurusPath ??= path), false));
  return { ...ingest, thesaurusPath };
}

/**
 * Every record file under the data directories, to ingest in turn; `onThesaurus` hears of a thesaurus.json among
 * them. With `pieces`, a large file is handed over a piece at a time (see ingestLargeFilePieces).
 */
function* catalogueInputs(
  dataDirs: string[],
  onThesaurus: (path: string) => void,
  pieces: boolean,
): Generator<IngestInput> {
  for (const dir of dataDirs) {
    if (!existsSync(dir)) throw new Error(`build: data directory ${dir} does not exist`);
    for (const file of walk(dir)) {
      const shown = relative(process.cwd(), file) || file;
      const base = file.split("/").pop()!;
      if (CONFIG_FILES.has(base)) {
        if (base === "thesaurus.json") onThesaurus(file);
        continue;
      }
      yield {
        file: shown,
        read: () =>
          statSync(file).size <= LARGE_FILE_BYTES
            ? readFileSync(file, "utf8")
            : pieces
              ? ingestLargeFilePieces(file, shown)
              : ingestLargeFile(file, shown),
      };
    }
  }
}

/** Writes the ingest report whole or not at all: to a temporary name, then renamed into place. */
export function writeIngestReport(path: string, report: IngestReport): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(report, null, 1)}\n`);
  renameSync(tmp, path);
}

/**
 * A build written to its own staging folder and not yet served. `dir` may take
 * more files (the widget, `_headers`) before `publish()` makes it the build
 * `outDir` points at; a build never published is removed by the next one.
 */
export interface StagedBuild {
  dir: string;
  result: BuildResult;
  /** Switches `outDir` to this build in one step; returns the build's folder. */
  publish(): string;
}

/** Builds and publishes: the build `outDir` serves changes only once every file is written. */
export function buildCatalogue(options: BuildOptions): BuildResult {
  const staged = stageCatalogue(options);
  staged.publish();
  return staged.result;
}

export function stageCatalogue(options: BuildOptions): StagedBuild {
  const steps = stageSteps(options, false);
  const first = steps.next();
  if (!first.done) throw new Error("build: a serial build waited on a worker");
  return first.value;
}

/**
 * stageCatalogue with the passes over the records that do not need the search index (people, typeahead,
 * volumes, related records, the record store) on a worker thread while this thread plans and indexes the search
 * shards (catalogue-wide-worker.ts), with the same output: the longer of the two rather than their sum when a
 * second core is free; on a loaded machine it costs more CPU and memory than it saves (`npm run build --
 * --threads`, off by default; docs/benchmarks-history.md "Build speed").
 */
export async function stageCatalogueParallel(options: BuildOptions): Promise<StagedBuild> {
  const steps = stageSteps(options, true);
  let at = steps.next();
  while (!at.done) {
    let value: unknown;
    try {
      value = await at.value;
    } catch (e) {
      at = steps.throw(e);
      continue;
    }
    at = steps.next(value);
  }
  return at.value;
}

/** The build's steps; with `parallel`, it yields the promises it waits on (the worker's), to be resumed with their values. */
function* stageSteps(options: BuildOptions, parallel: boolean): Generator<Promise<unknown>, StagedBuild, unknown> {
  const t0 = performance.now();
  const log = options.log ?? (() => {});
  const step = options.progress ?? (() => {});
  step({ phase: "reading data", state: "start" });
  const read = spillCatalogue(options.dataDirs, options.outDir);
  let passes: RecordPasses | null = null;
  try {
    const report = ingestReport(read, read.count);
    const reportPath = resolve(options.reportPath ?? join(dirname(resolve(options.outDir)), "ingest-report.json"));
    writeIngestReport(reportPath, report);
    const thesaurusPath =
      options.thesaurusPath ?? read.thesaurusPath ?? (existsSync(DEFAULT_THESAURUS) ? DEFAULT_THESAURUS : null);
    const thesaurus = thesaurusPath ? parseThesaurusJson(readFileSync(thesaurusPath, "utf8"), thesaurusPath) : null;
    if (read.count === 0) throw new Error(`build: no records found under ${options.dataDirs.join(", ")}`);
    step({ phase: "reading data", state: "done", count: read.count, unit: "records" });
    log(`read ${read.count} records in ${Math.round(performance.now() - t0)} ms${cpuSoFar()}`);

    // Chunks go to the staging folder as they are made: memory holds their names and sizes, not their bytes.
    const dir = createStagingDir(options.outDir);
    // Chunks bound for packs go to one scratch file in the staging folder, removed once packed.
    const out = new AssetWriter(
      dir,
      options.packs ? { path: join(dir, `.chunks-${process.pid}.bin`), packable: isPackable } : undefined,
    );
    const layout = read.layout({ recordShards: options.recordShards, packed: !!options.packs });
    if (parallel && layout.docs instanceof DocFile)
      passes = startRecordPasses(layout, out, {
        recordTablePageShards: options.recordTablePageShards,
        heapMb: options.workerHeapMb,
        semiSpaceMb: options.workerSemiSpaceMb,
        afterPlan: options.afterPlanWorker,
        logFd: options.workerLogFd,
        fieldsPath: layout.fieldsPath,
        packs: !!options.packs,
      });
    return yield* stageLaidOut(options, { read, report, reportPath, thesaurus, dir, out, layout, t0, passes });
  } finally {
    // A build that failed before the worker finished stops it (done() ended it otherwise).
    if (passes) void passes.stop();
    read.removeScratch();
  }
}

function* stageLaidOut(
  options: BuildOptions,
  built: {
    read: SpilledCatalogue;
    report: IngestReport;
    reportPath: string;
    thesaurus: unknown;
    dir: string;
    out: AssetWriter;
    layout: ReturnType<SpilledCatalogue["layout"]>;
    t0: number;
    passes: RecordPasses | null;
  },
): Generator<Promise<unknown>, StagedBuild, unknown> {
  const { read, report, reportPath, thesaurus, dir, out, layout, t0, passes } = built;
  const { rejects, warnings, merges, distinct, skipped } = read;
  const log = options.log ?? (() => {});
  const step = options.progress ?? (() => {});
  step({ phase: "search index", state: "start" });
  const plan = planSearch(layout, {
    shards: options.searchShards || undefined,
    blockDocs: options.indexBlockDocs,
    termsPath: layout.termsPath,
    ranksPath: layout.ranksPath,
    // The threaded build's passes read the docs: they start before the plan.
    passFieldsPath: passes ? undefined : layout.fieldsPath,
  });
  if (passes) yield passes.fromPlan(plan);
  // What only planning used (its per-term counting arrays) goes before the shards.
  collectGarbage();
  log(`planned the search index in ${((performance.now() - t0) / 1000).toFixed(1)} s from the start${cpuSoFar()}`);
  const partsDir = options.partsDir ?? defaultPartsDir(options.outDir);
  if (options.resume) {
    for (let index = 0; index < plan.shardCount; index++) {
      const job = { index, count: plan.shardCount };
      if (hasShardPart(partsDir, job, plan)) {
        log(`search shard ${index}/${plan.shardCount}: whole part found, kept`);
        continue;
      }
      const part = new AssetWriter();
      writeShardPart(partsDir, job, plan, buildSearchShard(plan, index, part), part);
    }
  }
  let shards: SearchShardManifest[];
  if (options.merge || options.resume) shards = readShardParts(partsDir, plan, out);
  else {
    shards = [];
    for (let k = 0; k < plan.shardCount; k++) {
      if (passes) yield passes.check();
      shards.push(buildSearchShard(plan, k, out));
      // A shard's working arrays are garbage once it is written.
      collectGarbage();
    }
  }
  log(
    `built ${shards.length} search shard(s) by ${((performance.now() - t0) / 1000).toFixed(1)} s from the start` +
      cpuSoFar(),
  );
  const waitFrom = performance.now();
  const made = passes ? ((yield passes.done()) as RecordPassResult) : undefined;
  if (made) {
    const took = made.timings.map(([what, ms]) => `${what} ${(ms / 1000).toFixed(1)} s`).join(", ");
    log(
      `worker thread: ${took}; the main thread waited ${((performance.now() - waitFrom) / 1000).toFixed(1)} s for ` +
        `it; worker heap limit ${made.heap.limitMb} MB, at most ${made.heap.mostMb} MB at a pass's end`,
    );
  }
  const search = finishSearch(plan, shards, out, { thesaurus }, made?.parts);
  step({ phase: "search index", state: "done", count: search.manifest.shards.count, unit: "shard(s)" });
  step({ phase: "record store", state: "start" });
  let partial: Omit<Manifest, "version">;
  try {
    partial = made
      ? made.recordStore
      : writeRecordStore(layout, search.related!, out, {
          catalogueOrder: plan.catalogueOrder.all(),
          perPage: options.recordTablePageShards,
        });
  } finally {
    search.related?.remove();
  }
  let manifest = sealManifest({ ...partial, search: search.manifest }, out);
  step({ phase: "record store", state: "done", count: partial.recordShards.count, unit: "record shards" });
  // Nothing reads the docs, their terms or their fields after this. Packing holds every chunk twice on disk until
  // the packs are whole; at ten million records these scratch files are another 19 GB beside them, and a 10M build
  // ran out of disk there.
  read.removeScratch();
  if (options.packs) {
    step({ phase: "packing", state: "start" });
    // Read back from the staging folder one pack's worth at a time; the packed chunk files then go.
    const inputs: PackInput[] = [];
    for (const [path, bytes] of out.spilled) {
      if (isPackable(path)) inputs.push({ path, bytes, read: () => readFileSync(join(dir, path)) });
    }
    for (const [path, bytes] of out.appendedChunks())
      if (!out.spilled.has(path)) inputs.push({ path, bytes, read: () => out.readAppended(path) });
    const directory = packChunks(inputs, options.packs === true ? {} : options.packs, (path, data) =>
      out.put(path, data),
    );
    // Only the packed chunks go: what isPackable keeps out of packs (hot tables) stays in the same folders.
    for (const { path } of inputs) {
      if (out.spilled.delete(path)) rmSync(join(dir, path), { force: true });
    }
    out.removeAppended();
    manifest = { ...manifest, packs: directory };
    out.files.set(MANIFEST_PATH, JSON.stringify(manifest));
    step({ phase: "packing", state: "done", count: directory.files.size, unit: "packs" });
  }

  // After packing: the bundle copies the pack directory's pages too.
  manifest = withStartupBundle(
    manifest,
    (path) => builtBytes(out, path),
    (path, data) => out.put(path, data),
  );
  out.files.set(MANIFEST_PATH, JSON.stringify(manifest));

  step({ phase: "writing files", state: "start" });
  const changed = writeBuildFolder(dir, currentBuildDir(options.outDir), out);
  step({ phase: "writing files", state: "done", count: changed.written, unit: "written" });
  const result: BuildResult = {
    manifest,
    rejects,
    warnings,
    merges,
    distinct,
    skipped,
    report,
    reportPath,
    bytes: out.totalBytes(),
    files: out.size,
    changed,
    ms: performance.now() - t0,
  };
  const info: BuildInfo = { version: manifest.version, builtAt: manifest.builtAt, dataDirs: options.dataDirs };
  return { dir, result, publish: () => publishBuild(options.outDir, dir, info) };
}

/**
 * This process's CPU time so far, for the build's log: on a shared machine a phase's wall time says more about the
 * other processes than about the build. With it the main thread's heap in use and what V8 holds for it (its
 * counters, no GC forced): what grows with the catalogue shows as the phases go by.
 */
function cpuSoFar(): string {
  const { user, system } = process.cpuUsage();
  return ` (CPU so far: ${(user / 1e6).toFixed(1)} s user, ${(system / 1e6).toFixed(1)} s system; main ${heapSoFar()})`;
}

export { readBuiltManifest } from "./build-folders";

/**
 * One search shard of the catalogue, built alone into the parts folder
 * (`npm run build -- --shard i/N`): it reads the whole catalogue for the
 * catalogue-wide statistics every shard scores with, then indexes only its
 * own doc range. Nothing is published; `--merge` does that once every part is there.
 */
export function buildShardPart(options: BuildOptions & { shard: ShardJob }): {
  dir: string;
  files: number;
  bytes: number;
  docs: [number, number];
} {
  const { shard: job } = options;
  if (options.searchShards !== undefined && options.searchShards !== job.count)
    throw new Error(`build: --shard ${job.index}/${job.count} and --shards ${options.searchShards} disagree`);
  const read = spillCatalogue(options.dataDirs, options.outDir);
  try {
    if (read.count === 0) throw new Error(`build: no records found under ${options.dataDirs.join(", ")}`);
    const count = read.count;
    const layout = read.layout({ recordShards: options.recordShards, packed: !!options.packs });
    const plan = planSearch(layout, {
      shards: job.count,
      blockDocs: options.indexBlockDocs,
      termsPath: layout.termsPath,
      ranksPath: layout.ranksPath,
    });
    // A shard part needs no related records: the title and tag words are not read.
    plan.titleTags.remove();
    if (plan.shardCount !== job.count)
      throw new Error(`build: ${count} records cannot be split into ${job.count} search shards`);
    const out = new AssetWriter();
    const shard = buildSearchShard(plan, job.index, out);
    const dir = writeShardPart(options.partsDir ?? defaultPartsDir(options.outDir), job, plan, shard, out);
    return { dir, files: out.files.size, bytes: out.totalBytes(), docs: [shard.start, shard.end] };
  } finally {
    read.removeScratch();
  }
}

/**
 * Reads the catalogue into scratch files beside the assets, never holding it (spilled-ingest.ts): the records as
 * read (`.dossier-ingest-<pid>.jsonl`), then, laid out, in doc order (`.dossier-docs-<pid>.jsonl`), which every later
 * step reads a pass at a time (doc-file.ts). The plan writes the docs' terms beside them (`termsPath`), and the
 * fields the passes after it read (`fieldsPath`), and each doc's catalogue rank (`ranksPath`); `removeScratch()` deletes
 * all five. Scratch files of builds that were killed go first.
 */
function spillCatalogue(dataDirs: string[], outDir: string) {
  const dir = dirname(resolve(outDir));
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    const pid = /^\.dossier-(?:(?:ingest|docs|terms|fields)-(\d+)\.jsonl$|ranks-(\d+)\.bin$|runs-(\d+)-)/
      .exec(name)
      ?.slice(1)
      .find(Boolean);
    if (pid && !isAlive(Number(pid))) rmSync(join(dir, name), { force: true });
  }
  let thesaurusPath: string | null = null;
  const inputs = catalogueInputs(dataDirs, (path) => (thesaurusPath ??= path), true);
  const read = spillIngest(inputs, join(dir, `.dossier-ingest-${process.pid}.jsonl`));
  const docsPath = join(dir, `.dossier-docs-${process.pid}.jsonl`);
  const termsPath = join(dir, `.dossier-terms-${process.pid}.jsonl`);
  const fieldsPath = join(dir, `.dossier-fields-${process.pid}.jsonl`);
  const ranksPath = join(dir, `.dossier-ranks-${process.pid}.bin`);
  return {
    ...read,
    thesaurusPath: thesaurusPath as string | null,
    layout: (options: CatalogueBuildOptions) => ({
      ...read.layout(docsPath, options),
      termsPath,
      fieldsPath,
      ranksPath,
    }),
    removeScratch: () => {
      read.remove();
      rmSync(docsPath, { force: true });
      rmSync(termsPath, { force: true });
      rmSync(fieldsPath, { force: true });
      rmSync(ranksPath, { force: true });
    },
  };
}

type SpilledCatalogue = ReturnType<typeof spillCatalogue>;

/** Our own chunk folders; anything else in the assets directory (the widget, _headers) is carried over. */
const CHUNK_DIRS = ["records", "series", "search", "packs"];

/**
 * Fills a fresh build folder. A chunk the previous build holds intact (its
 * size and its bytes' hash match its content-hashed name) is hard-linked,
 * not rewritten: chunk files are never modified in place, so sharing them is
 * safe, and an edit to a few records writes only the chunks they touch.
 * Everything else is written under a temporary name and renamed into place;
 * the manifest goes last, so a folder with a manifest is a whole build.
 */
function writeBuildFolder(dir: string, previous: string | null, out: AssetWriter) {
  const { files, spilled } = out;
  const changed = { written: 0, writtenBytes: 0, removed: 0, kept: 0 };
  const dirs = new Set<string>();
  const place = (path: string, data: string | Uint8Array) => {
    const target = join(dir, path);
    const parent = dirname(target);
    if (!dirs.has(parent)) {
      mkdirSync(parent, { recursive: true });
      dirs.add(parent);
    }
    const bytes = typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
    if (
      previous &&
      path !== MANIFEST_PATH &&
      isIntactChunk(join(previous, path), path, bytes) &&
      tryLink(join(previous, path), target)
    ) {
      changed.kept++;
      return;
    }
    writeFileAtomic(target, data, { durable: path === MANIFEST_PATH });
    changed.written++;
    changed.writtenBytes += bytes;
  };
  for (const [path, data] of files) if (path !== MANIFEST_PATH) place(path, data);
  // Spilled chunks are in place already; one the previous build holds intact becomes a link to it, as above.
  for (const [path, bytes] of spilled) {
    if (
      previous &&
      isIntactChunk(join(previous, path), path, bytes) &&
      tryReplaceByLink(join(previous, path), join(dir, path))
    ) {
      changed.kept++;
    } else {
      changed.written++;
      changed.writtenBytes += bytes;
    }
  }
  if (previous) {
    for (const file of walk(previous)) {
      const path = "/" + relative(previous, file).split("\\").join("/");
      if (CHUNK_DIRS.includes(path.split("/")[1]!)) {
        if (!files.has(path) && !spilled.has(path)) changed.removed++;
        continue;
      }
      // The widget and _headers: copied, not linked, since they are rewritten in place by their own scripts.
      if (path !== MANIFEST_PATH) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        copyFileSync(file, join(dir, path));
      }
    }
  }
  place(MANIFEST_PATH, files.get(MANIFEST_PATH)!);
  return changed;
}

/** Replaces the file `to` by a hard link to `from` in one step (a link under a temporary name, renamed over it). */
function tryReplaceByLink(from: string, to: string): boolean {
  const tmp = `${to}.link-${process.pid}`;
  if (!tryLink(from, tmp)) return false;
  renameSync(tmp, to);
  return true;
}

function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch {
    return false; // another file system, or links unsupported: write it instead
  }
}
