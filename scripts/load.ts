/**
 * npm run load: drives a local Dossier with autocannon over loopback and
 * writes BENCHMARKS.load.md.
 *
 * Builds the assets if there are none or they are stale, starts the Worker
 * under wrangler's dev server on a free loopback port with a fresh, empty KV
 * and Cache API store (so "cold" is
 * really cold), then runs five timed phases: cold (every request new), warm
 * (a small working set, filling the cache), cached (hot keys only), typeahead
 * bursts, and a realistic mix with 10% bad requests. The whole run is bounded
 * to about a minute. The rate limit is raised through RATE_LIMIT_PER_MINUTE so
 * it cannot fail the run; any 429s are still counted on their own.
 *
 * Options (env): LOAD_PHASE_SECONDS (default 6), LOAD_CONNECTIONS (default 10).
 */
import { recordShardPath } from "../src/shared/manifest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { EventEmitter } from "node:events";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { readBuiltManifest } from "../src/build/build-catalogue";
import { readBuildInfo } from "../src/build/build-folders";
import type { StoredRecord } from "../src/shared/manifest";

const ASSETS = "dist/assets";
const OUT_FILE = "BENCHMARKS.load.md";
const PHASE_SECONDS = Number(process.env.LOAD_PHASE_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 10);
const STARTUP_TIMEOUT_MS = 30_000;
/** High enough that no phase can reach it; the limiter still runs on every request. */
const LOAD_RATE_LIMIT = "100000000";

interface Corpus { words: string[]; ids: string[]; references: string[]; people: string[]; series: string[] }

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) if (!name.startsWith(".")) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Builds when there are no assets, or when their data or the code that writes them changed since. */
function ensureBuilt(): void {
  const m = readBuiltManifest(ASSETS);
  const info = readBuildInfo(ASSETS);
  const sources = [...(info?.dataDirs ?? ["data"]), "src/build", "src/shared"];
  if (m && sources.every((d) => newestMtime(d) <= Date.parse(m.builtAt))) return;
  console.log(m ? "load: assets are older than their data or build code; rebuilding …" : "load: no built assets; building from data/ …");
  const args = m && info ? info.dataDirs.flatMap((d) => ["--data", d]) : [];
  const r = spawnSync("npx", ["tsx", "scripts/build.ts", "--quiet", ...args], { stdio: "inherit" });
  if (r.status !== 0) throw new Error("load: the build failed");
}

/** Realistic request material, read from the built catalogue itself. */
function readCorpus(): Corpus {
  const m = readBuiltManifest(ASSETS)!;
  const words = new Set<string>();
  const people = new Set<string>();
  const ids: string[] = [];
  const references: string[] = [];
  for (let k = 0; k < m.recordShards.count; k++) {
    const path = recordShardPath(m, k);
    const shard = JSON.parse(readFileSync(join(ASSETS, path), "utf8")) as StoredRecord<{ id: string; reference: string; title: string; people: string[] }>[];
    for (const { record } of shard) {
      ids.push(record.id);
      references.push(record.reference);
      for (const w of record.title.split(/[^\p{L}]+/u)) if (w.length >= 4) words.add(w.toLowerCase());
      for (const p of record.people) people.add(p);
    }
  }
  return { words: [...words], ids, references, people: [...people], series: m.series.map((s) => s.name) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

interface Service { url: string; stop(): Promise<void> }

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
    bindings: { RATE_LIMIT_PER_MINUTE: { type: "plain_text", value: LOAD_RATE_LIMIT } },
    dev: { remote: false, watch: false, persist: persistTo, inspector: false, logLevel: "error", server: { hostname: "127.0.0.1", port } },
  });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`load: the Worker did not start within ${STARTUP_TIMEOUT_MS / 1000} s`)), STARTUP_TIMEOUT_MS).unref());
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

  count(status: number): void {
    this.status.set(status, (this.status.get(status) ?? 0) + 1);
  }

  between(lo: number, hi: number): number {
    let n = 0;
    for (const [s, c] of this.status) if (s >= lo && s < hi) n += c;
    return n;
  }
}

interface PhaseResult { name: string; description: string; result: autocannon.Result; tally: Tally }

async function runPhase(base: string, name: string, description: string, nextPath: (i: number) => string): Promise<PhaseResult> {
  const tally = new Tally();
  let i = 0;
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: PHASE_SECONDS,
    requests: [{ method: "GET", setupRequest: (req) => ({ ...req, path: nextPath(i++) }) }],
    // Pairs each response's X-Cache and Server-Timing with its latency; one request in flight per client.
    setupClient: (c) => {
      const client = c as unknown as EventEmitter;
      let xcache: string | null = null;
      let serverTotal: number | null = null;
      client.on("headers", (opts: { headers: string[] }) => {
        xcache = null;
        serverTotal = null;
        for (let k = 0; k < opts.headers.length; k += 2) {
          const h = opts.headers[k]!.toLowerCase();
          if (h === "x-cache") xcache = opts.headers[k + 1]!;
          if (h === "server-timing") {
            const m = /total;dur=([\d.]+)/.exec(opts.headers[k + 1]!);
            serverTotal = m ? Number(m[1]) : null;
          }
        }
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
        }
      });
    },
  });
  console.log(`  ${name}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.errors + result.timeouts} errors, ${tally.between(500, 600)} 5xx, ${share(tally)} HIT`);
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
  const popular = [...new Set(c.people.map((p) => p.split(/\s+/).at(-1)!.toLowerCase()))].filter((s) => s.length >= 3).slice(0, 15);
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
      case 0: return `/api/search?q=${q(`${pick(c.words, k)} ${pick(c.words, k * 7)}`)}`;
      case 1: return `/api/suggest?q=${q(pick(prefixes, k))}`;
      case 2: return `/api/lookup?ref=${q(pick(c.references, k))}`;
      case 3: return `/api/records/${pick(c.ids, k)}/related`;
      default: return `/api/people?q=${q(pick(c.people, k))}`;
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
  return [
    {
      name: "cold", description: "every request a new search, suggest or lookup: nothing cached",
      // Word pairs run through n² combinations, so no key repeats within a phase.
      next: (i: number) => {
        const a = pick(c.words, i), b = pick(c.words, Math.floor(i / n) + i * 31 + 1);
        return i % 3 === 2 ? `/api/suggest?q=${q(`${a.slice(0, 3)} ${b.slice(0, 2)}`)}` : `/api/search?q=${q(`${a} ${b}`)}&limit=${(i % 20) + 1}`;
      },
    },
    { name: "warm", description: "a working set of 40 requests across search, suggest, lookup, related and people, filling the cache", next: working },
    { name: "cached", description: "five hot keys, already cached", next: (i: number) => pick(hot, i) },
    {
      name: "typeahead", description: "suggest bursts: users type one of 15 popular surnames a letter at a time (up to 6 letters)",
      next: (i: number) => {
        const name = pick(popular, Math.floor(i / 6) * 7);
        return `/api/suggest?q=${q(name.slice(0, (i % 6) + 1))}&limit=8`;
      },
    },
    {
      name: "mixed", description: "realistic mix: 60% working set, 20% new searches, 10% typeahead, 10% bad requests",
      next: (i: number) => {
        const r = i % 10;
        if (r === 0) return pick(BAD, Math.floor(i / 10));
        if (r < 3) return `/api/search?q=${q(`${pick(c.words, i)} ${pick(c.words, i * 13 + 5)}`)}`;
        if (r === 3) return `/api/suggest?q=${q(pick(prefixes, i))}`;
        return working(i);
      },
    },
  ];
}

function report(results: PhaseResult[], startupMs: number, totalMs: number): string {
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
  const rows = results.map(({ name, result, tally }) =>
    `| ${name} | ${result.requests.total} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${tally.between(200, 300)} | ${tally.between(400, 500) - (tally.status.get(429) ?? 0)} | ${tally.status.get(429) ?? 0} | ${tally.between(500, 600) + result.errors + result.timeouts} | ${share(tally)} |`);
  const medianRatio = quantile(all.missServer, 0.5) / quantile(all.hitServer, 0.5);
  const clientRatio = quantile(all.missLatency, 0.5) / quantile(all.hitLatency, 0.5);
  return [
    "## Load (local, `npm run load`)",
    "",
    `${new Date().toISOString().slice(0, 10)}, wrangler dev server (\`unstable_startWorker\`, workerd) on loopback, autocannon with ${CONNECTIONS} connections, ${PHASE_SECONDS} s per phase, fresh KV and Cache API store; Node ${process.version}. Service start ${(startupMs / 1000).toFixed(1)} s; whole run ${(totalMs / 1000).toFixed(1)} s. Local numbers: one workerd process on a shared machine, so compare runs with each other, not with production.`,
    "",
    "| phase | requests | req/s | p50 ms | p99 ms | 2xx | 4xx (not 429) | 429 | errors (5xx, socket, timeout) | 200s from cache |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    ...results.map(({ name, description }) => `- **${name}**: ${description}.`),
    "",
    "Cache effect over all 200 answers (median; server time is Server-Timing `total`, client time includes the dev server's proxy):",
    "",
    "| answered by | count | server ms p50 | server ms p99 | client ms p50 | client ms p99 |",
    "|---|---:|---:|---:|---:|---:|",
    `| cache (X-Cache: HIT) | ${all.hits} | ${fmt(quantile(all.hitServer, 0.5))} | ${fmt(quantile(all.hitServer, 0.99))} | ${fmt(quantile(all.hitLatency, 0.5), 0)} | ${fmt(quantile(all.hitLatency, 0.99), 0)} |`,
    `| live index (MISS) | ${all.misses} | ${fmt(quantile(all.missServer, 0.5))} | ${fmt(quantile(all.missServer, 0.99))} | ${fmt(quantile(all.missLatency, 0.5), 0)} | ${fmt(quantile(all.missLatency, 0.99), 0)} |`,
    "",
    `Miss/hit median server time: ${fmt(medianRatio)}×; client time: ${fmt(clientRatio)}×. Share of 200s answered from cache over the run: ${share(all)}.`,
    "",
  ].join("\n");
}

async function main() {
  const t0 = performance.now();
  ensureBuilt();
  const corpus = readCorpus();
  const persistTo = mkdtempSync(join(tmpdir(), "dossier-load-"));
  const port = await freePort();
  console.log(`load: starting the Worker on 127.0.0.1:${port} …`);
  const tStart = performance.now();
  const service = await startService(port, persistTo);
  const startupMs = performance.now() - tStart;
  const results: PhaseResult[] = [];
  try {
    for (const phase of phases(corpus)) {
      results.push(await runPhase(service.url, phase.name, phase.description, phase.next));
    }
  } finally {
    await service.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
  const md = report(results, startupMs, performance.now() - t0);
  writeFileSync(OUT_FILE, md);
  console.log(`\n${md}\nload: wrote ${OUT_FILE}`);
  const serverErrors = results.reduce((n, r) => n + r.tally.between(500, 600) + r.result.errors + r.result.timeouts, 0);
  if (serverErrors > 0) {
    console.error(`load: ${serverErrors} server errors`);
    process.exitCode = 1;
  }
}

if (!existsSync("wrangler.toml")) throw new Error("load: run from the project root");
await main();
