/**
 * npm run load: drives a local Dossier with autocannon over loopback and
 * writes BENCHMARKS.load.md. Three parts, each bounded in time:
 *
 * 1. Phases under wrangler's dev server (what `npm start` runs), with a fresh,
 *    empty KV and Cache API store so "cold" is really cold: cold (every request
 *    new), warm (a small working set), cached (hot keys), typeahead bursts, and
 *    a realistic mix with 10% bad requests.
 * 2. A connection sweep of distinct searches (no key repeats) at 10/50/100
 *    connections, both through the dev server and straight at workerd (the
 *    Miniflare entry socket, no dev proxy), with the Worker's own time
 *    (Server-Timing `total`) and the search's (`tookMs`), so the latency splits
 *    into dev proxy, Worker and search.
 * 3. A soak: mixed traffic straight at workerd for `--soak-seconds`, with the
 *    Worker isolate's V8 heap (after a full GC, read through the inspector) and
 *    workerd's RSS sampled between slices. The heap after warm-up and at the
 *    end must agree within 10%, or the run fails.
 *
 * The rate limit is raised through RATE_LIMIT_PER_MINUTE so it cannot fail the
 * run (the limiter still runs on every request); any 429s are counted apart.
 *
 * Options: --data <dir> (repeatable; builds those catalogues into dist/load-assets),
 * --phase-seconds (6), --connections (10, for the phases), --sweep (10,50,100; "" skips),
 * --sweep-requests (2 per connection, at least 50), --soak-seconds (300; 0 skips), --port (8840; the next port is
 * used too),
 * --snapshot <file> (a heap snapshot of the Worker at the end of the soak), --out (BENCHMARKS.load.md).
 * LOAD_PHASE_SECONDS and LOAD_CONNECTIONS still work as environment variables.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { EventEmitter } from "node:events";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { readBuiltManifest } from "../src/indexer/build-catalogue";
import { builtRecordShardPaths, builtSeries, readBuiltRecordShard } from "../src/indexer/build-folders";
import { heapSnapshotKinds } from "./lib/heap-snapshot";
import { rssOf, startLocalWorker, workerdChildren, type LocalWorker } from "./lib/local-worker";

const { values: args } = parseArgs({
  options: {
    data: { type: "string", multiple: true },
    "phase-seconds": { type: "string", default: process.env.LOAD_PHASE_SECONDS ?? "6" },
    connections: { type: "string", default: process.env.LOAD_CONNECTIONS ?? "10" },
    sweep: { type: "string", default: "10,50,100" },
    "sweep-requests": { type: "string", default: "2" },
    "soak-seconds": { type: "string", default: "300" },
    port: { type: "string", default: "8840" },
    snapshot: { type: "string" },
    out: { type: "string", default: "BENCHMARKS.load.md" },
  },
});

const ASSETS = args.data?.length ? "dist/load-assets" : "dist/assets";
const OUT_FILE = args.out!;
const PHASE_SECONDS = Number(args["phase-seconds"]);
const CONNECTIONS = Number(args.connections);
const SWEEP = args.sweep!.split(",").filter(Boolean).map(Number);
/**
 * Requests per sweep row, per connection (at least 50): a count, not a duration, so 100 slow connections still
 * finish.
 */
const SWEEP_PER_CONNECTION = Number(args["sweep-requests"]);
const sweepAmount = (connections: number) => Math.max(50, Math.round(SWEEP_PER_CONNECTION * connections));
const SOAK_SECONDS = Number(args["soak-seconds"]);
/** Heap and RSS are sampled between slices of this length. */
const SOAK_SLICE_SECONDS = Math.min(30, Math.max(1, SOAK_SECONDS / 4));
/** The first slices fill the asset cache and the KV store; the heap is compared from after them. */
const SOAK_WARMUP_SECONDS = Math.min(60, SOAK_SECONDS / 5);
const SOAK_HEAP_TOLERANCE = 0.1;
const PORT = Number(args.port);
const STARTUP_TIMEOUT_MS = 60_000;
/** High enough that no phase can reach it; the limiter still runs on every request. */
const LOAD_RATE_LIMIT = "100000000";

interface Corpus {
  words: string[];
  ids: string[];
  references: string[];
  people: string[];
  series: string[];
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path))
    if (!name.startsWith(".")) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Builds when there are no assets, or when their data or the code that writes them changed since. */
function ensureBuilt(): void {
  const m = readBuiltManifest(ASSETS);
  const dataDirs = args.data?.length ? args.data : ["data"];
  const sources = [...dataDirs, "src/indexer", "src/shared"];
  if (m && sources.every((d) => newestMtime(d) <= Date.parse(m.builtAt))) return;
  console.log(
    m
      ? "load: assets are older than their data or build code; rebuilding …"
      : `load: no built assets; building from ${dataDirs.join(", ")} …`,
  );
  const build = ["tsx", "scripts/build.ts", "--quiet", "--out", ASSETS, ...dataDirs.flatMap((d) => ["--data", d])];
  const r = spawnSync("npx", build, { stdio: "inherit" });
  if (r.status !== 0) throw new Error("load: the build failed");
}

/** Realistic request material, read from the built catalogue itself. */
function readCorpus(): Corpus {
  const m = readBuiltManifest(ASSETS)!;
  const words = new Set<string>();
  const people = new Set<string>();
  const ids: string[] = [];
  const references: string[] = [];
  for (const path of builtRecordShardPaths(ASSETS, m)) {
    const shard = readBuiltRecordShard(ASSETS, m, path);
    for (const { record } of shard) {
      ids.push(record.id);
      references.push(record.reference);
      for (const w of record.title.split(/[^\p{L}]+/u)) if (w.length >= 4) words.add(w.toLowerCase());
      for (const p of record.people) people.add(p);
    }
  }
  return { words: [...words], ids, references, people: [...people], series: builtSeries(ASSETS, m).map((s) => s.name) };
}

interface Service {
  url: string;
  stop(): Promise<void>;
}

/**
 * The Worker under wrangler's own dev server (`unstable_startWorker`), with
 * file watching off: other work in the tree must not rebuild it mid-run.
 */
async function startService(port: number, persistTo: string): Promise<Service> {
  process.env.WRANGLER_SEND_METRICS = "false";
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  const { unstable_startWorker } = await import("wrangler");
  const worker = await unstable_startWorker({
    config: "wrangler.toml",
    ...(ASSETS !== "dist/assets" ? { assets: ASSETS } : {}),
    bindings: { RATE_LIMIT_PER_MINUTE: { type: "plain_text", value: LOAD_RATE_LIMIT } },
    dev: {
      remote: false,
      watch: false,
      persist: persistTo,
      inspector: false,
      logLevel: "error",
      server: { hostname: "127.0.0.1", port },
    },
  });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error(`load: the Worker did not start within ${STARTUP_TIMEOUT_MS / 1000} s`)),
      STARTUP_TIMEOUT_MS,
    ).unref(),
  );
  await Promise.race([worker.ready, timeout]);
  const url = (await worker.url).origin;
  const health = await fetch(`${url}/api/health`);
  if (!health.ok) throw new Error(`load: /api/health answered ${health.status}: ${await health.text()}`);
  return { url, stop: () => worker.dispose() };
}

const pick = <T>(xs: T[], i: number): T => xs[((i % xs.length) + xs.length) % xs.length]!;
const q = (s: string) => encodeURIComponent(s);

/** Per-phase counters fed by every response. */
class Tally {
  hits = 0;
  misses = 0;
  status = new Map<number, number>();
  hitLatency: number[] = [];
  missLatency: number[] = [];
  hitServer: number[] = [];
  missServer: number[] = [];
  /** The search's own `tookMs`, from /api/search answers computed live. */
  took: number[] = [];

  count(status: number): void {
    this.status.set(status, (this.status.get(status) ?? 0) + 1);
  }

  between(lo: number, hi: number): number {
    let n = 0;
    for (const [s, c] of this.status) if (s >= lo && s < hi) n += c;
    return n;
  }
}

interface PhaseResult {
  name: string;
  description: string;
  result: autocannon.Result;
  tally: Tally;
}

/** A run of `seconds`, or of `amount` requests (each allowed a minute) when set. */
interface Load {
  base: string;
  connections: number;
  seconds: number;
  amount?: number;
  quiet?: boolean;
}

async function runPhase(
  load: Load,
  name: string,
  description: string,
  nextPath: (i: number) => string,
): Promise<PhaseResult> {
  const tally = new Tally();
  let i = 0;
  const result = await autocannon({
    url: load.base,
    connections: load.connections,
    ...(load.amount ? { amount: load.amount, timeout: 60 } : { duration: load.seconds }),
    requests: [{ method: "GET", setupRequest: (req) => ({ ...req, path: nextPath(i++) }) }],
    // Pairs each response's X-Cache, Server-Timing and tookMs with its latency; one request in flight per client.
    setupClient: (c) => {
      const client = c as unknown as EventEmitter;
      let xcache: string | null = null;
      let serverTotal: number | null = null;
      let took: number | null = null;
      client.on("headers", (opts: { headers: string[] }) => {
        xcache = null;
        serverTotal = null;
        took = null;
        for (let k = 0; k < opts.headers.length; k += 2) {
          const h = opts.headers[k]!.toLowerCase();
          if (h === "x-cache") xcache = opts.headers[k + 1]!;
          if (h === "server-timing") {
            const m = /total;dur=([\d.]+)/.exec(opts.headers[k + 1]!);
            serverTotal = m ? Number(m[1]) : null;
          }
        }
      });
      // autocannon hands over the parser's buffer; with one request in flight it holds only this answer.
      client.on("body", (buf: Buffer) => {
        const m = /"tookMs":([\d.]+)/.exec(buf.toString("latin1"));
        if (m) took = Number(m[1]);
      });
      client.on("response", (status: number, _bytes: number, ms: number) => {
        tally.count(status);
        if (status !== 200) return;
        if (xcache === "HIT") {
          tally.hits++;
          tally.hitLatency.push(ms);
          if (serverTotal !== null) tally.hitServer.push(serverTotal);
        } else {
          tally.misses++;
          tally.missLatency.push(ms);
          if (serverTotal !== null) tally.missServer.push(serverTotal);
          if (took !== null) tally.took.push(took);
        }
      });
    },
  });
  if (!load.quiet) {
    console.log(
      `  ${name}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ` +
        `${result.latency.p99} ms, ` +
        `${result.errors + result.timeouts} errors, ${tally.between(500, 600)} 5xx, ${share(tally)} HIT`,
    );
  }
  return { name, description, result, tally };
}

function share(t: Tally): string {
  const n = t.hits + t.misses;
  return n ? `${((100 * t.hits) / n).toFixed(1)}%` : "–";
}

function quantile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "–");

function phases(c: Corpus) {
  const prefixes = c.people.flatMap((p) => {
    const surname = p.split(/\s+/).at(-1)!.toLowerCase();
    return Array.from({ length: Math.min(6, surname.length) }, (_, k) => surname.slice(0, k + 1));
  });
  const popular = [...new Set(c.people.map((p) => p.split(/\s+/).at(-1)!.toLowerCase()))]
    .filter((s) => s.length >= 3)
    .slice(0, 15);
  const hot = [
    `/api/search?q=${q(pick(c.words, 0))}`,
    `/api/search?q=${q(pick(c.words, 1))}&limit=10`,
    `/api/suggest?q=${q(pick(prefixes, 2))}`,
    `/api/lookup?ref=${q(pick(c.references, 3))}`,
    `/api/records/${pick(c.ids, 4)}`,
  ];
  const n = c.words.length;
  const working = (i: number) => {
    const k = i % 40;
    switch (k % 5) {
      case 0:
        return `/api/search?q=${q(`${pick(c.words, k)} ${pick(c.words, k * 7)}`)}`;
      case 1:
        return `/api/suggest?q=${q(pick(prefixes, k))}`;
      case 2:
        return `/api/lookup?ref=${q(pick(c.references, k))}`;
      case 3:
        return `/api/records/${pick(c.ids, k)}/related`;
      default:
        return `/api/people?q=${q(pick(c.people, k))}`;
    }
  };
  const BAD = [
    "/api/search?q=",
    `/api/search?q=${"x".repeat(300)}`,
    "/api/search?q=fuchs&limit=abc",
    "/api/search?q=fuchs&offset=-5",
    "/api/records/NOT_AN_ID",
    "/api/records/kv-9-99999",
    "/api/lookup?ref=%20%20",
    "/api/series/no-such-series",
    "/api/nowhere",
    `/api/suggest?q=a&${Array.from({ length: 40 }, (_, j) => `p${j}=1`).join("&")}`,
  ];
  /** Searches whose keys never repeat within one offset's run: two title words, pairs walked through n². */
  const distinct = (offset: number) => (i: number) => {
    const j = i + offset;
    return `/api/search?q=${q(`${pick(c.words, j)} ${pick(c.words, Math.floor(j / n) + j * 31 + 1)}`)}`;
  };
  const phaseList = [
    {
      name: "cold",
      description: "every request a new search, suggest or lookup: nothing cached",
      // Word pairs run through n² combinations, so no key repeats within a phase.
      next: (i: number) => {
        const a = pick(c.words, i),
          b = pick(c.words, Math.floor(i / n) + i * 31 + 1);
        return i % 3 === 2
          ? `/api/suggest?q=${q(`${a.slice(0, 3)} ${b.slice(0, 2)}`)}`
          : `/api/search?q=${q(`${a} ${b}`)}&limit=${(i % 20) + 1}`;
      },
    },
    {
      name: "warm",
      description: "a working set of 40 requests across search, suggest, lookup, related and people, filling the cache",
      next: working,
    },
    { name: "cached", description: "five hot keys, already cached", next: (i: number) => pick(hot, i) },
    {
      name: "typeahead",
      description: "suggest bursts: users type one of 15 popular surnames a letter at a time (up to 6 letters)",
      next: (i: number) => {
        const name = pick(popular, Math.floor(i / 6) * 7);
        return `/api/suggest?q=${q(name.slice(0, (i % 6) + 1))}&limit=8`;
      },
    },
    {
      name: "mixed",
      description: "realistic mix: 60% working set, 20% new searches, 10% typeahead, 10% bad requests",
      next: (i: number) => {
        const r = i % 10;
        if (r === 0) return pick(BAD, Math.floor(i / 10));
        if (r < 3) return `/api/search?q=${q(`${pick(c.words, i)} ${pick(c.words, i * 13 + 5)}`)}`;
        if (r === 3) return `/api/suggest?q=${q(pick(prefixes, i))}`;
        return working(i);
      },
    },
  ];
  return { phases: phaseList, distinct, mixed: phaseList.at(-1)!.next };
}

function phaseReport(results: PhaseResult[], startupMs: number): string {
  const all = new Tally();
  for (const { tally } of results) {
    all.hits += tally.hits;
    all.misses += tally.misses;
    all.hitLatency.push(...tally.hitLatency);
    all.missLatency.push(...tally.missLatency);
    all.hitServer.push(...tally.hitServer);
    all.missServer.push(...tally.missServer);
    for (const [s, k] of tally.status) all.status.set(s, (all.status.get(s) ?? 0) + k);
  }
  const rows = results.map(
    ({ name, result, tally }) =>
      `| ${name} | ${result.requests.total} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ` +
      `${result.latency.p99} | ${tally.between(200, 300)} | ` +
      `${tally.between(400, 500) - (tally.status.get(429) ?? 0)} | ${tally.status.get(429) ?? 0} | ` +
      `${tally.between(500, 600) + result.errors + result.timeouts} | ${share(tally)} |`,
  );
  const medianRatio = quantile(all.missServer, 0.5) / quantile(all.hitServer, 0.5);
  const clientRatio = quantile(all.missLatency, 0.5) / quantile(all.hitLatency, 0.5);
  return [
    "### Phases under the dev server",
    "",
    `wrangler dev server (\`unstable_startWorker\`), autocannon with ${CONNECTIONS} connections, ${PHASE_SECONDS} s ` +
      `per phase, fresh KV and Cache API store. Service start ${(startupMs / 1000).toFixed(1)} s.`,
    "",
    "| phase | requests | req/s | p50 ms | p99 ms | 2xx | 4xx (not 429) | 429 | errors (5xx, socket, timeout) | " +
      "200s from cache |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    ...results.map(({ name, description }) => `- **${name}**: ${description}.`),
    "",
    "Cache effect over all 200 answers (median; server time is Server-Timing `total`, client time includes the dev " +
      "server's proxy):",
    "",
    "| answered by | count | server ms p50 | server ms p99 | client ms p50 | client ms p99 |",
    "|---|---:|---:|---:|---:|---:|",
    `| cache (X-Cache: HIT) | ${all.hits} | ${fmt(quantile(all.hitServer, 0.5))} | ` +
      `${fmt(quantile(all.hitServer, 0.99))} | ${fmt(quantile(all.hitLatency, 0.5), 0)} | ` +
      `${fmt(quantile(all.hitLatency, 0.99), 0)} |`,
    `| live index (MISS) | ${all.misses} | ${fmt(quantile(all.missServer, 0.5))} | ` +
      `${fmt(quantile(all.missServer, 0.99))} | ${fmt(quantile(all.missLatency, 0.5), 0)} | ` +
      `${fmt(quantile(all.missLatency, 0.99), 0)} |`,
    "",
    `Miss/hit median server time: ${fmt(medianRatio)}×; client time: ${fmt(clientRatio)}×. Share of 200s answered ` +
      `from cache over the run: ${share(all)}.`,
    "",
  ].join("\n");
}

interface SweepRow {
  connections: number;
  via: string;
  phase: PhaseResult;
}

function sweepReport(rows: SweepRow[]): string {
  const line = ({ connections, via, phase: { result, tally } }: SweepRow) =>
    `| ${connections} | ${via} | ${result.requests.total} | ${Math.round(result.requests.average)} | ` +
    `${result.latency.p50} | ${result.latency.p99} | ` +
    `${fmt(quantile(tally.missServer, 0.5))} | ${fmt(quantile(tally.missServer, 0.99))} | ` +
    `${fmt(quantile(tally.took, 0.5))} | ${fmt(quantile(tally.took, 0.99))} | ` +
    `${tally.between(500, 600) + result.errors + result.timeouts} |`;
  return [
    "### Distinct searches by connection count: where the time goes",
    "",
    `Every request is a new two-word search (no key repeats, so every answer is computed live and then written to ` +
      `KV); ${SWEEP_PER_CONNECTION} requests per connection (at least 50) per row. ` +
      "*client* is autocannon's latency; *Worker* is the Worker's own Server-Timing `total` (routing, cache " +
      "lookups, index, JSON); " +
      "*search* is the answer's `tookMs` (query planning and scoring). \"dev server\" goes through wrangler's dev " +
      "proxy (what `npm start` runs); " +
      '"workerd" goes straight to the Miniflare entry socket of the same workerd build. workerd\'s clock ' +
      "advances only on I/O, so the in-Worker figures are whole milliseconds.",
    "",
    "| connections | via | requests | req/s | client p50 ms | client p99 ms | Worker p50 ms | Worker p99 ms | " +
      "search p50 ms | search p99 ms | errors |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(line),
    "",
  ].join("\n");
}

interface HeapSample {
  atSeconds: number;
  requests: number;
  heapMb: number;
  otherIsolatesMb: number;
  rssMb: number | null;
  /** Used heap by isolate id, MB; `*` marks an isolate read without a GC (the pokes did not reach it). */
  isolates: Map<string, { mb: number; collected: boolean }>;
}

interface SoakResult {
  samples: HeapSample[];
  phase: PhaseResult[];
  snapshot: string | null;
}

const mb = (bytes: number) => bytes / (1024 * 1024);

async function sample(w: LocalWorker, atSeconds: number, requests: number): Promise<HeapSample> {
  const heaps = await w.isolateHeaps(true);
  const worker = heaps.find((h) => h.isolate.startsWith("core:user:"));
  if (!worker) throw new Error("load: the inspector did not report the Worker's isolate");
  const others = heaps.filter((h) => h !== worker).reduce((n, h) => n + h.usedSize, 0);
  const rss = w.rssBytes();
  return {
    atSeconds,
    requests,
    heapMb: mb(worker.usedSize),
    otherIsolatesMb: mb(others),
    rssMb: rss === null ? null : mb(rss),
    isolates: new Map(heaps.map((h) => [h.isolate, { mb: mb(h.usedSize), collected: h.collected }])),
  };
}

/** Mixed traffic in slices, the heap read after a full GC between them. */
async function soak(w: LocalWorker, mixed: (i: number) => string): Promise<SoakResult> {
  const samples: HeapSample[] = [await sample(w, 0, 0)];
  const slices: PhaseResult[] = [];
  let offset = 0;
  let elapsed = 0;
  let requests = 0;
  while (elapsed < SOAK_SECONDS) {
    const seconds = Math.min(SOAK_SLICE_SECONDS, SOAK_SECONDS - elapsed);
    const base = offset;
    const slice = await runPhase({ base: w.url!, connections: CONNECTIONS, seconds, quiet: true }, "soak", "", (i) =>
      mixed(base + i),
    );
    offset += slice.result.requests.sent;
    requests += slice.result.requests.total;
    elapsed += seconds;
    slices.push(slice);
    const s = await sample(w, elapsed, requests);
    samples.push(s);
    console.log(
      `  soak ${elapsed} s: ${requests} requests, Worker heap ${fmt(s.heapMb)} MB, other isolates ` +
        `${fmt(s.otherIsolatesMb)} MB, ` +
        `workerd RSS ${s.rssMb === null ? "–" : fmt(s.rssMb, 0)} MB, p50 ${slice.result.latency.p50} ms`,
    );
  }
  let snapshot: string | null = null;
  if (args.snapshot) {
    await w.heapSnapshot(args.snapshot);
    snapshot = summariseSnapshot(args.snapshot);
    console.log(snapshot);
  }
  return { samples, phase: slices, snapshot };
}

/** The heap after warm-up and at the end, and whether they agree within the tolerance. */
function soakVerdict(samples: HeapSample[]): { from: HeapSample; to: HeapSample; change: number; flat: boolean } {
  const from = samples.find((s) => s.atSeconds >= SOAK_WARMUP_SECONDS) ?? samples.at(-1)!;
  const to = samples.at(-1)!;
  const change = (to.heapMb - from.heapMb) / from.heapMb;
  return { from, to, change, flat: change <= SOAK_HEAP_TOLERANCE };
}

function soakReport(r: SoakResult): string {
  const v = soakVerdict(r.samples);
  const total = r.phase.reduce((n, p) => n + p.result.requests.total, 0);
  const errors = r.phase.reduce((n, p) => n + p.tally.between(500, 600) + p.result.errors + p.result.timeouts, 0);
  const lat = r.phase.flatMap((p) => [...p.tally.hitLatency, ...p.tally.missLatency]);
  const hits = r.phase.reduce((n, p) => n + p.tally.hits, 0);
  const ok = r.phase.reduce((n, p) => n + p.tally.hits + p.tally.misses, 0);
  return [
    "### Soak: memory under mixed traffic",
    "",
    `${SOAK_SECONDS} s of the *mixed* phase's traffic (60% working set, 20% new searches, 10% typeahead, 10% bad ` +
      `requests) straight at workerd, ` +
      `${CONNECTIONS} connections, fresh KV and cache store: ${total} requests, ${errors} errors, 200s p50 ` +
      `${fmt(quantile(lat, 0.5), 0)} ms, ` +
      `${ok ? ((100 * hits) / ok).toFixed(1) : "–"}% of 200s from cache. Between ${SOAK_SLICE_SECONDS} s slices the ` +
      `inspector runs a full GC and reads ` +
      "`Runtime.getHeapUsage` of every isolate in workerd: the Worker's own, and Miniflare's simulations (KV, Cache " +
      "API, assets, rate limiter, entry).",
    "",
    "| time s | requests | Worker isolate heap MB | other isolates MB | workerd RSS MB |",
    "|---:|---:|---:|---:|---:|",
    ...r.samples.map(
      (s) =>
        `| ${s.atSeconds} | ${s.requests} | ${fmt(s.heapMb)} | ${fmt(s.otherIsolatesMb)} | ` +
        `${s.rssMb === null ? "–" : fmt(s.rssMb, 0)} |`,
    ),
    "",
    `Worker heap after warm-up (${v.from.atSeconds} s): ${fmt(v.from.heapMb)} MB; at the end: ` +
      `${fmt(v.to.heapMb)} ` +
      `MB; change ${(100 * v.change).toFixed(1)}% (limit +${100 * SOAK_HEAP_TOLERANCE}%): ` +
      `**${v.flat ? "flat" : "GROWING"}**.`,
    "",
    "Every isolate, after warm-up and at the end (MB used; * = read without a GC, as no request reached it):",
    "",
    "| isolate | after warm-up | end | change |",
    "|---|---:|---:|---:|",
    ...[...v.to.isolates]
      .map(([id, end]) => ({ id, end, start: v.from.isolates.get(id) }))
      .sort((a, b) => b.end.mb - (b.start?.mb ?? 0) - (a.end.mb - (a.start?.mb ?? 0)))
      .map(
        ({ id, start, end }) =>
          `| \`${id}\` | ${start ? `${fmt(start.mb)}${start.collected ? "" : "*"}` : "–"} | ` +
          `${fmt(end.mb)}${end.collected ? "" : "*"} | ` +
          `${start ? `${end.mb >= start.mb ? "+" : ""}${fmt(end.mb - start.mb)}` : "–"} |`,
      ),
    "",
    ...(r.snapshot
      ? [
          "Largest retainers in a heap snapshot of the Worker at the end (self size by constructor):",
          "",
          r.snapshot,
          "",
        ]
      : []),
  ].join("\n");
}

/** Self size by kind in a V8 heap snapshot: the top 12, as a markdown table. */
function summariseSnapshot(file: string): string {
  const { kinds, totalBytes } = heapSnapshotKinds(file);
  return [
    `| retained by | objects | self MB | share |`,
    "|---|---:|---:|---:|",
    ...kinds
      .slice(0, 12)
      .map(
        (e) =>
          `| ${e.kind.replace(/\|/g, "\\|")} | ${e.count} | ${fmt(mb(e.bytes))} | ` +
          `${((100 * e.bytes) / totalBytes).toFixed(1)}% |`,
      ),
    `| total | | ${fmt(mb(totalBytes))} | |`,
  ].join("\n");
}

function workerdRssMb(): number | null {
  const rss = workerdChildren()
    .map(rssOf)
    .filter((x): x is number => x !== null);
  return rss.length ? mb(rss.reduce((a, b) => a + b, 0)) : null;
}

async function main() {
  const t0 = performance.now();
  const loadBefore = loadavg()[0]!;
  ensureBuilt();
  const corpus = readCorpus();
  const { phases: phaseList, distinct, mixed } = phases(corpus);
  const sections: string[] = [];
  const sweepRows: SweepRow[] = [];
  const failures: string[] = [];
  const countErrors = (r: PhaseResult[]) =>
    r.reduce((n, p) => n + p.tally.between(500, 600) + p.result.errors + p.result.timeouts, 0);
  let sweepOffset = 0;

  // 1 and 2a: under the dev server.
  let persistTo = mkdtempSync(join(tmpdir(), "dossier-load-"));
  console.log(`load: starting the dev server on 127.0.0.1:${PORT} …`);
  let tStart = performance.now();
  const service = await startService(PORT, persistTo);
  const startupMs = performance.now() - tStart;
  const devRss: Array<number | null> = [workerdRssMb()];
  try {
    const results: PhaseResult[] = [];
    for (const phase of phaseList)
      results.push(
        await runPhase(
          { base: service.url, connections: CONNECTIONS, seconds: PHASE_SECONDS },
          phase.name,
          phase.description,
          phase.next,
        ),
      );
    sections.push(phaseReport(results, startupMs));
    if (countErrors(results)) failures.push(`${countErrors(results)} server errors in the phases`);
    for (const connections of SWEEP) {
      const r = await runPhase(
        { base: service.url, connections, seconds: 0, amount: sweepAmount(connections) },
        `distinct ×${connections} (dev server)`,
        "",
        distinct((sweepOffset += 1_000_003)),
      );
      sweepRows.push({ connections, via: "dev server", phase: r });
    }
    devRss.push(workerdRssMb());
  } finally {
    await service.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }

  // 2b and 3: straight at workerd, with the inspector for the heap.
  persistTo = mkdtempSync(join(tmpdir(), "dossier-load-"));
  console.log(`load: starting workerd (Miniflare) on 127.0.0.1:${PORT + 1} …`);
  tStart = performance.now();
  const w = await startLocalWorker({
    assetsDir: ASSETS,
    httpPort: PORT + 1,
    inspector: true,
    persistTo,
    bindings: { RATE_LIMIT_PER_MINUTE: LOAD_RATE_LIMIT },
  });
  const directStartMs = performance.now() - tStart;
  let soakResult: SoakResult | null = null;
  try {
    for (const connections of SWEEP) {
      const r = await runPhase(
        { base: w.url!, connections, seconds: 0, amount: sweepAmount(connections) },
        `distinct ×${connections} (workerd)`,
        "",
        distinct((sweepOffset += 1_000_003)),
      );
      sweepRows.push({ connections, via: "workerd", phase: r });
    }
    if (SOAK_SECONDS > 0) soakResult = await soak(w, mixed);
  } finally {
    await w.dispose();
    rmSync(persistTo, { recursive: true, force: true });
  }
  sweepRows.sort((a, b) => a.connections - b.connections || a.via.localeCompare(b.via));
  if (sweepRows.length) sections.push(sweepReport(sweepRows));
  if (countErrors(sweepRows.map((r) => r.phase)))
    failures.push(`${countErrors(sweepRows.map((r) => r.phase))} server errors in the sweep`);
  if (soakResult) {
    sections.push(soakReport(soakResult));
    const v = soakVerdict(soakResult.samples);
    if (!v.flat) failures.push(`the Worker heap grew ${(100 * v.change).toFixed(1)}% during the soak`);
    if (countErrors(soakResult.phase)) failures.push(`${countErrors(soakResult.phase)} server errors in the soak`);
  }

  const m = readBuiltManifest(ASSETS)!;
  const md = [
    "## Load (local, `npm run load`)",
    "",
    `${new Date().toISOString().slice(0, 10)}, ${m.records} records ` +
      `(${args.data?.length ? args.data.map((d) => d.split("/").pop()).join(", ") : "data/"}), ` +
      `autocannon on loopback, Node ${process.version}, one workerd per service on a shared 2-core machine. ` +
      `Dev server: workerd RSS (both processes: proxy and Worker) ` +
      `${devRss.map((r) => (r === null ? "–" : `${fmt(r, 0)} MB`)).join(" → ")} over its run; ` +
      `straight workerd start ${(directStartMs / 1000).toFixed(1)} s. Whole run ` +
      `${((performance.now() - t0) / 1000).toFixed(0)} s; ` +
      `machine load average ${loadBefore.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end (other ` +
      `work shares the 2 cores). ` +
      "Local numbers: compare runs with each other, not with production.",
    "",
    ...sections,
  ].join("\n");
  writeFileSync(OUT_FILE, withNotes(md));
  console.log(`\n${md}\nload: wrote ${OUT_FILE}`);
  if (failures.length) {
    console.error(`load: ${failures.join("; ")}`);
    process.exitCode = 1;
  }
}

const BEGIN = "<!-- npm run load writes from here -->";
const END = "<!-- to here; what follows is written by hand -->";

/** The new figures between the markers; hand-written notes after them are kept. */
function withNotes(md: string): string {
  const old = existsSync(OUT_FILE) ? readFileSync(OUT_FILE, "utf8") : "";
  const at = old.indexOf(END);
  return `${BEGIN}\n${md}\n${END}\n${at >= 0 ? old.slice(at + END.length + 1) : ""}`;
}

if (!existsSync("wrangler.toml")) throw new Error("load: run from the project root");
await main();
