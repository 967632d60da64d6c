/**
 * Hardening every response shares: security headers (Hono's `secureHeaders`
 * plus a default CSP by content type), and checks on the request itself that
 * hold before any route parses a parameter: URL length, parameter count, and
 * percent-escapes that decode.
 */
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
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
/** Two years, the preload list's minimum; every Dossier host is HTTPS-only. */
export const HSTS = "max-age=63072000; includeSubDomains";

/**
 * Hono's defaults, except: a referrer policy that still lets archives see
 * where readers came from; no Cross-Origin-Resource-Policy, since the API and
 * the embed page are meant for other sites; X-Frame-Options by content type
 * below; and no page may use powerful features it has no need of.
 * `overwrite: false` keeps what a page chose for itself.
 */
const baseline = secureHeaders({
  overwrite: false,
  referrerPolicy: "strict-origin-when-cross-origin",
  strictTransportSecurity: HSTS,
  crossOriginResourcePolicy: false,
  xFrameOptions: false,
  permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [], browsingTopics: [] },
});

export const securityHeaders: MiddlewareHandler<AppEnv> = (c, next) =>
  baseline(c, async () => {
    await next();
    try {
      c.res.headers.set("x-content-type-options", "nosniff");
    } catch {
      // A response passed through from fetch() has immutable headers; copy it once.
      c.res = new Response(c.res.body, c.res);
    }
    const h = c.res.headers;
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
  });

/**
 * Rejects oversized URLs (414), too many query parameters (400), and
 * percent-escapes that do not decode as UTF-8 (400: `%FF` or `%C3%28` would
 * otherwise reach a route as the literal text "%FF" and be searched as words).
 */
export const requestLimits: MiddlewareHandler<AppEnv> = async (c, next) => {
  const url = c.req.url;
  const bulk = c.req.path === BULK_LOOKUP_LIMITS.path;
  const maxUrl = bulk ? BULK_LOOKUP_LIMITS.urlChars : MAX_URL_CHARS;
  const maxParams = bulk ? BULK_LOOKUP_LIMITS.params : MAX_QUERY_PARAMS;
  if (url.length > maxUrl) {
    throw new ApiError(414, "uri_too_long", `request: the URL is ${url.length} characters; the limit is ${maxUrl}`);
  }
  const q = url.indexOf("?");
  const parts =
    q >= 0
      ? url
          .slice(q + 1)
          .split("&")
          .filter(Boolean)
      : [];
  if (parts.length > maxParams) {
    throw new ApiError(400, "bad_request", `request: ${parts.length} query parameters; the limit is ${maxParams}`);
  }
  const path = new URL(url).pathname;
  const bad = undecodable(path) ?? parts.map((p) => undecodable(p.replace(/\+/g, " "))).find((x) => x !== null);
  if (bad) {
    const message = `request: "${bad}" is not a valid percent-escape; escapes encode UTF-8, and a literal % is %25`;
    throw new ApiError(400, "bad_request", message, { field: "request" });
  }
  await next();
};

/** The first percent-escape sequence in `s` that does not decode as UTF-8, or null. */
function undecodable(s: string): string | null {
  if (!s.includes("%")) return null;
  try {
    decodeURIComponent(s);
    return null;
  } catch {
    // Find the culprit: the first run of escapes (or a bare %) that fails alone.
    for (const m of s.matchAll(/(?:%[0-9a-fA-F]{2})+|%/g)) {
      try {
        decodeURIComponent(m[0]);
      } catch {
        return m[0].slice(0, 24);
      }
    }
    return "%";
  }
}
