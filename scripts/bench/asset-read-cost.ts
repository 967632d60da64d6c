/**
 * npx tsx scripts/bench/asset-read-cost.ts [--rounds 5]
 *
 * What a read through Miniflare's static assets binding costs, apart from any Dossier code: a Worker reads sets of
 * random files (10 KB to 1 MB, written to a temporary folder) through its ASSETS binding, all of a set at once, as a
 * page of hits reads its record shards. Prints each set's median time over the rounds, so a cold query's reads can
 * be split into a cost per read and a cost per byte. Files are picked so that no file is read twice in a row.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { median } from "./stats";

const { values: args } = parseArgs({ options: { rounds: { type: "string", default: "5" } } });
const rounds = Number(args.rounds);

/** Sizes of the files and how many of each: enough that a round never reads a file the last round read. */
const SIZES: Array<[name: string, bytes: number, files: number]> = [
  ["10k", 10_000, 200],
  ["50k", 50_000, 200],
  ["100k", 100_000, 200],
  ["1m", 1_000_000, 2 * rounds + 2],
];
/** The sets timed: a size and how many files at once. */
const SETS: Array<[name: string, count: number]> = [
  ["10k", 1],
  ["10k", 10],
  ["10k", 20],
  ["50k", 10],
  ["100k", 1],
  ["100k", 10],
  ["1m", 1],
];

const dir = mkdtempSync(join(tmpdir(), "dossier-asset-read-"));
for (const [name, bytes, files] of SIZES)
  for (let i = 0; i < files; i++) writeFileSync(join(dir, `${name}-${i}.bin`), randomBytes(bytes));

const script = `
export default {
  async fetch(req, env) {
    const q = new URL(req.url).searchParams;
    const size = q.get("size"), count = Number(q.get("count")), from = Number(q.get("from")), files = Number(q.get("files"));
    const t = performance.now();
    const read = await Promise.all(Array.from({ length: count }, (_, i) =>
      env.ASSETS.fetch("http://assets/" + size + "-" + ((from + i) % files) + ".bin").then((r) => r.arrayBuffer())));
    return Response.json({ ms: performance.now() - t, bytes: read.reduce((n, b) => n + b.byteLength, 0) });
  },
};`;

const mf = new Miniflare(
  convertV4MiniflareOptions({
    workers: [
      {
        name: "asset-read-cost",
        modules: true,
        script,
        compatibilityDate: "2026-11-01",
        // The Worker answers every request; ASSETS is only its binding.
        assets: { directory: dir, binding: "ASSETS", routerConfig: { has_user_worker: true } },
      },
    ],
  }),
);
try {
  console.log(
    `Miniflare static assets, all of a set read at once; median of ${rounds} rounds (workerd's clock: whole ms)`,
  );
  let from = 0;
  for (const [size, count] of SETS) {
    const [, bytes, files] = SIZES.find(([name]) => name === size)!;
    const ms: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const res = await mf.dispatchFetch(`http://bench/?size=${size}&count=${count}&from=${from}&files=${files}`);
      const { ms: t } = (await res.json()) as { ms: number };
      ms.push(t);
      from += count;
    }
    console.log(
      `  ${String(count).padStart(2)} × ${String(bytes / 1000).padStart(5)} KB: ${median(ms)} ms (${ms.join(", ")})`,
    );
  }
} finally {
  await mf.dispose();
  rmSync(dir, { recursive: true, force: true });
}
