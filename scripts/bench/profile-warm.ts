/**
 * npm run bench:profile [-- --records 100000] [--assets DIR] [--rounds N] [--out FILE]
 *
 * A V8 CPU profile of the bench's warm search mix inside workerd, summarised
 * as shares of the sampled time: decode, scoring, facets, snippets, record
 * reads, asset reads, planning, routing and JSON, GC. Reads the assets a
 * `npm run bench -- --records N` run built (bench/out/synthetic-N/assets), so
 * build first. Each sample is charged to the innermost frame that belongs to
 * one of the project's modules (a builtin such as JSON.parse goes to the
 * module that called it), found through the module comments esbuild writes
 * into the unminified bundle.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startLocalWorker } from "../lib/local-worker";
import { bundleWorker } from "./workerd";
import { queryMix, syntheticCorpus } from "./synthetic-catalogue";

const ROOT = resolve(import.meta.dirname, "../..");
const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "100000" },
    assets: { type: "string" },
    rounds: { type: "string", default: "3" },
    out: { type: "string" },
  },
});
const size = Number(args.records);
const assets = resolve(args.assets ?? join(ROOT, `bench/out/synthetic-${size}/assets`));
if (!existsSync(join(assets, "manifest.json")))
  throw new Error(`profile-warm: no build at ${assets}; run npm run bench -- --records ${size} first`);

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** Which share of the time a module (or a V8 pseudo-frame) stands for. */
function category(module: string, fn: string): string {
  if (fn === "(garbage collector)") return "GC";
  if (fn === "(idle)") return "idle";
  if (fn === "(program)") return "V8 runtime (program)";
  if (/index-format\/term-chunk|search\/search-index|decoded-postings|term-cache/.test(module)) return "decode";
  if (/scoring\.ts$/.test(module)) return fn === "facetsOf" ? "facets" : "scoring";
  if (/search-service\.ts$/.test(module) && /facet|merge/i.test(fn)) return "facets";
  if (/snippet\.ts$/.test(module)) return "snippets";
  if (/record-store|record-text/.test(module)) return "record reads";
  if (/asset-store|shared\/lru|lru-cache|content-hash|shared\/hash/.test(module)) return "asset reads";
  if (/filter-columns/.test(module)) return "decode";
  if (/engine\.ts|name-plan|query-parser|plan-cache|shared\/text|shared\/bloom|thesaurus/.test(module))
    return "planning";
  if (/suggest/.test(module)) return "suggest";
  if (/shard-runner|search-shard-object/.test(module)) return "shard calls";
  if (/hono|src\/worker|src\/index|bench-worker|search-service/.test(module)) return "routing, JSON, response";
  return module ? `other (${module})` : "other (native)";
}

async function main() {
  const dir = join(ROOT, "bench/out/profile");
  mkdirSync(dir, { recursive: true });
  const { script } = await bundleWorker(join(dir, "worker"));
  // Module comments of the bundle: line → module path.
  const lines = readFileSync(script, "utf8").split("\n");
  const moduleAt: string[] = [];
  let current = "";
  lines.forEach((l, i) => {
    const m = /^\/\/ ((?:src|node_modules|scripts)\/\S+)$/.exec(l);
    if (m) current = m[1]!;
    moduleAt[i] = current;
  });
  const mix = queryMix(syntheticCorpus(size), 200).search.map((q) => `/api/search?q=${encodeURIComponent(q.q)}`);
  const w = await startLocalWorker({ assetsDir: assets, scriptPath: script, caches: false, inspector: true });
  try {
    const runMix = async (rounds: number) => {
      const res = await w.fetch("/__bench/mix", {
        method: "POST",
        body: JSON.stringify({ paths: mix, rounds }),
        headers: { "content-type": "application/json" },
      });
      if (res.status !== 200) throw new Error(`profile-warm: mix HTTP ${res.status}`);
      return (await res.json()) as { meanMs: number[]; tookMs: number[] };
    };
    // Warm: every chunk the mix reads is loaded before the profile starts, as in the bench's warm figure.
    for (const p of mix) await (await w.fetch(p)).arrayBuffer();
    await runMix(1);
    const rounds = Number(args.rounds);
    let stats: { meanMs: number[]; tookMs: number[] } | null = null;
    const profile = (await w.cpuProfile(async () => {
      stats = await runMix(rounds);
    })) as Profile;
    if (args.out) writeFileSync(resolve(args.out), JSON.stringify(profile));
    summarise(profile, moduleAt, stats!);
  } finally {
    await w.dispose();
  }
}

function summarise(profile: Profile, moduleAt: string[], stats: { meanMs: number[]; tookMs: number[] }) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const moduleOf = (n: Node) => (n.callFrame.url ? (moduleAt[n.callFrame.lineNumber] ?? "") : "");
  // Innermost project frame of each node: builtins are charged to their caller's module.
  const charged = new Map<number, { module: string; fn: string }>();
  const chargeOf = (id: number): { module: string; fn: string } => {
    const hit = charged.get(id);
    if (hit) return hit;
    const n = byId.get(id)!;
    const fn = n.callFrame.functionName;
    let out: { module: string; fn: string };
    if (fn.startsWith("(")) out = { module: "", fn };
    else if (n.callFrame.url) out = { module: moduleOf(n), fn: fn || "(anonymous)" };
    else if (parent.has(id)) {
      const up = chargeOf(parent.get(id)!);
      out = { module: up.module, fn: `${fn || "(native)"} ← ${up.fn}` };
    } else out = { module: "", fn: fn || "(native)" };
    charged.set(id, out);
    return out;
  };
  const cats = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const { module, fn } = chargeOf(id);
    const cat = category(module, fn.split(" ← ").at(-1)!);
    if (cat === "idle") return;
    total += dt;
    cats.set(cat, (cats.get(cat) ?? 0) + dt);
    const key = `${fn} (${module.replace(/^src\//, "") || "V8"})`;
    fns.set(key, (fns.get(key) ?? 0) + dt);
  });
  const pct = (x: number) => `${((100 * x) / total).toFixed(1)}%`;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`busy time sampled: ${(total / 1000).toFixed(0)} ms over ${stats.meanMs.length} queries`);
  console.log(`search tookMs p50 in this run: ${med(stats.tookMs).toFixed(2)} ms\n`);
  console.log("| share of busy time | |\n|---|---|");
  for (const [c, t] of sorted(cats)) console.log(`| ${c} | ${pct(t)} |`);
  console.log("\nTop functions (self time, builtins charged to their caller):");
  for (const [f, t] of sorted(fns).slice(0, 30)) console.log(`  ${pct(t).padStart(6)}  ${f}`);
}

await main();
