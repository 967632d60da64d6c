/**
 * A record shard's bytes (see RECORD_SHARD_EXT in shared/manifest.ts): written by the build, read back by the
 * build's tools and tests. Node only; the Worker inflates with DecompressionStream (worker/asset-store.ts).
 */
import { deflateSync, inflateSync } from "node:zlib";
import type { StoredRecord } from "../shared/manifest";
import type { CatalogueRecord } from "../shared/record";

/**
 * zlib's fastest level. On the 1M synthetic catalogue's shards (37 KB of JSON each) it keeps 33.0% of the bytes at
 * about 100 MB/s, where the default level 6 keeps 30.1% at 50 MB/s (3,000 of its shards, Node 22): the build's worker
 * thread writes the record store on its critical path, and level 6 added 27 s to a 1M build's 17.5 s pass.
 */
const RECORD_SHARD_LEVEL = 1;

/** A shard's records as the file holds them. */
export function encodeRecordShard(items: StoredRecord<CatalogueRecord>[]): Uint8Array {
  return deflateSync(JSON.stringify(items), { level: RECORD_SHARD_LEVEL });
}

/** A shard file's records; throws naming `path` when the bytes are not a whole shard. */
export function decodeRecordShard(path: string, bytes: Uint8Array): StoredRecord<CatalogueRecord>[] {
  let text: string;
  try {
    text = inflateSync(bytes).toString("utf8");
  } catch (e) {
    throw new Error(`record-shard-file: ${path} is not a whole deflated shard (${(e as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`record-shard-file: ${path} inflates to text that is not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new Error(`record-shard-file: ${path} does not hold a list of records`);
  return parsed as StoredRecord<CatalogueRecord>[];
}
