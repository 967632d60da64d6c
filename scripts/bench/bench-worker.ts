/**
 * Bench-only Worker entry: Dossier's app unchanged, wrapped so timings can be
 * taken inside the isolate. workerd's clock ticks in whole milliseconds, so
 * sub-millisecond figures come from `/__bench/mix`, which runs a query mix
 * round-robin many times and sums per-query deltas: quantisation error is
 * uncorrelated with the queries, so the sums converge on the true means.
 *
 * Also hosts the plain-FlexSearch peer, loaded from the same ASSETS binding
 * the way a single-index deployment would load its export, and `/__bench/scoring-memory`: the bytes of the
 * WebAssembly memories the kept scoring arrays live in, which a heap probe's array buffers leave out.
 */
import app from "../../src/index";
// Durable Object classes (the search shards) must be exported by the main module, as src/index.ts does.
export * from "../../src/index";
import { Document } from "flexsearch";
import { assetKind, assetStoreFor, traceReads } from "../../src/worker/asset-store";
import { scoringMemoryBytes } from "../../src/worker/search/query-arrays";

interface BenchEnv {
  ASSETS: Fetcher;
}

const now = () => performance.now();

async function timedApp(req: Request, env: BenchEnv, ctx: ExecutionContext): Promise<Response> {
  const t0 = now();
  const res = await app.fetch(req, env as never, ctx);
  const body = await res.arrayBuffer();
  const headers = new Headers(res.headers);
  // Whole request inside the isolate: routing, validation, manifest and chunk reads, JSON.
  headers.set("x-bench-ms", String(now() - t0));
  return new Response(body, { status: res.status, headers });
}

async function mix(req: Request, env: BenchEnv, ctx: ExecutionContext): Promise<Response> {
  const { paths, rounds } = (await req.json()) as { paths: string[]; rounds: number };
  const sums = new Float64Array(paths.length);
  const took = new Float64Array(paths.length);
  const statuses = new Set<number>();
  const cacheHeaders = new Set<string>();
  const reads = assetStoreFor(env.ASSETS).reads;
  const readsBefore = new Map(reads);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < paths.length; i++) {
      const t0 = now();
      const res = await app.fetch(new Request(`http://bench${paths[i]}`), env as never, ctx);
      const body = await res.text();
      sums[i]! += now() - t0;
      statuses.add(res.status);
      const xc = res.headers.get("x-cache");
      if (xc) cacheHeaders.add(xc);
      // The search's own clock, outside the timed span: route overhead = sums - took.
      const m = /"tookMs":([\d.]+)/.exec(body);
      if (m) took[i]! += Number(m[1]);
    }
  }
  return Response.json({
    meanMs: Array.from(sums, (s) => s / rounds),
    tookMs: Array.from(took, (s) => s / rounds),
    statuses: [...statuses],
    cache: [...cacheHeaders],
    // Asset reads during the mix in this isolate (not its Durable Objects'), by kind: a warm mix should make none.
    assetReads: Object.fromEntries([...reads].map(([k, v]) => [k, v - (readsBefore.get(k) ?? 0)])),
  });
}

/**
 * The cold probe: runs `path` (the first request of a fresh isolate) with the isolate's asset reads traced, and
 * answers the response's status, headers and body with the reads (see scripts/bench/cold-probe.ts).
 */
async function traced(url: URL, env: BenchEnv, ctx: ExecutionContext): Promise<Response> {
  traceReads(true);
  const t0 = now();
  const res = await app.fetch(new Request(`http://bench${url.searchParams.get("path")}`), env as never, ctx);
  const body = await res.text();
  const serverMs = now() - t0;
  const reads = traceReads(false).map((r) => ({ ...r, kind: assetKind(r.path) }));
  return Response.json({ status: res.status, serverMs, headers: Object.fromEntries(res.headers), body, reads });
}

// The plain one-index peer: a FlexSearch Document exported by run-bench into /peer-flex/.
let flex: { doc: Document; loadMs: number } | null = null;
async function flexLoad(env: BenchEnv): Promise<{ doc: Document; loadMs: number }> {
  if (flex) return flex;
  const t0 = now();
  const list = (await (await env.ASSETS.fetch("http://assets/peer-flex/keys.json")).json()) as Array<{
    key: string;
    pieces: number;
  }>;
  const doc = new Document({ document: { id: "id", index: ["title", "description", "people"] } });
  // Sequential on purpose: FlexSearch's import of a field's map must follow its reg.
  for (const [i, { key, pieces }] of list.entries()) {
    let data = "";
    for (let k = 0; k < pieces; k++)
      data += await (await env.ASSETS.fetch(`http://assets/peer-flex/${i}-${k}.json`)).text();
    doc.import(key, data);
  }
  flex = { doc, loadMs: now() - t0 };
  return flex;
}

async function flexRoute(url: URL, req: Request, env: BenchEnv): Promise<Response> {
  if (url.pathname === "/__bench/flex/search") {
    const t0 = now();
    const { doc, loadMs } = await flexLoad(env);
    const hits = doc.search(url.searchParams.get("q") ?? "", {
      limit: 10,
      merge: true,
      suggest: true,
    } as never) as unknown[];
    return Response.json({ hits: hits.length, loadMs, ms: now() - t0 });
  }
  // Same round-robin trick as /__bench/mix.
  const { queries, rounds } = (await req.json()) as { queries: string[]; rounds: number };
  const { doc } = await flexLoad(env);
  const sums = new Float64Array(queries.length);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < queries.length; i++) {
      const t0 = now();
      doc.search(queries[i]!, { limit: 10, merge: true, suggest: true } as never);
      sums[i]! += now() - t0;
    }
  }
  return Response.json({ meanMs: Array.from(sums, (s) => s / rounds) });
}

export default {
  async fetch(req: Request, env: BenchEnv, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === "/__bench/noop") return new Response("");
    if (url.pathname === "/__bench/scoring-memory") return Response.json({ bytes: scoringMemoryBytes() });
    if (url.pathname === "/__bench/mix") return mix(req, env, ctx);
    if (url.pathname === "/__bench/trace") return traced(url, env, ctx);
    if (url.pathname.startsWith("/__bench/flex/")) return flexRoute(url, req, env);
    return timedApp(req, env, ctx);
  },
};
