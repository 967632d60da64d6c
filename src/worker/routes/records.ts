/** Record lookups: by id, by loose reference or range, and series listings. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";
import { boundedInt, text } from "../params";
import { RecordOut, errorResponses, json } from "../openapi-common";
import { RECORD_FIELDS, fieldsParam, parseFields, pickFields } from "../lean/field-selection";
import { bulkLookup, MAX_BULK_REFS } from "../lean/bulk-lookup";

/** A record trimmed by fields=: only the chosen fields. */
const RecordFields = RecordOut.partial().openapi("RecordFields");
const fieldsQuery = z.object({ fields: fieldsParam(RECORD_FIELDS) });

export const recordRoutes = new OpenAPIHono<AppEnv>();

const idParam = z.object({
  id: text("id")
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "id must be lowercase letters and digits joined by '-', e.g. kv-2-2681")
    .openapi({ param: { name: "id", in: "path" }, example: "kv-2-2681" }),
});

recordRoutes.openapi(
  createRoute({
    method: "get",
    path: "/records/{id}",
    tags: ["records"],
    summary: "One record by id",
    request: { params: idParam, query: fieldsQuery },
    responses: {
      200: json(z.object({ record: z.union([RecordOut, RecordFields]) }), "The record (with fields=, only those)"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const fields = parseFields(c.req.valid("query").fields, RECORD_FIELDS);
    const records = c.get("records");
    const record = await records.get(id);
    if (!record) {
      throw new ApiError(404, "not_found", `records: no record has the id "${id}"`, {
        suggestions: await records.nearest(id),
      });
    }
    return c.json({ record: fields ? pickFields(record, fields) : record } as never, 200);
  },
);

recordRoutes.openapi(
  createRoute({
    method: "get",
    path: "/lookup",
    tags: ["records"],
    summary: "Records by reference, in any loose form, or a range",
    description:
      "Accepts `KV 2/2681`, `kv2/2681`, `KV2 2681`, `kv 2 2681`, `KV.2.2681`, ranges such as `KV 2/2670-2671`, NAA " +
      "references `A6119, 5737` and JFK record numbers `104-10059-10121`. A reference that names no record but heads " +
      "others (`ADM 101/84`, a piece catalogued only by its items) answers with those items.",
    request: {
      query: z.object({
        ref: z
          .union([
            text("ref"),
            z.array(text("ref")).max(MAX_BULK_REFS, `ref: at most ${MAX_BULK_REFS} references in one lookup`),
          ])
          .openapi({
            example: "KV 2/2670-2671",
            description: `A reference or range; repeat (up to ${MAX_BULK_REFS}) for a bulk lookup`,
          }),
        fields: fieldsParam(RECORD_FIELDS),
      }),
    },
    responses: {
      200: json(
        z.object({
          records: z.array(z.union([RecordOut, RecordFields])),
          notFound: z
            .array(z.object({ ref: z.string(), suggestions: z.array(z.string()) }))
            .optional()
            .openapi({
              description: "Bulk lookups only: the references that named no record, with the nearest existing ones",
            }),
        }),
        "Matching records in catalogue order; for several references, all of them once each",
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { ref, fields: rawFields } = c.req.valid("query");
    const fields = parseFields(rawFields, RECORD_FIELDS);
    const refs = Array.isArray(ref) ? ref : [ref];
    for (const r of refs)
      if (!/[a-z0-9]/i.test(r))
        throw new ApiError(400, "bad_request", `lookup: "${r}" has no letters or digits, so it cannot be a reference`);
    if (refs.length === 1) {
      return c.json(
        {
          records: (await c.get("records").lookup(refs[0]!)).map((r) => (fields ? pickFields(r, fields) : r)),
        } as never,
        200,
      );
    }
    const { records, notFound } = await bulkLookup(c.get("records"), refs);
    return c.json(
      {
        records: records.map((r) => (fields ? pickFields(r, fields) : r)),
        ...(notFound.length ? { notFound } : {}),
      } as never,
      200,
    );
  },
);

recordRoutes.openapi(
  createRoute({
    method: "get",
    path: "/series/{series}",
    tags: ["records"],
    summary: "The records of a series in catalogue order (KV 2/99 before KV 2/100)",
    request: {
      params: z.object({ series: text("series").openapi({ param: { name: "series", in: "path" }, example: "KV 2" }) }),
      query: z.object({
        limit: boundedInt("limit", 1, 1000, 100),
        offset: boundedInt("offset", 0, 10_000_000, 0),
        fields: fieldsParam(RECORD_FIELDS),
      }),
    },
    responses: {
      200: json(
        z.object({
          series: z.string(),
          heldBy: z.string().nullable(),
          total: z.number(),
          offset: z.number(),
          limit: z.number(),
          items: z.array(
            z.union([
              z.object({
                id: z.string(),
                reference: z.string(),
                title: z.string().nullable(),
                coveringDates: z.string().nullable(),
              }),
              RecordFields,
            ]),
          ),
        }),
        "A page of the series (with fields=, each item has those record fields)",
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { series } = c.req.valid("param");
    const { limit, offset, fields: rawFields } = c.req.valid("query");
    const fields = parseFields(rawFields, RECORD_FIELDS);
    const page = await c.get("records").listSeries(series, offset, limit);
    if (!fields) return c.json(page, 200);
    // Items carry id and reference; any other field means reading the records.
    const needRecords = fields.some((f) => f !== "id" && f !== "reference");
    const full = needRecords ? await Promise.all(page.items.map((it) => c.get("records").get(it.id))) : [];
    return c.json(
      { ...page, items: page.items.map((it, i) => pickFields({ ...(full[i] ?? {}), ...it }, fields)) } as never,
      200,
    );
  },
);

recordRoutes.openapi(
  createRoute({
    method: "get",
    path: "/records/{id}/related",
    tags: ["records"],
    summary: "Records sharing people, organisations, places or rare terms, computed at build time",
    request: { params: idParam },
    responses: {
      200: json(
        z.object({
          related: z.array(z.object({ id: z.string(), reference: z.string(), title: z.string(), why: z.string() })),
        }),
        "Related records, closest first",
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const stored = await c.get("records").stored(id);
    if (!stored)
      throw new ApiError(404, "not_found", `records: no record has the id "${id}"`, {
        suggestions: await c.get("records").nearest(id),
      });
    return c.json({ related: await c.get("records").related(stored) }, 200);
  },
);
