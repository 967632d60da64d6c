/**
 * Writes the startup bundle (see `StartupBundle` in shared/manifest.ts): copies of the files a cold search reads
 * right after the manifest, end to end in one file, so a new isolate reads them in one round trip. Node only.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  STARTUP_BUNDLE_MAX_BYTES,
  packIndexPagePath,
  packIndexPages,
  pagedTablePages,
  pagedTablePath,
  type Manifest,
  type PagedTable,
  type StartupBundle,
} from "../shared/manifest";
import type { SearchShardManifest } from "../shared/index-format/search-manifest";
import { contentHash, type AssetWriter } from "./content-hash";

/**
 * The files of a cold search's first round of reads, most wanted first, each group a table read whole or not at
 * all: the pack directory (every packed read waits for it), the record-shard table (the hits' shards), then the
 * search tables. A sharded index's term tables and filter columns are read by its shards' own isolates: left out.
 */
export function startupFiles(m: Manifest): string[][] {
  const groups: string[][] = [];
  const pages = (t: PagedTable | undefined): string[] =>
    !t || t.entries ? [] : Array.from({ length: pagedTablePages(t) }, (_, p) => pagedTablePath(t, p));
  if (m.packs) {
    groups.push(pages(m.packs.files));
    groups.push(Array.from({ length: packIndexPages(m.packs.index) }, (_, p) => packIndexPagePath(m.packs!.index, p)));
  }
  groups.push(m.recordShards.pages);
  groups.push([m.series.archives]);
  const s = m.search;
  if (s) {
    groups.push(pages(s.shards.table));
    if (s.shards.count === 1) {
      const shard = s.shards.table.entries?.["0"] as SearchShardManifest | undefined;
      if (shard) groups.push([shard.terms], [shard.filters]);
    }
    groups.push([s.seriesNames]);
    if (s.thesaurus) groups.push([s.thesaurus]);
    groups.push([s.lexicon.path]);
    groups.push(pages(s.vocab));
    groups.push(pages(s.vocabRanges));
    if (s.volumeIndex) groups.push([s.volumeIndex.groupOf]);
  }
  return groups.filter((g) => g.length > 0);
}

/**
 * Bundles what `startupFiles` names, up to STARTUP_BUNDLE_MAX_BYTES (a group that does not fit is skipped whole),
 * into `/packs/startup.<hash>.bin` (under /packs/, whose files a rebuild replaces), and returns the manifest with
 * the bundle named; the manifest as it was when nothing fits. `read` gives a built file's bytes.
 */
export function withStartupBundle(
  m: Manifest,
  read: (path: string) => Uint8Array,
  emit: (path: string, data: Uint8Array) => void,
  maxBytes = STARTUP_BUNDLE_MAX_BYTES,
): Manifest {
  const files: Array<[string, Uint8Array]> = [];
  const seen = new Set<string>();
  let total = 0;
  for (const group of startupFiles(m)) {
    const fresh = group.filter((p) => !seen.has(p));
    const bytes = fresh.map(read);
    const size = bytes.reduce((n, b) => n + b.byteLength, 0);
    if (total + size > maxBytes) continue;
    fresh.forEach((p, i) => {
      seen.add(p);
      files.push([p, bytes[i]!]);
    });
    total += size;
  }
  // One file is no saving: it is read on its own as it is.
  if (files.length < 2) return m;
  const bundle = new Uint8Array(total);
  let at = 0;
  for (const [, b] of files) {
    bundle.set(b, at);
    at += b.byteLength;
  }
  const path = `/packs/startup.${contentHash(bundle)}.bin`;
  emit(path, bundle);
  const startup: StartupBundle = { path, files: files.map(([p, b]) => [p, b.byteLength]) };
  return { ...m, startup };
}

/** A built file's bytes, wherever the writer holds it (in memory or spilled under `spillDir`). */
export function builtBytes(out: Pick<AssetWriter, "files" | "spillDir">, path: string): Uint8Array {
  const held = out.files.get(path);
  if (held !== undefined) return typeof held === "string" ? Buffer.from(held) : held;
  if (!out.spillDir) throw new Error(`startup-bundle: ${path} is not among the built files`);
  return readFileSync(join(out.spillDir, path));
}
