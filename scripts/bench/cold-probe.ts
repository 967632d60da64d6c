/**
 * npm run bench:cold [-- --assets DIR] [--queries "Besedovsky|soviet|soviet embassy paris"] [--runs N] [--verbose]
 *                     [--params "collapse=0"]
 *                     [--port 8800 --ports 50] [--no-caches] [--cache-hit] [--warm-simulators]
 *
 * Where a cold query's time goes, in figures that do not depend on how busy
 * the machine is: for the first search of a fresh workerd isolate (as the
 * bench's cold figure, caches bound), the asset reads it makes through the
 * binding, their bytes, the JSON characters parsed, and the round-trip depth
 * (the longest chain of reads each started only after the one before it
 * ended: what a query waits for in sequence). Also the whole-route server
 * time, the search's `tookMs`, workerd's CPU over the request (summed over
 * its threads) and the bundle's size. Reads come from the isolate's read
 * trace (`traceReads` in asset-store.ts) through the bench entry's
 * `/__bench/trace` route.
 */
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { heapSnapshotKinds } from "../lib/heap-snapshot";
import { builtPackEntries, readBuiltManifest, readBuiltTable } from "../../src/indexer/build-folders";
import type { ReadTrace as SharedReadTrace } from "../../src/shared/read-trace";
import { bundleWorker, startWorkerd, type WorkerBundle } from "./workerd";
import { minorFaults, processCpuMs, startAssetServer, startLocalWorker } from "../lib/local-worker";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { queryMix, syntheticCorpus } from "./synthetic-catalogue";

/** One asset read of the traced request, as `/__bench/trace` reports it: the store's trace plus the read's kind. */
type ReadTrace = SharedReadTrace & { kind: string };
import { median } from "./stats";

const ROOT = resolve(import.meta.dirname, "../..");
const { values: args } = parseArgs({
  allowNegative: true,
  options: {
    assets: { type: "string", default: join(ROOT, "bench/out/synthetic-100000/assets") },
    queries: { type: "string", default: "Besedovsky|soviet|soviet embassy paris" },
    runs: { type: "string", default: "3" },
    verbose: { type: "boolean", default: false },
    /** Instead of the cold queries: the isolate heap after this many of the bench's mix queries, and a snapshot. */
    heap: { type: "string" },
    /** With --heap: write the heap snapshot here and print its largest kinds of objects. */
    snapshot: { type: "string" },
    /** First loopback port of the workerd entry sockets, one per sample in turn (a session's own port range). */
    port: { type: "string", default: "8800" },
    /** How many ports from --port the samples cycle through. */
    ports: { type: "string", default: "50" },
    /**
     * `--no-caches`: bind no response caches (KV, Cache API), to see what their simulations cost the request (the
     * bench's cold figures bind both, as deployed).
     */
    caches: { type: "boolean", default: true },
    /**
     * A cold isolate whose first search is a response-cache hit: each sample first asks the query of another
     * isolate over the same persisted KV and cache, then of a fresh one (what a cold isolate's warm-up costs a
     * request it does not serve from the index).
     */
    "cache-hit": { type: "boolean", default: false },
    /** More query parameters for every search (`collapse=0&limit=20`). */
    params: { type: "string", default: "" },
    /**
     * Serve the static assets from a workerd process of their own (`startAssetServer`), so the asset workers do not
     * share the Worker's thread (deployed, static assets are served outside the Worker's isolate). The CPU and faults
     * printed are then the Worker's process only.
     */
    "assets-apart": { type: "boolean", default: false },
    /**
     * Warm Miniflare's KV and Cache API (and R2) simulations before each cold request, the Worker's isolate left cold
     * (local-worker.ts `warmSimulators`): deployed, those services are never a cold isolate beside the Worker's.
     */
    "warm-simulators": { type: "boolean", default: false },
  },
});

interface Probe {
  /** workerd's CPU over the request (see processCpuMs). */
  cpuMs: number | null;
  /** workerd's minor page faults over the request: pages of memory first touched (see `minorFaults`). */
  faults: number | null;
  serverMs: number;
  tookMs: number;
  reads: ReadTrace[];
  timing: string;
}

/**
 * Longest chain of reads where each starts at or after the previous one's end (clock ticks are whole ms). Reads
 * that took no time at all were answered from bytes already held (ranges of a file read whole): not round trips.
 */
function depth(reads: ReadTrace[]): { depth: number; chain: ReadTrace[] } {
  // Bytes taken from another read (the startup bundle, a file read whole for its ranges) wait on that read: not a
  // round trip of their own.
  const sorted = reads.filter((r) => r.end > r.start && !r.via).sort((a, b) => a.start - b.start);
  const best: Array<{ d: number; prev: number }> = [];
  sorted.forEach((r, i) => {
    let d = 1;
    let prev = -1;
    for (let j = 0; j < i; j++)
      if (sorted[j]!.end <= r.start && best[j]!.d + 1 > d) {
        d = best[j]!.d + 1;
        prev = j;
      }
    best.push({ d, prev });
  });
  let i = best.reduce((m, b, k) => (b.d > (best[m]?.d ?? 0) ? k : m), 0);
  const chain: ReadTrace[] = [];
  while (i >= 0 && sorted[i]) {
    chain.unshift(sorted[i]!);
    i = best[i]!.prev;
  }
  return { depth: chain.length, chain };
}

/** The bench's heap figure (`heapAfter20MiB`), and what the heap holds then. */
async function heapProbe(bundle: WorkerBundle, n: number) {
  const paths = queryMix(syntheticCorpus(100_000), 200).search.map((q) => `/api/search?q=${encodeURIComponent(q.q)}`);
  const w = await startWorkerd(bundle, args.assets!, { inspector: true });
  try {
    const mib = (b: number | undefined) => ((b ?? NaN) / 2 ** 20).toFixed(2);
    const base = await w.heap(true);
    for (const p of paths.slice(0, n)) await w.fetch(p);
    const after = await w.heap(true);
    console.log(`heap: fresh isolate ${mib(base?.usedSize)} MiB, after ${n} queries ${mib(after?.usedSize)} MiB`);
    if (args.snapshot) {
      await w.heapSnapshotTo(args.snapshot);
      summariseSnapshot(args.snapshot);
    }
  } finally {
    await w.dispose();
  }
}

/** Prints the largest kinds of objects in a V8 heap snapshot. */
function summariseSnapshot(file: string) {
  const { kinds, totalBytes } = heapSnapshotKinds(file);
  console.log(`snapshot: ${(totalBytes / 2 ** 20).toFixed(2)} MiB of self sizes; largest kinds:`);
  for (const e of kinds.slice(0, 25))
    console.log(`  ${(e.bytes / 1024).toFixed(0).padStart(7)} KiB ${String(e.count).padStart(8)}  ${e.kind}`);
}

/**
 * Bytes the static-assets binding sends for a read of each packed chunk: its whole pack, since it answers a range
 * with the whole file (README, "Packs"). The trace records the chunk's own bytes; this says what crossed the binding.
 */
function packWireBytes(assets: string): Map<string, number> {
  const m = readBuiltManifest(assets);
  const out = new Map<string, number>();
  if (!m?.packs?.index) return out;
  const files = readBuiltTable<string>(assets, m.packs.files);
  for (const [path, [pack]] of builtPackEntries(assets, m))
    out.set(path, statSync(join(assets, files.get(String(pack))!)).size);
  return out;
}

async function main() {
  const bundle = await bundleWorker();
  const wire = packWireBytes(args.assets!);
  console.log(`bundle ${(statSync(bundle.script).size / 1024).toFixed(0)} KiB (${bundle.script})`);
  if (args.heap) return heapProbe(bundle, Number(args.heap));
  let sample = 0;
  for (const q of args.queries!.split("|")) {
    const probes: Probe[] = [];
    for (let i = 0; i < Number(args.runs); i++) {
      const persistTo = args["cache-hit"] ? mkdtempSync(join(tmpdir(), "dossier-cold-hit-")) : undefined;
      if (persistTo) {
        const first = await startLocalWorker({
          assetsDir: args.assets!,
          scriptPath: bundle.script,
          httpPort: Number(args.port) + (sample++ % Number(args.ports)),
          persistTo,
        });
        await (await first.fetch(`/api/search?q=${encodeURIComponent(q)}`)).arrayBuffer();
        // The cache writes are background work (waitUntil): let them land before the isolate goes.
        await new Promise((r) => setTimeout(r, 1000));
        await first.dispose();
      }
      const server = args["assets-apart"] ? await startAssetServer(args.assets!) : null;
      const w = await startLocalWorker({
        assetsDir: args.assets!,
        scriptPath: bundle.script,
        httpPort: Number(args.port) + (sample++ % Number(args.ports)),
        caches: args.caches,
        warmSimulators: args["warm-simulators"],
        ...(persistTo ? { persistTo } : {}),
        ...(server ? { assetServer: server.address } : {}),
      });
      const pid = w.pid;
      try {
        const path = `/api/search?q=${encodeURIComponent(q)}${args.params ? `&${args.params}` : ""}`;
        const cpu0 = processCpuMs(pid);
        const faults0 = minorFaults(pid);
        const res = await w.fetch(`/__bench/trace?path=${encodeURIComponent(path)}`);
        const cpu1 = processCpuMs(pid);
        const faults1 = minorFaults(pid);
        const out = JSON.parse(await res.text()) as {
          status: number;
          serverMs: number;
          body: string;
          headers: Record<string, string>;
          reads: ReadTrace[];
        };
        if (out.status !== 200) throw new Error(`${q}: HTTP ${out.status} ${out.body.slice(0, 300)}`);
        if (args["cache-hit"] && out.headers["x-cache"] !== "HIT")
          throw new Error(`${q}: the second isolate's answer was not a cache hit (x-cache ${out.headers["x-cache"]})`);
        const tookMs = (JSON.parse(out.body) as { tookMs: number }).tookMs;
        probes.push({
          cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
          faults: faults0 === null || faults1 === null ? null : faults1 - faults0,
          serverMs: out.serverMs,
          tookMs,
          reads: out.reads,
          timing: out.headers["server-timing"] ?? "",
        });
      } finally {
        await w.dispose();
        await server?.dispose();
        if (persistTo) rmSync(persistTo, { recursive: true, force: true });
      }
    }
    // Per sample: when the reads before scoring ended (term chunks, vocabulary, filters) and the span of the page's
    // reads after it (records, volume segments): the last round trip, all of it inside `tookMs`.
    for (const x of probes) {
      const before = x.reads.filter((r) => !r.via && /^(search\/(terms|vocab|filters|lexicon)|packs)/.test(r.kind));
      const page = x.reads.filter((r) => !r.via && (r.kind === "records" || r.kind === "search/volume-groups"));
      const end = (rs: ReadTrace[]) => (rs.length ? Math.max(...rs.map((r) => r.end)) : NaN);
      const start = (rs: ReadTrace[]) => (rs.length ? Math.min(...rs.map((r) => r.start)) : NaN);
      console.log(
        `  sample: server ${x.serverMs.toFixed(0)} tookMs ${x.tookMs.toFixed(0)} cpu ${x.cpuMs?.toFixed(0) ?? "?"} faults ${x.faults ?? "?"}; ` +
          `reads before scoring end @${end(before).toFixed(0)} (${(before.reduce((a, r) => a + r.bytes, 0) / 1024).toFixed(0)} KiB); ` +
          `page reads ${page.length} ` +
          `@${start(page).toFixed(0)}–${end(page).toFixed(0)} (${(end(page) - start(page)).toFixed(0)} ms); ${x.timing}`,
      );
    }
    const p = probes[0]!;
    const byKind = new Map<string, { n: number; via: number; bytes: number; json: number; parseMs: number }>();
    for (const r of p.reads) {
      const k = r.kind;
      const e = byKind.get(k) ?? { n: 0, via: 0, bytes: 0, json: 0, parseMs: 0 };
      if (r.via) e.via++;
      else e.n++;
      e.bytes += r.bytes;
      e.json += r.jsonChars;
      e.parseMs += r.parseMs;
      byKind.set(k, e);
    }
    const { depth: d, chain } = depth(p.reads);
    const sum = (f: (r: ReadTrace) => number) => p.reads.reduce((a, r) => a + f(r), 0);
    const cpus = probes.flatMap((x) => (x.cpuMs === null ? [] : [x.cpuMs]));
    const faults = probes.flatMap((x) => (x.faults === null ? [] : [x.faults]));
    console.log(
      `\n"${q}": server ${median(probes.map((x) => x.serverMs)).toFixed(1)} ms, tookMs ` +
        `${median(probes.map((x) => x.tookMs)).toFixed(1)} ms, workerd CPU ` +
        `${cpus.length ? median(cpus).toFixed(1) : "?"} ms, page faults ${faults.length ? median(faults) : "?"} ` +
        `(median of ${probes.length}; server/tookMs/CPU/faults each: ` +
        `${probes.map((x) => `${x.serverMs.toFixed(0)}/${x.tookMs.toFixed(0)}/${x.cpuMs?.toFixed(0) ?? "?"}/${x.faults ?? "?"}`).join(", ")})`,
    );
    // A range of an unpacked file is read whole once (traced as that read), so only packed reads add wire bytes.
    const wireOf = (r: ReadTrace) => wire.get(r.path) ?? r.bytes;
    const own = p.reads.filter((r) => !r.via);
    console.log(
      `  reads ${own.length} through the binding (${p.reads.length - own.length} more files taken from them), ` +
        `${(own.reduce((a, r) => a + r.bytes, 0) / 1024).toFixed(0)} KiB (from static assets ` +
        `${(own.reduce((a, r) => a + wireOf(r), 0) / 1024).toFixed(0)} KiB, whole packs), JSON parsed ` +
        `${(sum((r) => r.jsonChars) / 1024).toFixed(0)} KiB, parse+hash ${sum((r) => r.parseMs).toFixed(1)} ms, ` +
        `round-trip depth ${d}`,
    );
    console.log(`  server-timing: ${p.timing}`);
    for (const [k, e] of [...byKind].sort((a, b) => b[1].bytes - a[1].bytes))
      console.log(
        `  ${k.padEnd(22)} ${String(e.n).padStart(4)} reads ${e.via ? `+${e.via} taken` : "       "} ` +
          `${(e.bytes / 1024).toFixed(1).padStart(8)} KiB` +
          `  json ${(e.json / 1024).toFixed(1).padStart(7)} KiB  parse/hash ${e.parseMs.toFixed(1)} ms`,
      );
    console.log(`  critical chain: ${chain.map((r) => `${r.kind}@${r.start.toFixed(0)}`).join(" → ")}`);
    if (args.verbose)
      for (const r of [...p.reads].sort((a, b) => a.start - b.start))
        console.log(
          `    ${r.start.toFixed(1).padStart(7)}–${r.end.toFixed(1).padStart(7)} ${String(r.bytes).padStart(8)} B ` +
            `${r.parseMs.toFixed(1).padStart(5)} ms store ${r.store} ${r.path}${r.via ? ` (from ${r.via})` : ""}`,
        );
  }
}

await main();
