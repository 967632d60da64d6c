/**
 * HTTP caching rules: what each answer may be cached for. Browsers and CDNs
 * do the caching; this module only decides what they are told. ETags and
 * conditional requests are Hono's etag middleware (see cached-api.ts).
 */

/** API answers: fresh for a minute, then served stale while revalidated for ten. */
export const API_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600";
/** Client errors are deterministic for an index, but a new index may answer them; keep them brief. */
export const CLIENT_ERROR_CACHE_CONTROL = "public, max-age=60";
/** Liveness, rate limits and server errors describe this moment only. */
export const NO_STORE = "no-store";
/** Content-hashed index chunks never change under their name. */
export const IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable";
/** The manifest names the current chunks, so it must follow a deploy quickly. */
export const MANIFEST_CACHE_CONTROL = "public, max-age=30, must-revalidate";

/** Seconds KV keeps an answer; the index version in the key does the invalidating. */
export const KV_TTL_SECONDS = 3600;
/** Seconds the Workers Cache API keeps an answer in front of KV. */
export const EDGE_TTL_SECONDS = 300;

/** The Cache-Control an API response of this status gets on this path. */
export function cacheControlFor(path: string, status: number): string {
  if (status >= 500 || status === 429) return NO_STORE;
  if (path === "/api/health" || path.startsWith("/api/health/")) return NO_STORE;
  if (status >= 400) return CLIENT_ERROR_CACHE_CONTROL;
  return API_CACHE_CONTROL;
}

/** Adds `value` to a response's Vary without repeating what is there. */
export function addVary(headers: Headers, value: string): void {
  const have = (headers.get("vary") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (have.includes("*") || have.some((h) => h.toLowerCase() === value.toLowerCase())) return;
  headers.set("vary", [...have, value].join(", "));
}
