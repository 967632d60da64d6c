/**
 * Runs the bench Worker in workerd through Miniflare (never `wrangler dev`,
 * whose proxy and reload machinery would sit in every timing).
 *
 * Miniflare 4 is taken from wrangler's own dependency tree: it pairs with the
 * workerd wrangler ships, which is what wrangler.toml's compatibility date is
 * pinned against. The top-level `miniflare` (a 5.x alpha pulled in by
 * vitest-pool-workers) is the fallback.
 */
import { createRequire } from "node:module";
import { existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const ROOT = resolve(import.meta.dirname, "../..");
export const COMPATIBILITY_DATE = "2026-11-01";
const WORKER_NAME = "dossier-bench";

type MiniflareCtor = new (opts: Record<string, unknown>) => {
  ready: Promise<URL>;
  dispatchFetch(url: string, init?: Record<string, unknown>): Promise<{ status: number; headers: Headers; text(): Promise<string>; json(): Promise<unknown> }>;
  dispose(): Promise<void>;
};

function v4Options(mod: { Miniflare: MiniflareCtor; convertV4MiniflareOptions?: (o: Record<string, unknown>) => Record<string, unknown> }): MiniflareCtor {
  const { Miniflare, convertV4MiniflareOptions: convert } = mod;
  if (!convert) return Miniflare;
  return class extends Miniflare { constructor(opts: Record<string, unknown>) { super(convert!(opts)); } } as MiniflareCtor;
}

let cachedCtor: { Miniflare: MiniflareCtor; version: string; workerd: string } | null = null;
export function miniflareModule(): { Miniflare: MiniflareCtor; version: string; workerd: string } {
  if (cachedCtor) return cachedCtor;
  const wranglerPkg = join(ROOT, "node_modules/wrangler/package.json");
  const nested = join(ROOT, "node_modules/wrangler/node_modules/miniflare/package.json");
  const req = createRequire(existsSync(nested) ? wranglerPkg : join(ROOT, "package.json"));
  const mfReq = createRequire(req.resolve("miniflare/package.json"));
  cachedCtor = {
    // Miniflare 5 takes `{ workers: [...] }`; its own converter maps the v4-style options used here.
    Miniflare: v4Options(req("miniflare")),
    version: req("miniflare/package.json").version as string,
    workerd: mfReq("workerd/package.json").version as string,
  };
  return cachedCtor;
}

export interface WorkerBundle {
  script: string;
  /** Named exports of the bundle: Durable Object classes need a binding only when they exist. */
  exports: string[];
}

/** One ESM file with the app, flexsearch and the bench routes; workerd gets what `wrangler deploy` would bundle. */
export async function bundleWorker(outDir: string): Promise<WorkerBundle> {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, "bench-worker.mjs");
  const shim = join(ROOT, "src/worker/shims/worker-threads.ts");
  const result = await build({
    entryPoints: [join(ROOT, "scripts/bench/bench-worker.ts")],
    bundle: true, format: "esm", platform: "browser", target: "es2022",
    conditions: ["workerd", "worker", "browser"], outfile, logLevel: "warning", minify: false, metafile: true,
    external: ["cloudflare:*"],
    // As wrangler.toml's [alias]: FlexSearch names worker_threads for a mode Dossier never uses.
    alias: existsSync(shim) ? { worker_threads: shim, "node:worker_threads": shim } : {},
  });
  const exports = Object.values(result.metafile!.outputs).flatMap((o) => o.exports);
  return { script: outfile, exports };
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
    srv.on("error", rej);
  });
}

export interface Workerd {
  fetch(path: string, init?: { method?: string; body?: string }): Promise<{ status: number; headers: Headers; body: string; wallMs: number }>;
  /** V8 heap of the Worker's isolate, after a full GC when `gc` is set. */
  heap(gc: boolean): Promise<{ usedSize: number; totalSize: number } | null>;
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
}

export async function startWorkerd(bundle: WorkerBundle, assetsDir: string, opts: WorkerdOptions = {}): Promise<Workerd> {
  const script = bundle.script;
  const caches = opts.caches ?? true;
  const { Miniflare } = miniflareModule();
  const inspectorPort = opts.inspector ? await freePort() : undefined;
  const t0 = performance.now();
  const mf = new Miniflare({
    name: WORKER_NAME,
    modules: true,
    modulesRoot: resolve(script, ".."),
    scriptPath: script,
    compatibilityDate: COMPATIBILITY_DATE,
    assets: { directory: resolve(assetsDir), binding: "ASSETS", routerConfig: { has_user_worker: true } },
    kvNamespaces: caches ? ["CACHE"] : [],
    cache: caches,
    ...(bundle.exports.includes("SearchShard") ? { durableObjects: { SEARCH_SHARDS: { className: "SearchShard", useSQLite: true } } } : {}),
    // A rate limiter, if one is mounted, must not throttle a bench that sends thousands of requests.
    bindings: { RATE_LIMIT_PER_MINUTE: "0" },
    ...(inspectorPort ? { inspectorPort } : {}),
  });
  const debug = process.env.BENCH_DEBUG ? (m: string) => console.error(`[workerd] ${m}`) : () => {};
  debug(`starting ${assetsDir}`);
  await mf.ready;
  debug("ready");
  const startMs = performance.now() - t0;
  return {
    startMs,
    async fetch(path, init) {
      debug(`fetch ${path.slice(0, 80)}`);
      const t = performance.now();
      const res = await mf.dispatchFetch(`http://bench.local${path}`, init?.body ? { method: init.method ?? "POST", body: init.body, headers: { "content-type": "application/json" } } : {});
      const body = await res.text();
      return { status: res.status, headers: res.headers, body, wallMs: performance.now() - t };
    },
    async heap(gc) {
      if (!inspectorPort) return null;
      // workerd runs an inspector command that needs the isolate only when a request next takes its lock.
      const poke = async () => { await (await mf.dispatchFetch("http://bench.local/__bench/noop")).text(); };
      return inspectorHeap(inspectorPort, gc, poke);
    },
    dispose: async () => { debug("dispose"); await mf.dispose(); debug("disposed"); },
  };
}

/** `Runtime.getHeapUsage` over the V8 inspector protocol of the user Worker's isolate. */
async function inspectorHeap(port: number, gc: boolean, poke: () => Promise<void>): Promise<{ usedSize: number; totalSize: number } | null> {
  // Node 20 has no global WebSocket; `ws` ships with miniflare. A non-literal specifier because it has no types here.
  const wsModule = "ws";
  const { default: WebSocket } = (await import(wsModule)) as { default: any };
  const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ id: string; webSocketDebuggerUrl: string }>;
  const target = list.find((t) => t.id === `core:user:${WORKER_NAME}`);
  if (!target) return null;
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise<void>((res, rej) => { ws.once("open", () => res()); ws.once("error", rej); });
  let nextId = 1;
  const call = (method: string, params: Record<string, unknown> = {}) => new Promise<any>((res, rej) => {
    const id = nextId++;
    const onMsg = (raw: { toString(): string }) => {
      const msg = JSON.parse(raw.toString());
      if (msg.id !== id) return;
      ws.off("message", onMsg);
      if (msg.error) rej(new Error(`${method}: ${msg.error.message}`)); else res(msg.result);
    };
    ws.on("message", onMsg);
    ws.send(JSON.stringify({ id, method, params }));
  });
  try {
    if (gc) {
      // Poke until the GC has run: a poke that lands before workerd has queued the command does not trigger it.
      let done = false;
      const collected = call("HeapProfiler.collectGarbage").then(() => { done = true; });
      const deadline = performance.now() + 10_000;
      while (!done && performance.now() < deadline) {
        await poke();
        await Promise.race([collected, new Promise((r) => setTimeout(r, 50))]);
      }
      if (!done) return null;
    }
    const r = await call("Runtime.getHeapUsage");
    return { usedSize: r.usedSize, totalSize: r.totalSize };
  } finally {
    ws.close();
  }
}
