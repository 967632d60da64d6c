/** Liveness plus what is being served. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { json } from "../openapi-common";

export const healthRoutes = new OpenAPIHono<AppEnv>();

healthRoutes.openapi(
  createRoute({
    method: "get", path: "/health", tags: ["meta"], summary: "Service health and the index version served",
    responses: { 200: json(z.object({ status: z.literal("ok"), records: z.number(), indexVersion: z.string(), shards: z.number() }), "Healthy") },
  }),
  async (c) => {
    const m = await c.get("assets").manifest();
    const shards = m.search?.shards.length ?? 0;
    return c.json({ status: "ok" as const, records: m.records, indexVersion: m.version, shards }, 200);
  },
);
