/**
 * npx tsx scripts/bench/serve-scale.ts <assets dir> [runs] [--records N] [--ports 9100-9149] [--rounds 2]
 *   [--mix bench|mini] [--slowest 10] [--no-cold] [--json FILE] [--backend r2 [--r2-dir DIR]] [--groups 0,5,10,15]
 *   [--snapshot DIR] [--params "collapse=0"] [--trace [--trace-kind KIND]] [--apart] [--warm-simulators]
 *
 * Serves an already built (possibly sharded) catalogue in workerd through Miniflare, with the SearchShard Durable
 * Objects bound as in production, and measures the fanned-out search: cold first query per fresh runtime (a rare
 * name, a common word, three words: the search's `tookMs` and the wall time), the warm mix (by default the bench's
 * own, `queryMix` of the synthetic catalogue of `--records` records, as `npm run bench` runs it), and the isolate's
 * heap after 20 queries and after the mix; then warm record lookups by reference (100 references, one from each of
 * 100 record shards spread over the catalogue). For the million- and ten-million-record runs, whose builds are too
 * slow to repeat inside `npm run bench`.
 *
 * For the warm mix it also says where a query's time goes (scale-worker.ts): asset reads by kind per query,
 * postings found held or decoded, time the shards waited for postings and scored, the round trips to the shard
 * objects, and which queries are slowest. Locally the Worker and every shard object share one isolate, so the heap
 * is the sum of all of theirs (an upper bound for any one shard's) and so are the budgets.
 *
 * Runs: each makes its own fresh runtimes (cold samples, then one warm runtime: the mix once to warm up, then
 * `--rounds` timed rounds); figures are medians over the runs. `--ports`: workerd's entry socket and inspector
 * take ports from this range (Miniflare's own loopback server still takes a free port).
 *
 * `--groups LIST` (or `all`) measures instead each listed group's Durable Object alone, one fresh runtime a group: the other
 * groups answer nothing without being called (scale-worker.ts), so the isolate holds one object's caches, as a
 * deployed object in an isolate of its own does, where locally all share one. It prints each group's cold first
 * queries (a fresh runtime each, caches bound; unless `--no-cold`), warm p50 / p99, term reads and heap, and per
 * query the slowest of the groups measured (a deployed query waits for its slowest object). With `--snapshot DIR`,
 * it also writes each group's heap snapshot after the mix to DIR and prints who holds the isolate's array buffers.
 *
 * `--trace` (with `--groups`) prints each cold query's reads by store (0: the Worker; 1: the group's object) and kind:
 * how many, their bytes, when the first began and the last ended (ms since the request began), and the parse or
 * hashing after them: where a cold query waits. Each startup bundle is a line of its own. `--trace-kind KIND` lists
 * that kind's reads one a line (`search/terms`: which chunks were read together).
 *
 * `--apart` (with `--groups`) starts each cold sample's shard objects in a workerd process of their own: in one
 * runtime the Worker and its objects share workerd's thread, so an object's scoring holds up the Worker's reads.
 * Their calls then pass through Miniflare's dev registry, which has delays of its own (docs/benchmarks-history.md, thirty-fifth
 * session): neither arrangement is the deployment.
 *
 * `--backend r2` serves the catalogue from Miniflare's R2 (`[env.r2]`), loading into the bucket under `--r2-dir`
 * (default: beside the assets folder) only the objects it lacks first, as `npm run deploy:r2 -- --local` does.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { arrayBufferHolders, heapSnapshotKinds, readHeapSnapshot } from "../lib/heap-snapshot";
import { parseArgs } from "node:util";
import {
  bundleWorker,
  scoringMemoryBytes,
  startLocalWorker,
  type LocalWorker,
  type LocalWorkerOptions,
} from "../lib/local-worker";
import { percentile, median } from "./stats";
import type { Manifest } from "../../src/shared/manifest";
import type { ReadTrace } from "../../src/shared/read-trace";
import { searchSection } from "../../src/shared/index-format";
import { builtRecordShardPaths, builtSearchShards, readBuiltRecordShard } from "../../src/indexer/build-folders";
import { queryMix, syntheticCorpus } from "./synthetic-catalogue";
import { configuredBucket, uploadLocal } from "../deploy-r2";
import { failedShardCount, type ScaleQueryStats } from "./scale-stats";
import { shardGroups } from "../../src/shared/shard-groups";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    records: { type: "string" },
    ports: { type: "string", default: "9100-9149" },
    rounds: { type: "string", default: "2" },
    mix: { type: "string", default: "bench" },
    slowest: { type: "string", default: "10" },
    "no-cold": { type: "boolean", default: false },
    json: { type: "string" },
    backend: { type: "string", default: "assets" },
    "r2-dir": { type: "string" },
    groups: { type: "string" },
    snapshot: { type: "string" },
    params: { type: "string" },
    trace: { type: "boolean", default: false },
    "trace-kind": { type: "string" },
    /**
     * With `--groups`: each cold sample's shard objects in a workerd process apart from the Worker's (see the head of
     * this file). A cold sample's reads and trace then show the Worker's only. The warm runs and heap figures stay
     * in one runtime.
     */
    apart: { type: "boolean", default: false },
    /**
     * Cold samples with Miniflare's KV, Cache API and (`--backend r2`) R2 simulations warmed first, the Worker and its objects left cold
     * (local-worker.ts `warmSimulators`).
     */
    "warm-simulators": { type: "boolean", default: false },
  },
});
const [assetsDir, runsArg] = positionals;
if (!assetsDir) {
  console.error(
    "usage: serve-scale.ts <assets dir> [runs] [--records N] [--ports A-B] [--rounds R] [--mix bench|mini]",
  );
  process.exit(2);
}
const runs = Number(runsArg ?? 3);
const rounds = Number(args.rounds);
const m = JSON.parse(readFileSync(join(assetsDir, "manifest.json"), "utf8")) as Manifest;
searchSection(m);
const search = { shards: builtSearchShards(assetsDir, m) };
const [portLo, portHi] = args.ports!.split("-").map(Number) as [number, number];
let nextPort = portLo;
/** Two ports a runtime (entry socket, inspector), cycling through the range. */
function ports(): [number, number] {
  if (nextPort + 1 > portHi) nextPort = portLo;
  const p: [number, number] = [nextPort, nextPort + 1];
  nextPort += 2;
  return p;
}

const COLD = { rare: "Besedovsky", common: "soviet", three: "soviet embassy paris" };
/** References in the warm lookup mix, and its rounds (as `npm run bench`'s: issue 14, lookup ≤ 5 ms warm at 10M). */
const LOOKUP_REFS = 100;
const LOOKUP_ROUNDS = 10;
const MINI = [
  "Besedovsky",
  "Kutepoff",
  "Shislyelneowitch",
  "soviet embassy paris",
  "communist party agent",
  "naval intelligence report",
  "Bessedovskiy",
  "cipher",
  "internment camp",
  "Dmitri",
  "sabotage 1940s",
  "KV 2/2681",
];
const records = Number(args.records ?? m.records);
const mix = args.mix === "mini" ? MINI : queryMix(syntheticCorpus(records), 200).search.map((s) => s.q);
/** `--params "collapse=0"`: more query parameters for every search of the warm mix (as `npm run bench:cold`'s). */
const extra = args.params ? `&${args.params}` : "";
const paths = mix.map((q) => `/api/search?q=${encodeURIComponent(q)}${extra}`);

/** References for the warm lookup mix: one record from each of 100 record shards spread over the catalogue. */
function sampleReferences(n: number): string[] {
  const shards = builtRecordShardPaths(assetsDir!, m);
  const refs: string[] = [];
  for (let i = 0; i < Math.min(n, shards.length); i++) {
    const list = readBuiltRecordShard(assetsDir!, m, shards[Math.floor((i * shards.length) / n)]!);
    refs.push(list[(i * 7) % list.length]!.record.reference);
  }
  return refs;
}
const lookupPaths = sampleReferences(LOOKUP_REFS).map((ref) => `/api/lookup?ref=${encodeURIComponent(ref)}`);

if (args.backend !== "assets" && args.backend !== "r2")
  throw new Error(`serve-scale: --backend ${args.backend}: give "assets" or "r2"`);
const r2Persist = args.backend === "r2" ? resolve(args["r2-dir"] ?? join(assetsDir, "..", "r2")) : undefined;
if (r2Persist) {
  const t0 = performance.now();
  const up = await uploadLocal(assetsDir, configuredBucket(), r2Persist);
  console.log(
    `R2 (${r2Persist}): ${up.uploaded} objects (${(up.uploadedBytes / 2 ** 20).toFixed(1)} MiB) loaded, ` +
      `${up.kept} already there, in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

const script = await bundleWorker(
  resolve(import.meta.dirname, "scale-worker.ts"),
  mkdtempSync(join(tmpdir(), "dossier-scale-")),
  { keepNames: Boolean(args.snapshot) },
);
async function start(
  inspector: boolean,
  caches: boolean,
  shardObjects?: LocalWorkerOptions["shardObjects"],
): Promise<LocalWorker> {
  const [httpPort, inspectorPort] = ports();
  return startLocalWorker({
    shardObjects,
    assetsDir: resolve(assetsDir!),
    scriptPath: script,
    caches,
    warmSimulators: args["warm-simulators"],
    inspector,
    inspectorPort,
    httpPort,
    r2Persist,
    // One object alone: a search's inspector pokes would fan out to every group and load their caches here.
    ...(args.groups !== undefined ? { pokePath: "/health" } : {}),
  });
}
/** Mean asset reads a query, by kind ("none" when the mix read nothing). */
function readsByKind(queries: Array<{ reads: Record<string, number> }>): string {
  const sum = new Map<string, number>();
  for (const q of queries) for (const [k, v] of Object.entries(q.reads)) sum.set(k, (sum.get(k) ?? 0) + v);
  const kinds = [...sum].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  return kinds.map(([k, v]) => `${k} ${(v / queries.length).toFixed(2)}`).join(", ") || "none";
}
/** Writes the isolate's heap snapshot and prints its largest kinds and who holds its array buffers. */
async function snapshotOf(w: LocalWorker, file: string) {
  mkdirSync(dirname(file), { recursive: true });
  await w.heapSnapshot(file);
  // What the isolate reports again after the snapshot's own full GC: the figure a snapshot's retained sizes match.
  const again = await w.heap(true);
  // The snapshot's array buffers, which its retained sizes match, leave out the scoring arrays' memories: given apart.
  console.error(
    `after the snapshot: heap ${mib(again?.usedSize ?? null)} + array buffers ${mib(again?.backingStorageSize ?? null)} ` +
      `+ the scoring arrays' WebAssembly memories ${mib(await scoringMemoryBytes(w))}`,
  );
  const snap = readHeapSnapshot(file);
  const { kinds, totalBytes } = heapSnapshotKinds(snap);
  console.error(`${file}: ${mib(totalBytes)} of self sizes; largest kinds:`);
  for (const k of kinds.slice(0, 15))
    console.error(`  ${mib(k.bytes).padStart(10)} ${String(k.count).padStart(8)}  ${k.kind}`);
  const held = arrayBufferHolders(snap);
  console.error(`array buffers: ${mib(held.totalBytes)}; held by:`);
  for (const h of held.holders.slice(0, 25))
    console.error(`  ${mib(h.bytes).padStart(10)} ${String(h.count).padStart(7)}  ${h.path}`);
}
async function get(w: LocalWorker, path: string): Promise<{ body: string; wallMs: number }> {
  const t = performance.now();
  const res = await w.fetch(path);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${body.slice(0, 300)}`);
  return { body, wallMs: performance.now() - t };
}
const took = (body: string) => Number(/"tookMs":([\d.]+)/.exec(body)?.[1] ?? NaN);

interface Run {
  cold: Record<keyof typeof COLD, { tookMs: number; wallMs: number; failedShards: number }>;
  warmP50: number;
  warmP99: number;
  heapFresh: number | null;
  heapAfter20: number | null;
  heapAfterMix: number | null;
  /** ArrayBuffer backing stores after the mix: outside V8's used heap, inside the isolate's memory. */
  buffersAfterMix: number | null;
  /** Record lookup by reference, warm: p50 / p99 of each reference's mean time for the whole route in the isolate. */
  lookupP50: number;
  lookupP99: number;
  /** Resident memory of the workerd process after the mix (every isolate it runs, and the runtime). */
  rssAfterMix: number | null;
  queries: ScaleQueryStats[];
  postingsCacheBytes: number;
  rawChunkBytes?: number;
  workerChunkBytes: number;
  storesRead: number;
  load: number[];
}
const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);

const mib = (b: number | null) => (b === null ? "not measured" : `${(b / 2 ** 20).toFixed(1)} MiB`);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Posts the warm mix to the bench entry: for one group's object alone with `group` (see scale-worker.ts). */
async function scaleMixOf(w: LocalWorker, rounds: number, group?: number, mixPaths = paths, trace = false) {
  const res = await w.fetch("/__bench/scale-mix", {
    method: "POST",
    body: JSON.stringify({ paths: mixPaths, rounds, group, shards: search.shards.length, trace }),
    headers: { "content-type": "application/json" },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`scale-mix: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Pick<
    Run,
    "queries" | "postingsCacheBytes" | "rawChunkBytes" | "workerChunkBytes" | "storesRead"
  > & { traces?: Array<Array<ReadTrace & { kind: string }>> };
}

/**
 * `--trace`: a cold query's reads by kind and store, in the order the first of each kind started: when the kind's
 * reads ran (first start to last end, ms since the request began), their bytes and the JSON or hashing after them.
 */
function printTimeline(reads: Array<ReadTrace & { kind: string }>): void {
  const rows = new Map<string, { n: number; bytes: number; start: number; end: number; parseMs: number }>();
  for (const r of reads) {
    // Startup bundles apart: each is one read, and which of them a request waits for is the point.
    const key =
      r.kind === "packs/startup" ? `${r.store} ${r.path.slice(1, r.path.indexOf("."))}` : `${r.store} ${r.kind}`;
    const row = rows.get(key) ?? { n: 0, bytes: 0, start: Infinity, end: 0, parseMs: 0 };
    row.n++;
    row.bytes += r.bytes;
    row.start = Math.min(row.start, r.start);
    row.end = Math.max(row.end, r.end);
    row.parseMs += r.parseMs;
    rows.set(key, row);
  }
  console.error("    store kind                      reads        KiB    start      end  parse ms");
  for (const [key, r] of [...rows].sort((a, b) => a[1].start - b[1].start))
    console.error(
      `    ${key.padEnd(30)} ${String(r.n).padStart(5)} ${(r.bytes / 1024).toFixed(0).padStart(10)} ` +
        `${r.start.toFixed(1).padStart(8)} ${r.end.toFixed(1).padStart(8)} ${r.parseMs.toFixed(1).padStart(9)}`,
    );
  // `--trace-kind KIND`: that kind's reads one a line, in the order they began.
  for (const r of reads.filter((r) => r.kind === args["trace-kind"]).sort((a, b) => a.start - b.start))
    console.error(
      `      ${r.store} ${r.path} ${r.chunks ?? 1} chunk(s) ${(r.bytes / 1024).toFixed(1)} KiB ` +
        `${r.start.toFixed(1)}–${r.end.toFixed(1)} ms`,
    );
}

if (args.groups !== undefined) {
  // Each group's object alone in a runtime of its own: its isolate holds that object's caches and no other's, as
  // a deployed object in an isolate of its own. The coordinator still plans, merges and reads the hits' records
  // in the same isolate; the other groups answer nothing without being called.
  // `all`: every group the Worker fans out to (what `npm run bench` measures for a sharded build).
  const groups =
    args.groups === "all" ? shardGroups(search.shards.length).map((_, g) => g) : args.groups.split(",").map(Number);
  interface GroupRun {
    group: number;
    /** Cold first query of a fresh runtime (caches bound, as deployed), `tookMs` by `COLD` key. */
    cold: Partial<Record<keyof typeof COLD, number>>;
    /** The same requests' whole time inside the isolate (`serverMs`). */
    coldServer: Partial<Record<keyof typeof COLD, number>>;
    tooks: number[];
    heap: number | null;
    buffers: number | null;
    reads: number;
  }
  const perGroup: GroupRun[] = [];
  for (const group of groups) {
    const load = loadavg();
    const cold: GroupRun["cold"] = {};
    const coldServer: GroupRun["coldServer"] = {};
    if (!args["no-cold"])
      for (const [k, q] of Object.entries(COLD) as Array<[keyof typeof COLD, string]>) {
        // `--apart`: the group's objects in a workerd process of their own, started first (see `shardObjects`).
        const registry = args.apart ? mkdtempSync(join(tmpdir(), "dossier-registry-")) : null;
        const host = registry
          ? await start(false, false, { registry, role: "host", name: "dossier-search-shards" })
          : null;
        let w: LocalWorker | undefined;
        try {
          w = await start(
            false,
            true,
            registry ? { registry, role: "caller", name: "dossier-search-shards" } : undefined,
          );
          const got = await scaleMixOf(w, 1, group, [`/api/search?q=${encodeURIComponent(q)}${extra}`], args.trace);
          cold[k] = got.queries[0]!.tookMs;
          coldServer[k] = Math.round(got.queries[0]!.serverMs);
          const c = got.queries[0]!;
          console.error(
            `  group ${group} cold "${q}": ${c.tookMs} ms (the request ${c.serverMs.toFixed(0)} ms); reads ${readsByKind([c])}, ${(c.readBytes / 1024).toFixed(0)} KiB; ` +
              `the object's round trip ${c.rpcMaxMs.toFixed(1)} ms`,
          );
          if (got.traces?.[0]) printTimeline(got.traces[0]);
        } finally {
          // The host first: both runtimes share a persistence folder (R2), which a disposed runtime empties.
          await host?.dispose();
          await w?.dispose();
          if (registry) rmSync(registry, { recursive: true, force: true });
        }
      }
    const w = await start(true, false);
    try {
      // Warm-up: the mix twice, as the whole-catalogue run does.
      await scaleMixOf(w, 1, group);
      await scaleMixOf(w, 1, group);
      const got = await scaleMixOf(w, rounds, group);
      const after = await w.heap(true);
      if (args.snapshot) await snapshotOf(w, join(args.snapshot, `group-${group}.heapsnapshot`));
      const tooks = got.queries.map((q) => q.tookMs);
      const reads = mean(got.queries.map((q) => q.reads["search/terms"] ?? 0));
      const rpc = got.queries.map((q) => q.rpcMaxMs);
      perGroup.push({
        group,
        cold,
        coldServer,
        tooks,
        heap: after?.usedSize ?? null,
        buffers:
          after?.backingStorageSize === undefined ? null : after.backingStorageSize + (await scoringMemoryBytes(w)),
        reads,
      });
      console.error(
        `group ${group} (load ${load.join(" ")}): cold ${Object.values(cold).join(" / ")} ms (the request ` +
          `${Object.values(coldServer).join(" / ")} ms); warm tookMs p50 ` +
          `${percentile(tooks, 50).toFixed(2)} / p99 ${percentile(tooks, 99).toFixed(2)} ms; term reads a query ` +
          `${reads.toFixed(2)}; the object's round trip p50 / p99 ` +
          `${percentile(rpc, 50).toFixed(2)} / ${percentile(rpc, 99).toFixed(2)} ms; reads a query: ${readsByKind(got.queries)}`,
      );
    } finally {
      await w.dispose();
    }
  }
  const coldKeys = Object.keys(COLD) as Array<keyof typeof COLD>;
  /** Cold figures joined for the table, or "not measured" (`--no-cold`). */
  const coldCell = (figures: Array<number | undefined>) =>
    figures.every((f) => f === undefined) ? "not measured" : `${figures.map((f) => f ?? "—").join(" / ")} ms`;
  console.log(`| records | ${m.records.toLocaleString("en")}; ${search.shards.length} search shards |`);
  console.log(
    `\n| group (its object alone in a runtime) | cold tookMs: ${Object.values(COLD).join(" / ")} | the same requests, ` +
      "whole (response caches asked, search, JSON) | warm tookMs p50 / p99 | term reads a query | heap + array buffers after the mix |",
  );
  console.log("|---|---|---|---|---|---|");
  for (const g of perGroup)
    console.log(
      `| ${g.group} | ${coldCell(coldKeys.map((k) => g.cold[k]))} | ` +
        `${coldCell(coldKeys.map((k) => g.coldServer[k]))} | ${percentile(g.tooks, 50).toFixed(2)} / ` +
        `${percentile(g.tooks, 99).toFixed(2)} ms | ${g.reads.toFixed(2)} | ${mib(g.heap)} + ${mib(g.buffers)} |`,
    );
  // Deployed, a query waits for its slowest object: per query, the slowest of the groups measured.
  const slowest = mix.map((_, i) => Math.max(...perGroup.map((g) => g.tooks[i]!)));
  const slowestCold = coldKeys.map((k) => {
    const got = perGroup.map((g) => g.cold[k]).filter((f) => f !== undefined);
    return got.length ? Math.max(...got) : undefined;
  });
  const slowestServer = coldKeys.map((k) => {
    const got = perGroup.map((g) => g.coldServer[k]).filter((f) => f !== undefined);
    return got.length ? Math.max(...got) : undefined;
  });
  console.log(
    `| per query, the slowest of the groups measured | ${coldCell(slowestCold)} | ${coldCell(slowestServer)} | ` +
      `${percentile(slowest, 50).toFixed(2)} / ${percentile(slowest, 99).toFixed(2)} ms | | |`,
  );
  if (args.json) {
    // The deployed query's figures as `npm run bench` reports them: per query the slowest group, the heaviest isolate.
    const most = (xs: Array<number | null>) => (xs.some((x) => x === null) ? null : Math.max(...(xs as number[])));
    const slowestFigures = {
      warmP50: percentile(slowest, 50),
      warmP99: percentile(slowest, 99),
      cold: Object.fromEntries(coldKeys.map((k, i) => [k, slowestCold[i] ?? null])),
      coldServer: Object.fromEntries(coldKeys.map((k, i) => [k, slowestServer[i] ?? null])),
      // One fresh runtime a group and query: the slowest of 16 such samples takes any hiccup of this machine's.
      coldMedian: Object.fromEntries(
        coldKeys.map((k) => {
          const got = perGroup.map((g) => g.cold[k]).filter((f) => f !== undefined);
          return [k, got.length ? median(got) : null];
        }),
      ),
      heap: most(perGroup.map((g) => g.heap)),
      buffers: most(perGroup.map((g) => g.buffers)),
    };
    writeFileSync(args.json, JSON.stringify({ perGroup, mix, slowest: slowestFigures }, null, 1));
  }
  process.exit(0);
}

const out: Run[] = [];

for (let r = 0; r < runs; r++) {
  const load = loadavg();
  const cold = {} as Run["cold"];
  if (!args["no-cold"])
    for (const [k, q] of Object.entries(COLD) as Array<[keyof typeof COLD, string]>) {
      const w = await start(false, true);
      try {
        const res = await get(w, `/api/search?q=${encodeURIComponent(q)}`);
        cold[k] = { tookMs: took(res.body), wallMs: res.wallMs, failedShards: failedShardCount(res.body) };
      } finally {
        await w.dispose();
      }
    }
  const w = await start(true, false);
  let run: Run;
  try {
    const heapFresh = (await w.heap(true))?.usedSize ?? null;
    for (const p of paths.slice(0, 20)) await get(w, p);
    const heapAfter20 = (await w.heap(true))?.usedSize ?? null;
    // Warm-up: the whole mix twice (a common word's top list is derived on its second use).
    for (const p of [...paths.slice(20), ...paths]) await get(w, p);
    const got = await scaleMixOf(w, rounds);
    const afterMix = await w.heap(true);
    const heapAfterMix = afterMix?.usedSize ?? null;
    const buffersAfterMix =
      afterMix?.backingStorageSize === undefined ? null : afterMix.backingStorageSize + (await scoringMemoryBytes(w));
    const rssAfterMix = w.rssBytes();
    // Lookups after the heap figures, which are the search mix's: each reference once to warm, then timed rounds.
    for (const p of lookupPaths) await get(w, p);
    const lookups = await w.fetch("/__bench/mix", {
      method: "POST",
      body: JSON.stringify({ paths: lookupPaths, rounds: LOOKUP_ROUNDS }),
      headers: { "content-type": "application/json" },
    });
    const lookupText = await lookups.text();
    if (lookups.status !== 200) throw new Error(`lookup mix: HTTP ${lookups.status} ${lookupText.slice(0, 300)}`);
    const looked = JSON.parse(lookupText) as { meanMs: number[]; statuses: number[] };
    if (looked.statuses.some((st) => st !== 200)) throw new Error(`lookup mix: statuses ${looked.statuses.join(",")}`);
    const tooks = got.queries.map((q) => q.tookMs);
    run = {
      cold,
      warmP50: percentile(tooks, 50),
      warmP99: percentile(tooks, 99),
      heapFresh,
      heapAfter20,
      heapAfterMix,
      buffersAfterMix,
      lookupP50: percentile(looked.meanMs, 50),
      lookupP99: percentile(looked.meanMs, 99),
      rssAfterMix,
      ...got,
      load,
    };
  } finally {
    await w.dispose();
  }
  out.push(run);
  console.error(
    `run ${r + 1}/${runs} (load ${load.join(" ")}): warm tookMs p50 ${run.warmP50.toFixed(2)} / p99 ` +
      `${run.warmP99.toFixed(2)} ms` +
      (args["no-cold"]
        ? ""
        : `; cold ${Object.values(run.cold)
            .map((c) => c.tookMs)
            .join(" / ")} ms`),
  );
}

const med = (f: (r: Run) => number | null) => {
  const xs = out.map(f).filter((x): x is number => x !== null && !Number.isNaN(x));
  return xs.length ? median(xs) : null;
};
const fmt = (x: number | null, d = 1) => (x === null ? "—" : x.toFixed(d));
// Per query: medians over runs of each figure.
const perQuery = mix.map((q, i) => {
  const of = (f: (s: ScaleQueryStats) => number) => median(out.map((r) => f(r.queries[i]!)));
  const kinds = new Set(out.flatMap((r) => Object.keys(r.queries[i]!.reads)));
  return {
    q,
    tookMs: of((s) => s.tookMs),
    reads: Object.fromEntries([...kinds].map((k) => [k, of((s) => s.reads[k] ?? 0)])),
    readBytes: of((s) => s.readBytes),
    shards: of((s) => s.shards),
    shardsHeld: of((s) => s.shardsHeld),
    postingsHits: of((s) => s.postingsHits),
    postingsDecoded: of((s) => s.postingsDecoded),
    rawChunkHits: of((s) => s.rawChunkHits),
    decodedBytes: of((s) => s.decodedBytes),
    waitMs: of((s) => s.waitMs),
    scoreMs: of((s) => s.scoreMs),
    rpcMaxMs: of((s) => s.rpcMaxMs),
    rpcSumMs: of((s) => s.rpcSumMs),
    failedShards: of((s) => s.failedShards),
  };
});
const kinds = new Map<string, number>();
for (const q of perQuery) for (const [k, v] of Object.entries(q.reads)) kinds.set(k, (kinds.get(k) ?? 0) + v);

console.log(`| records | ${m.records.toLocaleString("en")} |`);
console.log(
  `| search shards | ${search.shards.length} ` +
    `(${(search.shards[0]!.end - search.shards[0]!.start).toLocaleString("en")} records each) |`,
);
console.log(
  `| term chunk bytes per shard | ${mib(Math.min(...search.shards.map((s) => s.bytes)))} – ` +
    `${mib(Math.max(...search.shards.map((s) => s.bytes)))} |`,
);
console.log(`| runs, load average at each start | ${runs}: ${out.map((r) => r.load.join(" ")).join("; ")} |`);
if (!args["no-cold"])
  for (const k of Object.keys(COLD) as Array<keyof typeof COLD>)
    console.log(
      `| cold, ${k} "${COLD[k]}" (fresh runtime): tookMs / wall | ${fmt(
        med((r) => r.cold[k].tookMs),
        0,
      )} / ` +
        `${fmt(
          med((r) => r.cold[k].wallMs),
          0,
        )} ms; shards missing from the answer ${fmt(
          med((r) => r.cold[k].failedShards),
          0,
        )} of ${search.shards.length} |`,
    );
console.log(
  `| warm tookMs p50 / p99 (${mix.length} queries × ${rounds} rounds, each query's mean) | ` +
    `${fmt(
      med((r) => r.warmP50),
      2,
    )} / ${fmt(
      med((r) => r.warmP99),
      2,
    )} ms |`,
);
{
  // A partial answer is fast for what it leaves out: say how many shards the warm answers lacked.
  const lacking = perQuery.map((q) => q.failedShards);
  console.log(
    `| warm answers lacking shards (a group's time ran out, or an object failed): queries / mean shards missing | ` +
      `${lacking.filter((n) => n > 0).length} of ${lacking.length} / ${mean(lacking).toFixed(1)} of ` +
      `${search.shards.length} |`,
  );
}
console.log(
  `| record lookup by reference, warm p50 / p99 (${lookupPaths.length} references × ${LOOKUP_ROUNDS} rounds, ` +
    `whole route in the isolate) | ${fmt(
      med((r) => r.lookupP50),
      2,
    )} / ${fmt(
      med((r) => r.lookupP99),
      2,
    )} ms |`,
);
console.log(
  `| heap fresh / after 20 queries / after the mix (one local isolate: Worker + all shard objects, after GC) | ` +
    `${mib(med((r) => r.heapFresh))} / ${mib(med((r) => r.heapAfter20))} / ${mib(med((r) => r.heapAfterMix))}; ` +
    `array buffers beside the heap after the mix ${mib(med((r) => r.buffersAfterMix))}; ` +
    `workerd resident after the mix ${mib(med((r) => r.rssAfterMix))} |`,
);
console.log(
  `| held after the mix: decoded postings / raw dense term chunks / the Worker store's chunks | ` +
    `${mib(med((r) => r.postingsCacheBytes))} / ${mib(med((r) => r.rawChunkBytes ?? null))} / ` +
    `${mib(med((r) => r.workerChunkBytes))}; asset stores that read during the mix: ${out[0]?.storesRead} |`,
);
console.log(
  `| per warm query, mean: asset reads by kind | ${[...kinds]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${(v / mix.length).toFixed(2)}`)
    .join(", ")} (${(mean(perQuery.map((q) => q.readBytes)) / 1024).toFixed(1)} KiB) |`,
);
console.log(
  `| per warm query, mean: shards scored / with every list held; postings held / decoded (KiB decoded) | ` +
    `${mean(perQuery.map((q) => q.shards)).toFixed(1)} / ${mean(perQuery.map((q) => q.shardsHeld)).toFixed(1)}; ` +
    `${mean(perQuery.map((q) => q.postingsHits)).toFixed(1)} / ${mean(perQuery.map((q) => q.postingsDecoded)).toFixed(1)} ` +
    `(of those from raw chunks ${mean(perQuery.map((q) => q.rawChunkHits)).toFixed(1)}) ` +
    `(${(mean(perQuery.map((q) => q.decodedBytes)) / 1024).toFixed(1)}) |`,
);
console.log(
  `| per warm query, mean: tookMs; shards' wait for postings / scoring (summed over shards); slowest round trip | ` +
    `${mean(perQuery.map((q) => q.tookMs)).toFixed(2)} ms; ${mean(perQuery.map((q) => q.waitMs)).toFixed(2)} / ` +
    `${mean(perQuery.map((q) => q.scoreMs)).toFixed(2)} ms; ${mean(perQuery.map((q) => q.rpcMaxMs)).toFixed(2)} ms |`,
);
const slowest = [...perQuery].sort((a, b) => b.tookMs - a.tookMs).slice(0, Number(args.slowest));
console.log("\n| slowest queries | tookMs | term reads | postings decoded | wait / score (Σ shards) | slowest RPC |");
console.log("|---|---|---|---|---|---|");
for (const q of slowest)
  console.log(
    `| ${q.q} | ${q.tookMs.toFixed(1)} | ${(q.reads["search/terms"] ?? 0).toFixed(1)} | ` +
      `${q.postingsDecoded.toFixed(0)} | ${q.waitMs.toFixed(1)} / ${q.scoreMs.toFixed(1)} | ${q.rpcMaxMs.toFixed(1)} |`,
  );
if (args.json) writeFileSync(args.json, JSON.stringify({ runs: out, perQuery }, null, 1));
