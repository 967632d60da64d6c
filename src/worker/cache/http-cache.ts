/**
 * HTTP caching rules: what each answer may be cached for, strong ETags and
 * conditional requests. Browsers and CDNs do the caching; this module only
 * decides what they are told.
 */
import { hex } from "./response-cache";

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

const encoder = new TextEncoder();

/** A strong ETag over the exact bytes of the body. */
export async function strongEtag(body: string | ArrayBuffer): Promise<string> {
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return `"${hex(digest).slice(0, 32)}"`;
}

/**
 * Whether an If-None-Match header matches `etag`. GET uses the weak
 * comparison (RFC 9110 §13.1.2), so `W/"x"` matches `"x"`: intermediaries
 * that compress turn strong tags weak, and the client should still get 304.
 */
export function ifNoneMatchHits(header: string | null | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, "");
  const want = bare(etag);
  return header.split(",").some((t) => t.trim() === "*" || bare(t) === want);
}

/** Headers a 304 must repeat from the 200 it stands for (RFC 9110 §15.4.5). */
const NOT_MODIFIED_KEEP = ["cache-control", "etag", "vary", "expires", "content-location", "date", "server-timing", "x-cache", "x-cache-layer"];

/** A body-less 304 standing for `res`. */
export function notModified(res: Response): Response {
  const headers = new Headers();
  for (const name of NOT_MODIFIED_KEEP) {
    const v = res.headers.get(name);
    if (v !== null) headers.set(name, v);
  }
  // CORS and security headers are added by their own middleware after this one.
  return new Response(null, { status: 304, headers });
}

/** Adds `value` to a response's Vary without repeating what is there. */
export function addVary(headers: Headers, value: string): void {
  const have = (headers.get("vary") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (have.includes("*") || have.some((h) => h.toLowerCase() === value.toLowerCase())) return;
  headers.set("vary", [...have, value].join(", "));
}
