/**
 * The server-rendered search: reads `/?q=&series=&heldBy=&from=&to=&sort=&offset=`,
 * runs the same search the API runs, and renders results, facets and paging
 * as plain links and GET forms, so it works with JavaScript off.
 */
import { html } from "hono/html";
import type { AppContext } from "../app-env";
import { ApiError } from "../errors";
import { SearchQuery } from "../routes/search";
import { describeIssue } from "../validation-hook";
import type { SearchRequest, SearchResponse } from "../search/search-service";
import type { SnippetPart } from "../../shared/snippet-parts";
import { facetValues } from "../../shared/facet-values";
import { resultCountText } from "../../shared/result-count";
import { searchHref, type Html } from "./layout";

export type SearchFn = (c: AppContext, req: SearchRequest) => Promise<SearchResponse>;

export const PAGE_SIZE = 10;
const MAX_OFFSET = 10_000;
/** Facet values shown before "more". */
export const FACET_TOP = 5;

/** Result orders the API's `sort=` takes; relevance is the default and is left out of URLs. */
export const SORTS = [
  ["relevance", "Relevance"],
  ["date", "Oldest first"],
  ["-date", "Newest first"],
  ["reference", "Reference"],
] as const;
export type SortKey = (typeof SORTS)[number][0];
const isSort = (v: string | undefined): v is SortKey => SORTS.some(([k]) => k === v);

export interface PageQuery {
  q: string;
  series: string[];
  heldBy: string[];
  from?: number;
  to?: number;
  sort: SortKey;
  offset: number;
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
const listParam = (c: AppContext, name: string, max: number) =>
  (c.req.queries(name) ?? [])
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, max);

export function readPageQuery(c: AppContext): PageQuery {
  const q = (c.req.query("q") ?? "").trim().slice(0, 256);
  const offset = Math.min(MAX_OFFSET, Math.max(0, Math.floor(Number(c.req.query("offset")) || 0)));
  const sort = c.req.query("sort");
  const query: PageQuery = {
    q,
    series: listParam(c, "series", 20),
    heldBy: listParam(c, "heldBy", 10),
    from: yearParam(c.req.query("from")),
    to: yearParam(c.req.query("to")),
    sort: isSort(sort) ? sort : "relevance",
    offset,
  };
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
  const heldBy = (c.req.queries("heldBy") ?? []).filter((s) => s.trim());
  const checked = SearchQuery.safeParse({
    q: c.req.query("q"),
    from: given(c.req.query("from")),
    to: given(c.req.query("to")),
    offset: given(c.req.query("offset")),
    ...(series.length ? { series } : {}),
    ...(heldBy.length ? { heldBy } : {}),
  });
  return checked.success ? null : describeIssue(checked.error).message;
}

export async function runSearch(
  c: AppContext,
  search: SearchFn,
  query: PageQuery,
  limit = PAGE_SIZE,
): Promise<SearchOutcome> {
  if (!query.q) return { query, result: null, problem: null, status: 200 };
  if (query.invalid) return { query, result: null, problem: query.invalid, status: 400 };
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    return {
      query,
      result: null,
      problem: `The start year ${query.from} is after the end year ${query.to}.`,
      status: 400,
    };
  }
  try {
    // `sort` rides along for the search service that reads it; relevance is its default either way.
    const req: SearchRequest & { sort?: SortKey } = {
      q: query.q,
      limit,
      offset: query.offset,
      series: query.series,
      heldBy: query.heldBy,
      from: query.from,
      to: query.to,
      match: "variants",
      synonyms: true,
      explain: false,
      collapse: true,
      ...(query.sort !== "relevance" ? { sort: query.sort } : {}),
    };
    const result = await search(c, req);
    return { query, result, problem: null, status: 200 };
  } catch (e) {
    if (e instanceof ApiError && e.status < 500) return { query, result: null, problem: e.message, status: 400 };
    console.error("dossier: page search failed", e);
    return {
      query,
      result: null,
      problem: "Search is unavailable at the moment. Please try again shortly.",
      status: 503,
    };
  }
}

/** A snippet's marked parts as `<mark>` elements, everything else as escaped text. */
export function snippetMarkup(parts: readonly SnippetPart[]): Html {
  return html`${parts.map((p) => (p.marked ? html`<mark>${p.text}</mark>` : html`${p.text}`))}`;
}

export const count = (n: number) => n.toLocaleString("en-GB");

export function statusLine(o: SearchOutcome): Html {
  if (o.problem) return html`<p class="status error" role="alert">${o.problem}</p>`;
  const r = o.result;
  if (!r) return html`<p class="status" role="status"></p>`;
  const text = resultCountText({
    q: o.query.q,
    offset: o.query.offset,
    shown: r.hits.length,
    total: r.total,
    files: r.files,
  });
  return html`<p class="status" role="status">${text}</p>`;
}

export function hitList(o: SearchOutcome, opts: { target?: string } = {}): Html {
  const hits = o.result?.hits ?? [];
  if (!hits.length) return html``;
  const target = opts.target ? html` target="${opts.target}" rel="noopener"` : "";
  return html`<ol class="hits" aria-label="Search results">${hits.map(
    (h) => html`
<li><h3><a href="/records/${h.id}"${target}><span class="ref">${h.reference}</span> ${h.title}</a></h3>
${h.coveringDates ? html`<p class="meta">${h.coveringDates}</p>` : ""}
<p>${snippetMarkup(h.snippet)}</p>${volumeLinks(h, target)}</li>`,
  )}</ol>`;
}

/** A collapsed file's volumes as links to their records, in catalogue order (the first ones of a big file). */
function volumeLinks(h: { volumes?: number; volumeIds?: string[] }, target: Html | string): Html | string {
  if (!h.volumeIds || h.volumeIds.length < 2) return "";
  const n = h.volumes ?? h.volumeIds.length;
  return html`<p class="meta volumes">${n} volumes: ${h.volumeIds.map(
    (id, i) => html`<a href="/records/${id}"${target} aria-label="Volume ${i + 1} of ${n}">${i + 1}</a> `,
  )}${h.volumeIds.length < n ? "…" : ""}</p>`;
}

export function pager(o: SearchOutcome, base: (q: PageQuery) => string, limit = PAGE_SIZE): Html {
  const r = o.result;
  if (!r) return html``;
  const { offset } = o.query;
  const prev = offset > 0;
  const listed = r.files ?? r.total;
  const next = offset + r.hits.length < listed.value;
  if (!prev && !next) return html``;
  const pages = listed.relation === "gte" ? "many" : Math.ceil(listed.value / limit);
  return html`<nav class="pager" aria-label="Result pages">
${prev ? html`<a href="${base({ ...o.query, offset: Math.max(0, offset - limit) })}" rel="prev">Previous</a>` : ""}
<span>Page ${Math.floor(offset / limit) + 1} of ${pages}</span>
${next ? html`<a href="${base({ ...o.query, offset: offset + limit })}" rel="next">Next</a>` : ""}
</nav>`;
}

/** The URL parameters of a page query, defaults left out. */
export const queryParams = (q: PageQuery) => ({
  q: q.q,
  series: q.series,
  heldBy: q.heldBy,
  from: q.from,
  to: q.to,
  sort: q.sort === "relevance" ? undefined : q.sort,
  offset: q.offset || undefined,
});

export const homeHref = (q: PageQuery) => searchHref(queryParams(q));

/** Hidden inputs carrying a query's other parameters through a GET form that sets some of them. */
export function hiddenInputs(q: PageQuery, skip: Array<keyof PageQuery>): Html {
  const params = queryParams({ ...q, offset: 0 });
  const inputs: Html[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === "" || skip.includes(k as keyof PageQuery)) continue;
    for (const x of Array.isArray(v) ? v : [v]) {
      inputs.push(html`<input type="hidden" name="${k}" value="${String(x)}">`);
    }
  }
  return html`${inputs}`;
}

export function sortSelect(q: PageQuery, id = "sort"): Html {
  const option = ([k, label]: (typeof SORTS)[number]) =>
    html`<option value="${k}"${q.sort === k ? html` selected` : ""}>${label}</option>`;
  return html`<span class="sort"><label for="${id}">Sort</label>
<select id="${id}" name="sort">${SORTS.map(option)}</select></span>`;
}

/** A facet's values as toggle links: the top few, the rest behind "more". Selected values always show. */
function facetList(
  title: string,
  id: string,
  counts: Record<string, number>,
  selected: string[],
  href: (next: string[]) => string,
): Html | "" {
  const values = facetValues(counts, selected);
  if (!values.length) return "";
  const item = ([name, n]: [string, number]) => {
    const on = selected.includes(name);
    const next = on ? selected.filter((s) => s !== name) : [...selected, name];
    const link = html`<a href="${href(next)}" aria-current="${on ? "true" : "false"}">${on ? "✓ " : ""}${name}</a>`;
    return html`<li>${link} <span class="n">(${count(n)})</span></li>`;
  };
  const top = values.slice(0, FACET_TOP);
  const rest = values.slice(FACET_TOP);
  const more = rest.length
    ? html`<details class="more"><summary>${rest.length} more</summary><ul>${rest.map(item)}</ul></details>`
    : "";
  return html`<section class="facet" aria-labelledby="${id}"><h3 id="${id}">${title}</h3>
<ul>${top.map(item)}</ul>
${more}
</section>`;
}

/**
 * Covering dates as a from–to year form under a histogram of hits per decade.
 * The bars only picture the spread (the numbers are in the hidden summary):
 * fourteen bars in a sidebar are too narrow to be good click targets.
 * Heights are classes, not inline styles: the CSP forbids those.
 */
function dateFacet(o: SearchOutcome, base: (q: PageQuery) => string): Html {
  const q = o.query;
  const decades = Object.entries(o.result?.facets.decade ?? {})
    .map(([d, n]) => [Number(d), n] as const)
    .sort((a, b) => a[0] - b[0]);
  const max = Math.max(1, ...decades.map(([, n]) => n));
  const bar = ([d, n]: readonly [number, number]) =>
    html`<span class="bar h${Math.ceil((n / max) * 8)}" title="${d}s: ${count(n)}"></span>`;
  const bars =
    decades.length > 1
      ? html`<div class="hist" aria-hidden="true">${decades.map(bar)}</div>
<p class="hist-axis" aria-hidden="true"><span>${decades[0]![0]}s</span><span>${decades.at(-1)![0]}s</span></p>
<p class="vh">Results by decade: ${decades.map(([d, n]) => `${d}s ${count(n)}`).join(", ")}.</p>`
      : "";
  const lastYear = decades.length ? decades.at(-1)![0] + 9 : "";
  return html`<section class="facet" aria-labelledby="f-dates"><h3 id="f-dates">Covering dates</h3>
${bars}
<form class="dates" method="get" action="${base({ ...q, q: "" }).split("?")[0]}">
${hiddenInputs(q, ["from", "to"])}
<span><label for="from">From year</label> <input id="from" name="from" type="number"
 inputmode="numeric" min="1000" max="2099" value="${q.from ?? ""}" placeholder="${decades[0]?.[0] ?? ""}"></span>
<span><label for="to">To year</label> <input id="to" name="to" type="number"
 inputmode="numeric" min="1000" max="2099" value="${q.to ?? ""}" placeholder="${lastYear}"></span>
<button type="submit">Apply dates</button>
</form>
</section>`;
}

const activeFilters = (q: PageQuery) =>
  q.series.length + q.heldBy.length + (q.from !== undefined || q.to !== undefined ? 1 : 0);

/**
 * Facets in a "Filters" disclosure: a sidebar on wide screens (site.css
 * shows it open and hides the toggle), collapsed above the results on narrow
 * ones so the first result stays above the fold.
 */
export function facetPanel(o: SearchOutcome, base: (q: PageQuery) => string = homeHref): Html {
  const r = o.result;
  const q = o.query;
  if (!r || (!r.total.value && !activeFilters(q))) return html``;
  const active = activeFilters(q);
  const cleared = base({ ...q, series: [], heldBy: [], from: undefined, to: undefined, offset: 0 });
  return html`<aside class="side" aria-label="Refine results"><details class="filters">
<summary>Filters${active ? ` (${active} on)` : ""}</summary>
<div class="filters-body">
${active ? html`<p><a href="${cleared}">Clear filters</a></p>` : ""}
${facetList("Held by", "f-held", r.facets.heldBy ?? {}, q.heldBy, (heldBy) => base({ ...q, heldBy, offset: 0 }))}
${facetList("Series", "f-series", r.facets.series, q.series, (series) => base({ ...q, series, offset: 0 }))}
${dateFacet(o, base)}
</div></details></aside>`;
}

/** Results with their facets: sidebar plus results on wide screens, a Filters disclosure above them on narrow ones. */
export function resultsLayout(o: SearchOutcome, base: (q: PageQuery) => string, opts: { target?: string } = {}): Html {
  return html`<div class="results-layout">
${facetPanel(o, base)}
<div class="results-main">
${statusLine(o)}
${hitList(o, opts)}
${pager(o, base)}
</div></div>`;
}
