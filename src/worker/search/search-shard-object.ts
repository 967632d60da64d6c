/**
 * The SearchShard Durable Object: serves one search shard of a sharded index
 * (or a group of neighbouring shards, past MAX_FANOUT), keeping its chunks
 * warm in its own isolate. Operators can drain a shard
 * (`setAvailable(false)`), and the coordinator then answers from the others,
 * flagged `partial`.
 */
import { DurableObject } from "cloudflare:workers";
import { assetStoreFor, type AssetStore } from "../asset-store";
import { RecordStore } from "../record-store";
import type { Manifest } from "../../shared/manifest";
import type { QueryPlan } from "./engine";
import type { ShardResult } from "./scoring";
import { prefetchShards } from "./search-index";
import { scoreGroupLocally, scoreLocally, type GroupResult, type ShardUnavailable } from "./shard-runner";

const AVAILABLE_KEY = "available";

export class SearchShard extends DurableObject<Env> {
  /** Read from storage once per object life, then kept: every query checks it. */
  private available: boolean | undefined;
  /** This object's view of the isolate's asset store: shared parsed chunks, its own reads (`forObject`). */
  private store: AssetStore | undefined;

  async search(shard: number, plan: QueryPlan): Promise<ShardResult | ShardUnavailable> {
    this.available ??= (await this.ctx.storage.get<boolean>(AVAILABLE_KEY)) !== false;
    // A drained shard is a state, not a fault: answered as a value, since an exception
    // thrown out of an RPC method is also logged by the runtime as uncaught.
    if (!this.available) return { unavailable: `search shard ${shard} is drained` };
    const assets = this.assets();
    return scoreLocally(assets, new RecordStore(assets), shard, plan);
  }

  /**
   * Scores shards `[first, end)` as one answer: one object serves a group when the shards outnumber the fan-out.
   * Past `budgetMs` it answers with the shards done and names the rest `missing`.
   */
  async searchGroup(
    first: number,
    end: number,
    plan: QueryPlan,
    budgetMs?: number,
  ): Promise<GroupResult | ShardUnavailable> {
    this.available ??= (await this.ctx.storage.get<boolean>(AVAILABLE_KEY)) !== false;
    if (!this.available) return { unavailable: `search shards ${first}-${end - 1} are drained` };
    const assets = this.assets();
    return scoreGroupLocally(assets, new RecordStore(assets), first, end, plan, budgetMs);
  }

  /**
   * Starts reading what every query of shards `[first, end)` needs (term tables, filter columns), so a cold object
   * reads them while the coordinator plans the query; the query that follows waits for the same reads. With
   * `terms` (a cold query's words), their postings too. With `root`, the coordinator's manifest root, which a cold
   * object then does not read for itself (`AssetStore.adoptManifest`).
   */
  async prefetch(first: number, end = first + 1, terms?: string[], root?: Manifest): Promise<void> {
    const assets = this.assets();
    if (root) assets.adoptManifest(root);
    // Each shard's prefetch reads its pages of the pack directory too (its term chunks are found through them).
    // Only where awaited, as here: a read its request leaves running is cancelled when the request ends, and a
    // later request waiting on it would hang.
    await prefetchShards(assets, first, end, terms);
  }

  /** Takes the shard out of (or back into) service; persisted, so it survives restarts. */
  async setAvailable(available: boolean): Promise<void> {
    await this.ctx.storage.put(AVAILABLE_KEY, available);
    this.available = available;
  }

  private assets(): AssetStore {
    this.store ??= assetStoreFor(this.env).forObject();
    return this.store;
  }

  /** Reads this object's store has made through the binding, by asset kind (`AssetStore.reads`): for tests. */
  async readsByKind(): Promise<Record<string, number>> {
    return Object.fromEntries(this.assets().reads);
  }

  /** Heap figures of this object's isolate, for the benchmark. */
  async heldBytes(): Promise<number> {
    return this.assets().heldBytes();
  }
}
