/**
 * Ties the caches to the API's GET routes: the Workers Cache API in front,
 * KV behind it, the live index last. Every API answer leaves here with
 * `X-Cache`, `Server-Timing`, `Cache-Control`, `Vary` and, when it is worth
 * revalidating, a strong `ETag`, and a matching `If-None-Match` gets a 304.
 *
 * Must run after `withStores`: the index version comes from the manifest.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import {
  canonicalKey, kvKey, responseCacheFor, MAX_CACHED_BODY_BYTES, type CachedResponse,
} from "../cache/response-cache";
import {
  addVary, cacheControlFor, ifNoneMatchHits, notModified, strongEtag, EDGE_TTL_SECONDS, KV_TTL_SECONDS, NO_STORE,
} from "../cache/http-cache";

/** API paths whose 200 answers depend only on the request and the index version. */
const CACHEABLE = [
  /^\/api\/search$/,
  /^\/api\/suggest$/,
  /^\/api\/lookup$/,
  /^\/api\/records\/[^/]+$/,
  /^\/api\/records\/[^/]+\/related$/,
  /^\/api\/series\/[^/]+$/,
  /^\/api\/people(?:\/[^/]+)*$/,
];

export function isCacheablePath(path: string): boolean {
  return CACHEABLE.some((re) => re.test(path));
}

const EDGE_PREFIX = "/__dossier-cache/";
const STORED_AT = "x-dossier-stored-at";

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

    const version = isCacheablePath(url.pathname) ? await indexVersion(c) : null;
    if (version === null) {
      await timing.time("index", next);
      await finish(c, url.pathname, "live", null, timing, start);
      return;
    }

    const key = canonicalKey(url, version);
    const kv = c.env.CACHE ? responseCacheFor(c.env.CACHE) : null;
    const edge = useEdge ? edgeCache() : null;
    const edgeKey = edge ? await edgeRequest(url, key) : null;

    const { layer, cached } = await timing.time("cache", async (): Promise<{ layer: Layer; cached: CachedResponse | null }> => {
      const atEdge = edge && edgeKey ? await edgeGet(edge, edgeKey) : null;
      if (atEdge) return { layer: "edge", cached: atEdge };
      const inKv = kv ? await kv.get(key) : null;
      return { layer: inKv ? "kv" : "live", cached: inKv };
    });

    if (cached) {
      // A KV hit is copied forward so the next request in this colo stops at the edge.
      if (layer === "kv" && edge && edgeKey) waitUntil(c, edgePut(edge, edgeKey, cached));
      c.res = new Response(method === "HEAD" ? null : cached.body, { status: cached.status, headers: { "content-type": cached.contentType } });
      c.res.headers.set("etag", cached.etag);
      await finish(c, url.pathname, layer, cached.etag, timing, start);
      return;
    }

    await timing.time("index", next);
    const res = c.res;
    let etag: string | null = null;
    if (res.status === 200 && isJson(res) && method === "GET") {
      const body = await res.text();
      etag = await strongEtag(body);
      const entry: CachedResponse = { status: 200, contentType: res.headers.get("content-type") ?? "application/json", body, etag, storedAt: Date.now() };
      c.res = new Response(body, res);
      // A handler that says no-store (a partial answer while a shard is down) must not be remembered.
      const handlerSaysNoStore = /no-store/i.test(res.headers.get("cache-control") ?? "");
      if (body.length <= MAX_CACHED_BODY_BYTES && !handlerSaysNoStore) {
        if (kv) waitUntil(c, kv.put(key, entry, KV_TTL_SECONDS));
        if (edge && edgeKey) waitUntil(c, edgePut(edge, edgeKey, entry));
      }
      c.res.headers.set("etag", etag);
    }
    await finish(c, url.pathname, "live", etag, timing, start);
  };
}

/** The default cache-aware middleware, as mounted in src/index.ts. */
export const cachedApiMiddleware = cachedApi();

/** Stamps the caching headers on `c.res` and turns it into a 304 when the client already has it. */
async function finish(c: Context<AppEnv>, path: string, layer: Layer, etag: string | null, timing: Timing, start: number): Promise<void> {
  let res = c.res;
  if (layer === "live" && !etag && res.status === 200 && isJson(res) && c.req.method === "GET" && cacheControlFor(path, 200) !== NO_STORE) {
    // Uncacheable-by-us answers still revalidate cheaply in the browser.
    const body = await res.text();
    etag = await strongEtag(body);
    c.res = new Response(body, res);
    res = c.res; // the setter wraps what it is given, so read back the response it keeps
    res.headers.set("etag", etag);
  }
  const h = res.headers;
  if (!h.has("cache-control")) h.set("cache-control", cacheControlFor(path, res.status));
  addVary(h, "Accept-Encoding");
  h.set("x-cache", layer === "live" ? "MISS" : "HIT");
  h.set("x-cache-layer", layer);
  timing.add("total", performance.now() - start);
  h.set("server-timing", timing.header(layer));
  if (etag && res.status === 200 && ifNoneMatchHits(c.req.header("if-none-match"), etag)) {
    c.res = notModified(res);
  }
}

async function indexVersion(c: Context<AppEnv>): Promise<string | null> {
  try {
    return (await c.get("assets").manifest()).version;
  } catch {
    // The route will report the unavailable index itself; nothing to cache meanwhile.
    return null;
  }
}

function isJson(res: Response): boolean {
  return (res.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json");
}

function waitUntil(c: Context<AppEnv>, p: Promise<unknown>): void {
  const safe = p.catch(() => {});
  try {
    c.executionCtx.waitUntil(safe);
  } catch {
    // No execution context (a bare app.request in a script): the write just runs unawaited.
  }
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
    const etag = res.headers.get("etag");
    if (!etag) return null;
    return {
      status: res.status,
      contentType: res.headers.get("content-type") ?? "application/json",
      body: await res.text(),
      etag,
      storedAt: Number(res.headers.get(STORED_AT)) || 0,
    };
  } catch {
    return null;
  }
}

async function edgePut(cache: Cache, key: Request, entry: CachedResponse): Promise<void> {
  try {
    await cache.put(key, new Response(entry.body, {
      status: entry.status,
      headers: {
        "content-type": entry.contentType,
        etag: entry.etag,
        "cache-control": `public, max-age=${EDGE_TTL_SECONDS}`,
        [STORED_AT]: String(entry.storedAt),
      },
    }));
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
    return this.parts.map(([n, ms]) => `${n};dur=${ms.toFixed(1)}${n === "cache" ? `;desc="${layer === "live" ? "miss" : `${layer} hit`}"` : ""}`).join(", ");
  }
}
