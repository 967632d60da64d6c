/**
 * Ties the caches to the API's GET routes and the search pages: the Workers
 * Cache API in front, KV behind it, the live index last. Every answer that
 * passes here leaves with `X-Cache`, `Server-Timing`, `Cache-Control` and
 * `Vary`; `revalidation` (Hono's etag middleware, mounted outside this one)
 * gives 200s a strong `ETag` and turns a matching `If-None-Match` into a 304.
 *
 * Must run after `withStores`: the index version comes from the manifest.
 */
import type { Context, MiddlewareHandler } from "hono";
import { etag, RETAINED_304_HEADERS } from "hono/etag";
import { waitUntil, type AppEnv } from "../app-env";
import {
  canonicalKey,
  kvKey,
  responseCacheFor,
  stringRecord,
  MAX_CACHED_BODY_BYTES,
  type CachedResponse,
} from "../cache/response-cache";
import { bodyEtag } from "../cache/body-etag";
import { addVary, cacheControlFor, EDGE_TTL_SECONDS, KV_TTL_SECONDS } from "../cache/http-cache";

/**
 * Paths whose 200 answers depend only on the request and the index version.
 * `foldText`: the answer reads its free text only through folded forms and
 * never repeats it, so "Fuchs" and " fuchs" may share one entry. Search
 * answers and pages repeat the text as typed (and the query parser reads case
 * and spacing in references), so they are keyed on it exactly.
 *
 * Typeahead (`/api/suggest`) is not here: a warm isolate answers a keystroke from memory in about 0.05 ms, where
 * the edge cache's lookup and write cost about 1 ms in workerd (bench, 100k records), and a KV write per distinct
 * keystroke would be pure cost. Its answers still carry Cache-Control and an ETag for browsers.
 */
const CACHEABLE: Array<{ path: RegExp; foldText: boolean }> = [
  { path: /^\/api\/search$/, foldText: false },
  { path: /^\/api\/lookup$/, foldText: true },
  { path: /^\/api\/records\/[^/]+$/, foldText: true },
  { path: /^\/api\/records\/[^/]+\/related$/, foldText: true },
  { path: /^\/api\/series\/[^/]+$/, foldText: true },
  { path: /^\/api\/people(?:\/[^/]+)*$/, foldText: true },
  { path: /^\/$/, foldText: false },
  { path: /^\/embed$/, foldText: false },
];

export function isCacheablePath(path: string): boolean {
  return CACHEABLE.some((r) => r.path.test(path));
}

/** Headers a handler may choose that a cached copy must repeat; the rest are set afresh per request. */
const KEPT_HEADERS = ["content-security-policy", "x-frame-options", "cache-control"];

const EDGE_PREFIX = "/__dossier-cache/";
const EDGE_HEADERS = "x-dossier-headers";

type Layer = "edge" | "kv" | "live";

export interface CachedApiOptions {
  /** Use the Workers Cache API in front of KV when the runtime has one. */
  edge?: boolean;
}

export function cachedApi(options: CachedApiOptions = {}): MiddlewareHandler<AppEnv> {
  const useEdge = options.edge ?? true;
  return async (c, next) => {
    const start = performance.now();
    const method = c.req.method;
    if (method !== "GET" && method !== "HEAD") return next();
    const url = new URL(c.req.url);
    const timing = new Timing();

    const rule = CACHEABLE.find((r) => r.path.test(url.pathname));
    const version = rule ? await indexVersion(c) : null;
    if (!rule || version === null) {
      await timing.time("index", next);
      finish(c, url.pathname, "live", timing, start);
      return;
    }

    const key = canonicalKey(url, version, { foldText: rule.foldText });
    const kv = c.env.CACHE ? responseCacheFor(c.env.CACHE) : null;
    const edge = useEdge ? edgeCache() : null;
    const edgeKey = edge ? await edgeRequest(url, key) : null;

    const { layer, cached } = await timing.time(
      "cache",
      async (): Promise<{ layer: Layer; cached: CachedResponse | null }> => {
        const atEdge = edge && edgeKey ? await edgeGet(edge, edgeKey) : null;
        if (atEdge) return { layer: "edge", cached: atEdge };
        const inKv = kv ? await kv.get(key) : null;
        return { layer: inKv ? "kv" : "live", cached: inKv };
      },
    );

    if (cached) {
      // A KV hit is copied forward so the next request in this colo stops at the edge.
      if (layer === "kv" && edge && edgeKey) waitUntil(c, edgePut(edge, edgeKey, cached));
      // HEAD is answered as GET and stripped of its body by Hono itself.
      const headers = { ...cached.headers, "content-type": cached.contentType, etag: bodyEtag(cached.body) };
      c.res = new Response(cached.body, { status: cached.status, headers });
      finish(c, url.pathname, layer, timing, start);
      return;
    }

    await timing.time("index", next);
    const res = c.res;
    // A handler that says no-store (a partial answer while a shard is down) must not be remembered.
    if (res.status === 200 && isStorable(res) && !/no-store/i.test(res.headers.get("cache-control") ?? "")) {
      const body = await res.text();
      c.res = new Response(body, res);
      // Tagged from the text in hand, so \`revalidation\` does not read the body again and digest it: a fifth of a
      // warm search request's CPU (Node profile of the bench's mix, 100k records).
      if (!c.res.headers.has("etag")) c.res.headers.set("etag", bodyEtag(body));
      if (body.length <= MAX_CACHED_BODY_BYTES) {
        const contentType = res.headers.get("content-type") ?? "application/json";
        const entry: CachedResponse = { status: 200, contentType, body, headers: keptHeaders(res) };
        if (kv) waitUntil(c, kv.put(key, entry, KV_TTL_SECONDS));
        if (edge && edgeKey) waitUntil(c, edgePut(edge, edgeKey, entry));
      }
    }
    finish(c, url.pathname, "live", timing, start);
  };
}

/** The default cache-aware middleware, as mounted in src/index.ts. */
export const cachedApiMiddleware = cachedApi();

/**
 * Strong ETags and 304s for every GET answer, cached or not (Hono's etag
 * middleware). A 304 repeats the cache diagnostics of the 200 it stands for.
 */
export const revalidation = etag({
  retainedHeaders: [...RETAINED_304_HEADERS, "server-timing", "x-cache", "x-cache-layer"],
});

/** Stamps the caching headers on `c.res`. */
function finish(c: Context<AppEnv>, path: string, layer: Layer, timing: Timing, start: number): void {
  const h = c.res.headers;
  if (!h.has("cache-control")) h.set("cache-control", cacheControlFor(path, c.res.status));
  addVary(h, "Accept-Encoding");
  h.set("x-cache", layer === "live" ? "MISS" : "HIT");
  h.set("x-cache-layer", layer);
  timing.add("total", performance.now() - start);
  h.set("server-timing", timing.header(layer));
}

async function indexVersion(c: Context<AppEnv>): Promise<string | null> {
  try {
    return (await c.get("assets").manifest()).version;
  } catch {
    // The route will report the unavailable index itself; nothing to cache meanwhile.
    return null;
  }
}

function isStorable(res: Response): boolean {
  const type = (res.headers.get("content-type") ?? "").toLowerCase();
  return type.startsWith("application/json") || type.startsWith("text/html");
}

function keptHeaders(res: Response): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const v = res.headers.get(name);
    if (v !== null) out[name] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The Cache API key for a canonical key: on the request's own origin, under a path no route uses. */
export async function edgeRequest(url: URL, key: string): Promise<Request> {
  return new Request(`${url.origin}${EDGE_PREFIX}${encodeURIComponent(await kvKey(key))}`);
}

export function edgeCache(): Cache | null {
  try {
    // The DOM lib's CacheStorage type lacks workerd's `default`.
    return (globalThis as { caches?: { default?: Cache } }).caches?.default ?? null;
  } catch {
    return null;
  }
}

async function edgeGet(cache: Cache, key: Request): Promise<CachedResponse | null> {
  try {
    const res = await cache.match(key);
    if (!res) return null;
    let headers: Record<string, string> | undefined;
    try {
      headers = stringRecord(JSON.parse(res.headers.get(EDGE_HEADERS) ?? "null"));
    } catch {
      return null;
    }
    return {
      status: res.status,
      contentType: res.headers.get("content-type") ?? "application/json",
      body: await res.text(),
      ...(headers ? { headers } : {}),
    };
  } catch {
    return null;
  }
}

async function edgePut(cache: Cache, key: Request, entry: CachedResponse): Promise<void> {
  try {
    await cache.put(
      key,
      new Response(entry.body, {
        status: entry.status,
        headers: {
          "content-type": entry.contentType,
          // The entry's own Cache-Control is for clients; this one is for the edge copy.
          "cache-control": `public, max-age=${EDGE_TTL_SECONDS}`,
          ...(entry.headers ? { [EDGE_HEADERS]: JSON.stringify(entry.headers) } : {}),
        },
      }),
    );
  } catch {
    // The edge layer is an optimisation; KV and the index still answer.
  }
}

/** Server-Timing phases for one request. */
class Timing {
  private readonly parts: Array<[string, number]> = [];

  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      this.add(name, performance.now() - t);
    }
  }

  add(name: string, ms: number): void {
    this.parts.push([name, ms]);
  }

  header(layer: Layer): string {
    const desc = `;desc="${layer === "live" ? "miss" : `${layer} hit`}"`;
    return this.parts.map(([n, ms]) => `${n};dur=${ms.toFixed(1)}${n === "cache" ? desc : ""}`).join(", ");
  }
}
