/**
 * Opens a built catalogue from a directory for scoring tests in Node: the
 * Worker's own AssetStore, SearchIndex and planner, over a Fetcher that serves
 * the built files from disk as the ASSETS binding would.
 */
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { AssetStore } from "../../src/worker/asset-store";
import { SearchIndex, SearchLexicon, searchMeta } from "../../src/worker/search/search-index";
import { effectiveRules, planUnits, type QueryPlan } from "../../src/worker/search/engine";
import { parseQuery } from "../../src/worker/search/query-parser";
import type { SearchRequest } from "../../src/worker/search/search-service";

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
