/**
 * npm run bench [-- --records 10000,100000] [--runs N] [--shards N] [--skip-peers] [--peers flexsearch,minisearch]
 *   [--skip-real] [--write FILE | --no-write] [--json FILE] [--build-threads] [--build-memory MB] [--backend r2]
 *
 * Builds Dossier's assets for synthetic catalogues of each size (and the real
 * corpora in ../shared, when present), then measures inside workerd via
 * Miniflare: cold first query in a fresh isolate, warm query and suggest
 * latency over a mix, and isolate heap after a 20-query mix. Peers (plain
 * FlexSearch 0.8, MiniSearch 7, Orama 3) run on the same corpus and queries.
 * Prints its report and writes it to bench/out/BENCHMARKS.generated.md (or --write FILE; BENCHMARKS.md is kept by
 * hand and quotes these reports), and with --json the synthetic figures as
 * `{ sizes: { "<records>": { dossier, flexsearch, minisearch } } }`. Every figure is the median over --runs runs.
 * `--backend r2` serves each build from Miniflare's R2 (wrangler.toml's `[env.r2]` Worker), loaded from the build
 * as `npm run deploy:r2 -- --local` loads it, instead of from static assets.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync, spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { getHeapStatistics } from "node:v8";
import { syntheticCorpus, queryMix, writeJsonl } from "./synthetic-catalogue";
import { buildAssets, type BuildOutcome } from "./build-assets";
import { configuredBucket, uploadLocal } from "../deploy-r2";
import {
  bundleWorker,
  miniflareModule,
  startWorkerd as startRuntime,
  COMPATIBILITY_DATE,
  type Workerd,
  type WorkerBundle,
} from "./workerd";
import { buildPeer, peerDocs, PEERS, type PeerName } from "./peers";
import { fmtBytes, fmtMs, median, percentile, ratio } from "./stats";
import type { CatalogueRecord } from "../../src/shared/record";
import { builtRecordShardPaths, readBuiltManifest, readBuiltRecordShard } from "../../src/indexer/build-folders";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(ROOT, "bench/out");
const CORPORA = resolve(ROOT, "../shared/corpora");

const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "10000,100000" },
    runs: { type: "string", default: "3" },
    shards: { type: "string" },
    /** Builds with `npm run build -- --threads` (the record passes on a second thread; pays only on a free core). */
    "build-threads": { type: "boolean", default: false },
    /**
     * Builds with `npm run build -- --memory MB`. Without it the build takes its default budget, which grows with
     * the data (about twice its size past 2,048 MB): a 10M catalogue is to be built within 3 GB (issue 14).
     */
    "build-memory": { type: "string" },
    "skip-peers": { type: "boolean", default: false },
    /**
     * Only these Node peers (default all); plain FlexSearch also runs in workerd when listed.
     * Orama takes 15 minutes at 100k.
     */
    peers: { type: "string" },
    "skip-real": { type: "boolean", default: false },
    write: { type: "string", default: join(OUT, "BENCHMARKS.generated.md") },
    "no-write": { type: "boolean", default: false },
    json: { type: "string" },
    /** Where Dossier reads its catalogue: "assets" (static assets, the default) or "r2" (Miniflare's R2). */
    backend: { type: "string", default: "assets" },
    /**
     * Leaves out a sharded build's per-object figures (each search-shard group's object alone in a runtime, as
     * deployed; `serve-scale.ts --groups all`), which take about 15 s a group at a million records.
     */
    "skip-objects": { type: "boolean", default: false },
  },
});
if (args.backend !== "assets" && args.backend !== "r2")
  throw new Error(`bench: --backend ${args.backend}: give "assets" or "r2"`);
const sizes = args
  .records!.split(",")
  .map((s) => Number(s.trim().replace(/_/g, "")))
  .filter((n) => n > 0);
const runs = Math.max(1, Number(args.runs));
/** Forces the search shard count, as `npm run build -- --shards N` does; default: what the build decides. */
const searchShards = args.shards ? Number(args.shards) : undefined;

// A million records' build holds several GB; re-run with a heap that fits rather than crash at 4 GB.
const wantHeapMb = Math.max(...sizes) >= 500_000 ? 16_000 : 0;
if (wantHeapMb && getHeapStatistics().heap_size_limit < wantHeapMb * 1e6 * 0.9 && !process.env.DOSSIER_BENCH_CHILD) {
  const r = spawnSync(
    process.execPath,
    [`--max-old-space-size=${wantHeapMb}`, ...process.execArgv, ...process.argv.slice(1)],
    {
      stdio: "inherit",
      env: { ...process.env, DOSSIER_BENCH_CHILD: "1" },
    },
  );
  process.exit(r.status ?? 1);
}

const started = performance.now();
const log = (line: string) => console.error(`[bench +${((performance.now() - started) / 1000).toFixed(0)}s] ${line}`);

/** Cold queries: a name (loads literal, stem, variant and phonetic chunks) and three common words (solo chunks). */
const COLD_ONE = "Besedovsky";
/** A common word for the cold one-term figure as well: its postings are the largest a one-word query reads. */
const COLD_COMMON = "soviet";
const COLD_THREE = "soviet embassy paris";
/** References in the warm record-lookup mix (issue 14: lookup by reference ≤ 5 ms warm). */
const LOOKUP_REFS = 100;
/** Warm-mix rounds per run; enough that 1 ms clock ticks average out below 0.01 ms per query. */
const MIX_ROUNDS = 10;

/** `--backend r2`: the folder whose Miniflare R2 holds each build, by the build's assets folder. */
const r2Folders = new Map<string, string>();

/** A fresh workerd runtime serving `assets`, from static assets or, once loaded there, from R2. */
function startWorkerd(script: WorkerBundle, assets: string, opts: Parameters<typeof startRuntime>[2] = {}) {
  return startRuntime(script, assets, { ...opts, r2Persist: r2Folders.get(assets) });
}

interface Cold {
  serverMs: number;
  tookMs: number;
  wallMs: number;
  hits: number;
  timing?: string;
}
interface EngineResult {
  engine: string;
  where: "workerd" | "node";
  buildMs?: number;
  indexRaw?: number;
  indexGzip?: number;
  extra?: string;
  coldFloor?: Cold;
  cold1?: Cold;
  cold1Common?: Cold;
  cold3?: Cold;
  warmP50?: number;
  warmP99?: number;
  tookP50?: number;
  tookP99?: number;
  wallP50?: number;
  wallP99?: number;
  suggestP50?: number;
  suggestP99?: number;
  /** Record lookup by reference (`/api/lookup`), whole route in the isolate: Dossier only. */
  lookupP50?: number;
  lookupP99?: number;
  heapUsed?: number | null;
  /** Heap after the whole warm mix, not only 20 queries. */
  heapSteady?: number | null;
  /** ArrayBuffer backing stores (outside the V8 heap, inside the isolate's memory), after 20 queries and the mix. */
  buffersUsed?: number | null;
  buffersSteady?: number | null;
  heapNote?: string;
  zeroHitShare?: number;
  /** A sharded build's figures with each shard object alone in a runtime, as deployed (see `objectsAlone`). */
  perObject?: ObjectsAlone;
}

/**
 * A sharded build measured as deployed, where each search-shard object has an isolate of its own (locally they all
 * share the Worker's). Every group's object is measured alone, with the Worker, in a fresh runtime of its own
 * (`serve-scale.ts --groups all`); a deployed query waits for its slowest object, so each figure is the slowest
 * group's: per query for the warm mix, per cold query, and the heaviest isolate.
 */
interface ObjectsAlone {
  groups: number;
  /** Warm mix: p50 / p99 over queries of each query's slowest group's `tookMs`. */
  warmP50: number;
  warmP99: number;
  /** Cold first queries, `tookMs` and the whole request in the isolate, the slowest group's. */
  cold: { rare: number | null; common: number | null; three: number | null };
  coldServer: { rare: number | null; common: number | null; three: number | null };
  /** The same cold `tookMs`, the median group's: one sample a group, so the slowest takes any hiccup of the machine. */
  coldMedian: { rare: number | null; common: number | null; three: number | null };
  /** The heaviest group's isolate after the mix (the Worker and one object): V8 heap and array buffers. */
  heap: number | null;
  buffers: number | null;
}
interface CorpusResult {
  label: string;
  records: number;
  build: BuildOutcome | null;
  engines: EngineResult[];
  notes: string[];
}

const medianCold = (xs: Cold[]): Cold => ({
  serverMs: median(xs.map((x) => x.serverMs)),
  tookMs: median(xs.map((x) => x.tookMs)),
  wallMs: median(xs.map((x) => x.wallMs)),
  hits: median(xs.map((x) => x.hits)),
});

/** First request to a fresh isolate. `path` null = the health route, the floor any first request pays. */
async function dossierCold(script: WorkerBundle, assets: string, q: string | null): Promise<Cold> {
  const samples: Cold[] = [];
  const timings: string[] = [];
  for (let i = 0; i < runs; i++) {
    const w = await startWorkerd(script, assets);
    try {
      const res = await w.fetch(q === null ? "/api/health" : `/api/search?q=${encodeURIComponent(q)}`);
      if (res.status !== 200) throw new Error(`cold ${q}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
      const body = JSON.parse(res.body) as { tookMs?: number; total?: number | { value: number } };
      const hits = typeof body.total === "object" ? body.total.value : body.total;
      samples.push({
        serverMs: Number(res.headers.get("x-bench-ms")),
        tookMs: body.tookMs ?? NaN,
        wallMs: res.wallMs,
        hits: hits ?? NaN,
      });
      timings.push(res.headers.get("server-timing") ?? "");
    } finally {
      await w.dispose();
    }
  }
  const m = medianCold(samples);
  // The sample nearest the median, so its phases add up to the figure shown.
  const k = samples.findIndex((x) => x.serverMs === m.serverMs);
  return { ...m, timing: timings[Math.max(k, 0)] };
}

/** p50/p99 across the mix of per-query mean times (in-isolate), median over runs; plus wall time per request. */
interface Warm {
  p50: number;
  p99: number;
  tookP50: number;
  tookP99: number;
  wallP50: number;
  wallP99: number;
  cache: string[];
  /** Asset reads through the binding during the timed mixes, by kind (the Worker isolate's store). */
  reads: Record<string, number>;
  rounds: number;
}
async function dossierWarm(w: Workerd, paths: string[]): Promise<Warm & { zero: number }> {
  const mixOnce = async (rounds: number) => {
    const res = await w.fetch("/__bench/mix", { body: JSON.stringify({ paths, rounds }) });
    if (res.status !== 200) throw new Error(`mix: HTTP ${res.status} ${res.body.slice(0, 300)}`);
    const out = JSON.parse(res.body) as {
      meanMs: number[];
      tookMs: number[];
      statuses: number[];
      cache: string[];
      assetReads?: Record<string, number>;
    };
    if (out.statuses.some((s) => s !== 200)) throw new Error(`mix: statuses ${out.statuses.join(",")}`);
    return out;
  };
  // Warm-up, one request at a time from outside: loads every chunk the mix needs, and gives wall times and hit counts.
  const walls: number[] = [];
  let zero = 0;
  for (const p of paths) {
    const r = await w.fetch(p);
    walls.push(r.wallMs);
    if (/"total":(?:\{"value":)?0[,}]/.test(r.body)) zero++;
  }
  const first = await mixOnce(1);
  // Fewer rounds when queries are slow: the 1 ms tick is then a small share of each, and the run stays short.
  const meanMs = first.meanMs.reduce((a, b) => a + b, 0) / paths.length;
  const rounds = Math.max(2, Math.min(MIX_ROUNDS, Math.round(MIX_ROUNDS / Math.max(1, meanMs))));
  const p50s: number[] = [],
    p99s: number[] = [],
    t50: number[] = [],
    t99: number[] = [];
  const cache = new Set<string>();
  const reads: Record<string, number> = {};
  for (let i = 0; i < runs; i++) {
    const out = await mixOnce(rounds);
    for (const c of out.cache) cache.add(c);
    for (const [k, v] of Object.entries(out.assetReads ?? {})) if (v) reads[k] = (reads[k] ?? 0) + v;
    p50s.push(percentile(out.meanMs, 50));
    p99s.push(percentile(out.meanMs, 99));
    t50.push(percentile(out.tookMs, 50));
    t99.push(percentile(out.tookMs, 99));
  }
  return {
    p50: median(p50s),
    p99: median(p99s),
    tookP50: median(t50),
    tookP99: median(t99),
    wallP50: percentile(walls, 50),
    wallP99: percentile(walls, 99),
    cache: [...cache],
    reads,
    zero,
    rounds,
  };
}

async function dossierHeap(
  script: WorkerBundle,
  assets: string,
  paths: string[],
): Promise<{
  used: number | null;
  steady: number | null;
  baseline: number | null;
  buffers: number | null;
  buffersSteady: number | null;
  note: string;
}> {
  const used: number[] = [],
    base: number[] = [],
    steady: number[] = [],
    buffers: number[] = [],
    buffersSteady: number[] = [];
  for (let i = 0; i < runs; i++) {
    const w = await startWorkerd(script, assets, { inspector: true });
    try {
      const b = await w.heap(true);
      for (const p of paths.slice(0, 20)) await w.fetch(p);
      const h = await w.heap(true);
      if (!h || !b)
        return {
          used: null,
          steady: null,
          baseline: null,
          buffers: null,
          buffersSteady: null,
          note: "not measured: inspector target not found",
        };
      used.push(h.usedSize);
      base.push(b.usedSize);
      if (h.backingStorageSize !== undefined) buffers.push(h.backingStorageSize + (await w.scoringMemory()));
      // Steady state: the whole mix, twice, so every chunk it needs has been read and the caches are at their level.
      for (const p of [...paths, ...paths]) await w.fetch(p);
      const st = await w.heap(true);
      if (st) steady.push(st.usedSize);
      if (st?.backingStorageSize !== undefined) buffersSteady.push(st.backingStorageSize + (await w.scoringMemory()));
    } finally {
      await w.dispose();
    }
  }
  return {
    used: median(used),
    steady: steady.length ? median(steady) : null,
    baseline: median(base),
    buffers: buffers.length ? median(buffers) : null,
    buffersSteady: buffersSteady.length ? median(buffersSteady) : null,
    note:
      "V8 used heap after full GC (Runtime.getHeapUsage via inspector); ArrayBuffer contents (decoded postings, " +
      "chunks as read) and the WebAssembly memories of the scoring arrays live outside it and are given apart as " +
      "array buffers",
  };
}

async function flexWorkerd(script: WorkerBundle, assets: string, queries: string[]): Promise<EngineResult> {
  const cold = async (q: string): Promise<Cold> => {
    const samples: Cold[] = [];
    for (let i = 0; i < runs; i++) {
      const w = await startWorkerd(script, assets);
      try {
        const res = await w.fetch(`/__bench/flex/search?q=${encodeURIComponent(q)}`);
        if (res.status !== 200) throw new Error(`flex cold: HTTP ${res.status} ${res.body.slice(0, 300)}`);
        const b = JSON.parse(res.body) as { ms: number; hits: number };
        samples.push({ serverMs: b.ms, tookMs: b.ms, wallMs: res.wallMs, hits: b.hits });
      } finally {
        await w.dispose();
      }
    }
    return medianCold(samples);
  };
  const cold1 = await cold(COLD_ONE);
  const cold3 = await cold(COLD_THREE);
  const w = await startWorkerd(script, assets, { inspector: true });
  let warm: { p50: number; p99: number };
  let heapUsed: number | null = null;
  try {
    await w.fetch(`/__bench/flex/search?q=x`);
    const p50s: number[] = [],
      p99s: number[] = [];
    for (let i = 0; i < runs; i++) {
      const res = await w.fetch("/__bench/flex/mix", { body: JSON.stringify({ queries, rounds: MIX_ROUNDS }) });
      const { meanMs } = JSON.parse(res.body) as { meanMs: number[] };
      p50s.push(percentile(meanMs, 50));
      p99s.push(percentile(meanMs, 99));
    }
    warm = { p50: median(p50s), p99: median(p99s) };
  } finally {
    await w.dispose();
  }
  const heaps: number[] = [];
  for (let i = 0; i < runs; i++) {
    const h = await startWorkerd(script, assets, { inspector: true });
    try {
      for (const q of queries.slice(0, 20)) await h.fetch(`/__bench/flex/search?q=${encodeURIComponent(q)}`);
      const u = await h.heap(true);
      if (u) heaps.push(u.usedSize);
    } finally {
      await h.dispose();
    }
  }
  heapUsed = heaps.length ? median(heaps) : null;
  return {
    engine: "FlexSearch 0.8 plain",
    where: "workerd",
    cold1,
    cold3,
    warmP50: warm.p50,
    warmP99: warm.p99,
    heapUsed,
  };
}

async function nodePeer(
  name: PeerName,
  docs: ReturnType<typeof peerDocs>,
  dir: string,
  assets: string,
  queries: string[],
): Promise<EngineResult> {
  const peer = await buildPeer(name, docs, dir, assets);
  let zero = 0;
  for (const q of queries) if ((await peer.query(q)) === 0) zero++;
  // Node's clock is sub-microsecond, so one round per run is exact; slow peers get one run so the bench ends.
  const t0 = performance.now();
  for (const q of queries) await peer.query(q);
  const passMs = performance.now() - t0;
  const peerRuns = passMs > 10_000 ? 1 : runs;
  const rounds = Math.max(1, Math.min(3, Math.floor(3000 / passMs)));
  const p50s: number[] = [],
    p99s: number[] = [];
  for (let i = 0; i < peerRuns; i++) {
    const sums = new Float64Array(queries.length);
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < queries.length; k++) {
        const t = performance.now();
        await peer.query(queries[k]!);
        sums[k]! += performance.now() - t;
      }
    }
    const means = Array.from(sums, (s) => s / rounds);
    p50s.push(percentile(means, 50));
    p99s.push(percentile(means, 99));
  }
  const coldOf = (first: string): Cold & { heap: number } => {
    const samples: Array<Cold & { heap: number }> = [];
    const qfile = join(dir, `queries-${name}.json`);
    writeFileSync(qfile, JSON.stringify([first, ...queries.slice(0, 20)]));
    for (let i = 0; i < runs; i++) {
      const out = execFileSync(
        process.execPath,
        ["--expose-gc", "--import", "tsx", join(ROOT, "scripts/bench/peer-cold.ts"), name, peer.file, qfile],
        {
          cwd: ROOT,
          encoding: "utf8",
          maxBuffer: 1 << 20,
        },
      );
      const o = JSON.parse(out.trim().split("\n").at(-1)!) as { loadMs: number; firstMs: number; heapUsed: number };
      samples.push({ serverMs: o.firstMs, tookMs: o.firstMs, wallMs: o.firstMs, hits: NaN, heap: o.heapUsed });
      // A load of several seconds varies little between samples; more would only make the bench long.
      if (o.firstMs > 5000) break;
    }
    return { ...medianCold(samples), heap: median(samples.map((s) => s.heap)) };
  };
  const cold1 = coldOf(COLD_ONE);
  const cold3 = coldOf(COLD_THREE);
  const label = { flexsearch: "FlexSearch 0.8 plain", minisearch: "MiniSearch 7", orama: "Orama 3" }[name];
  return {
    engine: label,
    where: "node",
    buildMs: peer.buildMs,
    indexRaw: peer.bytes,
    indexGzip: peer.gzipBytes,
    extra: name === "orama" ? "index JSON includes the documents" : undefined,
    cold1,
    cold3,
    warmP50: median(p50s),
    warmP99: median(p99s),
    heapUsed: median([cold1.heap, cold3.heap]),
    heapNote: "Node heapUsed after GC, fresh process",
    zeroHitShare: zero / queries.length,
  };
}

async function runCorpus(
  label: string,
  dataDir: string,
  assets: string,
  records: () => Iterable<CatalogueRecord>,
  mix: { search: string[]; suggest: string[]; lookup: string[] },
  script: WorkerBundle,
  peers: boolean,
): Promise<CorpusResult> {
  const notes: string[] = [];
  log(`${label}: building`);
  const build = await buildAssets(dataDir, assets, {
    searchShards,
    extraArgs: [
      ...(args["build-threads"] ? ["--threads"] : []),
      ...(args["build-memory"] ? ["--memory", args["build-memory"]] : []),
    ],
  });
  log(
    `${label}: built ${build.records} records in ${fmtMs(build.ms)}, peak RSS ` +
      `${build.peakRss === null ? "not measured" : fmtBytes(build.peakRss)}`,
  );
  // Serving may fail where building did not (a file over the static assets limit, a runtime out of memory, a bucket
  // that would not load): the build's figures are still reported, with the reason, rather than lost with the run.
  let dossier: EngineResult;
  try {
    dossier = await serveDossier();
  } catch (e) {
    const reason = (e as Error).message.split("\n").slice(0, 3).join(" ");
    log(`${label}: serving failed: ${reason}`);
    notes.push(`Dossier could not be served from this build, so only the build's figures are reported: ${reason}`);
    return { label, records: build.records, build, engines: [], notes };
  }
  async function serveDossier(): Promise<EngineResult> {
    if (args.backend === "r2") {
      const r2 = join(assets, "..", "r2");
      rmSync(r2, { recursive: true, force: true });
      log(`${label}: loading the build into Miniflare's R2`);
      const t0 = performance.now();
      const up = await uploadLocal(assets, configuredBucket(), r2);
      r2Folders.set(assets, r2);
      notes.push(
        `Served from Miniflare's R2 (wrangler.toml's [env.r2] Worker, ranged reads from the bucket), not static ` +
          `assets: the build loaded into the local bucket in ${fmtMs(performance.now() - t0)} ` +
          `(${up.uploaded} objects, ${fmtBytes(up.uploadedBytes)}).`,
      );
    }
    const searchPaths = mix.search.map((q) => `/api/search?q=${encodeURIComponent(q)}`);
    const suggestPaths = mix.suggest.map((q) => `/api/suggest?q=${encodeURIComponent(q)}`);
    const lookupPaths = mix.lookup.map((ref) => `/api/lookup?ref=${encodeURIComponent(ref)}`);

    log(`${label}: cold queries`);
    const coldFloor = await dossierCold(script, assets, null);
    const cold1 = await dossierCold(script, assets, COLD_ONE);
    const cold1Common = await dossierCold(script, assets, COLD_COMMON);
    const cold3 = await dossierCold(script, assets, COLD_THREE);
    log(`${label}: warm mix`);
    const w = await startWorkerd(script, assets, { caches: false });
    let warm: Awaited<ReturnType<typeof dossierWarm>>;
    let suggest: Awaited<ReturnType<typeof dossierWarm>>;
    let lookup: Awaited<ReturnType<typeof dossierWarm>> | null;
    try {
      warm = await dossierWarm(w, searchPaths);
      suggest = await dossierWarm(w, suggestPaths);
      lookup = lookupPaths.length ? await dossierWarm(w, lookupPaths) : null;
    } finally {
      await w.dispose();
    }
    if (warm.cache.some((c) => c !== "MISS"))
      notes.push(
        `Warm responses carried X-Cache ${warm.cache.join(", ")}: some figures are response-cache hits, not the index.`,
      );
    notes.push(
      `Cold phases (Server-Timing of the median sample): health ${coldFloor.timing || "—"}; 1 term ` +
        `${cold1.timing || "—"}; 3 terms ${cold3.timing || "—"}.`,
    );
    notes.push(
      `First request to a fresh isolate for /api/health (no search): ${fmtMs(coldFloor.serverMs)} server, ` +
        `${fmtMs(coldFloor.wallMs)} wall — the floor under both cold figures.`,
    );
    const shardCount = searchShardCount(assets);
    if (shardCount > 1)
      notes.push(
        `The build split the index into ${shardCount} search shards, scored by SearchShard Durable Objects (in ` +
          `workerd locally they share the Worker's process; heap is the Worker isolate's).`,
      );
    log(`${label}: heap`);
    const heap = await dossierHeap(script, assets, searchPaths);
    let perObject: ObjectsAlone | undefined;
    // serve-scale's warm mix is the synthetic catalogue's (the same as this run's for a synthetic size).
    if (shardCount > 1 && !args["skip-objects"] && label.startsWith("synthetic")) {
      log(`${label}: each shard object alone`);
      perObject = objectsAlone(assets, build.records);
      notes.push(
        `Each search-shard object alone (as deployed, where an object has an isolate of its own; ` +
          `\`serve-scale.ts --groups all\`), the slowest of ${perObject.groups} groups per query: warm tookMs ` +
          `${fmtMs(perObject.warmP50)} / ${fmtMs(perObject.warmP99)}; cold tookMs ${fmtMs(perObject.cold.rare ?? undefined)} / ` +
          `${fmtMs(perObject.cold.three ?? undefined)} (common word ${fmtMs(perObject.cold.common ?? undefined)}; the ` +
          `median group's ${fmtMs(perObject.coldMedian.rare ?? undefined)} / ${fmtMs(perObject.coldMedian.three ?? undefined)}), the whole ` +
          `request ${fmtMs(perObject.coldServer.rare ?? undefined)} / ${fmtMs(perObject.coldServer.three ?? undefined)}; ` +
          `the heaviest isolate after the mix ${perObject.heap === null ? "not measured" : fmtBytes(perObject.heap)} ` +
          `+ ${perObject.buffers === null ? "not measured" : fmtBytes(perObject.buffers)} of array buffers.`,
      );
    }
    const dossier: EngineResult = {
      engine: "Dossier",
      where: "workerd",
      buildMs: build.ms,
      indexRaw: build.stats.raw.search,
      indexGzip: build.stats.gzip.search,
      coldFloor,
      cold1,
      cold1Common,
      cold3,
      warmP50: warm.p50,
      warmP99: warm.p99,
      tookP50: warm.tookP50,
      tookP99: warm.tookP99,
      wallP50: warm.wallP50,
      wallP99: warm.wallP99,
      suggestP50: suggest.p50,
      suggestP99: suggest.p99,
      lookupP50: lookup?.p50,
      lookupP99: lookup?.p99,
      heapUsed: heap.used,
      heapSteady: heap.steady,
      buffersUsed: heap.buffers,
      buffersSteady: heap.buffersSteady,
      heapNote:
        heap.baseline !== null
          ? `${heap.note}; a fresh isolate before any query: ${fmtBytes(heap.baseline)}`
          : heap.note,
      zeroHitShare: warm.zero / searchPaths.length,
      perObject,
    };
    notes.push(
      `Cold first query for a common word ("${COLD_COMMON}"): ${fmtMs(cold1Common.serverMs)} server, ` +
        `${fmtMs(cold1Common.tookMs)} tookMs; ` +
        `heap at steady state (the whole mix, twice): ` +
        `${heap.steady === null ? "not measured" : fmtBytes(heap.steady)}; array buffers beside the heap (outside ` +
        `V8's used heap, inside the isolate's memory) after 20 queries / at steady state: ` +
        `${heap.buffers === null ? "not measured" : fmtBytes(heap.buffers)} / ` +
        `${heap.buffersSteady === null ? "not measured" : fmtBytes(heap.buffersSteady)}.`,
    );
    notes.push(
      "Asset reads during the timed warm mixes (the Worker isolate's store, not the shards' objects): " +
        `${JSON.stringify(warm.reads)} for search, ${JSON.stringify(suggest.reads)} for suggest.`,
    );
    notes.push(
      `Warm mix: ${searchPaths.length} queries × ${warm.rounds} rounds per run (search), ` +
        `${suggestPaths.length} prefixes × ${suggest.rounds} (suggest); ` +
        "wall = one request at a time from Node, first pass.",
    );
    return dossier;
  }
  const engines: EngineResult[] = [dossier];
  if (peers) {
    const docs = peerDocs(records());
    const peerDir = join(assets, "..", "peers");
    const only = args.peers ? new Set(args.peers.split(",")) : null;
    for (const name of PEERS.filter((p) => !only || only.has(p))) {
      log(`${label}: peer ${name}`);
      try {
        engines.push(await nodePeer(name, docs, peerDir, assets, mix.search));
      } catch (e) {
        notes.push(`${name} in Node failed: ${(e as Error).message.split("\n")[0]}`);
      }
    }
    if (!only || only.has("flexsearch")) {
      log(`${label}: peer flexsearch in workerd`);
      try {
        const fw = await flexWorkerd(script, assets, mix.search);
        const node = engines.find((e) => e.engine === fw.engine && e.where === "node");
        engines.splice(1, 0, {
          ...fw,
          buildMs: node?.buildMs,
          indexRaw: node?.indexRaw,
          indexGzip: node?.indexGzip,
          zeroHitShare: node?.zeroHitShare,
        });
      } catch (e) {
        notes.push(`FlexSearch in workerd failed: ${(e as Error).message.split("\n")[0]}`);
      }
    }
  }
  return { label, records: build.records, build, engines, notes };
}

/** Every record of a build, read from its record shards, packed or not (order is irrelevant to the peers). */
function realRecords(assets: string): () => CatalogueRecord[] {
  return () => {
    const m = readBuiltManifest(assets);
    if (!m) throw new Error(`bench: the build in ${assets} has no readable manifest`);
    return builtRecordShardPaths(assets, m).flatMap((path) =>
      readBuiltRecordShard(assets, m, path).map((x) => x.record),
    );
  };
}

/** Each group's shard object alone, by `serve-scale.ts --groups all` on this build (its progress on stderr). */
function objectsAlone(assets: string, records: number): ObjectsAlone {
  const json = join(assets, "..", "objects-alone.json");
  const r = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      join(import.meta.dirname, "serve-scale.ts"),
      assets,
      "1",
      "--records",
      String(records),
      "--groups",
      "all",
      // Five timed rounds: workerd's clock ticks in whole ms, and a query's mean then moves in 0.2 ms steps.
      "--rounds",
      "5",
      "--json",
      json,
      ...(args.backend === "r2" ? ["--backend", "r2", "--r2-dir", join(assets, "..", "r2")] : []),
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  if (r.status !== 0) throw new Error(`bench: serve-scale.ts --groups all ended with ${r.status ?? r.signal}`);
  const out = JSON.parse(readFileSync(json, "utf8")) as { perGroup: unknown[]; slowest: Omit<ObjectsAlone, "groups"> };
  return { groups: out.perGroup.length, ...out.slowest };
}

function searchShardCount(assets: string): number {
  try {
    const m = JSON.parse(readFileSync(join(assets, "manifest.json"), "utf8")) as {
      search?: { shards?: { count?: number } };
    };
    return m.search?.shards?.count ?? 1;
  } catch {
    return 1;
  }
}

/** Queries a researcher would type at the real corpora (TNA KV, NARA JFK, NAA ASIO, Discovery). */
const REAL_QUERIES = [
  "Philby",
  "Besedovsky",
  "Bessedovskiy",
  "Kutepov",
  "Kutepoff",
  "Krivitsky",
  "Helfland",
  "Burgess",
  "Maclean",
  "Blunt",
  "Oswald",
  "Ruby",
  "Mexico City",
  "Castro",
  "Cuba",
  "Dallas",
  "Petrov",
  "Skripov",
  "Soviet embassy",
  "defector",
  "espionage",
  "communist party",
  "Paris",
  "Rome",
  "Berlin",
  "OGPU",
  "NKVD",
  "Comintern",
  "cipher",
  "Canberra",
  "soviet embassy paris",
  "kgb officer",
  "double agent",
  "atomic",
  "Fuchs",
  "Nunn May",
  "Springhall",
  "Sorge",
  "Trotsky",
  "Orlov",
];
const REAL_SUGGEST = [
  "ph",
  "phi",
  "bes",
  "kut",
  "kriv",
  "os",
  "osw",
  "me",
  "mex",
  "sov",
  "sovi",
  "pet",
  "petr",
  "kv",
  "kv 2",
  "com",
  "emb",
  "def",
  "cub",
  "ogp",
];

function machine(): string[] {
  const cpu =
    readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? "unknown";
  const mf = miniflareModule();
  let load = "";
  try {
    load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    /* not Linux */
  }
  return [
    `- Date: ${new Date().toISOString()}`,
    `- Command: \`npm run bench -- --records ${sizes.join(",")} --runs ` +
      `${runs}${searchShards ? ` --shards ${searchShards}` : ""}\``,
    `- Node ${process.version}; nproc ${execFileSync("nproc", { encoding: "utf8" }).trim()}; CPU ${cpu}; load ` +
      `average at start ${load}`,
    `- workerd ${mf.workerd} via Miniflare ${mf.version}, compatibility date ${COMPATIBILITY_DATE}`,
  ];
}

/** In workerd a warm figure of 0 means every sample fell inside one clock tick: below what the mix can resolve. */
function warmFmt(e: EngineResult, ms: number | undefined): string {
  return e.where === "workerd" && ms === 0 ? "< 0.1 ms" : fmtMs(ms);
}

function report(results: CorpusResult[], header: string[], skipped: string[]): string {
  const L: string[] = [];
  L.push("# Dossier benchmarks", "", ...header, "");
  L.push(
    "How to read this: Dossier is measured inside workerd (Miniflare), through its real routes, its assets read",
    "through the ASSETS binding. *Cold* = first request to a fresh isolate (new Miniflare instance per sample):",
    "`server` is the whole request inside the isolate (manifest, chunks, the hits' record shards, JSON), `tookMs`",
    "is what the search reports, `wall` adds Node ↔ workerd HTTP. *Warm* = p50 / p99 across a mix of queries of",
    "each query's mean in-isolate time for the whole route (middleware, validation, search, JSON); in brackets",
    "the search's own `tookMs` and the wall time per request (workerd's clock ticks in whole ms, so the mix runs",
    `round-robin up to ${MIX_ROUNDS}× per run — fewer for slow queries — and each query's sum is averaged).`,
    "Warm runs bind no response cache (KV, Cache API), so every answer comes from the index; cold runs bind both,",
    "as deployed. Peers marked *node* are measured in Node: cold = read + load the serialised index + first query",
    "in a fresh process; they return ids only (no record fetch). Medians over runs. Ratios are peer ÷ Dossier: >",
    "1 means Dossier is smaller/faster.",
    "",
  );
  for (const r of results) {
    L.push(`## ${r.label} (${r.records.toLocaleString("en")} records)`, "");
    if (r.build) {
      const s = r.build.stats;
      L.push(
        `Build: \`${r.build.command}\`, ${fmtMs(r.build.ms)}, peak RSS ` +
          `${r.build.peakRss === null ? "not measured" : fmtBytes(r.build.peakRss)}, ` +
          `${s.files.toLocaleString("en")} files. ` +
          `search/ ${fmtBytes(s.raw.search)} raw / ${fmtBytes(s.gzip.search)} gzip; records/ ` +
          `${fmtBytes(s.raw.records)} / ${fmtBytes(s.gzip.records)}; ` +
          `series/ ${fmtBytes(s.raw.series)}; manifest ${fmtBytes(s.raw["manifest.json"])}. ` +
          `${s.termChunks.count} term chunks, median ${fmtBytes(s.termChunks.p50Raw)}, largest ` +
          `${fmtBytes(s.termChunks.maxRaw)}.`,
        "",
      );
    }
    L.push(
      "| engine | where | build | index raw / gzip | cold 1 term (server · tookMs · wall) | cold 3 terms (server · " +
        "tookMs · wall) | warm p50 / p99 | suggest p50 / p99 | heap after 20 queries | zero-hit queries |",
    );
    L.push("|---|---|---|---|---|---|---|---|---|---|");
    for (const e of r.engines) {
      const cold = (c?: Cold) =>
        c
          ? e.where === "workerd" && e.engine === "Dossier"
            ? `${fmtMs(c.serverMs)} · ${fmtMs(c.tookMs)} · ${fmtMs(c.wallMs)}`
            : e.where === "workerd"
              ? `${fmtMs(c.serverMs)} · — · ${fmtMs(c.wallMs)}`
              : `${fmtMs(c.serverMs)} (load+query)`
          : "—";
      const took =
        e.tookP50 !== undefined
          ? ` (tookMs ${fmtMs(e.tookP50)} / ${fmtMs(e.tookP99)}; wall ${fmtMs(e.wallP50)} / ${fmtMs(e.wallP99)})`
          : "";
      L.push(
        `| ${e.engine} | ${e.where} | ${fmtMs(e.buildMs)} | ${fmtBytes(e.indexRaw)} / ${fmtBytes(e.indexGzip)} | ` +
          `${cold(e.cold1)} | ${cold(e.cold3)} | ` +
          `${warmFmt(e, e.warmP50)} / ` +
          `${warmFmt(e, e.warmP99)}${took} ` +
          `| ${e.suggestP50 !== undefined ? `${fmtMs(e.suggestP50)} / ${fmtMs(e.suggestP99)}` : "—"} | ` +
          `${e.heapUsed ? fmtBytes(e.heapUsed) : e.heapUsed === null ? "not measured" : "—"} | ` +
          `${e.zeroHitShare !== undefined ? `${Math.round(e.zeroHitShare * 100)}%` : "—"} |`,
      );
    }
    L.push("");
    const d = r.engines.find((e) => e.engine === "Dossier");
    const peers = r.engines.filter((e) => e !== d);
    if (d && peers.length) {
      L.push(
        "Ratios (peer ÷ Dossier):",
        "",
        "| peer | index gzip | cold 1 term | cold 3 terms | warm p50 | warm p99 | heap |",
        "|---|---|---|---|---|---|---|",
      );
      for (const p of peers) {
        L.push(
          `| ${p.engine} (${p.where}) | ${ratio(d.indexGzip, p.indexGzip)} | ` +
            `${ratio(d.cold1?.serverMs, p.cold1?.serverMs)} | ${ratio(d.cold3?.serverMs, p.cold3?.serverMs)} | ` +
            `${ratio(d.warmP50, p.warmP50)} | ${ratio(d.warmP99, p.warmP99)} | ` +
            `${ratio(d.heapUsed ?? undefined, p.heapUsed ?? undefined)} |`,
        );
      }
      L.push("");
    }
    for (const e of r.engines) if (e.heapNote) L.push(`- Heap, ${e.engine} (${e.where}): ${e.heapNote}.`);
    for (const e of r.engines) if (e.extra) L.push(`- ${e.engine}: ${e.extra}.`);
    for (const n of r.notes) L.push(`- ${n}`);
    L.push("");
  }
  L.push(...scaleTable(results));
  const at100k = results.find((r) => r.label.startsWith("synthetic") && r.records === 100_000);
  const t = at100k?.engines.find((e) => e.engine === "Dossier");
  const flex = at100k?.engines.find((e) => e.engine === "FlexSearch 0.8 plain" && e.where === "workerd");
  L.push("## Targets (issue 13), at 100k synthetic records", "");
  if (!t) L.push("Not run: the 100k synthetic size was not in --records.", "");
  else {
    const row = (
      what: string,
      target: string,
      value: number | null | undefined,
      limit: number,
      fmt: (x: number) => string = fmtMs,
    ) =>
      `| ${what} | ${target} | ` +
      `${value === null || value === undefined || Number.isNaN(value) ? "not measured" : fmt(value)} | ` +
      `${value === null || value === undefined || Number.isNaN(value) ? "—" : value <= limit ? "met" : "**missed**"} |`;
    const ratio = t.indexGzip && flex?.indexGzip ? t.indexGzip / flex.indexGzip : null;
    L.push(
      "| figure | target | measured | |",
      "|---|---|---|---|",
      row("warm query p50 (search tookMs)", "≤ 0.5 ms", t.tookP50, 0.5),
      row("warm query p99 (search tookMs)", "≤ 3 ms", t.tookP99, 3),
      row(
        "warm p99 against plain FlexSearch's in workerd, same run",
        "≤ 1×",
        flex?.warmP99 && t.tookP99 !== undefined ? t.tookP99 / flex.warmP99 : null,
        1,
        (x) => `${x.toFixed(2)}×`,
      ),
      row("cold first query, 1 term (search tookMs)", "≤ 20 ms", t.cold1?.tookMs, 20),
      row("cold first query, 3 terms (search tookMs)", "≤ 40 ms", t.cold3?.tookMs, 40),
      row("isolate heap after a 20-query mix", "≤ 12 MiB", t.heapUsed, 12 * 2 ** 20, fmtBytes),
      row("index gzip against plain FlexSearch's", "≤ 1.5×", ratio, 1.5, (x) => `${x.toFixed(2)}×`),
      row("suggest p99", "≤ 1 ms", t.suggestP99, 1),
      "",
    );
  }
  if (skipped.length) L.push("## Not run", "", ...skipped.map((s) => `- ${s}`), "");
  return L.join("\n");
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const header = machine();
  const script = await bundleWorker(join(OUT, "worker"));
  const thesaurus = join(ROOT, "data/thesaurus.json");
  const results: CorpusResult[] = [];
  const skipped: string[] = [];
  for (const size of sizes) {
    const corpus = syntheticCorpus(size);
    const dir = join(OUT, `synthetic-${size}`);
    const dataDir = join(dir, "data");
    log(`synthetic ${size}: generating`);
    // References spread evenly over the catalogue, for the record-lookup mix.
    const refs: string[] = [];
    const every = Math.max(1, Math.floor(size / LOOKUP_REFS));
    await writeJsonl(corpus, join(dataDir, "records.jsonl"), (rec, i) => {
      if (i % every === 0 && refs.length < LOOKUP_REFS) refs.push(rec.reference);
    });
    // The project's thesaurus rides along, so synonym expansion costs what it costs in production.
    if (existsSync(thesaurus)) copyFileSync(thesaurus, join(dataDir, "thesaurus.json"));
    const mix = queryMix(corpus, 200);
    results.push(
      await runCorpus(
        `synthetic ${size >= 1000 ? `${size / 1000}k` : size}`,
        dataDir,
        join(dir, "assets"),
        () => corpus.records(),
        { search: mix.search.map((q) => q.q), suggest: mix.suggest, lookup: refs },
        script,
        !args["skip-peers"],
      ),
    );
  }
  if (args["skip-real"]) skipped.push("Real corpora: --skip-real.");
  else if (!existsSync(CORPORA) || !readdirSync(CORPORA).length)
    skipped.push(`Real corpora: ${CORPORA} is not present.`);
  else {
    const assets = join(OUT, "real", "assets");
    try {
      results.push(
        await runCorpus(
          "real corpora",
          CORPORA,
          assets,
          realRecords(assets),
          { search: REAL_QUERIES, suggest: REAL_SUGGEST, lookup: [] },
          script,
          !args["skip-peers"],
        ),
      );
    } catch (e) {
      skipped.push(`Real corpora failed: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  const md = report(results, header, skipped);
  console.log(md);
  if (args.json) writeFileSync(resolve(args.json), JSON.stringify(machineReadable(results), null, 2) + "\n");
  if (!args["no-write"]) {
    mkdirSync(dirname(resolve(args.write!)), { recursive: true });
    writeFileSync(resolve(args.write!), md + "\n");
  }
}

/**
 * Issue 14's scale table: one row per synthetic size, every figure from this run. Targets by size are issue 13's
 * (100k, 1M) and issue 14's (10M); a size without targets shows none.
 */
function scaleTable(results: CorpusResult[]): string[] {
  const rows = results.filter((r) => r.label.startsWith("synthetic") && r.build);
  if (!rows.length) return [];
  const L = [
    "## Scale (issue 14): synthetic catalogues, Dossier in workerd",
    "",
    "| records | build | peak RSS (build) | files (largest) | all bytes / index gzip | cold 1 term / 3 terms (tookMs) | " +
      "warm p50 / p99 (tookMs) | heap after 20 / steady | suggest p99 | lookup by reference p50 / p99 |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const d = r.engines.find((e) => e.engine === "Dossier");
    const b = r.build!;
    const all = Object.entries(b.stats.raw).reduce((n, [, v]) => n + v, 0);
    L.push(
      `| ${r.records.toLocaleString("en")} | ${fmtMs(b.ms)} | ${b.peakRss === null ? "—" : fmtBytes(b.peakRss)} | ` +
        `${b.stats.files.toLocaleString("en")} (${fmtBytes(b.stats.largestFile?.bytes)}) | ` +
        `${fmtBytes(all)} / ${fmtBytes(d?.indexGzip)} | ` +
        `${fmtMs(d?.cold1?.tookMs)} / ${fmtMs(d?.cold3?.tookMs)} | ${fmtMs(d?.tookP50)} / ${fmtMs(d?.tookP99)} | ` +
        `${d?.heapUsed ? fmtBytes(d.heapUsed) : "—"} / ${d?.heapSteady ? fmtBytes(d.heapSteady) : "—"} | ` +
        `${fmtMs(d?.suggestP99)} | ${fmtMs(d?.lookupP50)} / ${fmtMs(d?.lookupP99)} |`,
    );
    const o = d?.perObject;
    if (o)
      L.push(
        `| ${r.records.toLocaleString("en")}, each shard object alone (the slowest of ${o.groups} groups) | | | | | ` +
          `${fmtMs(o.cold.rare ?? undefined)} / ${fmtMs(o.cold.three ?? undefined)} | ` +
          `${fmtMs(o.warmP50)} / ${fmtMs(o.warmP99)} | — / ${o.heap === null ? "—" : fmtBytes(o.heap)} | | |`,
      );
  }
  L.push("");
  for (const r of rows) L.push(`- ${r.records.toLocaleString("en")}: \`${r.build!.command}\``);
  L.push("");
  const targets = [
    {
      records: 1_000_000,
      text: "1M (issue 13): warm ≤ 3 / ≤ 20 ms, cold ≤ 60 / ≤ 120 ms, heap ≤ 32 MiB, suggest p99 ≤ 2 ms; (issue 14) build ≤ 8 min within 2.5 GB",
    },
    {
      records: 10_000_000,
      text: "10M (issue 14): cold ≤ 150 / ≤ 300 ms, warm p50 ≤ 10 / p99 ≤ 60 ms, no isolate heap over 64 MB, lookup by reference ≤ 5 ms warm; build ≤ 90 min within 3 GB",
    },
  ].filter((t) => rows.some((r) => r.records === t.records));
  if (targets.length) L.push(...targets.map((t) => `- Targets at ${t.text}.`), "");
  return L;
}

/** The synthetic figures by size and engine, for checking by script; null where an engine has no such figure. */
function machineReadable(results: CorpusResult[]) {
  const mib = (b: number | null | undefined) =>
    b === null || b === undefined ? null : Math.round((b / 2 ** 20) * 100) / 100;
  const num = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? null : Math.round(x * 1000) / 1000);
  const sizes: Record<string, Record<string, unknown>> = {};
  for (const r of results.filter((x) => x.label.startsWith("synthetic"))) {
    const d = r.engines.find((e) => e.engine === "Dossier");
    // Each peer's figures from workerd where it ran there, else from Node.
    const peer = (label: string) =>
      r.engines.find((e) => e.engine === label && e.where === "workerd") ?? r.engines.find((e) => e.engine === label);
    const out: Record<string, unknown> = {};
    if (r.build)
      out.build = {
        command: r.build.command,
        ms: num(r.build.ms),
        peakRssMiB: mib(r.build.peakRss),
        files: r.build.stats.files,
        largestFile: r.build.stats.largestFile,
        bytes: Object.values(r.build.stats.raw).reduce((n, v) => n + v, 0),
      };
    if (d) {
      out.dossier = {
        where: d.where,
        backend: args.backend,
        warmP50Ms: num(d.tookP50),
        warmP99Ms: num(d.tookP99),
        cold1Ms: num(d.cold1?.tookMs),
        cold1CommonMs: num(d.cold1Common?.tookMs),
        cold3Ms: num(d.cold3?.tookMs),
        heapAfter20MiB: mib(d.heapUsed),
        heapSteadyMiB: mib(d.heapSteady),
        arrayBuffersAfter20MiB: mib(d.buffersUsed),
        arrayBuffersSteadyMiB: mib(d.buffersSteady),
        indexGzipBytes: d.indexGzip ?? null,
        suggestP99Ms: num(d.suggestP99),
        lookupP50Ms: num(d.lookupP50),
        lookupP99Ms: num(d.lookupP99),
      };
      const o = d.perObject;
      if (o)
        out.dossierPerObject = {
          groups: o.groups,
          warmP50Ms: num(o.warmP50),
          warmP99Ms: num(o.warmP99),
          cold1Ms: num(o.cold.rare ?? undefined),
          cold1CommonMs: num(o.cold.common ?? undefined),
          cold3Ms: num(o.cold.three ?? undefined),
          cold1MedianGroupMs: num(o.coldMedian.rare ?? undefined),
          cold3MedianGroupMs: num(o.coldMedian.three ?? undefined),
          cold1RequestMs: num(o.coldServer.rare ?? undefined),
          cold3RequestMs: num(o.coldServer.three ?? undefined),
          heapSteadyMiB: mib(o.heap),
          arrayBuffersSteadyMiB: mib(o.buffers),
        };
    }
    for (const [key, label] of [
      ["flexsearch", "FlexSearch 0.8 plain"],
      ["minisearch", "MiniSearch 7"],
    ] as const) {
      const e = peer(label);
      if (!e) continue;
      out[key] = {
        where: e.where,
        warmP50Ms: num(e.warmP50),
        warmP99Ms: num(e.warmP99),
        cold1Ms: num(e.cold1?.tookMs),
        cold3Ms: num(e.cold3?.tookMs),
        heapAfter20MiB: mib(e.heapUsed),
        heapSteadyMiB: mib(e.heapSteady),
        indexGzipBytes: e.indexGzip ?? null,
        suggestP99Ms: null,
      };
    }
    sizes[String(r.records)] = out;
  }
  return { sizes };
}

await main();
