/** Exports: a query's hits as CSV or JSON Lines, streamed batch by batch. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { stringify } from "csv-stringify/sync";
import type { AppEnv } from "../app-env";
import { searchServiceFor } from "../app-env";
import { ApiError } from "../errors";
import { boundedInt } from "../params";
import { errorResponses } from "../openapi-common";
import { HIT_FIELDS, fieldsParam, parseFields } from "../lean/field-selection";
import { shapeHits } from "../lean/search-shape";
import { totalValue } from "../lean/search-total";
import { MAX_QUERY_WORDS } from "../params";
import { SearchQuery } from "./search";

export const exportRoutes = new OpenAPIHono<AppEnv>();

/** The most hits one export may carry. */
export const MAX_EXPORT_HITS = 10_000;
/** Hits fetched and written per step: big enough to amortise re-scoring, small enough to stream early. */
const EXPORT_BATCH = 500;
const DEFAULT_EXPORT_FIELDS = ["id", "reference", "title", "coveringDates"];

// Exports list every record a query matches: volumes are not collapsed (the batches page over records).
const ExportQuery = SearchQuery.omit({ limit: true, offset: true, explain: true, collapse: true }).extend({
  limit: boundedInt("limit", 1, MAX_EXPORT_HITS, 1000).openapi({
    description: `Hits to export, at most ${MAX_EXPORT_HITS.toLocaleString("en")}`,
  }),
  fields: fieldsParam(HIT_FIELDS.filter((f) => f !== "explain")),
});

type Format = "csv" | "jsonl";
const FORMATS: Record<Format, { type: string; describe: string }> = {
  csv: {
    type: "text/csv; charset=utf-8; header=present",
    describe: 'CSV (RFC 4180), a header row then one row per hit; lists joined with "; "',
  },
  jsonl: { type: "application/x-ndjson; charset=utf-8", describe: "JSON Lines: one JSON object per hit" },
};

for (const format of ["csv", "jsonl"] as const) {
  exportRoutes.openapi(
    createRoute({
      method: "get",
      path: `/search.${format}`,
      tags: ["search"],
      summary:
        `A query's hits as ${format === "csv" ? "CSV" : "JSON Lines"}, streamed (up to ` +
        `${MAX_EXPORT_HITS.toLocaleString("en")})`,
      request: { query: ExportQuery },
      responses: {
        200: {
          description: FORMATS[format].describe,
          content: { [FORMATS[format].type.split(";")[0]!]: { schema: z.string() } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = c.req.valid("query");
      if (p.q.split(/\s+/).length > MAX_QUERY_WORDS)
        throw new ApiError(400, "bad_request", `q: more than ${MAX_QUERY_WORDS} words`);
      if (p.from !== undefined && p.to !== undefined && p.from > p.to)
        throw new ApiError(400, "bad_request", `from: ${p.from} is after to ${p.to}`);
      const fields =
        parseFields(
          p.fields,
          HIT_FIELDS.filter((f) => f !== "explain"),
        ) ?? DEFAULT_EXPORT_FIELDS;
      const service = await searchServiceFor(c);
      const records = c.get("records");
      const batch = async (offset: number) => {
        const result = await service.search({
          ...p,
          exact: true,
          explain: false,
          collapse: false,
          offset,
          limit: Math.min(EXPORT_BATCH, p.limit - offset),
        });
        return {
          total: totalValue(result.total),
          rows: await shapeHits(result.hits, { fields, compact: true, include: new Set(), explain: false }, records),
        };
      };
      // The first batch runs before the answer starts, so a failing index still gets a JSON error.
      const first = await batch(0);
      const end = Math.min(p.limit, first.total);
      const encoder = new TextEncoder();
      let offset = 0;
      let pending: typeof first | null = first;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const step = pending ?? (await batch(offset));
          pending = null;
          controller.enqueue(
            encoder.encode(format === "csv" ? csvRows(step.rows, fields, offset === 0) : jsonLines(step.rows)),
          );
          offset += step.rows.length;
          if (offset >= end || step.rows.length === 0) controller.close();
        },
      });
      c.header("Content-Type", FORMATS[format].type);
      c.header("Content-Disposition", `attachment; filename="${fileName(p.q)}.${format}"`);
      c.header("X-Total-Count", String(first.total));
      return c.body(body, 200) as never;
    },
  );
}

/** A file name from the query: letters, digits and dashes only, so it needs no quoting rules. */
function fileName(q: string): string {
  const slug = q
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .toLowerCase();
  return `dossier-search${slug ? `-${slug}` : ""}`;
}

function csvRows(rows: Array<Record<string, unknown>>, fields: string[], header: boolean): string {
  const cells = rows.map((r) => fields.map((f) => cell(r[f])));
  // escape_formulas: a title starting with "=" or "@" must not run as a formula when the file is opened in a
  // spreadsheet.
  return stringify(cells, { header, columns: fields, escape_formulas: true, record_delimiter: "windows" });
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join("; ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function jsonLines(rows: Array<Record<string, unknown>>): string {
  return rows.map((r) => `${JSON.stringify(r)}\n`).join("");
}
