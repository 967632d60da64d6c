/**
 * A built assets folder as an upload source (scripts/lib/r2-upload.ts). Node only.
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { isCatalogueFile, type BuildSource } from "./r2-upload";

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

/**
 * Writes the part of the build in `dir` that stays in static assets when the catalogue is served from R2 (the
 * widget, `_headers`: whatever `isCatalogueFile` leaves out) to `outDir`, replacing what was there: staged beside
 * it and renamed into place, so `outDir` holds one build's part whole. `[env.r2]` binds it as ASSETS: bound to the
 * whole build, a deploy would send every catalogue file to static assets too (17 GiB at 10M records, and a file
 * over their 25 MiB limit fails it), and Miniflare refuses such a folder before it starts.
 */
export function writeStaticPart(dir: string, outDir: string): string[] {
  const paths = listBuildFiles(dir).filter((p) => !isCatalogueFile(p));
  const staging = `${outDir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  for (const p of paths) {
    mkdirSync(dirname(join(staging, p)), { recursive: true });
    copyFileSync(join(dir, p), join(staging, p));
  }
  mkdirSync(staging, { recursive: true });
  rmSync(outDir, { recursive: true, force: true });
  renameSync(staging, outDir);
  return paths;
}
