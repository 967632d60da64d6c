/**
 * Runs the real Worker in workerd through Miniflare, against any assets
 * directory, for the evaluation and benchmarks. Not `wrangler dev`: its
 * DevTools tracking distorts asset loads.
 */
import { build } from "esbuild";
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

// The Miniflare that wrangler pins (the same as the vitest plugin's), so one workerd serves everything.
const require = createRequire(resolve("node_modules/wrangler/package.json"));
const { Miniflare, convertV4MiniflareOptions } = require("miniflare") as typeof import("miniflare");

export interface LocalWorker {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

/** Bundles src/index.ts once into a temporary directory; returns the script path. */
export async function bundleWorker(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "dossier-worker-"));
  const outfile = join(dir, "worker.js");
  await build({
    entryPoints: [resolve("src/index.ts")],
    bundle: true, format: "esm", platform: "browser", target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    // As in wrangler.toml: FlexSearch's worker mode is never used, so its import is shimmed.
    alias: { worker_threads: resolve("src/worker/shims/worker-threads.ts") },
    external: ["cloudflare:*", "node:*"],
    outfile, logLevel: "error",
  });
  return outfile;
}

export async function startLocalWorker(options: { assetsDir: string; scriptPath?: string; bindings?: Record<string, string>; inspectorPort?: number }): Promise<LocalWorker> {
  const scriptPath = options.scriptPath ?? (await bundleWorker());
  // Miniflare 5 reads its own option shape; the v4 one below converts to it.
  const mf = new Miniflare(convertV4MiniflareOptions({
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath),
    compatibilityDate: "2026-11-01",
    assets: { directory: resolve(options.assetsDir), binding: "ASSETS", routerConfig: { has_user_worker: true } },
    kvNamespaces: ["CACHE"],
    // The same binding as wrangler.toml: a sharded index fans out through real Durable Objects.
    durableObjects: { SEARCH_SHARDS: "SearchShard" },
    bindings: { RATE_LIMIT_PER_MINUTE: "0", ...options.bindings },
    ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
  } as unknown as Parameters<typeof convertV4MiniflareOptions>[0]));
  await mf.ready;
  return {
    fetch: (path, init) => mf.dispatchFetch(`http://dossier.local${path}`, init as never) as unknown as Promise<Response>,
    dispose: async () => {
      await mf.dispose();
      if (!options.scriptPath) rmSync(join(scriptPath, ".."), { recursive: true, force: true });
    },
  };
}
