/** The Hono environment every route shares: bindings plus per-request stores. */
import type { Context, MiddlewareHandler } from "hono";
import { assetStoreFor, type AssetStore } from "./asset-store";
import { RecordStore } from "./record-store";

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
