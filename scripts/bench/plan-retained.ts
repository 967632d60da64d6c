/**
 * `node --expose-gc --import tsx scripts/bench/plan-retained.ts [records]`: what a search plan keeps alive once
 * `planSearch` has returned, over the bench's synthetic records (200,000 by default). The main thread holds the plan
 * through every search shard's build, so what it holds is held for most of a big build. It prints the heap and the
 * array buffers after a full collection: as the plan reads its last doc (its peak), once it is made, then again as
 * each of its larger parts is let go.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DocFile, type Docs } from "../../src/indexer/doc-file";
import { planSearch, type SearchPlan } from "../../src/indexer/search-assets";
import { syntheticCorpus } from "./synthetic-catalogue";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error("plan-retained: run under node --expose-gc, so the figures are after a full collection");
  process.exit(2);
}
const n = Number(process.argv[2] ?? 200_000);
if (!(Number.isInteger(n) && n > 0)) {
  console.error(`plan-retained: ${process.argv[2]} is not a number of records`);
  process.exit(2);
}
const root = mkdtempSync(join(tmpdir(), "plan-retained-"));
try {
  const docs = DocFile.write(join(root, "docs.jsonl"), syntheticCorpus(n).records(), n);
  const mem = (what: string) => {
    gc();
    gc();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    const mib = (b: number) => (b / 2 ** 20).toFixed(1);
    console.log(`${what}: heap ${mib(heapUsed)} MiB, array buffers ${mib(arrayBuffers)} MiB`);
  };
  mem("before the plan");
  // The docs as the plan reads them, with a look at its memory as it reads the last (its counts and term numbers
  // all held, before it lets go of what only counting needs).
  const watched: Docs = {
    length: n,
    range: (from, to, bytes) => docs.range(from, to, bytes),
    *[Symbol.iterator]() {
      let i = 0;
      for (const r of docs) {
        if (++i === n) mem("while the plan reads its last doc");
        yield r;
      }
    },
  };
  const plan: Partial<SearchPlan> | null = planSearch(
    { docs: watched, shardStarts: Uint32Array.of(0, n), shardCount: 1, noHierarchy: true },
    // Scratch files as a build gives them: the terms and the ranks.
    { termsPath: join(root, "terms"), ranksPath: join(root, "ranks") },
  );
  mem(`with the plan (${plan.termList!.length} terms)`);
  const parts = ["families", "termList", "vocab", "asideNumbers", "titleTags", "catalogueOrder", "seriesRank"] as const;
  for (const part of parts) {
    delete plan[part];
    mem(`  and without its ${part}`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
