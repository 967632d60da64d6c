/**
 * npx tsx scripts/bench/serve-scale.ts <assets dir> [runs]
 * Serves an already built (possibly sharded) catalogue in workerd through
 * Miniflare, with the SearchShard Durable Objects bound as in production, and
 * measures the fanned-out search: cold first query per fresh runtime (one and
 * three words), warm p50/p99 over a mix, and the index bytes per shard. For
 * the million-record run, whose build is too slow to repeat inside `npm run bench`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bundleWorker, startLocalWorker } from "../lib/local-worker";
import { percentile, median } from "./stats";
import type { Manifest } from "../../src/shared/manifest";
import type { SearchManifest } from "../../src/shared/search-config";

const [assetsDir, runsArg] = process.argv.slice(2);
if (!assetsDir) { console.error("usage: serve-scale.ts <assets dir> [runs]"); process.exit(2); }
const runs = Number(runsArg ?? 3);
const m = JSON.parse(readFileSync(join(assetsDir, "manifest.json"), "utf8")) as Manifest;
const search = m.search as SearchManifest;
const ONE = ["Besedovsky", "Kutepoff", "Shislyelneowitch"];
const THREE = ["soviet embassy paris", "communist party agent", "naval intelligence report"];
const MIX = [...ONE, ...THREE, "Bessedovskiy", "cipher", "internment camp", "Dmitri", "sabotage 1940s", "KV 2/2681"];

const script = await bundleWorker();
const cold1: number[] = [], cold3: number[] = [], warm: number[] = [];
for (let r = 0; r < runs; r++) {
  for (const [list, into] of [[ONE, cold1], [THREE, cold3]] as const) {
    const w = await startLocalWorker({ assetsDir, scriptPath: script });
    const t = performance.now();
    const res = await w.fetch(`/api/search?q=${encodeURIComponent(list[r % list.length]!)}`);
    await res.text();
    into.push(performance.now() - t);
    if (list === THREE) {
      for (let i = 0; i < 3; i++) for (const q of MIX) {
        const t1 = performance.now();
        await (await w.fetch(`/api/search?q=${encodeURIComponent(q)}&offset=${i}`)).text();
        if (i > 0) warm.push(performance.now() - t1);
      }
    }
    await w.dispose();
  }
}
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
console.log(`${m.records.toLocaleString("en")} records, ${search.shards.length} search shards; manifest ${mb(JSON.stringify(m).length)}`);
console.log(`shard index bytes: min ${mb(Math.min(...search.shards.map((s) => s.bytes)))}, max ${mb(Math.max(...search.shards.map((s) => s.bytes)))}; docs per shard ${search.shards[0]!.end - search.shards[0]!.start}`);
console.log(`cold 1 word (wall, fresh runtime): median ${median(cold1).toFixed(0)} ms`);
console.log(`cold 3 words (wall, fresh runtime): median ${median(cold3).toFixed(0)} ms`);
console.log(`warm (wall, one at a time): p50 ${percentile(warm, 50).toFixed(1)} ms, p99 ${percentile(warm, 99).toFixed(1)} ms over ${warm.length} requests`);
