/**
 * The HTML shell every page shares, and the headers every HTML response
 * carries. Pages are built with hono/html, which escapes every interpolation;
 * `raw` is used only for markup this module builds itself.
 */
import type { Context } from "hono";
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export const SITE_NAME = "Dossier";

export interface PageOptions {
  title: string;
  /** Absolute URL of the page's canonical form. */
  canonical?: string;
  description?: string;
  /** Extra elements for <head>, already built with `html`. */
  head?: Html;
  /** Show the header's plain search form (the home page has its own). */
  headerSearch?: boolean;
  /** Load widget.js (pages that use `<dossier-search>`). */
  widget?: boolean;
  /** The embed page is chrome-less: no header, footer or navigation. */
  bare?: boolean;
}

const FOOTER = html`<footer class="site"><p>${SITE_NAME} searches archive catalogue descriptions;
the records themselves are held by the archives named on each page.</p></footer>`;

export function layout(opts: PageOptions, body: Html): Html {
  return html`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${opts.title}</title>
${opts.description ? html`<meta name="description" content="${opts.description}">` : ""}
${opts.canonical ? html`<link rel="canonical" href="${opts.canonical}">` : ""}
<link rel="search" type="application/opensearchdescription+xml" title="${SITE_NAME}" href="/opensearch.xml">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/site.css">
${opts.widget ? html`<script src="/widget.js" defer></script>` : ""}
${opts.bare ? "" : html`<script src="/site.js" defer></script>`}
${opts.head ?? ""}
</head>
<body${opts.bare ? raw(' class="bare"') : ""}>
${
  opts.bare
    ? ""
    : html`<a class="skip" href="#main">Skip to content</a>
<header class="site">
  <a class="brand" href="/">${SITE_NAME}</a>
  ${
    opts.headerSearch
      ? html`<form class="hs" method="get" action="/" role="search" aria-label="Catalogue">
    <label for="hq" class="vh">Search the catalogue</label>
    <input id="hq" name="q" type="search" placeholder="Search the catalogue">
    <button type="submit">Search</button>
  </form>`
      : ""
  }
  <nav aria-label="Site"><a href="/">Search</a> <a href="/series">Browse</a> <a href="/docs">API</a></nav>
</header>`
}
<main id="main">
${body}
</main>
${opts.bare ? "" : FOOTER}
</body>
</html>`;
}

/**
 * The CSP allows only this origin's script and styles. Inline JSON-LD is a
 * data block, which CSP does not govern, so no inline-script exception is needed.
 */
function csp(frameable: boolean): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${frameable ? "*" : "'none'"}`,
  ].join("; ");
}

export interface SendOptions {
  status?: ContentfulStatusCode;
  frameable?: boolean;
  cache?: string;
}

export async function sendHtml(c: Context, page: Html, opts: SendOptions = {}): Promise<Response> {
  c.header("Content-Security-Policy", csp(!!opts.frameable));
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "strict-origin-when-cross-origin");
  if (!opts.frameable) c.header("X-Frame-Options", "DENY");
  c.header("Cache-Control", opts.cache ?? "public, max-age=300");
  return c.html(await page, opts.status ?? 200);
}

/**
 * The origin for canonical, OpenSearch and JSON-LD URLs: the `PUBLIC_ORIGIN`
 * var, never the request's Host, which any client sets and a shared cache
 * would then serve to everyone. A loopback request is a local run, where the
 * configured origin is not where the pages are; there the request's own
 * origin is used. Without the var, links are relative (origin "").
 */
export function originOf(c: Context): string {
  const url = new URL(c.req.url);
  if (isLoopback(url.hostname)) return url.origin;
  const configured: unknown = (c.env as Partial<Env> | undefined)?.PUBLIC_ORIGIN;
  if (typeof configured !== "string" || !configured) return "";
  try {
    return new URL(configured).origin;
  } catch {
    return "";
  }
}

function isLoopback(hostname: string): boolean {
  if (hostname === "localhost" || hostname.endsWith(".localhost") || hostname === "[::1]") return true;
  return /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/** A `/?…` search URL; repeated keys are written once per value. */
export function searchHref(params: Record<string, string | number | string[] | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === "") continue;
    for (const x of Array.isArray(v) ? v : [v]) p.append(k, String(x));
  }
  const s = p.toString();
  return s ? `/?${s}` : "/";
}
