/**
 * npx tsx scripts/bench/isolate-start.ts [--rounds 5] [--copies 9]
 *
 * What a new isolate of the Worker's script costs workerd before it serves anything: compiling the bundle and
 * evaluating its modules (the HTTP app's routes, schemas and pages, the search code, the word data). Every cold
 * figure of the bench leaves this out, since Miniflare starts the script before it reports ready. Deployed, a
 * request that lands on no running isolate waits for it (Cloudflare may start the Worker's isolate during the TLS
 * handshake; a shard object's isolate starts when the Worker first calls it).
 *
 * Method: Miniflare's ready time with one copy of a script and with `--copies` copies, each copy a Worker of its own
 * (so an isolate of its own); the difference over the extra copies is one isolate's start, and a trivial Worker's
 * figure, taken the same way in the same rounds, is what Miniflare spends per Worker whatever its script; the same
 * difference of workerd's CPU until ready (`processCpuMs`) is printed beside it, steadier than the time. Three
 * scripts, alternated in every round: the Worker as wrangler bundles it (minified), an entry holding only the search
 * shard objects (`shard-objects-only-entry.ts`: what a script of their own would start with), and the trivial
 * Worker. Also each script's V8 heap after a full GC once its isolate has served one request (the script's source
 * is on that heap, one or two bytes a character).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { bundleWorker, compatibilityDate, processCpuMs, startLocalWorker, workerdChildren } from "../lib/local-worker";
import { median } from "./stats";

const { values: args } = parseArgs({
  options: { rounds: { type: "string", default: "5" }, copies: { type: "string", default: "9" } },
});
const rounds = Number(args.rounds);
const copies = Number(args.copies);
if (!(rounds >= 1 && copies >= 2)) throw new Error("isolate-start: --rounds must be ≥ 1 and --copies ≥ 2");

const dir = mkdtempSync(join(tmpdir(), "dossier-isolate-start-"));
const emptyAssets = mkdtempSync(join(tmpdir(), "dossier-isolate-start-assets-"));
try {
  const trivial = join(dir, "trivial", "worker.js");
  const scripts: Record<string, string> = {
    worker: await bundleWorker(undefined, join(dir, "worker")),
    "shard objects only": await bundleWorker(
      new URL("./shard-objects-only-entry.ts", import.meta.url).pathname,
      join(dir, "shards"),
    ),
    trivial,
  };
  // In a folder of its own, as the others are: each Worker's modules root is its script's folder.
  mkdirSync(dirname(trivial));
  writeFileSync(trivial, "export default { fetch: () => new Response('ok') };");

  /**
   * Milliseconds from `new Miniflare` to ready, and the CPU workerd spent until then (which, unlike the time, hardly
   * moves with the machine's load), for `n` Workers running the same script.
   */
  async function readyCost(script: string, n: number): Promise<{ ms: number; cpu: number }> {
    const before = workerdChildren();
    const t0 = performance.now();
    const mf = new Miniflare(
      convertV4MiniflareOptions({
        workers: Array.from({ length: n }, (_, i) => ({
          name: `copy-${i}`,
          modules: true,
          scriptPath: script,
          modulesRoot: dirname(script),
          compatibilityDate: compatibilityDate(),
        })),
      }),
    );
    await mf.ready;
    const ms = performance.now() - t0;
    const cpu = processCpuMs(workerdChildren().find((p) => !before.includes(p)) ?? null) ?? Number.NaN;
    await mf.dispose();
    return { ms, cpu };
  }

  const perIsolate: Record<string, number[]> = {};
  const cpuPerIsolate: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++)
    for (const [name, script] of Object.entries(scripts)) {
      const one = await readyCost(script, 1);
      const many = await readyCost(script, copies);
      (perIsolate[name] ??= []).push((many.ms - one.ms) / (copies - 1));
      (cpuPerIsolate[name] ??= []).push((many.cpu - one.cpu) / (copies - 1));
    }

  const heaps: Record<string, number | undefined> = {};
  for (const [name, script] of Object.entries(scripts)) {
    const w = await startLocalWorker({
      assetsDir: emptyAssets,
      scriptPath: script,
      inspector: true,
      caches: false,
      pokePath: "/api/health",
    });
    try {
      heaps[name] = (await w.heap(true))?.usedSize;
    } finally {
      await w.dispose();
    }
  }

  const base = median(perIsolate.trivial!);
  const cpuBase = median(cpuPerIsolate.trivial!);
  console.log(
    `One isolate's start in workerd, per extra copy of the script (${copies} copies against 1, ${rounds} rounds alternated); ` +
      `"over trivial" takes away what Miniflare spends on any Worker (${base.toFixed(1)} ms):`,
  );
  for (const [name, script] of Object.entries(scripts)) {
    const ms = perIsolate[name]!;
    const m = median(ms);
    const kib = statSync(script).size / 1024;
    const heap = heaps[name];
    console.log(
      `  ${name.padEnd(20)} ${kib.toFixed(0).padStart(5)} KiB  start ${m.toFixed(1).padStart(6)} ms` +
        (name === "trivial" ? "" : ` (over trivial ${(m - base).toFixed(1)})`) +
        `  [${ms.map((x) => x.toFixed(0)).join(", ")}]` +
        `  workerd CPU ${median(cpuPerIsolate[name]!).toFixed(1)} ms` +
        (name === "trivial" ? "" : ` (over trivial ${(median(cpuPerIsolate[name]!) - cpuBase).toFixed(1)})`) +
        `  heap after a request ${heap === undefined ? "n/a" : `${(heap / 2 ** 20).toFixed(2)} MiB`}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(emptyAssets, { recursive: true, force: true });
}
