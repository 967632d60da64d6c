/**
 * Where a query plan is scored. A single-shard index is scored in this
 * isolate; a sharded one fans out to one Durable Object per shard, each
 * keeping its shard's chunks warm. Both run the same `scoreShard`.
 */
import type { AssetStore } from "../asset-store";
import type { RecordStore } from "../record-store";
import { ApiError } from "../errors";
import { withTimeout } from "../with-timeout";
import type { QueryPlan } from "./engine";
import { scoreShard, type ShardResult } from "./scoring";
import { SearchIndex, searchMeta } from "./search-index";
import { recordText } from "./record-text";
import type { SearchShard } from "./search-shard-object";

export interface ShardRunner {
  count: number;
  run(shard: number, plan: QueryPlan): Promise<ShardResult>;
  /**
   * Starts the reads every query of a shard needs whatever its words (term table, filter columns), so a cold
   * isolate makes them while the query is planned; for runners that score in this isolate.
   */
  prefetch?(): void;
}

/** How long one shard may take before the answer goes out without it. */
export const SHARD_TIMEOUT_MS = 3000;

/** Scores a shard in this isolate: the single-shard path, and the body of the Durable Object. */
export function scoreLocally(
  assets: AssetStore,
  records: RecordStore,
  shard: number,
  plan: QueryPlan,
): Promise<ShardResult> {
  return searchMeta(assets).then((meta) =>
    scoreShard(new SearchIndex(assets, shard), plan, meta.seriesNames, async (docs) =>
      (await records.byDocs(docs)).map(recordText),
    ),
  );
}

export class LocalShards implements ShardRunner {
  constructor(
    readonly count: number,
    private readonly assets: AssetStore,
    private readonly records: RecordStore,
  ) {}
  run(shard: number, plan: QueryPlan): Promise<ShardResult> {
    return scoreLocally(this.assets, this.records, shard, plan);
  }

  prefetch(): void {
    for (let k = 0; k < this.count; k++) {
      // A read that fails here fails again, with its error, when the shard is scored.
      new SearchIndex(this.assets, k).prefetch().catch(() => {});
    }
  }
}

/**
 * The SearchShard namespace binding (wrangler.toml `SEARCH_SHARDS`), typed by its class as `wrangler types` writes
 * it.
 */
export type ShardNamespace = DurableObjectNamespace<SearchShard>;

/** What a drained shard answers instead of a result. */
export interface ShardUnavailable {
  unavailable: string;
}

/** Objects this isolate has asked to prefetch, by `<version>/<shard>`: once each, so warm queries pay nothing. */
const prefetched = new Set<string>();

export class DurableObjectShards implements ShardRunner {
  constructor(
    readonly count: number,
    private readonly namespace: ShardNamespace,
    private readonly version: string,
    private readonly timeoutMs = SHARD_TIMEOUT_MS,
  ) {}

  /** One object per shard and index version: a new deploy warms fresh objects rather than reusing stale ones. */
  private stub(shard: number) {
    return this.namespace.get(this.namespace.idFromName(`${this.version}/${shard}`));
  }

  prefetch(): void {
    for (let k = 0; k < this.count; k++) {
      const name = `${this.version}/${k}`;
      if (prefetched.has(name)) continue;
      prefetched.add(name);
      // Not awaited: the query's own call waits for the same reads, and reports their failure.
      this.stub(k)
        .prefetch(k)
        .catch(() => prefetched.delete(name));
    }
  }

  async run(shard: number, plan: QueryPlan): Promise<ShardResult> {
    const stub = this.stub(shard);
    try {
      const pending: Promise<ShardResult | ShardUnavailable> = stub.search(shard, plan);
      const answer = await withTimeout(
        pending,
        this.timeoutMs,
        () =>
          new ApiError(504, "index_unavailable", `search: shard ${shard} did not answer within ${this.timeoutMs} ms`),
      );
      if ("unavailable" in answer) throw new ApiError(503, "index_unavailable", answer.unavailable);
      return answer;
    } catch (e) {
      // An ApiError thrown inside the object arrives as a plain Error (RPC keeps the message, not the
      // class); a shard that cannot answer is an unavailable index, not an internal fault.
      if (e instanceof ApiError) throw e;
      throw new ApiError(503, "index_unavailable", `search: shard ${shard} failed: ${(e as Error).message}`);
    }
  }
}

/** The runner for this build: in-process for one shard, Durable Objects for more. */
export async function shardRunnerFor(
  assets: AssetStore,
  records: RecordStore,
  namespace: ShardNamespace | undefined,
): Promise<ShardRunner> {
  const meta = await searchMeta(assets);
  const count = meta.shards.length;
  if (count === 1 || !namespace) return new LocalShards(count, assets, records);
  return new DurableObjectShards(count, namespace, (await assets.manifest()).version);
}
