/**
 * `/series` and `/series/:series`: browsing. The index lists every series by
 * archive; a series page lists its items in catalogue order (KV 2/99 before
 * KV 2/100) with title and covering dates, a page at a time.
 */
import { html } from "hono/html";
import {
  SERIES_BROWSE_PAGE,
  SERIES_SUMMARY_TOP,
  type Manifest,
  type SeriesBrief,
  type SeriesSummary,
} from "../../shared/manifest";
import type { SeriesListing } from "../record-store";
import { layout, type Html } from "./layout";
import { archiveHref, archiveName, browseList, seriesHref } from "./home-page";
import { count } from "./search-view";

export const SERIES_PAGE_ITEMS = 50;

export function seriesIndexPage(m: Manifest, summary: SeriesSummary, canonical: string): Html {
  return layout(
    { title: "Browse series – Dossier", canonical, headerSearch: true },
    html`<h1>Browse by archive and series</h1>
<p>${count(m.records)} records in ${count(m.series.count)} series.</p>
${browseList(summary, SERIES_SUMMARY_TOP)}`,
  );
}

/** One page of an archive's whole series list, biggest first (`/series?archive=<i>&page=<p>`). */
export function archiveSeriesPage(
  summary: SeriesSummary,
  archive: number,
  page: number,
  list: SeriesBrief[],
  canonical: string,
): Html {
  const a = summary.archives[archive]!;
  const pages = Math.max(1, a.pages.length);
  const first = (page - 1) * SERIES_BROWSE_PAGE + 1;
  return layout(
    { title: `${archiveName(a)}: series${page > 1 ? `, page ${page}` : ""} – Dossier`, canonical, headerSearch: true },
    html`<h1>${archiveName(a)}: all series</h1>
<p class="meta">${count(a.records)} records in ${count(a.series)} series, biggest first
· <a href="/series">All archives</a></p>
<ol class="series-list" start="${first}">${list.map(
      ([key, name, n]) =>
        html`<li><a href="${seriesHref({ key })}">${name}</a> <span class="n">(${count(n)})</span></li>`,
    )}</ol>
${pager("Series list pages", page, pages, (p) => archiveHref(archive, p))}`,
  );
}

/** Previous / "Page N of M" / Next, or nothing for a single page. */
function pager(label: string, page: number, pages: number, href: (page: number) => string): Html | string {
  if (pages <= 1) return "";
  return html`<nav class="pager" aria-label="${label}">
${page > 1 ? html`<a href="${href(page - 1)}" rel="prev">Previous</a>` : ""}
<span>Page ${page} of ${pages}</span>
${page < pages ? html`<a href="${href(page + 1)}" rel="next">Next</a>` : ""}
</nav>`;
}

const seriesItem = (it: SeriesListing["items"][number]) => {
  const title = it.title ? html` ${it.title}` : "";
  const link = html`<a href="/records/${it.id}"><span class="ref">${it.reference}</span>${title}</a>`;
  return html`<li>${link}${it.coveringDates ? html` <span class="dates">${it.coveringDates}</span>` : ""}</li>`;
};

export function seriesPage(s: SeriesListing, key: string, canonical: string): Html {
  const page = Math.floor(s.offset / SERIES_PAGE_ITEMS) + 1;
  const pages = Math.max(1, Math.ceil(s.total / SERIES_PAGE_ITEMS));
  const href = (p: number) => `${seriesHref({ key })}${p > 1 ? `?page=${p}` : ""}`;
  const first = s.offset + 1;
  const last = s.offset + s.items.length;
  const within = `/?q=${encodeURIComponent(s.series)}&series=${encodeURIComponent(s.series)}`;
  return layout(
    { title: `${s.series}${page > 1 ? `, page ${page}` : ""} – Dossier`, canonical, headerSearch: true },
    html`<h1>Series ${s.series}</h1>
<p class="meta">${s.heldBy ? html`${s.heldBy} · ` : ""}${count(s.total)} ${s.total === 1 ? "item" : "items"}
in catalogue order${s.total > s.items.length ? `, showing ${count(first)}–${count(last)}` : ""}
· <a href="${within}">Search within this series</a></p>
<ol class="series-items" start="${first}">${s.items.map(seriesItem)}</ol>
${pager("Series pages", page, pages, href)}`,
  );
}
