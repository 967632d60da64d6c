/**
 * A published build's files: for checks that a build change left its output alone (`scripts/bench/same-build.ts`,
 * the threaded-build test), and for the files too large for static assets (`npm run build` warns of them).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { walk } from "../../src/indexer/build-catalogue";

/**
 * Every file under `dir` by path (sorted), with a SHA-256 of its bytes. The manifest is hashed without its
 * `builtAt`, the one field two builds of the same catalogue never share.
 */
export function publishedFileHashes(dir: string): Map<string, string> {
  const root = realpathSync(dir);
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const path = relative(root, p);
        const bytes = readFileSync(p);
        const data = path === "manifest.json" ? bytes.toString("utf8").replace(/"builtAt":"[^"]*"/, "") : bytes;
        out.set(path, createHash("sha256").update(data).digest("hex"));
      }
    }
  };
  walk(root);
  return out;
}

/** Workers static assets take files of at most 25 MiB (Miniflare refuses to serve a folder holding a larger one). */
export const STATIC_ASSET_MAX_BYTES = 25 * 1024 * 1024;

/** The files under `dir` larger than static assets take, largest first; R2 objects have no such limit. */
export function filesOverAssetLimit(
  dir: string,
  limit = STATIC_ASSET_MAX_BYTES,
): Array<{ path: string; bytes: number }> {
  return walk(dir)
    .map((p) => ({ path: relative(dir, p), bytes: statSync(p).size }))
    .filter((f) => f.bytes > limit)
    .sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
}
