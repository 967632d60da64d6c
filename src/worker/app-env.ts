/** The Hono environment every route shares: bindings plus per-request stores. */
import type { Context, MiddlewareHandler } from "hono";
import { assetStoreFor, type AssetStore } from "./asset-store";
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

/** Puts the isolate's stores on the context, so handlers never build their own. */
export const withStores: MiddlewareHandler<AppEnv> = async (c, next) => {
  const assets = assetStoreFor(c.env.ASSETS);
  c.set("assets", assets);
  c.set("records", new RecordStore(assets));
  await next();
};

/**
 * The search service for this request: in-process for a single-shard index, fanned out to Durable Objects otherwise.
 */
export async function searchServiceFor(c: AppContext): Promise<SearchService> {
  const records = c.get("records");
  const assets = c.get("assets");
  return new SearchService(records, assets, await shardRunnerFor(assets, records, c.env.SEARCH_SHARDS));
}
