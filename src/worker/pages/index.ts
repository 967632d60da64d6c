/**
 * The public HTML pages, mounted at `/` by src/index.ts. They call the same
 * search and record code as the API, in-process; none fetches the API.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { searchServiceFor, type AppContext, type AppEnv } from "../app-env";
import { html } from "hono/html";
import type { ErrorPage } from "../errors";
import { layout, originOf, sendHtml } from "./layout";
import { referenceToId } from "../../shared/reference";
import { SITE_CSS } from "./site-css";
import { readPageQuery, runSearch, type SearchFn, type SearchOutcome } from "./search-view";
import { homePage } from "./home-page";
import { embedPage } from "./embed-page";
import { notFoundPage, recordPage, unavailablePage } from "./record-page";
import { ApiError } from "../errors";
import { docsPage, OPENAPI_CONFIG, type OpenApiDoc } from "./docs-page";
import { openSearchXml } from "./opensearch";
import { archiveSeriesPage, seriesIndexPage, seriesPage, SERIES_PAGE_ITEMS } from "./series-page";
import { archiveSeriesList, seriesSummary } from "../series-directory";
import { SITE_JS } from "./site-js";
import { FAVICON_SVG } from "./favicon";
import { SuggestService } from "../search/suggest-service";
import type { RecordStore } from "../record-store";

export type { SearchFn } from "./search-view";

const RECORD_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const serviceSearch: SearchFn = async (c, req) => (await searchServiceFor(c)).search(req);

export function createPageRoutes(deps: { search: SearchFn } = { search: serviceSearch }) {
  const pages = new OpenAPIHono<AppEnv>();

  pages.get("/", async (c) => {
    const outcome = await runSearch(c, deps.search, readPageQuery(c));
    const canonical = new URL(c.req.url);
    canonical.searchParams.delete("offset");
    const href = `${originOf(c)}${outcome.query.q ? `/${canonical.search}` : "/"}`;
    const manifest = outcome.query.q
      ? null
      : await c
          .get("records")
          .manifest()
          .then(async (m) => ({ manifest: m, series: await seriesSummary(c.get("assets"), m) }))
          .catch(() => null);
    return sendHtml(c, homePage(outcome, href, manifest), { status: outcome.status, cache: cacheFor(outcome) });
  });

  pages.get("/embed", async (c) => {
    const outcome = await runSearch(c, deps.search, readPageQuery(c));
    return sendHtml(c, embedPage(outcome), { status: outcome.status, frameable: true, cache: cacheFor(outcome) });
  });

  pages.get("/records/:id", async (c) => {
    try {
      return await recordResponse(c);
    } catch (e) {
      // A page, not the API's JSON: a browser shows it. Never cached, so it goes once the build is mended.
      if (e instanceof ApiError && e.status >= 500) {
        return sendHtml(
          c,
          unavailablePage("The catalogue index is being rebuilt or is damaged. Please try again shortly."),
          { status: 503, cache: "no-store" },
        );
      }
      console.error("dossier: record page failed", e);
      return sendHtml(c, unavailablePage("Something went wrong; the fault was logged."), {
        status: 500,
        cache: "no-store",
      });
    }
  });

  async function recordResponse(c: AppContext): Promise<Response> {
    const id = c.req.param("id")!;
    const records = c.get("records");
    const stored = RECORD_ID.test(id) ? await records.stored(id) : null;
    if (!stored) {
      const near = RECORD_ID.test(id) ? await records.nearest(id).catch(() => []) : [];
      const page = notFoundPage(`No record has the id “${id}”.`, await titled(records, near));
      return sendHtml(c, page, { status: 404 });
    }
    const related = await c.get("records").related(stored);
    const origin = originOf(c);
    return sendHtml(c, recordPage(stored.record, related, `${origin}/records/${id}`, origin));
  }

  pages.get("/series", async (c) => {
    const m = await c.get("records").manifest();
    const archive = c.req.query("archive");
    if (archive === undefined) {
      return sendHtml(c, seriesIndexPage(m, await seriesSummary(c.get("assets"), m), `${originOf(c)}/series`));
    }
    // An archive's whole series list, a page of SERIES_BROWSE_PAGE at a time.
    const i = Number(archive);
    const page = Math.min(100_000, Math.max(1, Math.floor(Number(c.req.query("page")) || 1)));
    const { summary, list } = await archiveSeriesList(c.get("assets"), Number.isInteger(i) ? i : -1, page - 1);
    if (!list.length) {
      return sendHtml(c, notFoundPage(`There is no page ${page} of series for archive “${archive}”.`, []), {
        status: 404,
      });
    }
    const canonical = `${originOf(c)}/series?archive=${i}${page > 1 ? `&page=${page}` : ""}`;
    return sendHtml(c, archiveSeriesPage(summary, i, page, list, canonical));
  });

  pages.get("/series/:series", async (c) => {
    const name = c.req.param("series").trim().slice(0, 256);
    const page = Math.min(100_000, Math.max(1, Math.floor(Number(c.req.query("page")) || 1)));
    try {
      const listing = await c.get("records").listSeries(name, (page - 1) * SERIES_PAGE_ITEMS, SERIES_PAGE_ITEMS);
      const key = referenceToId(listing.series);
      const canonical = `${originOf(c)}/series/${encodeURIComponent(key)}${page > 1 ? `?page=${page}` : ""}`;
      return sendHtml(c, seriesPage(listing, key, canonical), {
        status: listing.items.length || page === 1 ? 200 : 404,
      });
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
      const near = Array.isArray(e.details.suggestions) ? (e.details.suggestions as string[]) : [];
      return sendHtml(
        c,
        notFoundPage(
          `No series is called “${name}”.`,
          near.map((s) => ({ href: `/series/${encodeURIComponent(referenceToId(s))}`, reference: s })),
        ),
        { status: 404 },
      );
    }
  });

  // OpenSearch suggestions (application/x-suggestions+json): [query, [completions]], for a browser's address bar.
  pages.get("/opensearch/suggest", async (c) => {
    const q = (c.req.query("q") ?? "").trim().slice(0, 256);
    const list = q ? await new SuggestService(c.get("assets")).suggest(q, 8).catch(() => []) : [];
    c.header("Cache-Control", "public, max-age=300");
    c.header("X-Content-Type-Options", "nosniff");
    return c.body(JSON.stringify([q, list.map((s) => s.text)]), 200, {
      "Content-Type": "application/x-suggestions+json; charset=utf-8",
    });
  });

  pages.get("/site.js", (c) => {
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(SITE_JS);
  });

  for (const path of ["/favicon.svg", "/favicon.ico"]) {
    pages.get(path, (c) => {
      c.header("Content-Type", "image/svg+xml");
      c.header("X-Content-Type-Options", "nosniff");
      c.header("Cache-Control", "public, max-age=86400");
      return c.body(FAVICON_SVG);
    });
  }

  pages.get("/opensearch.xml", (c) => {
    c.header("Content-Type", "application/opensearchdescription+xml; charset=utf-8");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Cache-Control", "public, max-age=86400");
    return c.body(openSearchXml(originOf(c)).toString());
  });

  pages.get("/site.css", (c) => {
    c.header("Content-Type", "text/css; charset=utf-8");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(SITE_CSS);
  });

  // Any other page path gets an HTML 404; /api/* falls through to the API's JSON 404.
  pages.get("*", async (c, next) => {
    if (new URL(c.req.url).pathname.startsWith("/api/")) return next();
    return sendHtml(c, notFoundPage("There is no page at this address."), { status: 404 });
  });

  return pages;
}

export const pageRoutes = createPageRoutes();

/** Nearest references with their titles, for a 404's suggestions. */
async function titled(records: RecordStore, refs: string[]) {
  return Promise.all(
    refs.map(async (reference) => {
      const r = (await records.lookup(reference).catch(() => []))[0];
      return r
        ? { href: `/records/${r.id}`, reference, title: r.title }
        : { href: `/?q=${encodeURIComponent(reference)}`, reference };
    }),
  );
}

/** Results missing a search shard are right only now: no cache may keep them. */
const cacheFor = (o: SearchOutcome) => (o.result?.partial ? "no-store" : undefined);

/** Any error outside the API, as a page: what went wrong, and the way back to search. */
export const errorPage: ErrorPage = (c, status, message) => {
  const title = ERROR_TITLES[status] ?? "Something went wrong";
  const page = layout(
    { title: `${title} – Dossier`, headerSearch: true },
    html`<h1>${title}</h1>
<p>${message}</p>
<p><a href="/">Search the catalogue</a></p>`,
  );
  return sendHtml(c, page, { status, cache: "no-store" });
};

const ERROR_TITLES: Partial<Record<number, string>> = {
  400: "This request cannot be answered",
  404: "Not found",
  405: "Method not allowed",
  414: "Address too long",
  429: "Too many requests",
  503: "Search is unavailable",
};

/**
 * Serves `/api/openapi.json` and `/docs` from the app's own route registry.
 * Call it before any catch-all for `/api/*`. The document is generated on the
 * first request, when every route is mounted, and kept: generating it costs
 * tens of milliseconds, too much to spend on every request.
 */
export function mountApiDocs(app: OpenAPIHono<AppEnv>): void {
  let doc: ReturnType<typeof app.getOpenAPI31Document> | null = null;
  const document = () => (doc ??= app.getOpenAPI31Document(OPENAPI_CONFIG));
  app.get("/api/openapi.json", (c: AppContext) => c.json(document()));
  app.get("/docs", (c: AppContext) => sendHtml(c, docsPage(document() as unknown as OpenApiDoc, originOf(c))));
}
