/**
 * `/embed?q=`: a chrome-less search for an iframe, for sites that cannot run
 * scripts of their own. Any site may frame it; record links open in a new tab
 * so the host page stays put.
 */
import { html } from "hono/html";
import { layout, searchHref, type Html } from "./layout";
import { queryParams, resultsLayout, type PageQuery, type SearchOutcome } from "./search-view";
import { searchForm } from "./home-page";

const embedHref = (q: PageQuery) => searchHref(queryParams(q)).replace(/^\//, "/embed");

export function embedPage(o: SearchOutcome): Html {
  return layout(
    { title: o.query.q ? `“${o.query.q}” – Dossier` : "Dossier search", bare: true, widget: true },
    html`<h1 class="vh">Dossier catalogue search</h1>
<dossier-search sync-url open-in="blank" limit="10" value="${o.query.q}">
${searchForm(o, "/embed")}
${o.result || o.problem ? html`<div slot="results">${resultsLayout(o, embedHref, { target: "_blank" })}</div>` : ""}
</dossier-search>`,
  );
}
