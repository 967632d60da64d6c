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
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type AllocationNode, bundleWorker, minorFaults, startLocalWorker, workerdChildren } from "../lib/local-worker";

const { values: args } = parseArgs({
  options: {
    assets: { type: "string" },
    query: { type: "string", default: "Besedovsky" },
    top: { type: "string", default: "25" },
  },
});
if (!args.assets) throw new Error("cold-allocations-workerd: give --assets DIR (a built catalogue)");

const dir = mkdtempSync(join(tmpdir(), "dossier-cold-allocations-"));
try {
  const script = await bundleWorker(new URL("./bench-worker.ts", import.meta.url).pathname, dir, { minify: false });
  const before = workerdChildren();
  const w = await startLocalWorker({
    assetsDir: args.assets,
    scriptPath: script,
    inspector: true,
    pokePath: "/api/health",
  });
  const pid = workerdChildren().find((p) => !before.includes(p)) ?? null;
  let faults: number | null = null;
  let run: Awaited<ReturnType<typeof w.allocationProfile<number>>>;
  try {
    run = await w.allocationProfile(async () => {
      const f0 = minorFaults(pid);
      const res = await w.fetch(`/api/search?q=${encodeURIComponent(args.query)}`);
      const body = (await res.json()) as { tookMs: number };
      const f1 = minorFaults(pid);
      if (f0 !== null && f1 !== null) faults = f1 - f0;
      return body.tookMs;
    });
  } finally {
    await w.dispose();
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  // Inclusive bytes count a frame once per path however often it recurs on it.
  const walk = (n: AllocationNode, onPath: ReadonlySet<string>): number => {
    const key = `${n.callFrame.functionName || "(anonymous)"}${n.callFrame.lineNumber >= 0 ? `:${n.callFrame.lineNumber + 1}` : ""}`;
    self.set(key, (self.get(key) ?? 0) + n.selfSize);
    total += n.selfSize;
    const path = onPath.has(key) ? onPath : new Set([...onPath, key]);
    let sum = n.selfSize;
    for (const c of n.children) sum += walk(c, path);
    if (!onPath.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + sum);
    return sum;
  };
  walk(run.profile.head, new Set());
  const MiB = 1_048_576;
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, Number(args.top))
      .map(([k, v]) => `  ${(v / MiB).toFixed(2).padStart(6)} MiB  ${k}`)
      .join("\n");
  console.log(
    `"${args.query}": tookMs ${run.result}; ${(total / MiB).toFixed(2)} MiB allocated on the JS heap (sampled); ` +
      `workerd's page faults over the request ${faults ?? "?"}`,
  );
  console.log(`self, bundle line:\n${list(self)}\ninclusive:\n${list(inclusive)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
