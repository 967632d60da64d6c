/**
 * npx tsx scripts/bench/same-answers.ts --assets DIR --out FILE [--root REPO] [--port 9150]
 *
 * Every answer a change to how the index is read must leave alone, written down to compare with `cmp`: the bench's
 * 200-query mix and the cold probe's queries, each plain, with `exact=1` and with `offset=10`, asked twice of one
 * workerd isolate (the first time cold, the second warm), each answer's JSON without its `tookMs`. `--root` takes
 * the Worker from another checkout (main's, to compare a branch on its own build with main on main's).
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startLocalWorker } from "../lib/local-worker";
import { queryMix, syntheticCorpus } from "./synthetic-catalogue";

const { values: args } = parseArgs({
  options: {
    assets: { type: "string" },
    out: { type: "string" },
    root: { type: "string", default: resolve(import.meta.dirname, "../..") },
    port: { type: "string", default: "9150" },
  },
});
if (!args.assets || !args.out) throw new Error("same-answers: --assets DIR and --out FILE are required");

const { bundleWorker } = (await import(resolve(args.root!, "scripts/bench/workerd.ts"))) as {
  bundleWorker: () => Promise<{ script: string }>;
};
const { script } = await bundleWorker();
const queries = [
  ...queryMix(syntheticCorpus(100_000), 200).search.map((q) => q.q),
  "Besedovsky",
  "soviet",
  "soviet embassy paris",
  "kv 2 agent",
];
const w = await startLocalWorker({
  assetsDir: args.assets,
  scriptPath: script,
  httpPort: Number(args.port),
  caches: false,
});
const lines: string[] = [];
try {
  for (let round = 0; round < 2; round++)
    for (const q of queries)
      for (const extra of ["", "&exact=1", "&offset=10"]) {
        const path = `/api/search?q=${encodeURIComponent(q)}${extra}`;
        const res = await w.fetch(path);
        const body = (await res.json()) as Record<string, unknown>;
        delete body.tookMs;
        lines.push(`${res.status} ${path} ${JSON.stringify(body)}`);
      }
} finally {
  await w.dispose();
}
writeFileSync(args.out, lines.join("\n") + "\n");
console.log(`${lines.length} answers written to ${args.out}`);
