/**
 * Opens a built catalogue from a directory for scoring tests in Node: the
 * Worker's own AssetStore, SearchIndex and planner, over a Fetcher that serves
 * the built files from disk as the ASSETS binding would.
 */
import { readFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { syntheticCorpus, writeJsonl } from "../../scripts/bench/synthetic-catalogue";
import { AssetStore } from "../../src/worker/asset-store";
import { prefetchShards, SearchIndex, SearchLexicon, searchMeta } from "../../src/worker/search/search-index";
import { effectiveRules, planUnits, type QueryPlan } from "../../src/worker/search/engine";
import { parseQuery } from "../../src/worker/search/query-parser";
import { SearchService, type SearchRequest } from "../../src/worker/search/search-service";
import { RecordStore } from "../../src/worker/record-store";
import { LocalShards, shardGroups, type ShardRunner } from "../../src/worker/search/shard-runner";
import { noMatches } from "../../src/worker/search/scoring";

/** The request the warm-path tools (profile-warm, ab-warm) send: a relevance search for ten hits, as the API's defaults. */
export function warmSearchRequest(q: string): SearchRequest {
  return { q, match: "variants", synonyms: true, explain: false, offset: 0, limit: 10, series: [], sort: "relevance" };
}

export function diskAssets(dir: string): AssetStore {
  const fetcher = {
    async fetch(req: Request): Promise<Response> {
      const file = join(dir, decodeURIComponent(new URL(req.url).pathname));
      return existsSync(file) ? new Response(readFileSync(file)) : new Response("not found", { status: 404 });
    },
  };
  return new AssetStore(fetcher as unknown as Fetcher);
}

/** The plan the search service would make for `q` (words only: no references, phrases or dates). */
export async function planFor(assets: AssetStore, q: string, keep = 10): Promise<QueryPlan> {
  const meta = await searchMeta(assets);
  const parsed = parseQuery(q);
  const units = await planUnits(new SearchLexicon(assets), parsed, {
    mode: "variants",
    rules: effectiveRules("variants", true),
    explain: true,
  });
  return {
    units,
    referenceIds: [],
    exclude: parsed.exclude,
    phrases: [],
    series: [],
    dates: null,
    explain: true,
    keep,
    docs: meta.docs,
  };
}

export async function shardIndex(assets: AssetStore): Promise<{ index: SearchIndex; seriesNames: string[] }> {
  return {
    index: new SearchIndex(assets, 0),
    seriesNames: await assets.json<string[]>((await searchMeta(assets)).seriesNames),
  };
}

/** The search service over a built catalogue as a Worker runs it, every shard scored in process (`LocalShards`). */
export async function localService(dir: string): Promise<{ assets: AssetStore; service: SearchService }> {
  const assets = diskAssets(dir);
  const meta = await searchMeta(assets);
  const records = new RecordStore(assets);
  return { assets, service: new SearchService(records, assets, new LocalShards(meta.shards.count, assets, records)) };
}

/**
 * Group `g`'s shards (shard-runner.ts `shardGroups`) scored in process, the others answering no matches uncalled: one
 * Durable Object's work and caches alone, as `serve-scale.ts --groups` measures it in workerd.
 */
export function oneGroupRunner(assets: AssetStore, local: LocalShards, g: number): ShardRunner {
  const [first, end] = shardGroups(local.count)[g] ?? [];
  if (first === undefined || end === undefined) throw new Error(`local-index: group ${g}: no such group`);
  const inGroup = (k: number) => k >= first && k < end;
  return {
    count: local.count,
    run: (k, plan) => (inGroup(k) ? local.run(k, plan) : Promise.resolve(noMatches())),
    prefetch: (terms) => prefetchShards(assets, first, end, terms).catch(() => {}),
  };
}

/** Each query's answer as JSON, less its `tookMs`: what two runs over the same catalogue must give alike. */
export async function answersOf(service: SearchService, queries: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const q of queries) {
    const { tookMs: _, ...answer } = (await service.search(warmSearchRequest(q))) as { tookMs?: number };
    out.push(JSON.stringify(answer));
  }
  return out;
}

/**
 * A synthetic catalogue of `records` records built in `searchShards` shards into a new temporary folder: the
 * folder (remove it after), with the build in `out`.
 */
export async function builtSynthetic(name: string, records: number, searchShards: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `dossier-${name}-`));
  await writeJsonl(syntheticCorpus(records), join(dir, "data", "synthetic.jsonl"));
  buildCatalogue({ dataDirs: [join(dir, "data")], outDir: join(dir, "out"), searchShards });
  return dir;
}
