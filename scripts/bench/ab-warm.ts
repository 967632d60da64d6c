/**
 * npx tsx scripts/bench/ab-warm.ts --base <worktree of the other commit> [--assets DIR] [--base-assets DIR] [--rounds 5]
 *   [--queries a,b] [--collapse]
 *
 * `--base-assets`: the base's own build of the same catalogue, where the two commits' index formats differ (the
 * base then reads it, this tree `--assets`).
 *
 * The base need not be a git worktree: the other commit's sources under this tree's ignored `bench/out/` resolve
 * this tree's node_modules, e.g. `mkdir -p bench/out/base && git archive main src test/scoring scripts data
 * package.json | tar -x -C bench/out/base`, then `--base bench/out/base`.
 *
 * The warm search path of two commits side by side, free of machine load: both codes are loaded in this one
 * process over the same built assets, the bench's query mix runs interleaved query by query (order alternating),
 * and each query's CPU time (`process.cpuUsage`: time spent waiting for a core is not counted) is the minimum over
 * the rounds. First checks that both answer every query alike (tookMs aside), and names what differs: the hits
 * must not; a total or facets may, where one side counts a lower bound (`relation: "gte"`).
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { queryMix, syntheticCorpus } from "./synthetic-catalogue";
import { warmSearchRequest } from "../../test/scoring/local-index";

const ROOT = resolve(import.meta.dirname, "../..");
const { values: args } = parseArgs({
  options: {
    base: { type: "string" },
    assets: { type: "string", default: join(ROOT, "bench/out/synthetic-100000/assets") },
    "base-assets": { type: "string" },
    records: { type: "string", default: "100000" },
    rounds: { type: "string", default: "5" },
    queries: { type: "string" },
    // Files of several volumes shown once, as the API and pages ask (the volume column and segments are read).
    collapse: { type: "boolean", default: false },
  },
});
if (!args.base) throw new Error("ab-warm: --base <worktree> is required");

type Search = (q: string) => Promise<Record<string, unknown> & { tookMs: number }>;

async function load(root: string, assetsDir: string): Promise<Search> {
  const { RecordStore } = await import(join(root, "src/worker/record-store.ts"));
  const { SearchService } = await import(join(root, "src/worker/search/search-service.ts"));
  const { LocalShards } = await import(join(root, "src/worker/search/shard-runner.ts"));
  const { searchMeta } = await import(join(root, "src/worker/search/search-index.ts"));
  const { diskAssets } = await import(join(root, "test/scoring/local-index.ts"));
  const assets = diskAssets(resolve(assetsDir));
  const meta = await searchMeta(assets);
  const records = new RecordStore(assets);
  const service = new SearchService(records, assets, new LocalShards(meta.shards.count, assets, records));
  // This tree's request for both commits, so the two answer the very same question.
  return (q) => service.search({ ...warmSearchRequest(q), collapse: args.collapse });
}

const base = await load(resolve(args.base), args["base-assets"] ?? args.assets!);
const head = await load(ROOT, args.assets!);
const mix = args.queries
  ? args.queries.split(",")
  : queryMix(syntheticCorpus(Number(args.records)), 200).search.map((s) => s.q);
// Warm both first, as the rounds below are: what either derives on a word's second or later use (top lists) is
// then in place when the answers are compared.
for (let r = 0; r < 3; r++) for (const q of mix) await Promise.all([base(q), head(q)]);
let differing = 0;
let hitsDiffering = 0;
for (const q of mix) {
  const [a, b] = [await base(q), await head(q)];
  a.tookMs = b.tookMs = 0;
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    differing++;
    // The hits must be the same; a total or facets may differ where one side counts a lower bound (`gte`).
    const hitsDiffer = JSON.stringify(a.hits) !== JSON.stringify(b.hits);
    if (hitsDiffer) hitsDiffering++;
    const what = Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    console.log(`differs${hitsDiffer ? " (HITS)" : ""}: ${q} [${what.join(", ")}]`);
  }
}
const ta = new Float64Array(mix.length).fill(Infinity);
const tb = new Float64Array(mix.length).fill(Infinity);
for (let r = 0; r < Number(args.rounds); r++)
  for (let i = 0; i < mix.length; i++)
    for (const which of (r + i) % 2 ? [0, 1] : [1, 0]) {
      const c = process.cpuUsage();
      await (which ? head : base)(mix[i]!);
      const u = process.cpuUsage(c);
      const ms = (u.user + u.system) / 1000;
      const t = which ? tb : ta;
      t[i] = Math.min(t[i]!, ms);
    }
const q = (xs: Float64Array, p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const mean = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0) / xs.length;
const line = (xs: Float64Array) =>
  `p50 ${q(xs, 0.5).toFixed(3)}  p90 ${q(xs, 0.9).toFixed(2)}  p99 ${q(xs, 0.99).toFixed(2)}  mean ${mean(xs).toFixed(3)}`;
console.log(`answers differing: ${differing} of ${mix.length} (hits differing: ${hitsDiffering})`);
console.log(`CPU ms per query, minimum of ${args.rounds} rounds`);
console.log(`  base: ${line(ta)}`);
console.log(`  head: ${line(tb)}`);
const rows = mix.map((m, i) => ({ q: m, a: ta[i]!, b: tb[i]! })).sort((x, y) => x.b - x.a - (y.b - y.a));
console.log("largest gains:");
for (const r of rows.slice(0, 8)) console.log(`  ${r.a.toFixed(2)} -> ${r.b.toFixed(2)}  ${r.q}`);
console.log("largest losses:");
for (const r of rows.slice(-8).reverse()) console.log(`  ${r.a.toFixed(2)} -> ${r.b.toFixed(2)}  ${r.q}`);
console.log("slowest (head):");
for (const r of rows.sort((x, y) => y.b - x.b).slice(0, 8))
  console.log(`  ${r.a.toFixed(2)} -> ${r.b.toFixed(2)}  ${r.q}`);
