/**
 * The server-rendered search: reads `/?q=&series=&from=&to=&offset=`, runs
 * the same search the API runs, and renders results, facets and paging as
 * plain links and a GET form, so it works with JavaScript off.
 */
import { html } from "hono/html";
import type { AppContext } from "../app-env";
import { ApiError } from "../errors";
import { SearchQuery } from "../routes/search";
import { describeIssue } from "../validation-hook";
import type { SearchRequest, SearchResponse } from "../search/search-service";
import { parseSnippet } from "../../widget/snippet";
import { searchHref, type Html } from "./layout";

export type SearchFn = (c: AppContext, req: SearchRequest) => Promise<SearchResponse>;

export const PAGE_SIZE = 10;
const MAX_OFFSET = 10_000;

export interface PageQuery {
  q: string; series: string[]; from?: number; to?: number; offset: number;
  /** Why the parameters as sent break the API's caps (too many words, say); the page then answers 400. */
  invalid?: string;
}

export interface SearchOutcome {
  query: PageQuery;
  result: SearchResponse | null;
  /** A message for the reader when the query could not be run as asked. */
  problem: string | null;
  status: 200 | 400 | 503;
}

const yearParam = (v: string | undefined) => (v && /^\d{1,4}$/.test(v.trim()) ? Number(v.trim()) : undefined);

export function readPageQuery(c: AppContext): PageQuery {
  const q = (c.req.query("q") ?? "").trim().slice(0, 256);
  const series = (c.req.queries("series") ?? []).map((s) => s.trim()).filter(Boolean).slice(0, 20);
  const offset = Math.min(MAX_OFFSET, Math.max(0, Math.floor(Number(c.req.query("offset")) || 0)));
  const from = yearParam(c.req.query("from"));
  const to = yearParam(c.req.query("to"));
  const query: PageQuery = { q, series, from, to, offset };
  const invalid = q ? apiCapsProblem(c) : null;
  return invalid ? { ...query, invalid } : query;
}

/**
 * The page's parameters checked with the API's own schema, so a page search
 * has exactly the API's caps. A form leaves unused boxes empty (`from=`), so
 * empty values count as absent.
 */
function apiCapsProblem(c: AppContext): string | null {
  const given = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v.trim());
  const series = (c.req.queries("series") ?? []).filter((s) => s.trim());
  const checked = SearchQuery.safeParse({
    q: c.req.query("q"), from: given(c.req.query("from")), to: given(c.req.query("to")),
    offset: given(c.req.query("offset")), ...(series.length ? { series } : {}),
  });
  return checked.success ? null : describeIssue(checked.error).message;
}

export async function runSearch(c: AppContext, search: SearchFn, query: PageQuery, limit = PAGE_SIZE): Promise<SearchOutcome> {
  if (!query.q) return { query, result: null, problem: null, status: 200 };
  if (query.invalid) return { query, result: null, problem: query.invalid, status: 400 };
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    return { query, result: null, problem: `The start year ${query.from} is after the end year ${query.to}.`, status: 400 };
  }
  try {
    const result = await search(c, {
      q: query.q, limit, offset: query.offset, series: query.series, from: query.from, to: query.to,
      match: "variants", synonyms: true, explain: false,
    });
    return { query, result, problem: null, status: 200 };
  } catch (e) {
    if (e instanceof ApiError && e.status < 500) return { query, result: null, problem: e.message, status: 400 };
    console.error("dossier: page search failed", e);
    return { query, result: null, problem: "Search is unavailable at the moment. Please try again shortly.", status: 503 };
  }
}

/** A snippet's `<mark>` rebuilt as elements and everything else as escaped text. */
export function snippetHtml(snippet: string): Html {
  const parts = parseSnippet(snippet).map((p) => (p.mark ? html`<mark>${p.text}</mark>` : html`${p.text}`));
  return html`${parts}`;
}

const count = (n: number) => n.toLocaleString("en-GB");

export function statusLine(o: SearchOutcome): Html {
  if (o.problem) return html`<p class="status error" role="alert">${o.problem}</p>`;
  const r = o.result;
  if (!r) return html`<p class="status" role="status"></p>`;
  const range = r.total > r.hits.length ? `, showing ${o.query.offset + 1}–${o.query.offset + r.hits.length}` : "";
  return html`<p class="status" role="status">${r.total ? `${count(r.total)} ${r.total === 1 ? "result" : "results"} for “${o.query.q}”${range}` : `No results for “${o.query.q}”`}</p>`;
}

export function hitList(o: SearchOutcome, opts: { target?: string } = {}): Html {
  const hits = o.result?.hits ?? [];
  if (!hits.length) return html``;
  const target = opts.target ? html` target="${opts.target}" rel="noopener"` : "";
  return html`<ol class="hits" aria-label="Search results">${hits.map((h) => html`
<li><h3><a href="/records/${h.id}"${target}><span class="ref">${h.reference}</span> ${h.title}</a></h3>
${h.coveringDates ? html`<p class="meta">${h.coveringDates}</p>` : ""}
<p>${snippetHtml(h.snippet)}</p></li>`)}</ol>`;
}

export function pager(o: SearchOutcome, base: (q: PageQuery) => string, limit = PAGE_SIZE): Html {
  const r = o.result;
  if (!r) return html``;
  const { offset } = o.query;
  const prev = offset > 0;
  const next = offset + r.hits.length < r.total;
  if (!prev && !next) return html``;
  return html`<nav class="pager" aria-label="Result pages">
${prev ? html`<a href="${base({ ...o.query, offset: Math.max(0, offset - limit) })}" rel="prev">Previous</a>` : ""}
<span>Page ${Math.floor(offset / limit) + 1} of ${Math.ceil(r.total / limit)}</span>
${next ? html`<a href="${base({ ...o.query, offset: offset + limit })}" rel="next">Next</a>` : ""}
</nav>`;
}

export const homeHref = (q: PageQuery) => searchHref({ q: q.q, series: q.series, from: q.from, to: q.to, offset: q.offset || undefined });

/** Series and decade facets as toggle links, each with its count. */
export function facetLinks(o: SearchOutcome): Html {
  const r = o.result;
  if (!r || !r.total) return html``;
  const q = o.query;
  const series = Object.entries(r.facets.series).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const decades = Object.entries(r.facets.decade).sort((a, b) => Number(a[0]) - Number(b[0]));
  return html`<aside class="facets" aria-label="Refine results">
<h2>Series</h2>
<ul>${series.map(([name, n]) => {
    const on = q.series.includes(name);
    const next = on ? q.series.filter((s) => s !== name) : [...q.series, name];
    return html`<li><a href="${homeHref({ ...q, series: next, offset: 0 })}" aria-current="${on ? "true" : "false"}">${on ? "✓ " : ""}${name}</a> (${count(n)})</li>`;
  })}</ul>
<h2>Decade</h2>
<ul>${decades.map(([d, n]) => {
    const from = Number(d);
    const on = q.from === from && q.to === from + 9;
    const href = homeHref({ ...q, from: on ? undefined : from, to: on ? undefined : from + 9, offset: 0 });
    return html`<li><a href="${href}" aria-current="${on ? "true" : "false"}">${on ? "✓ " : ""}${d}s</a> (${count(n)})</li>`;
  })}</ul>
</aside>`;
}
