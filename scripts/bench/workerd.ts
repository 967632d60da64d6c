/**
 * The bench's view of the Worker in workerd: scripts/lib/local-worker.ts with
 * the bench entry (app plus `/__bench` routes) and per-request wall times.
 */
import {
  bundleWorker as bundle,
  compatibilityDate,
  runtimeVersions,
  scoringMemoryBytes,
  startLocalWorker,
  type HeapUsage,
} from "../lib/local-worker";

export const COMPATIBILITY_DATE = compatibilityDate();

export function miniflareModule(): { version: string; workerd: string } {
  const v = runtimeVersions();
  return { version: v.miniflare, workerd: v.workerd };
}

export interface WorkerBundle {
  script: string;
}

/** One ESM file with the app, flexsearch and the bench routes; workerd gets what `wrangler deploy` would bundle. */
export async function bundleWorker(outDir?: string): Promise<WorkerBundle> {
  return { script: await bundle(new URL("./bench-worker.ts", import.meta.url).pathname, outDir) };
}

export interface Workerd {
  fetch(
    path: string,
    init?: { method?: string; body?: string },
  ): Promise<{ status: number; headers: Headers; body: string; wallMs: number }>;
  /** V8 heap of the Worker's isolate, after a full GC when `gc` is set. */
  heap(gc: boolean): Promise<HeapUsage | null>;
  /** Writes a V8 heap snapshot of the Worker's isolate (needs `inspector`). */
  heapSnapshotTo(file: string): Promise<void>;
  /** Bytes of the WebAssembly memories of the isolate's scoring arrays (see local-worker.ts `scoringMemoryBytes`). */
  scoringMemory(): Promise<number>;
  startMs: number;
  dispose(): Promise<void>;
}

export interface WorkerdOptions {
  inspector?: boolean;
  /**
   * Bind the response caches (KV CACHE and the Cache API) as production does.
   * Off for warm mixes: repeated queries would be answered from cache, and the
   * figure wanted is the index's.
   */
  caches?: boolean;
  /** Serve the catalogue from Miniflare's R2 persisted here (`[env.r2]`; see local-worker.ts), not static assets. */
  r2Persist?: string;
}

export async function startWorkerd(b: WorkerBundle, assetsDir: string, opts: WorkerdOptions = {}): Promise<Workerd> {
  const w = await startLocalWorker({
    assetsDir,
    scriptPath: b.script,
    caches: opts.caches ?? true,
    inspector: opts.inspector,
    r2Persist: opts.r2Persist,
  });
  return {
    startMs: w.startMs,
    async fetch(path, init) {
      const t = performance.now();
      const res = await w.fetch(
        path,
        init?.body
          ? { method: init.method ?? "POST", body: init.body, headers: { "content-type": "application/json" } }
          : {},
      );
      const body = await res.text();
      return { status: res.status, headers: res.headers, body, wallMs: performance.now() - t };
    },
    heap: (gc) => w.heap(gc),
    heapSnapshotTo: (file) => w.heapSnapshot(file),
    scoringMemory: () => scoringMemoryBytes(w),
    dispose: () => w.dispose(),
  };
}
