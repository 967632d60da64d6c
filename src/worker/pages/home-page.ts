/**
 * `/`: the search page. `<dossier-search>` drives it when scripts run; its
 * light-DOM children are the server-rendered fallback for `/?q=`, which the
 * component's shadow root hides once it is defined.
 */
import { html } from "hono/html";
import { layout, type Html } from "./layout";
import { facetLinks, hitList, homeHref, pager, statusLine, type SearchOutcome } from "./search-view";

export function searchForm(o: SearchOutcome, action: string, extra: Html | "" = ""): Html {
  const q = o.query;
  return html`<form class="search-form" method="get" action="${action}" role="search" aria-label="Catalogue">
<div class="q"><label for="q">Search words, names or references</label>
<input id="q" name="q" type="search" value="${q.q}" placeholder="e.g. Besedovsky, KV 2/2681, Soviet defectors 1930s"></div>
${q.series.map((s) => html`<input type="hidden" name="series" value="${s}">`)}
<fieldset><legend>Covering dates</legend>
<label for="from">From year</label> <input id="from" name="from" type="number" inputmode="numeric" min="1000" max="2099" value="${q.from ?? ""}">
<label for="to">To year</label> <input id="to" name="to" type="number" inputmode="numeric" min="1000" max="2099" value="${q.to ?? ""}">
</fieldset>
${extra}
<button type="submit">Search</button>
</form>`;
}

export function homePage(o: SearchOutcome, canonical: string): Html {
  const q = o.query;
  const title = q.q ? `“${q.q}” – Dossier search` : "Dossier – search archive catalogues";
  return layout({
    title, canonical, widget: true,
    description: "Search catalogue descriptions of MI5 files at The National Archives and other archive series, with name variants and covering dates.",
  }, html`<h1>Search the catalogue</h1>
<dossier-search facets sync-url limit="10" value="${q.q}" placeholder="Names, references, subjects…">
${searchForm(o, "/")}
${statusLine(o)}
${o.result ? html`<div class="layout">${facetLinks(o)}<div>${hitList(o)}${pager(o, homeHref)}</div></div>` : html`<p>Try a name in any spelling (<a href="/?q=Besedovsky">Besedovsky</a>), a reference (<a href="/?q=KV%202%2F2681">KV 2/2681</a>) or a subject with a decade (<a href="/?q=Soviet%20defectors%20in%20the%201930s">Soviet defectors in the 1930s</a>).</p>`}
</dossier-search>`);
}
