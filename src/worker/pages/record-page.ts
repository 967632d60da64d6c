/**
 * `/records/:id`: one catalogue entry as a page, with schema.org JSON-LD
 * (ArchiveComponent) so search engines and citation tools can read it.
 */
import { html, raw } from "hono/html";
import type { CatalogueRecord } from "../../shared/record";
import { referenceToId } from "../../shared/reference";
import { layout, searchHref, type Html } from "./layout";
import { accessFacts, archiveLinks, citation } from "./archive-links";
import { seriesHref } from "./home-page";

export interface RelatedLink {
  id: string;
  reference: string;
  title: string;
  why: string;
}

/** JSON for a <script> data block: `<` is escaped so no text can close the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

export function recordJsonLd(
  r: CatalogueRecord,
  canonical: string,
  origin: string,
  related: RelatedLink[],
): Record<string, unknown> {
  const temporal =
    r.startDate || r.endDate ? `${r.startDate ?? ".."}/${r.endDate ?? ".."}` : (r.coveringDates ?? undefined);
  return {
    "@context": "https://schema.org",
    "@type": "ArchiveComponent",
    "@id": canonical,
    url: canonical,
    name: r.title,
    identifier: r.reference,
    description: r.description || undefined,
    temporalCoverage: temporal,
    holdingArchive: r.heldBy.map((name) => ({ "@type": "ArchiveOrganization", name })),
    isPartOf: {
      "@type": "Collection",
      name: r.series,
      url: `${origin}/series/${encodeURIComponent(referenceToId(r.series))}`,
    },
    about: [
      ...r.people.map((name) => ({ "@type": "Person", name })),
      ...r.corporateNames.map((name) => ({ "@type": "Organization", name })),
      ...r.places.map((name) => ({ "@type": "Place", name })),
    ],
    keywords: r.subjects.length ? r.subjects.join(", ") : undefined,
    sameAs: r.source.url ?? undefined,
    isRelatedTo: related.length
      ? related.map((x) => ({
          "@type": "ArchiveComponent",
          "@id": `${origin}/records/${x.id}`,
          name: x.title,
          identifier: x.reference,
        }))
      : undefined,
  };
}

/** A search for one value of a field, e.g. everything naming a person. */
const fieldSearch = (field: "person" | "place" | null, value: string) =>
  searchHref({ q: field ? `${field}:"${value.replace(/"/g, "")}"` : value });

function tagList(label: string, id: string, values: string[], href: (v: string) => string): Html | "" {
  if (!values.length) return "";
  return html`<section aria-labelledby="${id}"><h2 id="${id}">${label}</h2>
<ul class="tags">${values.map((v) => html`<li><a href="${href(v)}">${v}</a></li>`)}</ul></section>`;
}

const outLink = (l: { href: string; label: string }) =>
  html`<a class="button" href="${l.href}" rel="noopener">${l.label}</a> `;
const relatedItem = (x: RelatedLink) =>
  html`<li><a href="/records/${x.id}">${x.reference}: ${x.title}</a> <span class="why">(${x.why})</span></li>`;

export function recordPage(r: CatalogueRecord, related: RelatedLink[], canonical: string, origin: string): Html {
  const ld = recordJsonLd(r, canonical, origin, related);
  const paragraphs = r.description
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const series = seriesHref({ key: referenceToId(r.series) });
  const links = archiveLinks(r);
  const facts = accessFacts(r);
  return layout(
    {
      title: `${r.reference}: ${r.title} – Dossier`,
      canonical,
      headerSearch: true,
      description: r.description.slice(0, 200) || r.title,
      head: html`<script type="application/ld+json">${raw(jsonForScript(ld))}</script>`,
    },
    html`<article class="record">
<p class="meta"><a href="${series}">${r.series}</a>${r.heldBy.length ? html` · ${r.heldBy[0]}` : ""}</p>
<h1><span class="ref">${r.reference}</span>: ${r.title}</h1>
${links.length ? html`<p class="outlinks">${links.map(outLink)}</p>` : ""}
<dl>
<dt>Reference</dt><dd>${r.reference}</dd>
${r.coveringDates ? html`<dt>Covering dates</dt><dd>${r.coveringDates}</dd>` : ""}
<dt>Series</dt><dd><a href="${series}">${r.series}</a> (browse in catalogue order)</dd>
${r.department ? html`<dt>Department</dt><dd>${r.department}</dd>` : ""}
${r.heldBy.length ? html`<dt>Held by</dt><dd>${r.heldBy.join("; ")}</dd>` : ""}
${facts.map((f) => html`<dt>${f.label}</dt><dd>${f.value}</dd>`)}
</dl>
<section aria-labelledby="desc-h"><h2 id="desc-h">Description</h2>
${paragraphs.length ? paragraphs.map((p) => html`<p>${p}</p>`) : html`<p>No description has been catalogued.</p>`}
</section>
${tagList("People", "people-h", r.people, (v) => fieldSearch("person", v))}
${tagList("Organisations", "orgs-h", r.corporateNames, (v) => fieldSearch(null, v))}
${tagList("Places", "places-h", r.places, (v) => fieldSearch("place", v))}
${tagList("Subjects", "subjects-h", r.subjects, (v) => fieldSearch(null, v))}
${
  related.length
    ? html`<section aria-labelledby="rel-h" class="related"><h2 id="rel-h">Related records</h2>
<ul>${related.map(relatedItem)}</ul></section>`
    : ""
}
<section aria-labelledby="cite-h" class="cite"><h2 id="cite-h">Cite this record</h2>
<p><output id="cite-text" class="citation">${citation(r)}</output>
<button type="button" class="copy" data-copy="cite-text" hidden>Copy citation</button></p></section>
<p class="meta">Data: <a href="/api/records/${r.id}">JSON</a> · Source data: ${r.source.name}</p>
</article>`,
  );
}

export interface Suggestion {
  href: string;
  reference: string;
  title?: string;
}

const suggestionItem = (s: Suggestion) =>
  html`<li><a href="${s.href}"><span class="ref">${s.reference}</span>${s.title ? html`: ${s.title}` : ""}</a></li>`;

export function notFoundPage(message: string, suggestions: Suggestion[] = []): Html {
  return layout(
    { title: "Not found – Dossier", headerSearch: true },
    html`<h1>Not found</h1>
<p>${message}</p>
${suggestions.length ? html`<h2>Did you mean</h2><ul class="suggestions">${suggestions.map(suggestionItem)}</ul>` : ""}
<p><a href="/">Search the catalogue</a> or <a href="/series">browse the series</a>.</p>`,
  );
}

/** The record page when the record cannot be read: the built index is damaged or missing, or a fault. */
export function unavailablePage(message: string): Html {
  return layout(
    { title: "Unavailable – Dossier", headerSearch: true },
    html`<h1>This record cannot be shown right now</h1>
<p>${message}</p>
<p><a href="/">Search the catalogue</a></p>`,
  );
}
