/**
 * npx tsx scripts/bench/cold-cpu-workerd.ts [--assets DIR] [--query "Besedovsky"] [--top 30] [--out FILE]
 *
 * A V8 CPU profile of the Worker's isolate in workerd over a fresh runtime's first search (caches bound, as the
 * bench's cold figure), with its functions' self time, the busiest first. Where `npm run bench:cold-cpu` runs the
 * bundle in Node, this is workerd's own V8, its allocator and its asset binding: it showed that a cold isolate's
 * first query spent 41 ms making its 10 MiB of scoring arrays (workerd hands an isolate fresh memory at 3–4 ms a
 * MiB here, Node at about 0.2). The bundle is not minified, so frames name the source's functions; the isolate's
 * own CPU only (Miniflare's asset, KV and cache workers are isolates of their own). `(idle)` is the isolate waiting
 * for its reads.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { bundleWorker, startLocalWorker } from "../lib/local-worker";

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

const dir = mkdtempSync(join(tmpdir(), "dossier-cold-cpu-workerd-"));
try {
  // Not minified, so frames keep the source's names; names are not kept by wrapping (wrangler.toml's keep_names),
  // as deployed: esbuild's `__name` wrapper cost a cold search 14 ms in a profile that kept them.
  const script = await bundleWorker(new URL("./bench-worker.ts", import.meta.url).pathname, dir, { minify: false });
  const w = await startLocalWorker({
    assetsDir: args.assets,
    scriptPath: script,
    inspector: true,
    pokePath: "/api/health",
  });
  let run: Awaited<ReturnType<typeof w.cpuProfile<{ tookMs: number; timing: string | null }>>>;
  try {
    run = await w.cpuProfile(async () => {
      const res = await w.fetch(`/api/search?q=${encodeURIComponent(args.query)}`);
      const body = (await res.json()) as { tookMs: number };
      return { tookMs: body.tookMs, timing: res.headers.get("server-timing") };
    }, 50);
  } finally {
    await w.dispose();
  }
  const { result, profile } = run;
  if (args.out) writeFileSync(resolve(args.out), JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let sampled = 0;
  profile.samples.forEach((id, k) => {
    const { functionName, lineNumber } = byId.get(id)!.callFrame;
    const key = `${functionName || "(anonymous)"}${lineNumber >= 0 ? `:${lineNumber + 1}` : ""}`;
    const ms = profile.timeDeltas[k]! / 1000;
    sampled += ms;
    self.set(key, (self.get(key) ?? 0) + ms);
  });
  console.log(
    `"${args.query}": tookMs ${result.tookMs}, ${result.timing}; the isolate's profile ${sampled.toFixed(1)} ms sampled ` +
      `(the first request, and the poke that stops it); self time, bundle line:`,
  );
  for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top)))
    console.log(`  ${ms.toFixed(1).padStart(7)} ms  ${key}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
