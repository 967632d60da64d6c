/**
 * Runs the real Worker in workerd through Miniflare, for the evaluation, the
 * benchmarks, the load run and Node-side tests. Not `wrangler dev`: its proxy
 * and DevTools tracking would sit in every timing.
 *
 * Every runtime setting (compatibility date and flags, KV, Durable Object and
 * assets bindings, the bundler aliases) is read from wrangler.toml through
 * wrangler's own mapping, so this file repeats none of them.
 */
import { build } from "esbuild";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { writeStaticPart } from "./build-source";

const ROOT = resolve(import.meta.dirname, "../..");
const WRANGLER_TOML = join(ROOT, "wrangler.toml");

/** wrangler.toml as wrangler reads it (name, compatibility date, aliases, bindings). */
export function wranglerConfig(env?: string): ReturnType<typeof unstable_readConfig> {
  return unstable_readConfig({ config: WRANGLER_TOML, ...(env ? { env } : {}) }, { hideWarnings: true });
}

export function compatibilityDate(): string {
  const date = wranglerConfig().compatibility_date;
  if (!date) throw new Error(`local-worker: ${WRANGLER_TOML} has no compatibility_date`);
  return date;
}

/** The Miniflare and workerd versions in use, for benchmark reports. */
export function runtimeVersions(): { miniflare: string; workerd: string } {
  const pkg = (p: string) =>
    JSON.parse(readFileSync(join(ROOT, "node_modules", p, "package.json"), "utf8")).version as string;
  return { miniflare: pkg("miniflare"), workerd: pkg("workerd") };
}

/**
 * Bundles a Worker entry (default: wrangler.toml's `main`) into one ESM file in
 * `outDir` (default: a fresh temporary directory), with wrangler.toml's aliases; returns its path.
 */
export async function bundleWorker(
  entry?: string,
  outDir?: string,
  /**
   * `keepNames`: keep names (classes, functions) whatever wrangler.toml says, so a heap snapshot names what holds
   * memory. `minify: false`: readable, so a CPU profile's frames name the source's functions.
   */
  opts: { keepNames?: boolean; minify?: boolean } = {},
): Promise<string> {
  const config = wranglerConfig();
  const dir = outDir ?? mkdtempSync(join(tmpdir(), "dossier-worker-"));
  const outfile = join(dir, "worker.js");
  const alias = Object.fromEntries(Object.entries(config.alias ?? {}).map(([k, v]) => [k, resolve(ROOT, String(v))]));
  await build({
    entryPoints: [resolve(ROOT, entry ?? config.main!)],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    // As `wrangler deploy` bundles it: wrangler.toml's `minify` and `keep_names` (wrangler keeps names by default).
    minify: opts.minify ?? config.minify ?? false,
    keepNames: opts.keepNames || (config.keep_names ?? true),
    conditions: ["workerd", "worker", "browser"],
    alias: { ...alias, ...Object.fromEntries(Object.entries(alias).map(([k, v]) => [`node:${k}`, v])) },
    external: ["cloudflare:*", "node:*"],
    outfile,
    logLevel: "error",
  });
  return outfile;
}

export interface HeapUsage {
  usedSize: number;
  totalSize: number;
  /**
   * Bytes of ArrayBuffer backing stores (typed arrays' contents: decoded postings, chunks as read), which live
   * outside the V8 heap and so outside `usedSize`, but count toward an isolate's memory limit. Undefined when the
   * runtime's inspector does not report it.
   */
  backingStorageSize?: number;
}

/** A V8 sampling heap profile as the inspector's `HeapProfiler.stopSampling` returns it. */
export interface AllocationProfile {
  head: AllocationNode;
}

export interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  /** Bytes allocated by this frame itself (sampled). */
  selfSize: number;
  children: AllocationNode[];
}

/** A V8 CPU profile as the inspector's `Profiler.stop` returns it. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

export interface LocalWorker {
  /** An in-process request (no HTTP socket in the way). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Loopback HTTP origin of workerd's own entry socket, for load tools; set with `http`. */
  url: string | null;
  /** V8 heap of the Worker's isolate (after a full GC when `gc`); null without `inspector`. */
  heap(gc: boolean): Promise<HeapUsage | null>;
  /** Heap of every isolate workerd runs (the Worker and Miniflare's KV, cache and asset simulations). */
  isolateHeaps(gc: boolean): Promise<Array<{ isolate: string; collected: boolean } & HeapUsage>>;
  /** Writes a V8 heap snapshot of the Worker's isolate; needs `inspector`. */
  heapSnapshot(file: string): Promise<void>;
  /**
   * A V8 CPU profile of the Worker's isolate over `work` (its requests): the profiler starts as the first request
   * enters (an isolate reads inspector commands only then) and stops on the poke after `work`. Needs `inspector`.
   */
  cpuProfile<T>(work: () => Promise<T>, intervalUs?: number): Promise<{ result: T; profile: CpuProfile }>;
  /**
   * V8's sampling heap profile of the Worker's isolate over `work`: where the JS heap's allocations were made
   * (sampled every `intervalBytes`), including what was collected since. Needs `inspector`.
   */
  allocationProfile<T>(
    work: () => Promise<T>,
    intervalBytes?: number,
  ): Promise<{ result: T; profile: AllocationProfile }>;
  /** The workerd process serving it (Linux); null elsewhere. */
  pid: number | null;
  /** Resident memory of this workerd process, from /proc (Linux); null elsewhere. */
  rssBytes(): number | null;
  startMs: number;
  dispose(): Promise<void>;
}

export interface LocalWorkerOptions {
  assetsDir: string;
  /** A bundle from `bundleWorker()`, shared between workers; bundled (and removed on dispose) when absent. */
  scriptPath?: string;
  /** Plain-text vars, on top of RATE_LIMIT_PER_MINUTE "0" (no limiting: benches send thousands of requests). */
  bindings?: Record<string, string>;
  /** Bind KV CACHE and the Cache API as production does (default true). Off when a bench wants the index's figures. */
  caches?: boolean;
  /** Open workerd's inspector on a free loopback port, for the heap probes. */
  inspector?: boolean;
  /** With `inspector`: this port instead of a free one (a bench kept to a port range). */
  inspectorPort?: number;
  /** Serve HTTP on this loopback port (0 picks a free one); without it, only `fetch` reaches the Worker. */
  httpPort?: number;
  /** Keep KV, cache and Durable Object data here (default: Miniflare's temporary directory). */
  persistTo?: string;
  /**
   * Serve the catalogue from Miniflare's R2 as wrangler.toml's `[env.r2]` Worker does, from the bucket persisted
   * under this folder (loaded with `uploadLocal` of scripts/deploy-r2.ts). Miniflare persists every resource in
   * one folder, so on dispose everything there but the bucket (KV, the Cache API, objects) is removed: the next
   * runtime starts with empty caches, as a cold sample needs.
   */
  r2Persist?: string;
  /**
   * The request that makes the isolate take inspector commands (an isolate reads them only when a request enters
   * it). Default: a new search each time, which also reaches the Cache API and KV simulations' isolates. A bench
   * measuring one shard object alone gives a path that fans out to no object (`/health`): a search's pokes would
   * load every group's caches into the isolate it measures.
   */
  pokePath?: string;
  /**
   * The search shard objects in a workerd process apart from the Worker's. In one runtime the Worker and its
   * objects share workerd's thread, so an object's scoring holds up the Worker's reads; apart, each call passes
   * through Miniflare's dev registry instead (docs/benchmarks-history.md, thirty-fifth session). Start the `host` first (it
   * serves the SearchShard class under `name`), then the `caller` (the Worker, whose SEARCH_SHARDS binding reaches
   * the host's objects); both register in the dev registry at `registry`, a folder of their own.
   */
  shardObjects?: { registry: string; role: "host" | "caller"; name: string };
  /**
   * Read the static assets from a workerd process of their own (`startAssetServer`), at this loopback address,
   * instead of Miniflare's asset workers in the Worker's runtime, where they share workerd's one thread with the
   * Worker (deployed, static assets are served outside the Worker's isolate). A cold request measured so was no
   * faster: the Worker's own work sets its time (BENCHMARKS.md, thirty-eighth session).
   */
  assetServer?: string;
  /**
   * Warm Miniflare's KV, Cache API and (served from R2, `r2Persist`) R2 simulations before the Worker's first
   * request, through a Worker of their own beside it that shares its KV namespace, the runtime's cache store and its
   * bucket, on keys no search asks for and by reads only in the bucket; the Worker's isolate stays cold. Deployed,
   * these are services outside the isolate, always running; locally each is a Durable Object with its own isolate
   * and SQLite file, cold in a fresh runtime, whose start shares workerd's threads with the Worker's first request.
   * Miniflare's per-Worker cache entry (a small isolate in front of the shared cache object) stays cold. Not counted
   * in `startMs`. With `caches` only.
   */
  warmSimulators?: boolean;
}

/** The Worker beside the measured one that warms Miniflare's simulations (`warmSimulators`), and its rounds. */
const SIMULATORS_WARMER = "dossier-simulators-warmer";
const SIMULATORS_WARMER_ROUNDS = 20;
/**
 * Writes and reads back a KV entry and a Cache API entry of its own, and, served from R2, lists the bucket and reads
 * one byte of its first object (never writing there); answers with the simulations whose reads came back.
 */
const SIMULATORS_WARMER_SCRIPT = `export default {
  async fetch(request, env) {
    const i = new URL(request.url).searchParams.get("i");
    const key = "simulators-warmer:" + i;
    const url = "http://simulators-warmer.local/" + i;
    await env.CACHE.get(key);
    await env.CACHE.put(key, "x".repeat(2048));
    await caches.default.match(url);
    await caches.default.put(url, new Response("x".repeat(2048), { headers: { "cache-control": "max-age=60" } }));
    const warmed = [];
    if ((await env.CACHE.get(key)) !== null) warmed.push("kv");
    if ((await caches.default.match(url)) !== undefined) warmed.push("cache");
    if (env.BUCKET) {
      const first = (await env.BUCKET.list({ limit: 1 })).objects[0];
      const byte = first ? await env.BUCKET.get(first.key, { range: { offset: 0, length: 1 } }) : null;
      if (byte && (await byte.arrayBuffer()).byteLength === 1) warmed.push("r2");
    }
    return new Response(warmed.join(","));
  },
};`;

/**
 * Bytes of the WebAssembly memories a bench entry's isolate keeps its scoring arrays in (`/__bench/scoring-memory`,
 * scripts/bench/bench-worker.ts). V8 counts them apart from array buffers, so a heap probe's `backingStorageSize`
 * leaves them out: the bench's array-buffer figures add them.
 */
export async function scoringMemoryBytes(w: LocalWorker): Promise<number> {
  const res = await w.fetch("/__bench/scoring-memory");
  if (res.status !== 200) throw new Error(`local-worker: /__bench/scoring-memory answered HTTP ${res.status}`);
  return ((await res.json()) as { bytes: number }).bytes;
}

/**
 * Miniflare's static assets of `dir` served by a workerd process of their own, over loopback HTTP: a Worker
 * that passes every request to its ASSETS binding. For `LocalWorkerOptions.assetServer`.
 */
export async function startAssetServer(dir: string): Promise<{ address: string; dispose(): Promise<void> }> {
  const port = await freePort();
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        {
          name: "dossier-asset-server",
          modules: true,
          script: "export default { fetch: (request, env) => env.ASSETS.fetch(request) };",
          compatibilityDate: compatibilityDate(),
          assets: { directory: resolve(dir), binding: "ASSETS", routerConfig: { has_user_worker: true } },
        },
      ],
      host: "127.0.0.1",
      port,
    } as never),
  );
  const origin = await mf.ready;
  // Deployed, the asset service is never a cold isolate: warm this one's code on a file no search reads.
  for (let i = 0; i < 50; i++) await (await fetch(new URL(`/_headers?warm=${i}`, origin))).arrayBuffer();
  return { address: `127.0.0.1:${port}`, dispose: () => mf.dispose() };
}

export async function startLocalWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  const scriptPath = options.scriptPath ?? (await bundleWorker());
  if (options.r2Persist && options.persistTo)
    throw new Error("local-worker: r2Persist and persistTo both name where resources persist; give one");
  const env = options.r2Persist ? "r2" : undefined;
  const config = wranglerConfig(env);
  const persist = options.r2Persist ? resolve(options.r2Persist, "v3") : options.persistTo;
  // Served from R2, static assets hold only the build's part that is not in the bucket, as `[env.r2.assets]` does
  // (Miniflare refuses a folder with a file over 25 MiB, which a 10M build may have).
  const statics = options.r2Persist ? mkdtempSync(join(tmpdir(), "dossier-r2-static-")) : null;
  if (statics) writeStaticPart(options.assetsDir, statics);
  const {
    workerOptions: { modulesRules: _bundled, ...withAssets },
  } = unstable_getMiniflareWorkerOptions(config, env, {
    overrides: { assets: { directory: statics ?? resolve(options.assetsDir) } },
  });
  // `_bundled`: module rules are for wrangler's bundler; the script here is one bundled file.
  const { assets: _assets, ...withoutAssets } = withAssets as typeof withAssets & { assets?: unknown };
  const workerOptions = options.assetServer
    ? {
        ...withoutAssets,
        serviceBindings: {
          ...(withoutAssets.serviceBindings as Record<string, unknown> | undefined),
          ASSETS: { external: { address: options.assetServer, http: {} } },
        },
      }
    : withAssets;
  const caches = options.caches ?? true;
  const warmer = caches && (options.warmSimulators ?? false);
  const inspectorPort = options.inspector ? (options.inspectorPort ?? (await freePort())) : undefined;
  const before = workerdChildren();
  const t0 = performance.now();
  // wrangler maps wrangler.toml to Miniflare 4-shaped options; Miniflare 5 converts them itself.
  const apart = options.shardObjects;
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        {
          ...workerOptions,
          name: apart?.role === "host" ? apart.name : config.name,
          ...(apart?.role === "caller"
            ? {
                durableObjects: {
                  SEARCH_SHARDS: { className: "SearchShard", scriptName: apart.name, useSQLite: true },
                },
              }
            : {}),
          rootPath: ROOT,
          modules: true,
          scriptPath,
          modulesRoot: dirname(scriptPath),
          ...(caches ? {} : { kvNamespaces: {} }),
          cache: caches,
          // Miniflare 5 reads the Cache API switch as `cacheAPI`; without it `caches.default` stays on
          // and warm mixes were cache hits.
          cacheAPI: caches,
          // wrangler.toml's vars are left out (a local run takes its own origin, not PUBLIC_ORIGIN's), except
          // [env.r2]'s, whose ASSET_BACKEND is what points the Worker at the bucket.
          bindings: {
            ...(env ? (workerOptions.bindings as Record<string, unknown>) : {}),
            RATE_LIMIT_PER_MINUTE: "0",
            ...options.bindings,
          },
        },
        ...(warmer
          ? [
              {
                name: SIMULATORS_WARMER,
                modules: true,
                script: SIMULATORS_WARMER_SCRIPT,
                compatibilityDate: compatibilityDate(),
                kvNamespaces: workerOptions.kvNamespaces as Record<string, string>,
                // Served from R2, the bucket too (bound under one name whatever wrangler.toml calls it).
                ...(env ? { r2Buckets: { BUCKET: Object.values(workerOptions.r2Buckets as object)[0] } } : {}),
                cache: true,
                cacheAPI: true,
              } as never,
            ]
          : []),
      ],
      ...(apart ? { unsafeDevRegistryPath: apart.registry } : {}),
      ...(inspectorPort ? { inspectorPort } : {}),
      ...(options.httpPort !== undefined ? { host: "127.0.0.1", port: options.httpPort } : {}),
      ...(persist ? { resourcePersistencePath: persist } : {}),
    }),
  );
  const ready = await mf.ready;
  const startMs = performance.now() - t0;
  if (warmer) {
    const fetcher = await mf.getWorker(SIMULATORS_WARMER);
    const want = env ? "kv,cache,r2" : "kv,cache";
    for (let i = 0; i < SIMULATORS_WARMER_ROUNDS; i++) {
      const res = await fetcher.fetch(`http://simulators-warmer.local/?i=${i}`);
      const warmed = await res.text();
      if (warmed !== want) throw new Error(`local-worker: the simulators' warmer read back ${warmed}, not ${want}`);
    }
  }
  const pid = workerdChildren().find((p) => !before.includes(p)) ?? null;
  const target = `core:user:${apart?.role === "host" ? apart.name : config.name}`;
  // Each poke is a new search, so it passes through the Cache API and KV simulations as well as the Worker.
  let pokes = 0;
  const poke = async () => {
    const path = options.pokePath ?? `/api/search?q=inspector-poke-${pokes++}`;
    await (await mf.dispatchFetch(`http://dossier.local${path}`)).arrayBuffer();
  };
  const unreachable = new Set<string>();
  const inspect = <T>(isolate: string, run: (c: Inspector) => Promise<T>) => {
    if (!inspectorPort) throw new Error("local-worker: start with { inspector: true } to read the heap");
    return withInspector(inspectorPort, isolate, run);
  };
  return {
    startMs,
    url: options.httpPort !== undefined ? ready.origin : null,
    fetch: (path, init) =>
      mf.dispatchFetch(`http://dossier.local${path}`, init as never) as unknown as Promise<Response>,
    heap: async (gc) => (inspectorPort ? inspect(target, (c) => heapUsage(c, gc, poke)) : null),
    async isolateHeaps(gc) {
      if (!inspectorPort) return [];
      const out: Array<{ isolate: string; collected: boolean } & HeapUsage> = [];
      for (const isolate of await isolates(inspectorPort)) {
        // An isolate takes inspector commands only when a request enters it, and the pokes reach
        // the Worker, the entry, the asset, KV and cache workers but not every internal one:
        // those are read without a GC, and not waited on again.
        const collect = gc && !unreachable.has(isolate);
        const usage = await inspect(isolate, (c) => heapUsage(c, collect, poke, 2000))
          .then((u) => ({ ...u, collected: collect }))
          .catch(() => {
            unreachable.add(isolate);
            return collect
              ? inspect(isolate, (c) => heapUsage(c, false, poke, 2000)).then((u) => ({ ...u, collected: false }))
              : null;
          })
          .catch(() => null);
        if (usage) out.push({ isolate, ...usage });
      }
      return out;
    },
    heapSnapshot: (file) => inspect(target, (c) => snapshot(c, file, poke)),
    cpuProfile: (work, intervalUs = 100) =>
      inspect(target, async (c) => {
        // Sent unawaited: the isolate reads them when `work`'s first request enters, so the profile starts there.
        const started = Promise.all([
          c.call("Profiler.enable"),
          c.call("Profiler.setSamplingInterval", { interval: intervalUs }),
          c.call("Profiler.start"),
        ]);
        const result = await work();
        await nudged(started, poke);
        const { profile } = await nudged(c.call<{ profile: CpuProfile }>("Profiler.stop"), poke);
        return { result, profile };
      }),
    allocationProfile: (work, intervalBytes = 16_384) =>
      inspect(target, async (c) => {
        // As `cpuProfile`: sent unawaited, read by the isolate when `work`'s first request enters. Objects the GC
        // collected stay in the profile, since a cold request pays for every page its allocations touch.
        const started = c.call("HeapProfiler.startSampling", {
          samplingInterval: intervalBytes,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
        const result = await work();
        await nudged(started, poke);
        const { profile } = await nudged(c.call<{ profile: AllocationProfile }>("HeapProfiler.stopSampling"), poke);
        return { result, profile };
      }),
    pid,
    rssBytes: () => (pid === null ? null : rssOf(pid)),
    dispose: async () => {
      await mf.dispose();
      if (persist && options.r2Persist)
        for (const name of readdirSync(persist)) if (name !== "r2") rmSync(join(persist, name), { recursive: true });
      if (!options.scriptPath) rmSync(dirname(scriptPath), { recursive: true, force: true });
      if (statics) rmSync(statics, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/**
 * Minor page faults of a process so far (field 10 of `/proc/<pid>/stat`): each is a page of memory touched for the
 * first time. On this machine (a Firecracker guest of a PVM host) a fault costs about 11 µs, 2.6 ms a MiB touched
 * (scratch C and Node probes, docs/benchmarks-history.md), so a cold request's faults are a large and steady share of its
 * time: what its fresh memory costs, apart from the machine's load. null where /proc is not there.
 */
export function minorFaults(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[7]);
  } catch {
    return null;
  }
}

/**
 * CPU time a process's threads have run so far, in ms (the sum of each thread's `/proc/<pid>/task/<tid>/schedstat`,
 * kept in ns): between two readings around a request, what workerd's isolate, asset binding and cache simulations
 * spent on it; at ready, what its start took (scripts/bench/isolate-start.ts). workerd runs its
 * services on one thread, so the wall time of a request is mostly this, plus what other processes take from the
 * cores; unlike wall time, it hardly moves with the machine's load. null where /proc is not there.
 */
export function processCpuMs(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`))
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    return ns / 1e6;
  } catch {
    return null;
  }
}

/** workerd processes started by this Node process (Miniflare spawns them as direct children). */
export function workerdChildren(): number[] {
  const out: number[] = [];
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // "pid (comm) state ppid …": comm may hold spaces, so split after its closing parenthesis.
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && comm.startsWith("workerd")) out.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

export function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

interface Inspector {
  call<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  on(event: string, listener: (params: unknown) => void): void;
}

async function isolates(port: number): Promise<string[]> {
  const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ id: string }>;
  return list.map((t) => t.id);
}

/** One DevTools-protocol session with an isolate of workerd (V8 inspector over a WebSocket). */
async function withInspector<T>(port: number, isolate: string, run: (c: Inspector) => Promise<T>): Promise<T> {
  const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{
    id: string;
    webSocketDebuggerUrl: string;
  }>;
  const target = list.find((t) => t.id === isolate);
  if (!target)
    throw new Error(
      `local-worker: the inspector lists no isolate ${isolate} (has ${list.map((t) => t.id).join(", ")})`,
    );
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise<void>((res, rej) => {
    ws.addEventListener("open", () => res(), { once: true });
    ws.addEventListener("error", () => rej(new Error(`local-worker: could not open the inspector of ${isolate}`)), {
      once: true,
    });
  });
  let nextId = 1;
  const waiting = new Map<number, { res: (v: unknown) => void; rej: (e: Error) => void; method: string }>();
  const listeners = new Map<string, Array<(params: unknown) => void>>();
  ws.addEventListener("message", (ev) => {
    const msg = JSON.parse(String(ev.data));
    if (msg.id !== undefined) {
      const w = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) w?.rej(new Error(`${w.method}: ${msg.error.message}`));
      else w?.res(msg.result);
    } else {
      for (const l of listeners.get(msg.method) ?? []) l(msg.params);
    }
  });
  const session: Inspector = {
    call: <T>(method: string, params = {}) =>
      new Promise<T>((res, rej) => {
        const id = nextId++;
        waiting.set(id, { res: res as (v: unknown) => void, rej, method });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    on: (event, listener) => listeners.set(event, [...(listeners.get(event) ?? []), listener]),
  };
  try {
    return await run(session);
  } finally {
    ws.close();
  }
}

/**
 * workerd runs an inspector command only when a request next takes the
 * isolate's lock, so long commands are sent and then poked along with requests
 * until they answer.
 */
async function nudged<T>(command: Promise<T>, poke: () => Promise<void>, timeoutMs = 20_000): Promise<T> {
  let done = false;
  const settled = command.finally(() => {
    done = true;
  });
  const deadline = performance.now() + timeoutMs;
  while (!done && performance.now() < deadline) {
    await poke();
    await Promise.race([settled.catch(() => {}), new Promise((r) => setTimeout(r, 50))]);
  }
  if (!done) throw new Error(`local-worker: the inspector did not answer within ${timeoutMs} ms`);
  return settled;
}

async function heapUsage(c: Inspector, gc: boolean, poke: () => Promise<void>, timeoutMs?: number): Promise<HeapUsage> {
  if (gc) await nudged(c.call("HeapProfiler.collectGarbage"), poke, timeoutMs);
  const r = await nudged(c.call<HeapUsage>("Runtime.getHeapUsage"), poke, timeoutMs);
  return { usedSize: r.usedSize, totalSize: r.totalSize, backingStorageSize: r.backingStorageSize };
}

async function snapshot(c: Inspector, file: string, poke: () => Promise<void>): Promise<void> {
  const chunks: string[] = [];
  c.on("HeapProfiler.addHeapSnapshotChunk", (p) => chunks.push((p as { chunk: string }).chunk));
  await nudged(c.call("HeapProfiler.takeHeapSnapshot", { reportProgress: false }), poke, 120_000);
  const { writeFileSync } = await import("node:fs");
  writeFileSync(file, chunks.join(""));
}
