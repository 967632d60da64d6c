/** `/opensearch.xml`: lets browsers add Dossier as a search engine. */
import { html } from "hono/html";
import { SITE_NAME } from "./layout";

export function openSearchXml(origin: string) {
  return html`<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
<ShortName>${SITE_NAME}</ShortName>
<Description>Search archive catalogue descriptions: MI5 files at The National Archives and more.</Description>
<InputEncoding>UTF-8</InputEncoding>
<OutputEncoding>UTF-8</OutputEncoding>
<Image height="32" width="32" type="image/svg+xml">${origin}/favicon.svg</Image>
<Url type="text/html" method="get" template="${origin}/?q={searchTerms}"/>
<Url type="application/json" method="get" template="${origin}/api/search?q={searchTerms}"/>
<Url type="application/x-suggestions+json" method="get" template="${origin}/opensearch/suggest?q={searchTerms}"/>
<Url type="application/opensearchdescription+xml" rel="self" template="${origin}/opensearch.xml"/>
</OpenSearchDescription>
`;
}
