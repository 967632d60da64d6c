/**
 * npx tsx scripts/bench/serve-scale.ts <assets dir> [runs]
 * Serves an already built (possibly sharded) catalogue in workerd through
 * Miniflare, with the SearchShard Durable Objects bound as in production, and
 * measures the fanned-out search: cold first query per fresh runtime (one and
 * three words), warm p50/p99 over a mix, index bytes per shard, and the
 * isolate's heap after the mix. Locally the Worker and every shard object
 * share one isolate, so that heap is an upper bound for any one shard's.
 * For the million-record run, whose build is too slow to repeat inside
 * `npm run bench`.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleWorker, startWorkerd } from "./workerd";
import { percentile, median } from "./stats";
import type { Manifest } from "../../src/shared/manifest";
import { searchSection } from "../../src/shared/index-format";
import { builtSearchShards } from "../../src/indexer/build-folders";

const [assetsDir, runsArg] = process.argv.slice(2);
if (!assetsDir) {
  console.error("usage: serve-scale.ts <assets dir> [runs]");
  process.exit(2);
}
const runs = Number(runsArg ?? 3);
const m = JSON.parse(readFileSync(join(assetsDir, "manifest.json"), "utf8")) as Manifest;
searchSection(m);
const search = { shards: builtSearchShards(assetsDir, m) };
const ONE = ["Besedovsky", "Kutepoff", "Shislyelneowitch"];
const THREE = ["soviet embassy paris", "communist party agent", "naval intelligence report"];
const MIX = [...ONE, ...THREE, "Bessedovskiy", "cipher", "internment camp", "Dmitri", "sabotage 1940s", "KV 2/2681"];

const bundle = await bundleWorker(mkdtempSync(join(tmpdir(), "dossier-scale-")));
const cold1: number[] = [],
  cold3: number[] = [],
  warm: number[] = [];
let heap: number | null = null;
for (let r = 0; r < runs; r++) {
  for (const [list, into] of [
    [ONE, cold1],
    [THREE, cold3],
  ] as const) {
    const w = await startWorkerd(bundle, assetsDir, { inspector: list === THREE, caches: false });
    into.push((await w.fetch(`/api/search?q=${encodeURIComponent(list[r % list.length]!)}`)).wallMs);
    if (list === THREE) {
      for (let i = 0; i < 3; i++)
        for (const q of MIX) {
          const res = await w.fetch(`/api/search?q=${encodeURIComponent(q)}&offset=${i}`);
          if (i > 0) warm.push(res.wallMs);
        }
      heap = (await w.heap(true))?.usedSize ?? heap;
    }
    await w.dispose();
  }
}
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
console.log(`| records | ${m.records.toLocaleString("en")} |`);
console.log(
  `| search shards | ${search.shards.length} ` +
    `(${(search.shards[0]!.end - search.shards[0]!.start).toLocaleString("en")} records each) |`,
);
console.log(
  `| term chunk bytes per shard | ${mib(Math.min(...search.shards.map((s) => s.bytes)))} – ` +
    `${mib(Math.max(...search.shards.map((s) => s.bytes)))} (loaded lazily, under a 64 MB budget per isolate) |`,
);
console.log(`| record shards | ${m.recordShards.count.toLocaleString("en")} |`);
console.log(`| manifest | ${mib(JSON.stringify(m).length)} |`);
console.log(`| cold, 1 word (fresh runtime, wall) | ${median(cold1).toFixed(0)} ms |`);
console.log(`| cold, 3 words (fresh runtime, wall) | ${median(cold3).toFixed(0)} ms |`);
console.log(
  `| warm p50 / p99 (wall, one request at a time) | ${percentile(warm, 50).toFixed(1)} / ` +
    `${percentile(warm, 99).toFixed(1)} ms over ${warm.length} requests |`,
);
console.log(
  `| heap after the mix (Worker + all ${search.shards.length} shard objects in one local isolate, after GC) | ` +
    `${heap === null ? "not measured" : mib(heap)} |`,
);
