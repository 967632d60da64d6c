/**
 * npx tsx scripts/bench/cold-cpu-workerd.ts [--assets DIR] [--query "Besedovsky"] [--top 30] [--out FILE]
 *
 * A V8 CPU profile of the Worker's isolate in workerd over a fresh runtime's first search (caches bound, as the
 * bench's cold figure), with its functions' self time, the busiest first. Where `npm run bench:cold-cpu` runs the
 * bundle in Node, this is workerd's own V8, its allocator and its asset binding: it showed that a cold isolate's
 * first query spent 41 ms making its 10 MiB of scoring arrays (workerd's typed arrays touch their pages when made,
 * and this machine takes about 11 µs a page first touched; Node's large arrays wait for their first write). The bundle is not minified, so frames name the source's functions; the isolate's
 * own CPU only (Miniflare's asset, KV and cache workers are isolates of their own). `(idle)` is the isolate waiting
 * for its reads.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { frameKey, search, topLines, withColdWorker } from "../lib/cold-search-profile";

const ROOT = resolve(import.meta.dirname, "../..");
const { values: args } = parseArgs({
  options: {
    assets: { type: "string", default: join(ROOT, "bench/out/synthetic-100000/assets") },
    query: { type: "string", default: "Besedovsky" },
    top: { type: "string", default: "30" },
    /** Also write the whole profile here (`.cpuprofile`, for a DevTools performance panel). */
    out: { type: "string" },
  },
});

const { result, profile } = await withColdWorker(args.assets, (w) => w.cpuProfile(() => search(w, args.query), 50));
if (args.out) writeFileSync(resolve(args.out), JSON.stringify(profile));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let sampled = 0;
profile.samples.forEach((id, k) => {
  const key = frameKey(byId.get(id)!.callFrame);
  const ms = profile.timeDeltas[k]! / 1000;
  sampled += ms;
  self.set(key, (self.get(key) ?? 0) + ms);
});
console.log(
  `"${args.query}": tookMs ${result.tookMs}, ${result.timing}; the isolate's profile ${sampled.toFixed(1)} ms sampled ` +
    `(the first request, and the poke that stops it); self time, bundle line:`,
);
console.log(topLines(self, Number(args.top), (ms) => `${ms.toFixed(1).padStart(7)} ms`));
