/**
 * npx tsx scripts/bench/word-uses.ts --assets DIR [--queries report,embassy] [--uses 4] [--group G] [--no-lists]
 *
 * What one query costs on its first, second and later uses in one process, every shard scored in process (Node,
 * `LocalShards`; with `--group G` only that group's shards, as one Durable Object scores them): each use's wall time
 * and CPU, and the total it reports, beside the exact total (`exact=1`, asked last). A common word's first query takes
 * the general top-k path; its second derives its top lists and leaders (top-k-term-lists.ts, common-term-answers.ts),
 * a full pass over its long fields; later ones are answered from them. `--no-lists` turns both off, so every use takes
 * the general path. Each query starts cold in its data (its chunks read and decoded on first use), but the code is
 * warm after the first query: list the query to measure first to see a cold process.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { diskAssets, oneGroupRunner, warmSearchRequest } from "../../test/scoring/local-index";
import { RecordStore } from "../../src/worker/record-store";
import { SearchService } from "../../src/worker/search/search-service";
import { LocalShards } from "../../src/worker/search/shard-runner";
import { searchMeta } from "../../src/worker/search/search-index";
import { TOP_LIST_DEFAULTS } from "../../src/worker/search/top-k-term-lists";
import { COMMON_TERM_DEFAULTS } from "../../src/worker/search/common-term-answers";

const { values: args } = parseArgs({
  options: {
    assets: { type: "string" },
    queries: { type: "string", default: "report,embassy,agent,soviet" },
    uses: { type: "string", default: "4" },
    group: { type: "string" },
    "no-lists": { type: "boolean", default: false },
  },
});
if (!args.assets) throw new Error("word-uses: --assets DIR is required");
if (args["no-lists"]) {
  // Past any field's length: neither shortcut ever applies.
  TOP_LIST_DEFAULTS.minPostings = Infinity;
  COMMON_TERM_DEFAULTS.minPostings = Infinity;
}
const assets = diskAssets(resolve(args.assets));
const meta = await searchMeta(assets);
const records = new RecordStore(assets);
const local = new LocalShards(meta.shards.count, assets, records);
const runner = args.group !== undefined ? oneGroupRunner(assets, local, Number(args.group)) : local;
const service = new SearchService(records, assets, runner);
const request = (q: string, exact = false) => ({
  ...warmSearchRequest(q),
  collapse: false,
  ...(exact ? { exact } : {}),
});

console.log(
  `| query | ${Array.from({ length: Number(args.uses) }, (_, u) => `use ${u + 1}: ms (CPU), total`).join(" | ")} | exact total |`,
);
console.log(`|---|${"---|".repeat(Number(args.uses) + 1)}`);
for (const q of args.queries.split(",")) {
  const cells: string[] = [];
  for (let u = 0; u < Number(args.uses); u++) {
    const c = process.cpuUsage();
    const t = performance.now();
    const r = await service.search(request(q));
    const wall = performance.now() - t;
    const d = process.cpuUsage(c);
    const total = `${r.total.relation === "gte" ? "≥ " : ""}${r.total.value.toLocaleString("en")}`;
    cells.push(`${wall.toFixed(1)} (${((d.user + d.system) / 1000).toFixed(1)}), ${total}`);
  }
  const exact = await service.search(request(q, true));
  console.log(`| ${q} | ${cells.join(" | ")} | ${exact.total.value.toLocaleString("en")} |`);
}
