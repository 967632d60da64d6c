/**
 * `/`: the search page. `<dossier-search>` drives it when scripts run. Its
 * light DOM is the server-rendered fallback for `/?q=`: the form is replaced
 * by the component's own, and the results (slot "results") stay on show until
 * the component's first answer arrives, so they never flash away.
 * Without a query it is the front door: catalogue size, examples, browsing.
 */
import { html } from "hono/html";
import type { Manifest, SeriesBrief, SeriesSummary } from "../../shared/manifest";
import { layout, type Html } from "./layout";
import { count, hiddenInputs, homeHref, resultsLayout, sortSelect, type SearchOutcome } from "./search-view";

export function searchForm(o: SearchOutcome, action: string): Html {
  const q = o.query;
  return html`<form class="search-form" method="get" action="${action}" role="search" aria-label="Catalogue">
<div class="q"><label for="q">Search words, names or references</label>
<input id="q" name="q" type="search" value="${q.q}"
 placeholder="e.g. Besedovsky, KV 2/2681, Soviet defectors 1930s"></div>
${hiddenInputs(q, ["q", "sort"])}
${sortSelect(q)}
<button type="submit">Search</button>
</form>`;
}

/** An archive's name as shown; series whose records name no archive are grouped under "Other archives". */
export const archiveName = (a: { name: string | null }) => a.name ?? "Other archives";

export const seriesHref = (s: { key: string }) => `/series/${encodeURIComponent(s.key)}`;

/** An archive's whole series list, a page at a time (`page` from 1). */
export const archiveHref = (archive: number, page = 1) =>
  `/series?archive=${archive}${page > 1 ? `&page=${page}` : ""}`;

export const seriesItems = (list: SeriesBrief[]) =>
  html`<ul class="series-list">${list.map(
    ([key, name, n]) =>
      html`<li><a href="${seriesHref({ key })}">${name}</a> <span class="n">(${count(n)})</span></li>`,
  )}</ul>`;

/**
 * Each archive's biggest series, the rest of the summary's biggest behind "more", and a link to the archive's
 * whole list when the summary does not hold it all: what is read is bounded by archives, not series.
 */
export function browseList(summary: SeriesSummary, top = 5): Html {
  return html`<div class="archives">${summary.archives.map(
    (a, i) => html`<section class="card" aria-label="${archiveName(a)}">
<h3>${archiveName(a)}</h3>
<p class="meta">${count(a.records)} records in ${count(a.series)} series</p>
${seriesItems(a.top.slice(0, top))}
${
  a.top.length > top
    ? html`<details class="more"><summary>${a.series - top} more series</summary>
${seriesItems(a.top.slice(top))}${
  a.series > a.top.length ? html`<p><a href="${archiveHref(i)}">All ${count(a.series)} series</a></p>` : ""
}</details>`
    : ""
}
</section>`,
  )}</div>`;
}

/** Searches that show what the rules do: a reference from the data, a name in another spelling, a decade. */
function examples(summary: SeriesSummary): Array<{ q: string; why: string }> {
  const ref = summary.example;
  return [
    ...(ref ? [{ q: ref, why: "a reference, in any loose form" }] : []),
    { q: "Besedovsky", why: "a name in any spelling" },
    { q: "Soviet defectors in the 1930s", why: "a subject with a decade" },
    { q: 'person:"Kim Philby"', why: "one person" },
  ];
}

export function homePage(
  o: SearchOutcome,
  canonical: string,
  cat: { manifest: Manifest; series: SeriesSummary } | null,
): Html {
  const q = o.query;
  const m = cat?.manifest;
  const title = q.q ? `“${q.q}” – Dossier search` : "Dossier – search archive catalogues";
  const archives = cat ? cat.series.archives.length : 0;
  const archivesText = `${count(archives)} ${archives === 1 ? "archive" : "archives"}`;
  return layout(
    {
      title,
      canonical,
      widget: true,
      description:
        "Search catalogue descriptions of MI5 files at The National Archives and other archive series, " +
        "with name variants and covering dates.",
    },
    html`<h1${q.q ? html` class="vh"` : ""}>Search the catalogue</h1>
${
  !q.q && m
    ? html`<p class="lede">${count(m.records)} catalogue records from ${archivesText},
in ${count(m.series.count)} series. Names match
in any spelling; every hit says why it matched.</p>`
    : ""
}
<dossier-search facets sync-url limit="10" value="${q.q}" placeholder="Names, references, subjects…">
${searchForm(o, "/")}
${o.result || o.problem ? html`<div slot="results">${resultsLayout(o, homeHref)}</div>` : ""}
</dossier-search>
${
  !q.q && cat
    ? html`<section aria-labelledby="ex-h"><h2 id="ex-h">Try</h2>
<ul class="examples">${examples(cat.series).map(
        (e) => html`<li><a href="${homeHref({ ...q, q: e.q })}">${e.q}</a> <span class="why">${e.why}</span></li>`,
      )}</ul></section>
<section aria-labelledby="browse-h"><h2 id="browse-h">Browse by archive and series</h2>
${browseList(cat.series)}
<p><a href="/series">All series</a></p></section>`
    : ""
}`,
  );
}
