/** The Hono environment every route shares: bindings plus per-request stores. */
import type { Context, MiddlewareHandler } from "hono";
import { assetStoreFor, type AssetStore } from "./asset-store";
import { MAX_PARAM_CHARS, MAX_QUERY_WORDS } from "./params";
import { RecordStore } from "./record-store";
import { SearchService } from "./search/search-service";
import { shardRunnerFor } from "./search/shard-runner";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    assets: AssetStore;
    records: RecordStore;
  };
}

export type AppContext = Context<AppEnv>;

/**
 * Puts the isolate's stores on the context, so handlers never build their own. On a cold isolate's first search,
 * also starts the index reads every search needs, so they overlap the response-cache lookup that comes next.
 */
export const withStores: MiddlewareHandler<AppEnv> = async (c, next) => {
  const assets = assetStoreFor(c.env);
  c.set("assets", assets);
  c.set("records", new RecordStore(assets));
  const q = assets.cold() ? searchText(c.req.url) : null;
  if (q) {
    const warming = searchServiceFor(c).then(
      (s) => s.warm(q),
      () => {},
    );
    // A response-cache hit answers before the reads end; they must not be cancelled with it (see warm).
    waitUntil(c, warming);
  }
  await next();
};

/** Paths whose `q` is a full-text search: the API's search and its exports, the search pages. */
const SEARCH_PATHS = /^\/(?:api\/search(?:\.[a-z]+)?|embed)?$/;

/**
 * The search text of a search request, as the route will read it (trimmed), or null; null too for text the route
 * will reject, which is not worth planning ahead.
 */
function searchText(url: string): string | null {
  const u = new URL(url);
  const q = SEARCH_PATHS.test(u.pathname) ? u.searchParams.get("q")?.trim() : undefined;
  if (!q || q.length > MAX_PARAM_CHARS || q.split(/\s+/).length > MAX_QUERY_WORDS) return null;
  return q;
}

/**
 * The search service for this request: in-process for a single-shard index, fanned out to Durable Objects otherwise.
 */
export async function searchServiceFor(c: AppContext): Promise<SearchService> {
  const records = c.get("records");
  const assets = c.get("assets");
  return new SearchService(records, assets, await shardRunnerFor(assets, records, c.env.SEARCH_SHARDS));
}

/** Keeps the request alive until `p` settles (background KV writes, cold reads); its failure is dropped. */
export function waitUntil(c: Context<AppEnv>, p: Promise<unknown>): void {
  const safe = p.catch(() => {});
  try {
    c.executionCtx.waitUntil(safe);
  } catch {
    // No execution context (a bare app.request in a script): the promise just runs unawaited.
  }
}
