/**
 * npx tsx scripts/bench/cold-read-floor.ts [--runtimes 5]
 *
 * What the first request of a fresh Miniflare runtime costs a Worker that makes N static-asset reads one after
 * another, apart from any Dossier code: the floor under a cold search's rounds of reads (manifest, tables, postings,
 * records). Each sample is a runtime of its own, its Worker reading 4 KB files in a chain (each read starts when
 * the one before has ended), alone or beside one read of 700 KB started with the first (as a cold search reads its
 * filter columns beside its tables). Prints, per sample, the Worker's time for the chain, when each read ended, and
 * the request's wall time from Node.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";

const { values: args } = parseArgs({ options: { runtimes: { type: "string", default: "5" } } });

const CHAIN = 8;
const dir = mkdtempSync(join(tmpdir(), "dossier-cold-read-floor-"));
for (let i = 0; i < CHAIN; i++) writeFileSync(join(dir, `small-${i}.bin`), randomBytes(4096));
writeFileSync(join(dir, "big.bin"), randomBytes(700_000));

const script = `
export default {
  async fetch(req, env) {
    const q = new URL(req.url).searchParams;
    const n = Number(q.get("n"));
    const t = performance.now();
    const ended = [];
    const beside = q.get("big") ? env.ASSETS.fetch("http://assets/big.bin").then((r) => r.arrayBuffer()) : null;
    for (let i = 0; i < n; i++) {
      await (await env.ASSETS.fetch("http://assets/small-" + i + ".bin")).arrayBuffer();
      ended.push(Math.round(performance.now() - t));
    }
    if (beside) await beside;
    return Response.json({ ms: performance.now() - t, ended });
  },
};`;

/** The chains timed: how many reads, and whether the 700 KB read runs beside them. */
const CASES: Array<[reads: number, big: boolean]> = [
  [1, false],
  [2, false],
  [4, false],
  [4, true],
];

try {
  console.log(
    "a fresh runtime's first request (workerd's clock ticks in whole ms): chain time [each read's end] (wall)",
  );
  for (const [reads, big] of CASES) {
    const samples: string[] = [];
    for (let r = 0; r < Number(args.runtimes); r++) {
      const mf = new Miniflare(
        convertV4MiniflareOptions({
          workers: [
            {
              name: "cold-read-floor",
              modules: true,
              script,
              compatibilityDate: "2026-11-01",
              assets: { directory: dir, binding: "ASSETS", routerConfig: { has_user_worker: true } },
            },
          ],
        } as never),
      );
      try {
        await mf.ready;
        const t0 = performance.now();
        const res = await mf.dispatchFetch(`http://bench/?n=${reads}${big ? "&big=1" : ""}`);
        const { ms, ended } = (await res.json()) as { ms: number; ended: number[] };
        samples.push(`${ms} ms [${ended.join(", ")}] (${Math.round(performance.now() - t0)})`);
      } finally {
        await mf.dispose();
      }
    }
    console.log(`  ${reads} reads of 4 KB in a chain${big ? ", one of 700 KB beside" : ""}: ${samples.join("; ")}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
