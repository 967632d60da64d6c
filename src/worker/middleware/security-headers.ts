/**
 * Hardening every response shares: security headers, and caps on request
 * size that hold before any route parses a parameter.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";

/** Longer URLs are abuse or accident: no route takes more than a few short parameters. */
export const MAX_URL_CHARS = 2048;
/** More parameters than any route reads; a cap keeps parsing and cache keys small. */
export const MAX_QUERY_PARAMS = 32;
/** A bulk lookup repeats `ref` up to 100 times, so /api/lookup has caps of its own. */
export const BULK_LOOKUP_LIMITS = { path: "/api/lookup", urlChars: 8192, params: 110 } as const;

/** Pages load only their own scripts and styles; nothing may frame them. */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");
/** JSON is data, never a document: it may load nothing, even when opened directly. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  let h = c.res.headers;
  try {
    h.set("x-content-type-options", "nosniff");
  } catch {
    // A response passed through from fetch() has immutable headers; copy it once.
    c.res = new Response(c.res.body, c.res);
    h = c.res.headers;
  }
  h.set("x-content-type-options", "nosniff");
  h.set("referrer-policy", "strict-origin-when-cross-origin");
  const type = (h.get("content-type") ?? "").toLowerCase();
  // A page that sets its own policy knows better than this default, including
  // whether it may be framed (the embed page may), so leave its framing alone too.
  if (!h.has("content-security-policy")) {
    if (type.startsWith("text/html")) {
      h.set("content-security-policy", PAGE_CSP);
      h.set("x-frame-options", "DENY");
    } else if (type.includes("json")) {
      h.set("content-security-policy", API_CSP);
    }
  }
};

/** Rejects oversized URLs (414) and too many query parameters (400) before routing does any work. */
export const requestLimits: MiddlewareHandler<AppEnv> = async (c, next) => {
  const url = c.req.url;
  const bulk = c.req.path === BULK_LOOKUP_LIMITS.path;
  const maxUrl = bulk ? BULK_LOOKUP_LIMITS.urlChars : MAX_URL_CHARS;
  const maxParams = bulk ? BULK_LOOKUP_LIMITS.params : MAX_QUERY_PARAMS;
  if (url.length > maxUrl) {
    throw new ApiError(414, "bad_request", `request: the URL is ${url.length} characters; the limit is ${maxUrl}`);
  }
  const q = url.indexOf("?");
  if (q >= 0) {
    let count = 0;
    for (const part of url.slice(q + 1).split("&")) if (part) count++;
    if (count > maxParams) {
      throw new ApiError(400, "bad_request", `request: ${count} query parameters; the limit is ${maxParams}`);
    }
  }
  await next();
};
