/**
 * The read-only subset of TNA Discovery's API that its clients use, served
 * from Dossier's own index under /discovery/API, so a Discovery client works
 * by changing only its base URL. JSON only; docs/discovery-compat.md says
 * what is supported and how answers differ.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { searchServiceFor } from "../app-env";
import { seriesNames } from "../series-directory";
import { ApiError } from "../errors";
import { boundedInt } from "../params";
import { ErrorSchema, json } from "../openapi-common";
import type { CatalogueRecord } from "../../shared/record";
import type { SearchSort } from "../search/search-service";
import { IsoDateSchema } from "../../shared/record";
import { decodeCursor, encodeCursor, queryFingerprint } from "../lean/search-cursor";
import { totalValue } from "../lean/search-total";
import { DiscoveryIdMap } from "../discovery/discovery-ids";
import { discoveryDetails, discoverySearchRecord } from "../discovery/discovery-shape";
import { MAX_QUERY_WORDS } from "../params";

export const discoveryRoutes = new OpenAPIHono<AppEnv>();

/** Discovery's defaults and caps, in one place. */
export const DISCOVERY_DEFAULTS = {
  /** Discovery's own default page size. */
  pageSize: 15,
  maxPageSize: 1000,
  /** A held-by filter reads records to decide; it looks at this many best matches. */
  heldByPool: 2000,
};

const SORTS: Record<string, SearchSort> = {
  RELEVANCE: "relevance",
  DATE_ASCENDING: "date",
  DATE_DESCENDING: "-date",
  REFERENCE_ASCENDING: "reference",
};
/** Holders counted as TNA for sps.heldByCode: "The National Archives, Kew" and the like, not NAA or NARA. */
const TNA = /^The National Archives(?:,|$)/;

/** Discovery answers XML unless asked for JSON; Dossier answers only JSON, and says so. */
export const jsonOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const accept = c.req.header("accept");
  if (accept && !acceptsJson(accept)) {
    throw new ApiError(
      406,
      "not_acceptable",
      `discovery: Dossier answers only JSON; send "Accept: application/json" (got "${accept.slice(0, 100)}"). ` +
        `Discovery's XML is not served.`,
    );
  }
  await next();
  c.header("Vary", "Accept", { append: true });
};

function acceptsJson(accept: string): boolean {
  return accept.split(",").some((part) => {
    const [type, ...params] = part
      .trim()
      .toLowerCase()
      .split(";")
      .map((s) => s.trim());
    const q = params.find((p) => p.startsWith("q="));
    if (q && Number(q.slice(2)) === 0) return false;
    return type === "application/json" || type === "application/*" || type === "*/*" || type === "";
  });
}
discoveryRoutes.use("*", jsonOnly);

const year = (name: string) =>
  z
    .string()
    .regex(/^\d{1,4}(?:-\d{2}-\d{2})?$/, `${name} must be a year (or an ISO date)`)
    .transform((s) => Number(s.slice(0, s.length > 4 ? 4 : undefined)))
    .optional()
    .openapi({ type: "string", example: "1940" });
const isoYear = (name: string) =>
  IsoDateSchema.optional()
    .transform((s) => (s === undefined ? undefined : Number(s.slice(0, 4))))
    .openapi({
      type: "string",
      format: "date",
      example: "1940-01-01",
      description: `${name}: an ISO date; Dossier filters by its year`,
    });

const SearchParams = z.object({
  "sps.searchQuery": z
    .string()
    .trim()
    .max(256, "sps.searchQuery is longer than 256 characters")
    .optional()
    .openapi({ example: "Besedovskiy", description: "Free text; * or absent matches everything in the filters" }),
  "sps.recordSeries": z
    .union([z.string().max(64), z.array(z.string().max(64)).max(20, "at most 20 sps.recordSeries")])
    .optional()
    .transform((s) => (s === undefined ? [] : Array.isArray(s) ? s : [s]))
    .openapi({ type: "array", items: { type: "string" }, example: ["KV 2"] }),
  "sps.dateFrom": isoYear("sps.dateFrom"),
  "sps.dateTo": isoYear("sps.dateTo"),
  "sps.startDate": year("sps.startDate"),
  "sps.endDate": year("sps.endDate"),
  "sps.heldByCode": z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(["ALL", "TNA", "OTH"], { message: "sps.heldByCode must be ALL, TNA or OTH" }))
    .optional()
    .openapi({ type: "string", enum: ["ALL", "TNA", "OTH"] }),
  "sps.sortByOption": z
    .enum(Object.keys(SORTS) as [string, ...string[]], {
      message: `sps.sortByOption must be one of ${Object.keys(SORTS).join(", ")}`,
    })
    .optional()
    .openapi({ default: "RELEVANCE" }),
  "sps.page": boundedInt("sps.page", 0, 100_000, 1).openapi({ description: "1 for the first page (0 is read as 1)" }),
  "sps.resultsPageSize": boundedInt(
    "sps.resultsPageSize",
    1,
    DISCOVERY_DEFAULTS.maxPageSize,
    DISCOVERY_DEFAULTS.pageSize,
  ),
  "sps.batchStartMark": z
    .string()
    .max(512, "sps.batchStartMark is longer than 512 characters")
    .optional()
    .openapi({ description: "* for the first batch, then each answer's nextBatchMark; wins over sps.page" }),
});

const SearchRecord = z
  .object({
    id: z.string(),
    reference: z.string(),
    title: z.string(),
    description: z.string(),
    coveringDates: z.string().nullable(),
    startDate: z.string(),
    endDate: z.string(),
    numStartDate: z.number(),
    numEndDate: z.number(),
    heldBy: z.array(z.string()),
    department: z.string(),
    places: z.array(z.string()),
    corpBodies: z.array(z.string()),
    context: z.string(),
    score: z.number(),
  })
  .loose()
  .openapi("DiscoverySearchRecord");

const discoveryErrors = {
  400: { description: "Bad parameters", content: { "application/json": { schema: ErrorSchema } } },
  404: { description: "No such record", content: { "application/json": { schema: ErrorSchema } } },
  406: {
    description: "Asked for XML (or anything but JSON)",
    content: { "application/json": { schema: ErrorSchema } },
  },
} as const;

discoveryRoutes.openapi(
  createRoute({
    method: "get",
    path: "/search/records",
    tags: ["discovery"],
    summary: "Discovery-compatible search (sps.* parameters), from Dossier's index",
    request: { query: SearchParams },
    responses: {
      200: json(
        z.object({
          count: z.number(),
          records: z.array(SearchRecord),
          nextBatchMark: z
            .string()
            .openapi({ description: "Pass as sps.batchStartMark; equals the mark sent once the list is exhausted" }),
        }),
        "Records in Discovery's search-record shape",
      ),
      ...discoveryErrors,
    },
  }),
  async (c) => {
    const p = c.req.valid("query");
    const text = p["sps.searchQuery"] ?? "";
    const matchAll = text === "" || text === "*";
    if (!matchAll && text.split(/\s+/).length > MAX_QUERY_WORDS)
      throw new ApiError(400, "bad_request", `sps.searchQuery: more than ${MAX_QUERY_WORDS} words`);
    const from = p["sps.dateFrom"] ?? p["sps.startDate"];
    const to = p["sps.dateTo"] ?? p["sps.endDate"];
    if (from !== undefined && to !== undefined && from > to)
      throw new ApiError(400, "bad_request", `sps.dateFrom: ${from} is after sps.dateTo ${to}`);
    const held = p["sps.heldByCode"] ?? "ALL";
    const sort = SORTS[p["sps.sortByOption"] ?? "RELEVANCE"]!;
    const size = p["sps.resultsPageSize"];
    const manifest = await c.get("records").manifest();
    // "*" with no series asks for everything: every series is the filter that says so.
    const series =
      matchAll && !p["sps.recordSeries"].length ? await seriesNames(c.get("assets")) : p["sps.recordSeries"];
    const listKey = queryFingerprint({
      api: "discovery",
      q: matchAll ? "*" : text,
      series: [...series].sort(),
      from,
      to,
      held,
      sort,
    });
    const mark = p["sps.batchStartMark"];
    const offset =
      mark && mark !== "*" ? decodeCursor(mark, manifest.version, listKey) : Math.max(0, p["sps.page"] - 1) * size;

    const service = await searchServiceFor(c);
    const request = {
      q: matchAll ? "" : text,
      series,
      match: "variants" as const,
      synonyms: true,
      explain: false,
      sort,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    };
    let count: number;
    let page: Array<{ record: CatalogueRecord; score: number }>;
    if (held === "ALL") {
      const result = await service.search({ ...request, offset, limit: size });
      count = totalValue(result.total);
      const records = await Promise.all(result.hits.map((h) => c.get("records").get(h.id)));
      page = result.hits.flatMap((h, i) => (records[i] ? [{ record: records[i]!, score: h.score }] : []));
    } else {
      // Held-by is not an index filter: decide it on the best matches' records.
      const result = await service.search({ ...request, offset: 0, limit: DISCOVERY_DEFAULTS.heldByPool });
      const records = await Promise.all(result.hits.map((h) => c.get("records").get(h.id)));
      const kept = result.hits.flatMap((h, i) => {
        const r = records[i];
        const atTna = !!r && r.heldBy.some((name) => TNA.test(name));
        return r && atTna === (held === "TNA") ? [{ record: r, score: h.score }] : [];
      });
      count = kept.length;
      page = kept.slice(offset, offset + size);
    }
    const next = offset + size;
    const nextBatchMark =
      next < count ? encodeCursor({ version: manifest.version, offset: next, query: listKey }) : (mark ?? "*");
    return c.json(
      { count, records: page.map(({ record, score }) => discoverySearchRecord(record, score)), nextBatchMark } as never,
      200,
    );
  },
);

const DetailsShape = z
  .object({
    id: z.string(),
    citableReference: z.string(),
    title: z.string().nullable(),
    coveringDates: z.string().nullable(),
    coveringFromDate: z.number(),
    coveringToDate: z.number(),
    scopeContent: z.object({ description: z.string(), placeNames: z.array(z.string()) }).loose(),
    heldBy: z.array(z.object({ xReferenceName: z.string() }).loose()),
    people: z.array(z.string()),
    places: z.array(z.string()),
    corporateNames: z.array(z.string()),
    subjects: z.array(z.string()),
  })
  .loose()
  .openapi("DiscoveryDetails");

discoveryRoutes.openapi(
  createRoute({
    method: "get",
    path: "/records/v1/details/{id}",
    tags: ["discovery"],
    summary: "Discovery-compatible record details, by Discovery's id (records from Discovery) or Dossier's id",
    request: {
      params: z.object({
        id: z
          .string()
          .regex(
            /^[A-Za-z0-9_-]{1,80}$/,
            "id must be a Discovery id such as C11184181 or a Dossier id such as kv-2-2681",
          )
          .openapi({ param: { name: "id", in: "path" }, example: "C11184181" }),
      }),
    },
    responses: { 200: json(DetailsShape, "The record in Discovery's details shape"), ...discoveryErrors },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const records = c.get("records");
    const dossierId =
      (await new DiscoveryIdMap(c.get("assets")).dossierId(id)) ?? (/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(id) ? id : null);
    const record = dossierId ? await records.get(dossierId) : null;
    if (!record)
      throw new ApiError(
        404,
        "not_found",
        `discovery: no record has the id "${id}" (a Discovery id, or a Dossier id such as kv-2-2681)`,
      );
    return c.json(discoveryDetails(record) as never, 200);
  },
);
