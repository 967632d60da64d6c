/**
 * A search service as a cold isolate has it, for tests of what its first searches read: a fresh asset store over
 * the configured backend, and every search shard scored in this isolate.
 */
import { env } from "cloudflare:workers";
import { AssetStore } from "../../src/worker/asset-store";
import { RecordStore } from "../../src/worker/record-store";
import { LocalShards } from "../../src/worker/search/shard-runner";
import { SearchService, type SearchRequest } from "../../src/worker/search/search-service";
import { searchMeta } from "../../src/worker/search/search-index";
import { storageFor } from "../../src/worker/storage/asset-storage";

export async function coldService(): Promise<{ store: AssetStore; service: SearchService; shards: number }> {
  const store = new AssetStore(storageFor(env).storage());
  const records = new RecordStore(store);
  const shards = (await searchMeta(store)).shards.count;
  return { store, service: new SearchService(records, store, new LocalShards(shards, store, records)), shards };
}

/** A search with the API's defaults, and `more` on top. */
export const searchRequest = (q: string, more: Partial<SearchRequest> = {}): SearchRequest => ({
  q,
  limit: 10,
  offset: 0,
  series: [],
  match: "variants",
  synonyms: true,
  explain: false,
  collapse: true,
  ...more,
});
