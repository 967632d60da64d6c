/**
 * Liveness plus what is being served. `?deep=1` also reads one asset of every
 * kind the manifest names, parses it and checks it against its content hash,
 * so a damaged build shows here rather than as failures on some requests.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { json } from "../openapi-common";
import { HASH_CHARS, hashAt, type Manifest } from "../../shared/manifest";
import { termChunkPath } from "../../shared/index-format";
import { assetKind } from "../asset-store";
import { ApiError } from "../errors";

export const healthRoutes = new OpenAPIHono<AppEnv>();

const Failure = z.object({ kind: z.string(), path: z.string(), message: z.string() });
const Health = z
  .object({
    status: z.enum(["ok", "degraded"]),
    records: z.number().optional(),
    indexVersion: z.string().optional(),
    shards: z.number().optional(),
    /** Deep mode: the asset read for each kind. */
    checked: z.record(z.string(), z.string()).optional(),
    failing: z.array(Failure).optional(),
  })
  .openapi("Health");

healthRoutes.openapi(
  createRoute({
    method: "get",
    path: "/health",
    tags: ["meta"],
    summary: "Service health and the index version served",
    request: {
      query: z.object({
        deep: z.enum(["0", "1"]).optional().openapi({ description: "1: read and check one asset of every kind" }),
      }),
    },
    responses: {
      200: json(Health, "Healthy"),
      503: json(Health, "Deep mode: some kinds of asset cannot be read (`failing`)"),
    },
  }),
  async (c) => {
    const deep = c.req.valid("query").deep === "1";
    let m: Manifest;
    try {
      m = await c.get("assets").manifest();
    } catch (e) {
      if (!deep || !(e instanceof ApiError)) throw e;
      return c.json(
        { status: "degraded" as const, failing: [{ kind: "manifest", path: "/manifest.json", message: e.message }] },
        503,
      );
    }
    const shards = m.search?.shards.length ?? 0;
    const base = { records: m.records, indexVersion: m.version, shards };
    if (!deep) return c.json({ status: "ok" as const, ...base }, 200);

    const sample = sampleAssets(m);
    // A record shard's name is on a page of the shard table; a table page that cannot be read fails its own kind.
    const failing: Array<z.infer<typeof Failure>> = [];
    if (m.recordShards.count > 0) {
      try {
        sample.set("records", await c.get("records").shardPath(0));
      } catch (e) {
        const page = m.recordShards.pages[0]!;
        failing.push({ kind: assetKind(page), path: page, message: (e as Error).message });
        sample.delete(assetKind(page));
      }
    }
    const assets = c.get("assets");
    await Promise.all(
      [...sample].map(async ([kind, path]) => {
        try {
          await assets.verify(path);
        } catch (e) {
          failing.push({ kind, path, message: (e as Error).message });
        }
      }),
    );
    failing.sort((a, b) => a.kind.localeCompare(b.kind));
    const checked = Object.fromEntries(sample);
    if (failing.length) return c.json({ status: "degraded" as const, ...base, checked, failing }, 503);
    return c.json({ status: "ok" as const, ...base, checked }, 200);
  },
);

const CHUNK_PATH = new RegExp(`^/[a-z]+/[^"]*\\.[0-9a-f]{${HASH_CHARS}}\\.[a-z]+$`);

/**
 * The first asset of each kind the manifest names. Found by walking the
 * manifest for chunk paths, so a kind the index adds later is checked too.
 */
function sampleAssets(m: Manifest): Map<string, string> {
  const sample = new Map<string, string>();
  const add = (path: string) => {
    const kind = assetKind(path);
    if (!sample.has(kind)) sample.set(kind, path);
  };
  if (m.recordShards.pages[0]) add(m.recordShards.pages[0]);
  // Term buckets are named by concatenated hashes, not paths (as record shards are).
  const first = m.search?.shards[0];
  if (first && first.bucketCount > 0) add(termChunkPath(first, "", 0, (b) => hashAt(first.buckets, b)));
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      if (CHUNK_PATH.test(v)) add(v);
      return;
    }
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (v && typeof v === "object") for (const x of Object.values(v)) walk(x);
  };
  walk(m.series);
  walk(m.search);
  // A packed build: one directory page and one pack (hashed whole, as any chunk is).
  if (m.packs) for (const path of [m.packs.pages[0], m.packs.files[0]]) if (path) add(path);
  return sample;
}
