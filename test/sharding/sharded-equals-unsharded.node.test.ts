/**
 * A sharded build must answer exactly as an unsharded one: same hits, same
 * order, same scores, totals and facets. Both builds run in workerd through
 * Miniflare, the sharded one fanning out through real Durable Objects.
 * DOSSIER_SHARD_TEST_RECORDS sets the corpus size: 5,000 by default (the
 * mix's common-word queries still stop early there; the third case checks that
 * some do), so `npm test` stays quick; .ci/run also runs it at 100,000.
 * A third build in 40 shards, packed, checks the fan-out bound: 16 Durable
 * Objects, each scoring a group of two or three shards (whose term chunks it
 * reads a bucket at a time across its shards), answer as the unsharded build.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { queryMix, syntheticCorpus, writeJsonl } from "../../scripts/bench/synthetic-catalogue";
import { bundleWorker, startLocalWorker, type LocalWorker } from "../../scripts/lib/local-worker";

const RECORDS = Number(process.env.DOSSIER_SHARD_TEST_RECORDS ?? 5_000);
const SHARDS = 3;
/** More shards than MAX_FANOUT (16): the coordinator groups them. */
const MANY_SHARDS = 40;
const QUERIES = 60;

let dir: string;
let single: LocalWorker;
let sharded: LocalWorker;
let many: LocalWorker;
let queries: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dossier-shard-test-"));
  const corpus = syntheticCorpus(RECORDS);
  await writeJsonl(corpus, join(dir, "data", "synthetic.jsonl"));
  queries = [...new Set(queryMix(corpus, QUERIES).search.map((s) => s.q))];
  buildCatalogue({ dataDirs: [join(dir, "data")], outDir: join(dir, "one"), searchShards: 1 });
  buildCatalogue({ dataDirs: [join(dir, "data")], outDir: join(dir, "three"), searchShards: SHARDS });
  // Packed: each group's term chunks of a bucket then lie side by side, and its object reads them together.
  buildCatalogue({ dataDirs: [join(dir, "data")], outDir: join(dir, "many"), searchShards: MANY_SHARDS, packs: true });
  const script = await bundleWorker();
  single = await startLocalWorker({ assetsDir: join(dir, "one"), scriptPath: script });
  sharded = await startLocalWorker({ assetsDir: join(dir, "three"), scriptPath: script });
  many = await startLocalWorker({ assetsDir: join(dir, "many"), scriptPath: script });
}, 900_000);

// Disposing two workerd processes on a loaded machine takes far longer than vitest's default 10 s.
afterAll(async () => {
  await Promise.all([single?.dispose(), sharded?.dispose(), many?.dispose()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

async function answer(w: LocalWorker, path: string) {
  const body = (await (await w.fetch(path)).json()) as { tookMs?: number; partial?: boolean };
  delete body.tookMs;
  // A cursor names its build's index version, which differs between the two builds by design.
  delete (body as { nextCursor?: string }).nextCursor;
  return body;
}

describe(`a ${RECORDS.toLocaleString("en")}-record catalogue in ${SHARDS} search shards`, () => {
  it("reports its shards", async () => {
    expect(((await answer(sharded, "/api/health")) as { shards: number }).shards).toBe(SHARDS);
    expect(((await answer(single, "/api/health")) as { shards: number }).shards).toBe(1);
  });

  it("answers every query of the mix exactly as the unsharded build", async () => {
    for (const q of queries) {
      for (const params of [
        "limit=20&exact=1",
        "limit=10&offset=10&explain=1&exact=1",
        "limit=5&from=1930&to=1945&exact=1",
      ]) {
        const path = `/api/search?q=${encodeURIComponent(q)}&${params}`;
        expect(await answer(sharded, path), path).toEqual(await answer(single, path));
      }
    }
  }, 600_000);

  it("ranks the same hits when top-k stops early, where only totals and facets may be partial", async () => {
    let stoppedEarly = 0;
    for (const q of queries) {
      for (const params of ["limit=20", "limit=10&offset=10&explain=1", "limit=5&from=1930&to=1945"]) {
        const path = `/api/search?q=${encodeURIComponent(q)}&${params}`;
        const [a, b] = [await answer(sharded, path), await answer(single, path)] as Array<{
          hits: unknown;
          query: unknown;
          total: { relation: string };
        }>;
        if (b!.total.relation === "gte") stoppedEarly++;
        expect(a!.hits, path).toEqual(b!.hits);
        expect(a!.query, path).toEqual(b!.query);
      }
    }
    // Without early stops this case would only repeat the exact one above.
    expect(stoppedEarly).toBeGreaterThan(0);
  }, 600_000);
});

describe(`the same catalogue in ${MANY_SHARDS} search shards, fanned out to at most 16 objects`, () => {
  it("reports its shards", async () => {
    expect(((await answer(many, "/api/health")) as { shards: number }).shards).toBe(MANY_SHARDS);
  });

  it("answers every query of the mix exactly as the unsharded build", async () => {
    for (const q of queries) {
      for (const params of ["limit=20&exact=1", "limit=5&from=1930&to=1945&explain=1&exact=1"]) {
        const path = `/api/search?q=${encodeURIComponent(q)}&${params}`;
        expect(await answer(many, path), path).toEqual(await answer(single, path));
      }
    }
  }, 600_000);
});
