/** Record lookups: by id, by loose reference or range, and series listings. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";
import { boundedInt, text } from "../params";
import { RecordOut, errorResponses, json } from "../openapi-common";

export const recordRoutes = new OpenAPIHono<AppEnv>();

const idParam = z.object({
  id: text("id").regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "id must be lowercase letters and digits joined by '-', e.g. kv-2-2681")
    .openapi({ param: { name: "id", in: "path" }, example: "kv-2-2681" }),
});

recordRoutes.openapi(
  createRoute({
    method: "get", path: "/records/{id}", tags: ["records"],
    summary: "One record by id",
    request: { params: idParam },
    responses: { 200: json(z.object({ record: RecordOut }), "The record"), ...errorResponses },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const records = c.get("records");
    const record = await records.get(id);
    if (!record) {
      throw new ApiError(404, "not_found", `records: no record has the id "${id}"`, { suggestions: await records.nearest(id) });
    }
    return c.json({ record }, 200);
  },
);

recordRoutes.openapi(
  createRoute({
    method: "get", path: "/lookup", tags: ["records"],
    summary: "Records by reference, in any loose form, or a range",
    description: "Accepts `KV 2/2681`, `kv2/2681`, `KV2 2681`, `kv 2 2681`, `KV.2.2681`, ranges such as `KV 2/2670-2671`, NAA references `A6119, 5737` and JFK record numbers `104-10059-10121`.",
    request: { query: z.object({ ref: text("ref").openapi({ example: "KV 2/2670-2671" }) }) },
    responses: { 200: json(z.object({ records: z.array(RecordOut) }), "Matching records in catalogue order"), ...errorResponses },
  }),
  async (c) => {
    const { ref } = c.req.valid("query");
    if (!/[a-z0-9]/i.test(ref)) throw new ApiError(400, "bad_request", `lookup: "${ref}" has no letters or digits, so it cannot be a reference`);
    return c.json({ records: await c.get("records").lookup(ref) }, 200);
  },
);

recordRoutes.openapi(
  createRoute({
    method: "get", path: "/series/{series}", tags: ["records"],
    summary: "The records of a series in catalogue order (KV 2/99 before KV 2/100)",
    request: {
      params: z.object({ series: text("series").openapi({ param: { name: "series", in: "path" }, example: "KV 2" }) }),
      query: z.object({ limit: boundedInt("limit", 1, 1000, 100), offset: boundedInt("offset", 0, 10_000_000, 0) }),
    },
    responses: {
      200: json(z.object({
        series: z.string(), heldBy: z.string().nullable(), total: z.number(), offset: z.number(), limit: z.number(),
        items: z.array(z.object({ id: z.string(), reference: z.string(), title: z.string().nullable(), coveringDates: z.string().nullable() })),
      }), "A page of the series"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { series } = c.req.valid("param");
    const { limit, offset } = c.req.valid("query");
    return c.json(await c.get("records").listSeries(series, offset, limit), 200);
  },
);

recordRoutes.openapi(
  createRoute({
    method: "get", path: "/records/{id}/related", tags: ["records"],
    summary: "Records sharing people, organisations, places or rare terms, computed at build time",
    request: { params: idParam },
    responses: {
      200: json(z.object({ related: z.array(z.object({ id: z.string(), reference: z.string(), title: z.string(), why: z.string() })) }), "Related records, closest first"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const stored = await c.get("records").stored(id);
    if (!stored) throw new ApiError(404, "not_found", `records: no record has the id "${id}"`, { suggestions: await c.get("records").nearest(id) });
    return c.json({ related: await c.get("records").related(stored) }, 200);
  },
);
