/**
 * npx tsx scripts/bench/cold-allocations-workerd.ts --assets DIR [--query Q]
 *
 * Where a fresh runtime's first search allocates on the Worker's JS heap, from V8's sampling heap profiler in
 * workerd (objects collected since included), beside the page faults workerd took over the request. A cold request
 * on this machine pays about 11 µs for each page of memory it first touches (scripts/bench/array-memory-cost.ts), so
 * what it allocates is a share of its time of its own: the heap's growth here, typed arrays' bytes in
 * `cold-cpu-workerd.ts`'s profile and in the isolate's memory plan. The bundle is not minified, so frames name the
 * source's functions.
 */
import { parseArgs } from "node:util";
import { frameKey, search, topLines, withColdWorker } from "../lib/cold-search-profile";
import { type AllocationNode, minorFaults } from "../lib/local-worker";

const { values: args } = parseArgs({
  options: {
    assets: { type: "string" },
    query: { type: "string", default: "Besedovsky" },
    top: { type: "string", default: "25" },
  },
});
if (!args.assets) throw new Error("cold-allocations-workerd: give --assets DIR (a built catalogue)");

const { faults, result, profile } = await withColdWorker(args.assets, async (w) => {
  let faults: number | null = null;
  const run = await w.allocationProfile(async () => {
    const f0 = minorFaults(w.pid);
    const { tookMs } = await search(w, args.query!);
    const f1 = minorFaults(w.pid);
    if (f0 !== null && f1 !== null) faults = f1 - f0;
    return tookMs;
  });
  return { faults, ...run };
});
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
// Inclusive bytes count a frame once per path however often it recurs on it.
const walk = (n: AllocationNode, onPath: ReadonlySet<string>): number => {
  const key = frameKey(n.callFrame);
  self.set(key, (self.get(key) ?? 0) + n.selfSize);
  total += n.selfSize;
  const path = onPath.has(key) ? onPath : new Set([...onPath, key]);
  let sum = n.selfSize;
  for (const c of n.children) sum += walk(c, path);
  if (!onPath.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + sum);
  return sum;
};
walk(profile.head, new Set());
const MiB = 1_048_576;
const mib = (v: number) => `${(v / MiB).toFixed(2).padStart(6)} MiB`;
console.log(
  `"${args.query}": tookMs ${result}; ${(total / MiB).toFixed(2)} MiB allocated on the JS heap (sampled); ` +
    `workerd's page faults over the request ${faults ?? "?"}`,
);
console.log(`self, bundle line:\n${topLines(self, Number(args.top), mib)}`);
console.log(`inclusive:\n${topLines(inclusive, Number(args.top), mib)}`);
