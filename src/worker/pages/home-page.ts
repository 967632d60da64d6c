/**
 * `/`: the search page. `<dossier-search>` drives it when scripts run. Its
 * light DOM is the server-rendered fallback for `/?q=`: the form is replaced
 * by the component's own, and the results (slot "results") stay on show until
 * the component's first answer arrives, so they never flash away.
 * Without a query it is the front door: catalogue size, examples, browsing.
 */
import { html } from "hono/html";
import type { Manifest, SeriesEntry } from "../../shared/manifest";
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

/** Series grouped by the archive that holds them, biggest archive and series first. */
export function archivesOf(m: Manifest): Array<{ name: string; records: number; series: SeriesEntry[] }> {
  const by = new Map<string, SeriesEntry[]>();
  for (const s of m.series) {
    const name = s.heldBy ?? "Other archives";
    let list = by.get(name);
    if (!list) by.set(name, (list = []));
    list.push(s);
  }
  return [...by]
    .map(([name, series]) => ({
      name,
      series: series.sort((a, b) => b.count - a.count),
      records: series.reduce((n, s) => n + s.count, 0),
    }))
    .sort((a, b) => b.records - a.records);
}

export const seriesHref = (s: { key: string }) => `/series/${encodeURIComponent(s.key)}`;

const seriesItems = (list: Array<{ key: string; name: string; count: number }>) =>
  html`<ul class="series-list">${list.map(
    (s) => html`<li><a href="${seriesHref(s)}">${s.name}</a> <span class="n">(${count(s.count)})</span></li>`,
  )}</ul>`;

/** Each archive's biggest series, the rest behind "more". */
export function browseList(m: Manifest, top = 5): Html {
  return html`<div class="archives">${archivesOf(m).map(
    (a) => html`<section class="card" aria-label="${a.name}">
<h3>${a.name}</h3>
<p class="meta">${count(a.records)} records in ${count(a.series.length)} series</p>
${seriesItems(a.series.slice(0, top))}
${
  a.series.length > top
    ? html`<details class="more"><summary>${a.series.length - top} more series</summary>
${seriesItems(a.series.slice(top))}</details>`
    : ""
}
</section>`,
  )}</div>`;
}

/** Searches that show what the rules do: a reference from the data, a name in another spelling, a decade. */
function examples(m: Manifest): Array<{ q: string; why: string }> {
  const biggest = [...m.series].sort((a, b) => b.count - a.count)[0];
  const ref = biggest?.first;
  return [
    ...(ref ? [{ q: ref, why: "a reference, in any loose form" }] : []),
    { q: "Besedovsky", why: "a name in any spelling" },
    { q: "Soviet defectors in the 1930s", why: "a subject with a decade" },
    { q: 'person:"Kim Philby"', why: "one person" },
  ];
}

export function homePage(o: SearchOutcome, canonical: string, m: Manifest | null): Html {
  const q = o.query;
  const title = q.q ? `“${q.q}” – Dossier search` : "Dossier – search archive catalogues";
  const archives = m ? archivesOf(m).length : 0;
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
in ${count(m.series.length)} series. Names match
in any spelling; every hit says why it matched.</p>`
    : ""
}
<dossier-search facets sync-url limit="10" value="${q.q}" placeholder="Names, references, subjects…">
${searchForm(o, "/")}
${o.result || o.problem ? html`<div slot="results">${resultsLayout(o, homeHref)}</div>` : ""}
</dossier-search>
${
  !q.q && m
    ? html`<section aria-labelledby="ex-h"><h2 id="ex-h">Try</h2>
<ul class="examples">${examples(m).map(
        (e) => html`<li><a href="${homeHref({ ...q, q: e.q })}">${e.q}</a> <span class="why">${e.why}</span></li>`,
      )}</ul></section>
<section aria-labelledby="browse-h"><h2 id="browse-h">Browse by archive and series</h2>
${browseList(m)}
<p><a href="/series">All series</a></p></section>`
    : ""
}`,
  );
}
