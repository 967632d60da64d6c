/**
 * npm run bench:profile [-- --records 100000] [--assets DIR] [--rounds N] [--out FILE]
 *
 * A V8 CPU profile of the bench's warm search mix, summarised as shares of
 * the busy time: decode, scoring, facets, snippets, record reads, asset
 * reads, planning, GC. Reads the assets a `npm run bench -- --records N` run
 * built (bench/out/synthetic-N/assets), so build first.
 *
 * Runs the Worker's own search path (SearchService, every shard scored in
 * process as LocalShards does, RecordStore, snippets) in Node over the built
 * files, not in workerd: workerd's inspector profiles only the thread that
 * took the Profiler.start command, and requests run on others, so a workerd
 * profile of the mix caught under a tenth of its time. Both are V8; the
 * shares are those of the same code. Each sample is charged to the innermost
 * frame in one of the project's modules (a builtin such as JSON.parse goes to
 * the module that called it).
 */
import { existsSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { RecordStore } from "../../src/worker/record-store";
import { SearchService } from "../../src/worker/search/search-service";
import { LocalShards } from "../../src/worker/search/shard-runner";
import { searchMeta } from "../../src/worker/search/search-index";
import { diskAssets, warmSearchRequest } from "../../test/scoring/local-index";
import { queryMix, syntheticCorpus } from "./synthetic-catalogue";

const ROOT = resolve(import.meta.dirname, "../..");
const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "100000" },
    assets: { type: "string" },
    rounds: { type: "string", default: "5" },
    out: { type: "string" },
    /** Profile these queries (comma-separated) instead of the bench's mix. */
    queries: { type: "string" },
  },
});
const size = Number(args.records);
const dir = resolve(args.assets ?? join(ROOT, `bench/out/synthetic-${size}/assets`));
if (!existsSync(join(dir, "manifest.json")))
  throw new Error(`profile-warm: no build at ${dir}; run npm run bench -- --records ${size} first`);

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Word rules (folding, stemming, variant and phonetic keys) serve planning and snippets alike: their time is
 * charged to the module that called them, so the shares say which stage spent it.
 */
const WORD_RULES = /shared\/text\/|node_modules\/(stemmer|talisman|lodash)\//;

/** Which share of the time a module (or a V8 pseudo-frame) stands for. */
function category(module: string, fn: string): string {
  if (fn === "(garbage collector)") return "GC";
  if (fn === "(idle)") return "idle";
  if (fn === "(program)") return "V8 runtime (program)";
  if (/index-format\/(term-chunk|filter-columns)|search\/search-index|term-cache/.test(module)) return "decode";
  if (/scoring\.ts$/.test(module)) return fn === "facetsOf" || fn === "facetColumnsOf" ? "facets" : "scoring";
  if (/top-k-term-lists|common-term-answers/.test(module)) return "scoring";
  if (/search-service\.ts$/.test(module) && /facet/i.test(fn)) return "facets";
  if (/snippet\.ts$/.test(module)) return "snippets";
  if (/record-store|record-text/.test(module)) return "record reads";
  if (/asset-store|shared\/lru|lru-cache|shared\/hash/.test(module)) return "asset reads, cache lookups";
  if (/engine\.ts|name-plan|query-parser|plan-cache|shared\/bloom|shared\/text|talisman|stemmer/.test(module))
    return "planning";
  if (/word-forms/.test(module)) return "snippets";
  if (/search-service|shard-runner/.test(module)) return "search service (merge, page)";
  if (/test\/scoring\/local-index|node:|node_modules\/tsx/.test(module) || !module) return "Node harness, native";
  return `other (${module})`;
}

async function main() {
  const assets = diskAssets(dir);
  const meta = await searchMeta(assets);
  const records = new RecordStore(assets);
  const service = new SearchService(records, assets, new LocalShards(meta.shards.count, assets, records));
  const mix = args.queries ? args.queries.split(",") : queryMix(syntheticCorpus(size), 200).search.map((q) => q.q);
  const run = (q: string) => service.search(warmSearchRequest(q));
  // Warm: every chunk and record shard the mix reads is loaded before timing, as in the bench's warm figure.
  for (const q of mix) await run(q);
  const readsBefore = new Map(assets.reads);
  const rounds = Number(args.rounds);
  const took = new Float64Array(mix.length);
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  for (let r = 0; r < rounds; r++)
    for (let i = 0; i < mix.length; i++) {
      const t = performance.now();
      await run(mix[i]!);
      took[i]! += (performance.now() - t) / rounds;
    }
  const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: Profile };
  session.disconnect();
  if (args.out) writeFileSync(resolve(args.out), JSON.stringify(profile));
  const reads = Object.fromEntries([...assets.reads].map(([k, v]) => [k, v - (readsBefore.get(k) ?? 0)]));
  summarise(profile, mix, [...took], reads);
}

function summarise(profile: Profile, mix: string[], took: number[], reads: Record<string, number>) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const moduleOf = (url: string) => url.replace(/^file:\/\//, "").replace(`${ROOT}/`, "");
  // Innermost project frame of each node: builtins are charged to their caller's module.
  const charged = new Map<number, { module: string; fn: string }>();
  const chargeOf = (id: number): { module: string; fn: string } => {
    const hit = charged.get(id);
    if (hit) return hit;
    const n = byId.get(id)!;
    const fn = n.callFrame.functionName;
    let out: { module: string; fn: string };
    const own = n.callFrame.url && !n.callFrame.url.startsWith("node:") ? moduleOf(n.callFrame.url) : "";
    if (fn.startsWith("(")) out = { module: "", fn };
    else if (own && !(WORD_RULES.test(own) && parent.has(id))) out = { module: own, fn: fn || "(anonymous)" };
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
  const q = (p: number) =>
    [...took].sort((a, b) => a - b)[Math.min(took.length - 1, Math.floor((p / 100) * took.length))]!;
  console.log(`warm mix in Node, ${took.length} queries: p50 ${q(50).toFixed(3)} ms, p99 ${q(99).toFixed(2)} ms`);
  console.log(`busy time sampled: ${(total / 1000).toFixed(0)} ms; asset reads during it: ${JSON.stringify(reads)}\n`);
  console.log("| share of busy time | |\n|---|---|");
  for (const [c, t] of sorted(cats)) console.log(`| ${c} | ${pct(t)} |`);
  console.log("\nSlowest queries (mean ms):");
  for (const [qq, ms] of mix
    .map((m, i) => [m, took[i]!] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8))
    console.log(`  ${ms.toFixed(2).padStart(8)}  ${qq}`);
  console.log("\nTop functions (self time, builtins charged to their caller):");
  for (const [f, t] of sorted(fns).slice(0, 30)) console.log(`  ${pct(t).padStart(6)}  ${f}`);
}

await main();
