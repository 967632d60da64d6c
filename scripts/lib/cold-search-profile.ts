/**
 * What `scripts/bench/cold-cpu-workerd.ts` and `cold-allocations-workerd.ts` share: a fresh local runtime of the
 * Worker, bundled unminified so a profile's frames name the source's functions, whose first search a profiler
 * watches, and the tables they print. Names are not kept by wrapping (wrangler.toml's keep_names), as deployed:
 * esbuild's `__name` wrapper cost a cold search 14 ms in a profile that kept them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleWorker, type LocalWorker, startLocalWorker } from "./local-worker";

/** Runs `measure` on a fresh runtime of the Worker over the catalogue in `assets` (caches bound), then stops it. */
export async function withColdWorker<T>(assets: string, measure: (w: LocalWorker) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "dossier-cold-profile-"));
  try {
    const entry = new URL("../bench/bench-worker.ts", import.meta.url).pathname;
    const script = await bundleWorker(entry, dir, { minify: false });
    // The poke that lets the profiler stop fans out to no shard and searches nothing.
    const w = await startLocalWorker({
      assetsDir: assets,
      scriptPath: script,
      inspector: true,
      pokePath: "/api/health",
    });
    try {
      return await measure(w);
    } finally {
      await w.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The search's `tookMs` and Server-Timing of `query` through `w`. */
export async function search(w: LocalWorker, query: string): Promise<{ tookMs: number; timing: string | null }> {
  const res = await w.fetch(`/api/search?q=${encodeURIComponent(query)}`);
  const body = (await res.json()) as { tookMs: number };
  return { tookMs: body.tookMs, timing: res.headers.get("server-timing") };
}

/** A profile frame as the tables name it: its function and its line in the bundle. */
export function frameKey(frame: { functionName: string; lineNumber: number }): string {
  return `${frame.functionName || "(anonymous)"}${frame.lineNumber >= 0 ? `:${frame.lineNumber + 1}` : ""}`;
}

/** The `top` largest entries of `m`, a line each, the value as `show` writes it. */
export function topLines(m: ReadonlyMap<string, number>, top: number, show: (v: number) => string): string {
  return [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `  ${show(v)}  ${k}`)
    .join("\n");
}
