/**
 * Bench-only Worker entry of `serve-scale.ts`: the bench entry (Dossier's app, `/__bench/*`) plus
 * `/__bench/scale-mix`, which runs a query mix and answers, per query, the search's `tookMs` and where it went:
 * asset reads by kind (every asset store of the isolate, the shard objects' too), postings found held or decoded,
 * time waiting for postings and scoring in the shards, and the round trips to the shard objects. Locally the Worker
 * and every SearchShard object run in one isolate, so module-level counters see them all.
 */
import bench from "./bench-worker";
export * from "./bench-worker";
import app from "../../src/index";
import { assetKind, assetStoreFor, traceReads } from "../../src/worker/asset-store";
import type { ReadTrace } from "../../src/shared/read-trace";
import { postingsCacheBytes, rawChunkBytes } from "../../src/worker/search/search-index";
import { noMatches } from "../../src/worker/search/scoring";
import { groupName, shardGroups } from "../../src/worker/search/shard-runner";
import { collectSearchStats } from "../../src/worker/search/search-stats";
import { failedShardCount, SCALE_COUNTERS, type ScaleQueryStats } from "./scale-stats";

interface ScaleEnv {
  ASSETS: Fetcher;
  SEARCH_SHARDS?: DurableObjectNamespace;
}

/**
 * The Worker's shard namespace with every group's object but `group`'s answering nothing at once, and never called:
 * the isolate then holds the caches of one object alone, as a deployed object in an isolate of its own does (locally
 * every object of the class shares one isolate, and so one set of caches under one memory plan).
 */
function oneGroupNamespace(real: DurableObjectNamespace, shards: number, group: number): DurableObjectNamespace {
  const [first, end] = shardGroups(shards)[group] ?? [];
  if (first === undefined || end === undefined) throw new Error(`scale-worker: no group ${group} of ${shards} shards`);
  const name = groupName(first, end);
  const idle = {
    search: async () => noMatches(),
    searchGroup: async () => noMatches(),
    prefetch: async () => {},
  };
  return {
    idFromName: (n: string) => ({ name: n }),
    get: (id: { name: string }) => (id.name.endsWith(`/${name}`) ? real.get(real.idFromName(id.name)) : idle),
  } as unknown as DurableObjectNamespace;
}

async function scaleMix(req: Request, env: ScaleEnv, ctx: ExecutionContext): Promise<Response> {
  const { paths, rounds, group, shards, trace } = (await req.json()) as {
    paths: string[];
    rounds: number;
    group?: number;
    /**
     * The build's search shard count, with `group`: given by the caller, since reading it here would read the
     * manifest through the isolate's asset store, which then is not cold, so a cold first query's warm-up
     * (app-env.ts `withStores`) would never start.
     */
    shards?: number;
    /** Also answer the first round's reads, each with its start and end (serve-scale's `--trace`). */
    trace?: boolean;
  };
  if (group !== undefined) {
    if (!env.SEARCH_SHARDS) return new Response("scale-mix: a group needs the SEARCH_SHARDS binding", { status: 500 });
    if (shards === undefined) return new Response("scale-mix: a group needs the build's shard count", { status: 500 });
    env = { ...env, SEARCH_SHARDS: oneGroupNamespace(env.SEARCH_SHARDS, shards, group) };
  }
  const out: ScaleQueryStats[] = paths.map((path) => ({
    path,
    tookMs: 0,
    serverMs: 0,
    reads: {},
    readBytes: 0,
    ...(Object.fromEntries(SCALE_COUNTERS.map((k) => [k, 0])) as Record<(typeof SCALE_COUNTERS)[number], number>),
    rpcMaxMs: 0,
    rpcSumMs: 0,
    failedShards: 0,
  }));
  const stores = new Set<number>();
  const traces: Array<Array<ReadTrace & { kind: string }>> = [];
  for (let r = 0; r < rounds; r++)
    for (let i = 0; i < paths.length; i++) {
      const q = out[i]!;
      traceReads(true);
      collectSearchStats(true);
      const t0 = performance.now();
      const res = await app.fetch(new Request(`http://bench${paths[i]}`), env as never, ctx);
      const body = await res.text();
      q.serverMs += (performance.now() - t0) / rounds;
      const st = collectSearchStats(false)!;
      const reads = traceReads(false);
      if (res.status !== 200)
        return new Response(`${paths[i]}: HTTP ${res.status} ${body.slice(0, 300)}`, { status: 500 });
      q.tookMs += Number(/"tookMs":([\d.]+)/.exec(body)?.[1] ?? NaN) / rounds;
      q.failedShards += failedShardCount(body) / rounds;
      if (trace && r === 0) traces.push(reads.map((tr) => ({ ...tr, kind: assetKind(tr.path) })));
      for (const tr of reads) {
        stores.add(tr.store);
        const kind = assetKind(tr.path);
        q.reads[kind] = (q.reads[kind] ?? 0) + 1 / rounds;
        q.readBytes += tr.bytes / rounds;
      }
      for (const k of SCALE_COUNTERS) q[k] += st[k] / rounds;
      q.rpcMaxMs += Math.max(0, ...st.rpcMs) / rounds;
      q.rpcSumMs += st.rpcMs.reduce((a, b) => a + b, 0) / rounds;
    }
  return Response.json({
    queries: out,
    ...(trace ? { traces } : {}),
    storesRead: stores.size,
    postingsCacheBytes: postingsCacheBytes(),
    rawChunkBytes: rawChunkBytes(),
    workerChunkBytes: assetStoreFor(env.ASSETS).heldBytes(),
  });
}

export default {
  async fetch(req: Request, env: ScaleEnv, ctx: ExecutionContext): Promise<Response> {
    if (new URL(req.url).pathname === "/__bench/scale-mix") return scaleMix(req, env, ctx);
    return bench.fetch(req, env as never, ctx);
  },
};
