/**
 * Bytes on the wire of a 10-hit search answer: full, compact=1, and compact=1
 * with fields=, gzipped as a client on a slow link receives them. Builds the
 * real corpora (../shared/corpora) when present, else the built-in catalogue,
 * and asks the real Worker in workerd. Prints a Markdown table for docs/benchmarks-history.md (section "Lean JSON").
 *
 *   npx tsx scripts/bench/lean-json-size.ts
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { startLocalWorker } from "../lib/local-worker";

// The shared corpora sit beside the checkout (../shared) or beside the worktrees (../../shared).
const CORPORA = [resolve("../shared/corpora"), resolve("../../shared/corpora")].find((d) => existsSync(d)) ?? "";
const QUERIES = [
  "Philby",
  "Besedovsky",
  "Kutepov",
  "Oswald",
  "Mexico City",
  "Petrov",
  "Soviet embassy",
  "defector",
  "communist party",
  "OGPU",
  "cipher",
  "double agent",
  "atomic",
  "Trotsky",
  "Paris",
];
const VARIANTS: Array<[string, string]> = [
  ["full", ""],
  ["compact=1", "&compact=1"],
  ["compact=1&fields=reference,title", "&compact=1&fields=reference,title"],
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

const dataDir = CORPORA || resolve("data");
const out = mkdtempSync(join(tmpdir(), "dossier-lean-"));
const manifest = buildCatalogue({ dataDirs: [dataDir], outDir: out }).manifest;
const worker = await startLocalWorker({ assetsDir: out });
try {
  const sizes = new Map<string, { raw: number[]; gz: number[] }>(VARIANTS.map(([n]) => [n, { raw: [], gz: [] }]));
  for (const q of QUERIES) {
    for (const [name, extra] of VARIANTS) {
      const body = await (await worker.fetch(`/api/search?q=${encodeURIComponent(q)}&limit=10${extra}`)).text();
      sizes.get(name)!.raw.push(Buffer.byteLength(body));
      sizes.get(name)!.gz.push(gzipSync(body, { level: 6 }).length);
    }
  }
  const full = median(sizes.get("full")!.gz);
  console.log(
    `Catalogue: ${dataDir === CORPORA ? "real corpora" : "built-in"} (${manifest.records.toLocaleString("en")} ` +
      `records); ${QUERIES.length} queries, limit=10; gzip level 6.\n`,
  );
  console.log("| answer | median raw | median gzip | gzip vs full |");
  console.log("|---|---|---|---|");
  for (const [name] of VARIANTS) {
    const s = sizes.get(name)!;
    console.log(
      `| \`${name}\` | ${median(s.raw).toLocaleString("en")} B | ${median(s.gz).toLocaleString("en")} B | ` +
        `${Math.round((median(s.gz) / full) * 100)}% |`,
    );
  }
} finally {
  await worker.dispose();
  rmSync(out, { recursive: true, force: true });
}
