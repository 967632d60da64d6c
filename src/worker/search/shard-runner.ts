/**
 * Where a query plan is scored. A single-shard index is scored in this
 * isolate; a sharded one fans out to Durable Objects, each keeping its
 * shards' chunks warm: one object per shard up to `MAX_FANOUT` shards, and
 * past that one object per group of neighbouring shards, so a query makes at
 * most `MAX_FANOUT` subrequests however many shards the catalogue has. All
 * run the same `scoreShard`.
 */
import type { AssetStore } from "../asset-store";
import type { RecordStore } from "../record-store";
import type { Manifest } from "../../shared/manifest";
import { ApiError } from "../errors";
import { withTimeout } from "../with-timeout";
import type { QueryPlan } from "./engine";
import { mergeBest, planTerms, scoreShard, type ShardResult } from "./scoring";
import { prefetchShards, SearchIndex, searchMeta } from "./search-index";
import { recordText } from "./record-text";
import type { SearchShard } from "./search-shard-object";
import { searchStats } from "./search-stats";
import { MAX_FANOUT, shardGroups } from "../../shared/shard-groups";

export { MAX_FANOUT, shardGroups };

export interface ShardRunner {
  /** Units the coordinator fans out to: shards, or groups of shards. */
  count: number;
  run(unit: number, plan: QueryPlan): Promise<GroupResult>;
  /** The search shards unit `unit` scores (a failed unit is reported as these); `[unit]` when absent. */
  shardsOf?(unit: number): number[];
  /**
   * Starts the reads every query of a shard needs whatever its words (term table, filter columns), so a cold
   * isolate makes them while the query is planned. Settles when they have, never rejecting (a failed read fails
   * again, with its error, when the shard is scored): a request that starts them and may end first (a
   * response-cache hit) keeps itself alive for this promise, since workerd cancels a read its request leaves
   * running and a later request waiting on the same shared read would hang. With `terms`, their postings too
   * (the words of a cold query, then its plan's terms), where the shards are scored in this isolate.
   */
  prefetch?(terms?: readonly string[]): Promise<void>;
}

/**
 * One answer for several shards, as the coordinator would merge them: totals and facets summed, hits
 * concatenated and cut to the best `keep` (the coordinator keeps no more than that of the merged list, so the
 * cut changes nothing it answers).
 */
export function mergeShardResults(results: ShardResult[], keep: number): ShardResult {
  if (results.length === 1) return results[0]!;
  // Maps: series names are catalogue text, and "__proto__" must count like any other.
  const series = new Map<string, number>();
  const decade = new Map<string, number>();
  for (const r of results) {
    for (const [k, v] of Object.entries(r.facets.series)) series.set(k, (series.get(k) ?? 0) + v);
    for (const [k, v] of Object.entries(r.facets.decade)) decade.set(k, (decade.get(k) ?? 0) + v);
  }
  return {
    total: results.reduce((n, r) => n + r.total, 0),
    totalExact: results.every((r) => r.totalExact),
    undated: results.reduce((n, r) => n + r.undated, 0),
    top: mergeBest(
      results.map((r) => r.top),
      keep,
    ),
    facets: { series: Object.fromEntries(series), decade: Object.fromEntries(decade) },
    facetsExact: results.every((r) => r.facetsExact),
  };
}

/** A group's answer: the shards it scored, merged, and those it left out because its time ran out. */
export interface GroupResult extends ShardResult {
  /** Shards of the group not scored: the coordinator reports them as failed, and the answer is partial. */
  missing?: number[];
}

/**
 * Scores shards `[first, end)` in this isolate, one after another, as one answer. A group of many shards (a
 * catalogue of hundreds of shards behind 16 objects) could outrun the coordinator's timeout and lose every shard
 * it had scored; instead, once `budgetMs` has passed, it answers with the shards done and names the rest
 * `missing`. The first shard is always scored, so a group always makes progress.
 */
export async function scoreGroupLocally(
  assets: AssetStore,
  records: RecordStore,
  first: number,
  end: number,
  plan: QueryPlan,
  budgetMs = Number.POSITIVE_INFINITY,
): Promise<GroupResult> {
  const t0 = performance.now();
  const results: ShardResult[] = [];
  // Every shard's chunks of the plan's terms, asked for at once (one read a bucket for the group, see
  // `SearchIndex.stageShardTerms`) before the first shard is scored; a warm object holds them, and reads nothing.
  if (end - first > 1)
    await SearchIndex.stageShardTerms(
      assets,
      Array.from({ length: end - first }, (_, i) => first + i),
      planTerms(plan),
    );
  let k = first;
  // One after another: each shard's scratch space is freed before the next, so an object's heap is one shard's.
  for (; k < end; k++) {
    if (k > first && performance.now() - t0 >= budgetMs) break;
    results.push(await scoreLocally(assets, records, k, plan));
  }
  const merged = mergeShardResults(results, plan.keep);
  if (k === end) return merged;
  return { ...merged, missing: Array.from({ length: end - k }, (_, i) => k + i) };
}

/** How long one shard may take before the answer goes out without it. */
export const SHARD_TIMEOUT_MS = 3000;
/**
 * The share of the timeout a group of shards spends scoring before it answers with what it has: the rest is left
 * for its last shard, the RPC and the merge.
 */
export const GROUP_BUDGET_SHARE = 0.6;

/** Scores a shard in this isolate: the single-shard path, and the body of the Durable Object. */
export function scoreLocally(
  assets: AssetStore,
  records: RecordStore,
  shard: number,
  plan: QueryPlan,
): Promise<ShardResult> {
  return searchMeta(assets).then(async (meta) => {
    const index = new SearchIndex(assets, shard);
    try {
      return await scoreShard(index, plan, await assets.json<string[]>(meta.seriesNames), async (docs) =>
        (await records.byDocs(docs)).map(recordText),
      );
    } finally {
      // Its terms are looked up now: the chunk bytes a cold warm-up read for it are not needed any more.
      await index.releaseStaged();
    }
  });
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

  prefetch(terms?: readonly string[]): Promise<void> {
    const all = () => prefetchShards(this.assets, 0, this.count, terms).catch(() => {});
    if (terms?.length) return all();
    // What every query reads, asked for by every search: once per asset store, so a warm isolate's searches do not
    // walk the pack directory and the caches again (a sixth of a rare word's time; docs/benchmarks-history.md, branch `warm6`).
    let done = prefetchedStores.get(this.assets);
    if (!done) prefetchedStores.set(this.assets, (done = all()));
    return done;
  }
}

/** The term-less prefetch of each asset store (see `LocalShards.prefetch`); it never rejects. */
const prefetchedStores = new WeakMap<AssetStore, Promise<void>>();

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

/** A group's name, in its object's name and in errors: its shard, or `first-last`. */
export function groupName(first: number, end: number): string {
  return end - first === 1 ? String(first) : `${first}-${end - 1}`;
}

export class DurableObjectShards implements ShardRunner {
  private readonly groups: Array<[number, number]>;
  readonly count: number;

  constructor(
    /** Search shards in the build. */
    readonly shards: number,
    private readonly namespace: ShardNamespace,
    /** The build's manifest root, handed to each object with its first call so a cold object need not read it. */
    private readonly root: Manifest,
    private readonly timeoutMs = SHARD_TIMEOUT_MS,
    maxFanout = MAX_FANOUT,
    /** How long a group of shards scores before answering with the shards done (see scoreGroupLocally). */
    private readonly groupBudgetMs = timeoutMs * GROUP_BUDGET_SHARE,
  ) {
    this.groups = shardGroups(shards, maxFanout);
    this.count = this.groups.length;
  }

  /** One object per group and index version, so a new deploy warms fresh objects rather than reusing stale ones. */
  private stub(group: number) {
    const [first, end] = this.groups[group]!;
    return this.namespace.get(this.namespace.idFromName(`${this.root.version}/${groupName(first, end)}`));
  }

  shardsOf(group: number): number[] {
    const [first, end] = this.groups[group]!;
    return Array.from({ length: end - first }, (_, i) => first + i);
  }

  /** With `terms`: the objects asked for the first time read their postings too (a cold query's words). */
  async prefetch(terms?: readonly string[]): Promise<void> {
    const calls: Promise<unknown>[] = [];
    for (let g = 0; g < this.count; g++) {
      const [first, end] = this.groups[g]!;
      const name = `${this.root.version}/${first}-${end}`;
      if (prefetched.has(name)) continue;
      prefetched.add(name);
      // The query's own call waits for the same reads, and reports their failure.
      calls.push(
        this.stub(g)
          .prefetch(first, end, terms ? [...terms] : undefined, this.root)
          .catch(() => prefetched.delete(name)),
      );
    }
    await Promise.all(calls);
  }

  async run(group: number, plan: QueryPlan): Promise<GroupResult> {
    const [first, end] = this.groups[group]!;
    const shard = groupName(first, end);
    const stub = this.stub(group);
    const st = searchStats();
    const t0 = st ? performance.now() : 0;
    try {
      const pending: Promise<GroupResult | ShardUnavailable> =
        end - first === 1 ? stub.search(first, plan) : stub.searchGroup(first, end, plan, this.groupBudgetMs);
      const answer = await withTimeout(
        pending,
        this.timeoutMs,
        () =>
          new ApiError(504, "index_unavailable", `search: shard ${shard} did not answer within ${this.timeoutMs} ms`),
      );
      if (st) st.rpcMs.push(performance.now() - t0);
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
  const count = meta.shards.count;
  if (count === 1 || !namespace) return new LocalShards(count, assets, records);
  return new DurableObjectShards(count, namespace, await assets.manifest());
}
