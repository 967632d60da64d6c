/**
 * A built assets folder as an upload source (scripts/lib/r2-upload.ts). Node only.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { BuildSource } from "./r2-upload";

/** Asset paths of every file under `dir`, skipping dot-files (temporaries, build records). */
export function listBuildFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith(".")) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push("/" + relative(dir, p).split("\\").join("/"));
    }
  };
  walk(dir);
  return out;
}

export function diskBuildSource(dir: string): BuildSource {
  return {
    list: async () => listBuildFiles(dir),
    read: async (path) => new Uint8Array(readFileSync(join(dir, path))),
  };
}
