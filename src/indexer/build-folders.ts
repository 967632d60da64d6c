/**
 * Where builds live, and how one becomes the served one. Each build is written
 * into a fresh folder `<outDir>.builds/<id>/`; `<outDir>` (dist/assets) is a
 * symbolic link to the published one, switched in one rename. Whatever reads
 * `<outDir>` (wrangler deploy, wrangler dev, Miniflare, tests) sees one whole
 * build, old or new, never a mix, and a build killed half-way leaves only a
 * staging folder that the next build removes. Node only.
 *
 * Example: `dist/assets -> assets.builds/20261201T051100123Z-fdd073702294`.
 */
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import {
  FORMAT_VERSION,
  MANIFEST_PATH,
  pagedTablePageOf,
  pagedTablePages,
  pagedTablePath,
  packIndexNamesPath,
  packIndexPageOf,
  packIndexPagePath,
  packIndexPages,
  recordShardPath,
  recordTablePagePaths,
  type PackLocation,
  type Manifest,
  type PagedTable,
  type RecordShardTablePage,
  type RecordTablePages,
  type SeriesEntry,
  type StoredRecord,
} from "../shared/manifest";
import type { CatalogueRecord } from "../shared/record";
import { PackIndexPage, isPackedPath } from "../shared/pack-index";
import { decodeRecordShard } from "./record-shard-file";
import { replaceSymlinkAtomic, writeFileAtomic } from "./atomic-write";
import { IndexFormatError, searchSection, type SearchShardManifest } from "../shared/index-format/search-manifest";
import { compareReferences } from "../shared/reference";

/**
 * Published builds kept, the served one included. A dev server switches to a
 * new build a moment after it is published and may still read the previous
 * one until then; three leave room for two builds published in quick succession.
 */
export const KEEP_BUILDS = 3;

/** What `npm start` needs to tell whether a build is stale; kept beside the build, never served. */
export interface BuildInfo {
  /** The manifest's version. */
  version: string;
  builtAt: string;
  /** The data directories the build read, as given on the command line. */
  dataDirs: string[];
}

const STAGING_PREFIX = ".staging-";

export function buildsDirOf(outDir: string): string {
  return `${resolve(outDir)}.builds`;
}

/** The folder `outDir` resolves to now (a published build, or a plain directory from an older layout), or null. */
export function currentBuildDir(outDir: string): string | null {
  try {
    return realpathSync(outDir);
  } catch {
    return null;
  }
}

/** A new, empty folder to write a build into; also removes what killed builds left. */
export function createStagingDir(outDir: string): string {
  const builds = buildsDirOf(outDir);
  mkdirSync(builds, { recursive: true });
  removeAbandonedStaging(builds);
  const dir = join(builds, `${STAGING_PREFIX}${process.pid}-${randomBytes(4).toString("hex")}`);
  mkdirSync(dir);
  return dir;
}

/**
 * Makes a complete staging folder the served build: its info first, then the
 * folder under its final name, then the link switched, then old builds dropped.
 * A kill between any two steps leaves the previous build served.
 */
export function publishBuild(outDir: string, stagingDir: string, info: BuildInfo): string {
  const builds = buildsDirOf(outDir);
  const id = `${info.builtAt.replace(/[-:.]/g, "")}-${info.version}`;
  const finalDir = join(builds, id);
  writeFileAtomic(join(builds, `${id}.json`), JSON.stringify(info), { durable: true });
  renameSync(stagingDir, finalDir);
  const link = resolve(outDir);
  const st = lstatSync(link, { throwIfNoEntry: false });
  if (st && !st.isSymbolicLink()) {
    // A plain directory from before builds had folders: move it aside once (the only
    // non-atomic switch), so it is kept like any older build.
    if (st.isDirectory() && readdirSync(link).length === 0) rmSync(link, { recursive: true });
    else renameSync(link, join(builds, `00000000T000000000Z-legacy-${process.pid}`));
  }
  replaceSymlinkAtomic(link, relative(dirname(link), finalDir));
  removeOldBuilds(builds, finalDir);
  return finalDir;
}

/** The info of the build `outDir` serves, or null when there is none or it cannot be read. */
export function readBuildInfo(outDir: string): BuildInfo | null {
  const dir = currentBuildDir(outDir);
  if (!dir) return null;
  try {
    const info = JSON.parse(readFileSync(`${dir}.json`, "utf8")) as BuildInfo;
    return Array.isArray(info.dataDirs) && typeof info.builtAt === "string" ? info : null;
  } catch {
    return null;
  }
}

/** Whether a process of this id is running (one we may not signal still is). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Staging folders of builds that are no longer running (a build in progress keeps its own). */
function removeAbandonedStaging(builds: string): void {
  for (const name of readdirSync(builds)) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const pid = Number(name.slice(STAGING_PREFIX.length).split("-")[0]);
    if (pid !== process.pid && !isAlive(pid)) rmSync(join(builds, name), { recursive: true, force: true });
  }
}

function removeOldBuilds(builds: string, served: string): void {
  const published = readdirSync(builds)
    .filter((n) => !n.startsWith(".") && !n.endsWith(".json") && !n.includes(".tmp-"))
    .sort()
    .reverse();
  for (const name of published.slice(KEEP_BUILDS)) {
    const dir = join(builds, name);
    if (dir === served) continue;
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.json`, { force: true });
  }
  // Infos whose build is gone (a kill between writing the info and renaming the folder).
  for (const name of readdirSync(builds)) {
    if (name.endsWith(".json") && !existsSync(join(builds, basename(name, ".json"))))
      rmSync(join(builds, name), { force: true });
  }
}

/**
 * The manifest in an assets directory, or null when there is none or it cannot
 * be read whole (a build from before builds were atomic may have left it empty).
 */
export function readBuiltManifest(outDir: string): Manifest | null {
  try {
    const m = JSON.parse(readFileSync(join(outDir, MANIFEST_PATH), "utf8")) as Manifest;
    return m && typeof m === "object" && typeof m.version === "string" && m.recordShards ? m : null;
  } catch {
    return null;
  }
}

/**
 * The bytes of the chunk at `path` of the build in `dir` (for scripts and tests): its own file, or, in a packed
 * build, its range of its pack, found through the pack directory.
 */
export function readBuiltChunk(dir: string, m: Manifest, path: string): Buffer {
  if (!m.packs || !isPackedPath(path)) return readFileSync(join(dir, path));
  const { index, files } = m.packs;
  const indexPage = readFileSync(join(dir, packIndexPagePath(index, packIndexPageOf(index, path))));
  const loc = PackIndexPage.decode(new Uint8Array(indexPage).slice().buffer).get(path);
  if (!loc) throw new Error(`build-folders: ${path} is in no pack of the build in ${dir}`);
  const [pack, offset, length] = loc;
  const filesPage = pagedTablePath(files, pagedTablePageOf(files, String(pack)), builtTableHashes(dir, files));
  const file = (JSON.parse(readFileSync(join(dir, filesPage), "utf8")) as Record<string, string>)[String(pack)]!;
  const fd = openSync(join(dir, file), "r");
  try {
    const bytes = Buffer.alloc(length);
    if (readSync(fd, bytes, 0, length, offset) !== length) throw new Error(`build-folders: ${file} is truncated`);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** Every packed chunk of the build in `dir` with its location (for scripts and tests), from the directory pages. */
export function builtPackEntries(dir: string, m: Manifest): Array<[path: string, loc: PackLocation]> {
  if (!m.packs) return [];
  const { index } = m.packs;
  const out: Array<[string, PackLocation]> = [];
  for (let p = 0; p < packIndexPages(index); p++) {
    const page = PackIndexPage.decode(
      new Uint8Array(readFileSync(join(dir, packIndexPagePath(index, p)))).slice().buffer,
    );
    const names = JSON.parse(readFileSync(join(dir, packIndexNamesPath(index, p)), "utf8")) as string[];
    if (names.length !== page.size) throw new Error(`build-folders: directory page ${p} and its names disagree`);
    names.forEach((path, i) => {
      out.push([path, page.at(i)]);
    });
  }
  return out;
}

/** The JSON chunk at `path` of the build in `dir`, packed or not. */
export function readBuiltJson<V>(dir: string, m: Manifest, path: string): V {
  return JSON.parse(readBuiltChunk(dir, m, path).toString("utf8")) as V;
}

/** The stored records of the record shard at `path` of the build in `dir` (see record-shard-file.ts). */
export function readBuiltRecordShard(dir: string, m: Manifest, path: string): StoredRecord<CatalogueRecord>[] {
  return decodeRecordShard(path, readBuiltChunk(dir, m, path));
}

/** The record-shard table's page list of the build in `dir`: the root's, or its own file's. */
export function builtRecordTablePages(dir: string, m: Manifest): RecordTablePages {
  const list = m.recordShards.pageList;
  return typeof list === "string" ? readBuiltJson<RecordTablePages>(dir, m, list) : list;
}

/** Paths of every record shard of the build in `dir`, from its shard table pages (for scripts and tests). */
export function builtRecordShardPaths(dir: string, m: Manifest): string[] {
  return recordTablePagePaths(builtRecordTablePages(dir, m)).flatMap((path) => {
    const page = readBuiltJson<RecordShardTablePage>(dir, m, path);
    return page.starts.map((_, i) => recordShardPath(page, page.first + i));
  });
}

/** A paged table's page hashes: the root's, or those in its own file (`PagedTable.hashesFile`, never packed). */
export function builtTableHashes(dir: string, table: PagedTable): string {
  return table.hashesFile ? (JSON.parse(readFileSync(join(dir, table.hashesFile), "utf8")) as string) : table.hashes;
}

/** Every entry of a paged table of the build in `dir`, in page order (scripts and tests read it). */
export function readBuiltTable<V>(dir: string, table: PagedTable, m?: Manifest): Map<string, V> {
  const entries = new Map<string, V>();
  const hashes = builtTableHashes(dir, table);
  for (let p = 0; p < pagedTablePages(table); p++) {
    const path = pagedTablePath(table, p, hashes);
    const page = m
      ? readBuiltJson<Record<string, V>>(dir, m, path)
      : (JSON.parse(readFileSync(join(dir, path), "utf8")) as Record<string, V>);
    for (const [k, v] of Object.entries(page)) entries.set(k, v);
  }
  return entries;
}

/** The search shards of the build in `dir`, in shard order. */
export function builtSearchShards(dir: string, m: Manifest): SearchShardManifest[] {
  if (!m.search) return [];
  const table = readBuiltTable<SearchShardManifest>(dir, m.search.shards.table, m);
  return Array.from({ length: m.search.shards.count }, (_, k) => table.get(String(k))!);
}

/** The series of the build in `dir`, in catalogue order. */
export function builtSeries(dir: string, m: Manifest): SeriesEntry[] {
  return [...readBuiltTable<SeriesEntry>(dir, m.series.table, m).values()].sort((a, b) =>
    compareReferences(a.name, b.name),
  );
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(".")) continue;
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/** Whether the Worker reads this manifest's search index as it is (`searchSection` accepts it). */
function sameSearchFormat(m: Manifest): boolean {
  try {
    searchSection(m);
    return true;
  } catch (e) {
    if (e instanceof IndexFormatError) return false;
    throw e;
  }
}

/**
 * Why the build `outDir` serves must be rebuilt before `npm start` serves it,
 * and from which data directories (none: the default), or null when it is
 * whole and newer than its data.
 */
export function rebuildReason(outDir: string): { reason: string; dataDirs: string[] } | null {
  const info = readBuildInfo(outDir);
  if (!readBuiltManifest(outDir)) {
    const reason = existsSync(outDir)
      ? "The built assets are incomplete or unreadable; rebuilding…"
      : "No built assets; building from data/…";
    return { reason, dataDirs: info?.dataDirs ?? [] };
  }
  if (!info)
    return { reason: "The built assets have no build record (an older layout); rebuilding from data/…", dataDirs: [] };
  const manifest = readBuiltManifest(outDir)!;
  if (manifest.format !== FORMAT_VERSION)
    return { reason: "The built assets are of an older format; rebuilding…", dataDirs: info.dataDirs };
  // The search index has a format and configuration of its own, which the Worker checks before every search: a
  // build it would refuse (index-format 12 against this code's 13) is rebuilt, not served to answer 503s.
  if (manifest.search && !sameSearchFormat(manifest))
    return { reason: "The built search index is of another format; rebuilding…", dataDirs: info.dataDirs };
  if (info.dataDirs.some((d) => !existsSync(d) || newestMtime(d) > Date.parse(info.builtAt))) {
    return { reason: "Assets are older than their data; rebuilding…", dataDirs: info.dataDirs };
  }
  return null;
}
