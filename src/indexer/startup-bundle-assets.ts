/**
 * Writes the startup bundles (see `StartupBundle` in shared/manifest.ts): copies of the files a cold search reads
 * right after the manifest, end to end in a few files, so a new isolate reads them in a few round trips. Node only.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  STARTUP_BUNDLE_MAX_BYTES,
  packIndexPagePath,
  packIndexCommonPages,
  pagedTablePages,
  pagedTablePath,
  recordTablePagePaths,
  type Manifest,
  type PagedTable,
  type RecordTablePages,
  type StartupBundle,
} from "../shared/manifest";
import { volumePagePaths, type SearchShardManifest } from "../shared/index-format/search-manifest";
import { contentHash, type AssetWriter } from "./content-hash";

const utf8 = new TextDecoder();

/** A table a cold search reads whole (its pages, or its one file), and the bundle it goes in. */
export interface StartupTable {
  /**
   * 0: what planning reads first; 1: the pack directory (in a sharded build, its files table: the common pages go
   * in 2); 2: what the page of hits reads after scoring.
   */
  bundle: 0 | 1 | 2;
  files: string[];
}

/**
 * The tables of a cold search's first round of reads, most wanted first within each bundle. Left out: the lexicon's
 * pages, of which a query reads only its words' (one of up to 256 each); the filter columns, a file scoring waits for
 * on its own (in a bundle, the bundle's other files would wait for it, or it for them); and a sharded index's term
 * tables and filter columns, read by its shards' own isolates.
 */
export function startupTables(m: Manifest, read: (path: string) => Uint8Array): StartupTable[] {
  const tables: StartupTable[] = [];
  const pages = (t: PagedTable | undefined): string[] =>
    // A table too big for its hashes to be in the root is too big to bundle.
    !t || t.entries || t.hashesFile ? [] : Array.from({ length: pagedTablePages(t) }, (_, p) => pagedTablePath(t, p));
  const s = m.search;
  if (s) {
    tables.push({ bundle: 0, files: pages(s.shards.table) });
    const shard = s.shards.count === 1 ? (s.shards.table.entries?.["0"] as SearchShardManifest | undefined) : undefined;
    if (shard) tables.push({ bundle: 0, files: [shard.terms] });
    if (s.thesaurus) tables.push({ bundle: 0, files: [s.thesaurus] });
    tables.push({ bundle: 0, files: pages(s.vocab) });
    tables.push({ bundle: 0, files: pages(s.vocabRanges) });
    tables.push({ bundle: 0, files: [s.seriesNames] });
    if (s.volumeIndex) tables.push({ bundle: 2, files: [s.volumeIndex.dir] });
  }
  tables.push({ bundle: 0, files: [m.series.archives] });
  if (m.packs) {
    const { files, index } = m.packs;
    tables.push({ bundle: 1, files: pages(files) });
    tables.push({
      // The common pages: a search shard's own pages are its Durable Object's to read (`PackIndex.shards`). In a
      // sharded build the objects read bundle 1 for the files table, and the Worker, which reads the common pages,
      // reads bundle 2 in its first round too (the record table): there they cost the objects nothing (at a
      // million records, 1.2 MB that each of 16 objects read).
      bundle: index.shards ? 2 : 1,
      files: Array.from({ length: packIndexCommonPages(index) }, (_, p) => packIndexPagePath(index, p)),
    });
  }
  // The record table's page list first when it is a file of its own (a big table's: its pages do not fit, and a
  // page of hits finds its pages through the list).
  const list = m.recordShards.pageList;
  if (typeof list === "string") tables.push({ bundle: 2, files: [list] });
  const tablePages = typeof list === "string" ? (JSON.parse(utf8.decode(read(list))) as RecordTablePages) : list;
  tables.push({ bundle: 2, files: recordTablePagePaths(tablePages) });
  // Last, with the room left: the volume column's pages. A small catalogue's whole column (7 pages at 100k records)
  // then costs a collapsed search no round trip after scoring; a big one's (1,022 pages at ten million) does not fit,
  // and a search reads the pages of its best hits.
  const volumes = s?.volumeIndex;
  if (volumes) tables.push({ bundle: 2, files: volumePagePaths(volumes, read(volumes.dir)) });
  return tables.filter((t) => t.files.length > 0);
}

/**
 * Bundles what `startupTables` names, up to STARTUP_BUNDLE_MAX_BYTES in all (a table that does not fit is skipped
 * whole), as `/packs/startup-<i>.<hash>.bin` (under /packs/, whose files a rebuild replaces), and returns the
 * manifest with the bundles named; the manifest as it was when none is worth writing. `read` gives a built
 * file's bytes.
 */
export function withStartupBundle(
  m: Manifest,
  read: (path: string) => Uint8Array,
  emit: (path: string, data: Uint8Array) => void,
  maxBytes = STARTUP_BUNDLE_MAX_BYTES,
): Manifest {
  const chosen: Array<Array<[string, Uint8Array]>> = [[], [], []];
  const seen = new Set<string>();
  let total = 0;
  for (const table of startupTables(m, read)) {
    const fresh = table.files.filter((p) => !seen.has(p));
    const bytes = fresh.map(read);
    const size = bytes.reduce((n, b) => n + b.byteLength, 0);
    if (total + size > maxBytes) continue;
    fresh.forEach((p, i) => {
      seen.add(p);
      chosen[table.bundle]!.push([p, bytes[i]!]);
    });
    total += size;
  }
  // A bundle of one file would save no read: the file joins the bundle before it (else the one after).
  chosen.forEach((files, i) => {
    if (files.length !== 1) return;
    const to = [...chosen.slice(0, i)].reverse().find((f) => f.length) ?? chosen.slice(i + 1).find((f) => f.length);
    if (to) to.push(...files.splice(0));
  });
  const bundles: StartupBundle[] = [];
  chosen.forEach((files, i) => {
    if (files.length < 2) return;
    const bundle = new Uint8Array(files.reduce((n, [, b]) => n + b.byteLength, 0));
    let at = 0;
    for (const [, b] of files) {
      bundle.set(b, at);
      at += b.byteLength;
    }
    const path = `/packs/startup-${i}.${contentHash(bundle)}.bin`;
    emit(path, bundle);
    bundles.push({ path, files: files.map(([p, b]) => [p, b.byteLength]) });
  });
  return bundles.length ? { ...m, startup: bundles } : m;
}

/** A built file's bytes, wherever the writer holds it (in memory or spilled under `spillDir`). */
export function builtBytes(out: Pick<AssetWriter, "files" | "spillDir">, path: string): Uint8Array {
  const held = out.files.get(path);
  if (held !== undefined) return typeof held === "string" ? Buffer.from(held) : held;
  if (!out.spillDir) throw new Error(`startup-bundle: ${path} is not among the built files`);
  return readFileSync(join(out.spillDir, path));
}
