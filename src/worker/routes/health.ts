/**
 * Liveness plus what is being served. `?deep=1` also reads one asset of every
 * kind the manifest names, parses it and checks it against its content hash,
 * so a damaged build shows here rather than as failures on some requests.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { json } from "../openapi-common";
import {
  HASH_CHARS,
  packIndexPagePath,
  pagedTablePath,
  recordTablePagePath,
  type Manifest,
  type PagedTable,
} from "../../shared/manifest";
import {
  lexiconPagePath,
  termChunkPath,
  type SearchShardManifest,
  type ShardTermTable,
} from "../../shared/index-format";
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
    const shards = m.search?.shards.count ?? 0;
    const base = { records: m.records, indexVersion: m.version, shards };
    if (!deep) return c.json({ status: "ok" as const, ...base }, 200);

    const assets = c.get("assets");
    // The first search shard's entry is on a page of the shard table, out of the root.
    let first: SearchShardManifest | undefined;
    if (m.search?.shards.count) {
      try {
        first = await assets.tableGet<SearchShardManifest>(m.search.shards.table, "0");
      } catch {
        // Its page fails as its own kind when the sample below reads it.
      }
    }
    const { sample, indexes } = sampleAssets(m, first);
    const failing: Array<z.infer<typeof Failure>> = [];
    // Names read from outside the root: a record shard's from its table page, a series page's from its list, a
    // term bucket's from its shard's term table, a typeahead partition's from its directory page. An index that
    // cannot be read fails its own kind.
    const fail = (path: string, e: unknown) => {
      failing.push({ kind: assetKind(path), path, message: (e as Error).message });
      sample.delete(assetKind(path));
    };
    if (m.recordShards.count > 0) {
      try {
        sample.set("records", await c.get("records").shardPath(0));
      } catch (e) {
        fail(firstRecordTableFile(m), e);
      }
    }
    const nested = new Map<string, string>();
    await Promise.all(
      indexes.map(async ([path, shard]) => {
        try {
          const value = await assets.json<unknown>(path);
          walkPaths(value, (p) => {
            if (!nested.has(assetKind(p))) nested.set(assetKind(p), p);
          });
          // A series' page list is named by a series table page: read it too, for a listing page it names.
          const list = nested.get("series/lists");
          if (list && assetKind(path) === "series/dir") {
            walkPaths(await assets.json<unknown>(list), (p) => {
              if (!nested.has(assetKind(p))) nested.set(assetKind(p), p);
            });
          }
          if (shard && shard.bucketCount > 0) {
            const bucket = termChunkPath(shard, value as ShardTermTable, "", 0);
            nested.set(assetKind(bucket), bucket);
          }
        } catch (e) {
          fail(path, e);
        }
      }),
    );
    for (const [kind, path] of nested) if (!sample.has(kind)) sample.set(kind, path);
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

/** Calls `found` with every chunk path in a parsed JSON value. */
function walkPaths(v: unknown, found: (path: string) => void): void {
  if (typeof v === "string") {
    if (CHUNK_PATH.test(v)) found(v);
  } else if (Array.isArray(v)) {
    for (const x of v) walkPaths(x, found);
  } else if (v && typeof v === "object") {
    for (const x of Object.values(v)) walkPaths(x, found);
  }
}

/** The record-shard table's first file: its page list when that is a file of its own, else its first page. */
function firstRecordTableFile(m: Manifest): string {
  const list = m.recordShards.pageList;
  return typeof list === "string" ? list : recordTablePagePath(list, 0);
}

/**
 * The first asset of each kind the manifest root names, and the indexes (paged-table pages, series page lists,
 * search shards' term tables) whose contents name the rest. Found by walking the root for chunk paths and
 * paged tables, so a kind the index adds later is checked too.
 */
function sampleAssets(
  m: Manifest,
  first: SearchShardManifest | undefined,
): {
  sample: Map<string, string>;
  indexes: Array<[path: string, shard?: SearchShardManifest]>;
} {
  const sample = new Map<string, string>();
  const indexes: Array<[string, SearchShardManifest?]> = [];
  const add = (path: string) => {
    const kind = assetKind(path);
    if (sample.has(kind)) return;
    sample.set(kind, path);
    if (kind === "series/lists") indexes.push([path]);
  };
  if (m.recordShards.pages) add(firstRecordTableFile(m));
  if (first) {
    add(first.terms);
    indexes.push([first.terms, first]);
  }
  const walk = (v: unknown): void => {
    if (isPagedTable(v)) {
      // A big table's first read is its hashes file (the pages' names are in it).
      const page = v.hashesFile ?? pagedTablePath(v, 0);
      add(page);
      indexes.push([page]);
    } else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === "object") for (const x of Object.values(v)) walk(x);
    else walkPaths(v, add);
  };
  walk(m.series);
  walk(m.search);
  // The lexicon's pages are named by their hashes alone (see SearchManifest.lexicon): its first page.
  if (m.search) add(lexiconPagePath(m.search.lexicon, 0));
  // A packed build: a directory page, a files-table page and a pack it names (hashed whole, as any chunk is).
  walk(m.packs);
  if (m.packs) add(packIndexPagePath(m.packs.index, 0));
  return { sample, indexes };
}

function isPagedTable(v: unknown): v is PagedTable {
  return (
    !!v &&
    typeof v === "object" &&
    typeof (v as PagedTable).prefix === "string" &&
    typeof (v as PagedTable).hashes === "string"
  );
}
