/**
 * A published build's files, for checks that a build change left its output alone (`scripts/bench/same-build.ts`,
 * the threaded-build test).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, relative } from "node:path";

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
