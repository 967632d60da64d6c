/**
 * npx tsx scripts/bench/scale-cpu.ts --assets DIR [--records N] [--rounds 3] [--postings-mib M] [--packed-share S]
 *   [--slowest 10]
 *   [--queries a,b] [--group G] [--collapse] [--sort date]
 *
 * The warm search mix of a sharded build in one Node process, every shard scored in process (`LocalShards`): as
 * workerd runs it locally, where the Worker and all its shard objects share one isolate and so one postings cache,
 * minus the RPC hop. Each query's CPU time (`process.cpuUsage`, so a busy machine inflates it little) is the
 * minimum over the rounds; per query also the asset reads, the postings held or decoded, and the time the shards
 * waited for postings and scored (`search-stats.ts`). After the mix: the decoded postings held.
 *
 * `--group G`: only group G's shards (shard-runner.ts `shardGroups`) are scored, the others answer no matches
 * uncalled: one Durable Object's work and caches alone, as `serve-scale.ts --groups` measures it in workerd.
 *
 * `--collapse`: searches collapse files of several volumes, as the API's and pages' do by default (the files' lists
 * are then read and kept, and their cache's size printed).
 *
 * `--postings-mib`: the postings cache's budget (default the Worker's); a budget the mix cannot fill shows the
 * mix's working set.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { queryMix, syntheticCorpus } from "./synthetic-catalogue";
import { percentile } from "./stats";
import { diskAssets, oneGroupRunner, warmSearchRequest } from "../../test/scoring/local-index";
import { RecordStore, recordCacheBytes } from "../../src/worker/record-store";
import { SearchService } from "../../src/worker/search/search-service";
import { LocalShards } from "../../src/worker/search/shard-runner";
import {
  filterColumnBytes,
  postingsCacheBytes,
  postingsCacheMoves,
  postingsCensus,
  rawChunkBytes,
  resetPostingsCache,
  searchMeta,
} from "../../src/worker/search/search-index";
import { collectSearchStats, type SearchStats } from "../../src/worker/search/search-stats";
import { scoringArrayBytes } from "../../src/worker/search/query-arrays";
import { volumeListBytes } from "../../src/worker/search/volume-reads";
import { scoringCounters } from "../../src/worker/search/scoring-counters";
import { topListBytes } from "../../src/worker/search/top-k-term-lists";
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";

const { values: args } = parseArgs({
  options: {
    assets: { type: "string" },
    records: { type: "string" },
    rounds: { type: "string", default: "3" },
    "postings-mib": { type: "string" },
    /** The share of the postings budget its packed tier may fill (default the Worker's). */
    "packed-share": { type: "string" },
    slowest: { type: "string", default: "10" },
    /** Write a V8 CPU profile of the timed rounds here, and print its top functions by self time. */
    profile: { type: "string" },
    queries: { type: "string" },
    group: { type: "string" },
    collapse: { type: "boolean", default: false },
    /** `--sort date`: every search sorted (date, -date or reference), its pool the best 10,000 of each shard. */
    sort: { type: "string" },
  },
});
if (!args.assets) throw new Error("scale-cpu: --assets DIR is required");
if (args["postings-mib"] || args["packed-share"])
  resetPostingsCache(
    args["postings-mib"] ? Number(args["postings-mib"]) * 2 ** 20 : undefined,
    undefined,
    args["packed-share"] ? Number(args["packed-share"]) : undefined,
  );
const assets = diskAssets(resolve(args.assets));
const meta = await searchMeta(assets);
const records = new RecordStore(assets);
const local = new LocalShards(meta.shards.count, assets, records);
const runner = args.group !== undefined ? oneGroupRunner(assets, local, Number(args.group)) : local;
const service = new SearchService(records, assets, runner);
const mix = args.queries
  ? args.queries.split(",")
  : queryMix(syntheticCorpus(Number(args.records ?? meta.docs)), 200).search.map((s) => s.q);

/** The mix's request for `q`: the warm tools' own, collapsed with `--collapse`. */
const request = (q: string) => ({
  ...warmSearchRequest(q),
  collapse: args.collapse,
  ...(args.sort ? { sort: args.sort as "date" | "-date" | "reference" } : {}),
});
for (let r = 0; r < 2; r++) for (const q of mix) await service.search(request(q));
const cpu = new Float64Array(mix.length).fill(Infinity);
const countersBefore = { ...scoringCounters };
const session = args.profile ? new Session() : null;
if (session) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
}
const stats: SearchStats[] = [];
const reads: Array<Record<string, number>> = [];
for (let r = 0; r < Number(args.rounds); r++)
  for (let i = 0; i < mix.length; i++) {
    const before = new Map(assets.reads);
    collectSearchStats(true);
    const c = process.cpuUsage();
    await service.search(request(mix[i]!));
    const d = process.cpuUsage(c);
    const st = collectSearchStats(false)!;
    cpu[i] = Math.min(cpu[i]!, (d.user + d.system) / 1000);
    // The last round's counters.
    stats[i] = st;
    reads[i] = Object.fromEntries(
      [...assets.reads].map(([k, v]) => [k, v - (before.get(k) ?? 0)]).filter(([, v]) => v),
    );
  }
if (session) {
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(args.profile!, JSON.stringify(profile));
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples!.forEach((id, i) => {
    const n = byId.get(id)!;
    const key = `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas![i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}
console.log(
  `scoring shortcuts over the timed rounds: ${JSON.stringify(
    Object.fromEntries(
      Object.entries(scoringCounters).map(([k, v]) => [k, v - countersBefore[k as keyof typeof scoringCounters]]),
    ),
  )}`,
);
const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const kinds = new Map<string, number>();
for (const r of reads) for (const [k, v] of Object.entries(r)) kinds.set(k, (kinds.get(k) ?? 0) + v);
console.log(`shards ${meta.shards.count}, docs ${meta.docs.toLocaleString("en")}, ${mix.length} queries`);
console.log(
  `CPU per query p50 / p90 / p99 / mean: ${[50, 90, 99].map((p) => percentile(Array.from(cpu), p).toFixed(3)).join(" / ")} / ` +
    `${mean(cpu).toFixed(3)} ms`,
);
console.log(
  `per query, mean: reads ${[...kinds].map(([k, v]) => `${k} ${(v / mix.length).toFixed(2)}`).join(", ") || "none"}; ` +
    `shards ${mean(stats.map((s) => s.shards)).toFixed(1)}, all held ${mean(stats.map((s) => s.shardsHeld)).toFixed(1)}; ` +
    `postings held ${mean(stats.map((s) => s.postingsHits)).toFixed(1)}, decoded ${mean(stats.map((s) => s.postingsDecoded)).toFixed(1)} ` +
    `(from raw chunks ${mean(stats.map((s) => s.rawChunkHits)).toFixed(1)}) ` +
    `(${(mean(stats.map((s) => s.decodedBytes)) / 1024).toFixed(1)} KiB); wait ${mean(stats.map((s) => s.waitMs)).toFixed(3)} ms, ` +
    `score ${mean(stats.map((s) => s.scoreMs)).toFixed(3)} ms (Σ shards); scoring arrays made ` +
    `${mean(stats.map((s) => s.arraysMade)).toFixed(2)}`,
);
const moves = postingsCacheMoves();
console.log(
  `held after the mix: decoded postings ${(postingsCacheBytes() / 2 ** 20).toFixed(1)} MiB (packed ` +
    `${(moves.packedBytes / 2 ** 20).toFixed(1)} MiB; entries packed ${moves.packed}, unpacked ${moves.unpacked} since ` +
    `the start), raw dense chunks ${(rawChunkBytes() / 2 ** 20).toFixed(1)} MiB`,
);
const mib = (b: number) => (b / 2 ** 20).toFixed(1);
console.log(
  `isolate caches after the mix, MiB: assets ${mib(assets.heldBytes())}, postings ${mib(postingsCacheBytes())}, ` +
    `raw chunks ${mib(rawChunkBytes())}, filter columns ${mib(filterColumnBytes())}, top lists ${mib(topListBytes())}, records ${mib(recordCacheBytes())}, ` +
    `scoring arrays ${mib(scoringArrayBytes())}, volume lists ${mib(volumeListBytes())}; process heap ${mib(process.memoryUsage().heapUsed)}, ` +
    `array buffers ${mib(process.memoryUsage().arrayBuffers)}`,
);
console.log(
  `  assets by kind, MiB: ${[...assets.heldBytesByKind()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${mib(v)}`)
    .join(", ")}`,
);
const census = postingsCensus();
console.log(
  `census: ${census.terms} terms flat, counted ${(census.counted / 2 ** 20).toFixed(1)} MiB; ${census.packedTerms} packed, ` +
    `${(census.packedBytes / 2 ** 20).toFixed(1)} MiB; postings decoded ` +
    `${census.decodedPostings.toLocaleString("en")} (×3–5 B), not decoded ${census.undecodedPostings.toLocaleString("en")}; ` +
    `chunks held by undecoded lists ${census.chunksHeld} (${(census.chunkBytes / 2 ** 20).toFixed(1)} MiB)`,
);
const top = census.byTerm.slice(0, 20);
console.log(
  `largest 20 terms: ${(top.reduce((a, t) => a + t.bytes, 0) / 2 ** 20).toFixed(1)} MiB: ` +
    top
      .map(
        (t) =>
          `${t.key.split("\u0000")[1]}@${/\/s(\d+)\//.exec(t.key)?.[1] ?? ""} ${(t.bytes / 1024).toFixed(0)}K (${t.decoded}/${t.undecoded})`,
      )
      .join(", "),
);
const order = mix.map((_, i) => i).sort((a, b) => cpu[b]! - cpu[a]!);
for (const i of order.slice(0, Number(args.slowest))) {
  const s = stats[i]!;
  console.log(
    `  ${cpu[i]!.toFixed(2)} ms  ${mix[i]}: reads ${JSON.stringify(reads[i])}, decoded ${s.postingsDecoded}, ` +
      `wait ${s.waitMs.toFixed(2)} / score ${s.scoreMs.toFixed(2)} ms`,
  );
}
