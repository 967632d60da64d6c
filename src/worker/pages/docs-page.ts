/**
 * `/docs`: the API reference, rendered on the server from the same OpenAPI
 * document that `/api/openapi.json` serves, so the two cannot disagree.
 */
import { html } from "hono/html";
import { layout, type Html } from "./layout";

export const OPENAPI_CONFIG = {
  openapi: "3.1.0",
  info: {
    title: "Dossier API",
    version: "1",
    description:
      "Lookup and search over archive catalogue descriptions (MI5 files at The National Archives and others). " +
      'Every endpoint answers GET with JSON; errors are `{ "error": { "code", "message" } }`.',
  },
};

interface Param {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: {
    type?: string | string[];
    default?: unknown;
    enum?: unknown[];
    example?: unknown;
    minimum?: number;
    maximum?: number;
  };
  example?: unknown;
}
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Param[];
  responses?: Record<string, { description?: string }>;
}
export interface OpenApiDoc {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
}

function typeOf(p: Param): string {
  const s = p.schema ?? {};
  const t = Array.isArray(s.type) ? s.type.join(" | ") : (s.type ?? "string");
  const bits = [t];
  if (s.enum) bits.push(`one of ${s.enum.join(", ")}`);
  if (s.minimum !== undefined || s.maximum !== undefined) bits.push(`${s.minimum ?? ""}–${s.maximum ?? ""}`);
  if (s.default !== undefined) bits.push(`default ${String(s.default)}`);
  return bits.join("; ");
}

function parameterRow(p: Param): Html {
  const about = p.description ? html`<br>${withCode(p.description)}` : "";
  return html`<tr><td><code>${p.name}</code>${about}</td><td>${p.in}</td><td>${typeOf(p)}</td>
<td>${p.required ? "yes" : "no"}</td></tr>`;
}

function exampleUrl(path: string, op: Operation): string {
  let url = path;
  const query: string[] = [];
  for (const p of op.parameters ?? []) {
    const ex = p.example ?? p.schema?.example;
    if (p.in === "path") url = url.replace(`{${p.name}}`, encodeURIComponent(String(ex ?? p.name)));
    else if (p.in === "query" && ex !== undefined && (p.required || query.length === 0))
      query.push(`${p.name}=${encodeURIComponent(String(ex))}`);
  }
  return query.length ? `${url}?${query.join("&")}` : url;
}

/** Text with `backticks` rendered as <code>; everything else stays escaped text. */
export function withCode(text: string | undefined): Html {
  const parts = (text ?? "").split(/`([^`]+)`/);
  return html`${parts.map((p, i) => (i % 2 ? html`<code>${p}</code>` : html`${p}`))}`;
}

export function docsPage(doc: OpenApiDoc, origin: string): Html {
  const ops = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
  return layout(
    { title: "API – Dossier", canonical: `${origin}/docs`, headerSearch: true },
    html`<h1>${doc.info.title} <small>v${doc.info.version}</small></h1>
<p>${withCode(doc.info.description)}</p>
<p>Machine-readable: <a href="/api/openapi.json">OpenAPI 3.1 document</a> ·
<a href="/opensearch.xml">OpenSearch description</a></p>
<h2 id="widget">Embedding the search widget</h2>
<pre class="snippet"><code>&lt;script src="${origin}/widget.js" defer&gt;&lt;/script&gt;
&lt;dossier-search&gt;&lt;/dossier-search&gt;</code></pre>
<p>Sites that cannot run scripts can frame <code>${origin}/embed?q=…</code> instead.</p>
<h2 id="endpoints">Endpoints</h2>
${ops.map(
  ({
    path,
    method,
    op,
  }) => html`<section class="card" aria-labelledby="op-${method}-${path.replace(/[^a-z0-9]+/gi, "-")}">
<h3 id="op-${method}-${path.replace(/[^a-z0-9]+/gi, "-")}"><code>${method} ${path}</code></h3>
<p>${withCode(op.summary)}</p>
${op.description ? html`<p>${withCode(op.description)}</p>` : ""}
${
  op.parameters?.length
    ? html`<table class="endpoints"><caption class="vh">Parameters of ${method} ${path}</caption>
<thead><tr><th scope="col">Parameter</th><th scope="col">In</th><th scope="col">Type</th>
<th scope="col">Required</th></tr></thead>
<tbody>${op.parameters.map(parameterRow)}</tbody></table>`
    : ""
}
<p>Responses: ${Object.entries(op.responses ?? {}).map(
    ([code, r], i) => html`${i ? ", " : ""}<strong>${code}</strong> ${r.description ?? ""}`,
  )}</p>
${method === "GET" ? html`<p>Try: <a href="${exampleUrl(path, op)}"><code>${exampleUrl(path, op)}</code></a></p>` : ""}
</section>`,
)}`,
  );
}
