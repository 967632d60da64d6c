/** Full-text search and typeahead. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { boundedInt, searchText, text } from "../params";
import { errorResponses, json } from "../openapi-common";
import { ApiError } from "../errors";
import { searchServiceFor } from "../app-env";
import { RULE_WEIGHTS, type MatchRule } from "../../shared/search-config";

const RULE_NAMES = Object.keys(RULE_WEIGHTS);
const RULES_LIST = new RegExp(`^(?:${RULE_NAMES.join("|")})(?:,(?:${RULE_NAMES.join("|")}))*$`);
import { SuggestService } from "../search/suggest-service";

export const searchRoutes = new OpenAPIHono<AppEnv>();

const year = (name: string) => z.string().regex(/^-?\d{1,4}$/, `${name} must be a year`).transform(Number).optional().openapi({ type: "integer", example: 1940 });
const flag = (name: string, fallback: boolean) => z.enum(["0", "1", "true", "false"], { message: `${name} must be 0, 1, true or false` }).optional()
  .transform((v) => (v === undefined ? fallback : v === "1" || v === "true")).openapi({ type: "boolean", default: fallback });

/** The search parameters; the search pages validate theirs with it too, so both have the same caps. */
export const SearchQuery = z.object({
  q: searchText("q").openapi({ example: "Besedovskiy Paris" }),
  limit: boundedInt("limit", 1, 100, 10),
  offset: boundedInt("offset", 0, 10_000, 0),
  series: z.union([z.string().max(64, "series is longer than 64 characters"), z.array(z.string().max(64, "series is longer than 64 characters")).max(20, "at most 20 series filters")]).optional()
    .transform((s) => (s === undefined ? [] : Array.isArray(s) ? s : [s])).openapi({ type: "array", items: { type: "string" } }),
  from: year("from"),
  to: year("to"),
  match: z.enum(["exact", "variants", "phonetic"], { message: "match must be exact, variants or phonetic" }).optional().transform((m) => m ?? "variants"),
  synonyms: flag("synonyms", true),
  explain: flag("explain", false),
  rules: z.string().max(128).regex(RULES_LIST, `rules must be a comma-separated list of ${RULE_NAMES.join(", ")}`)
    .optional().transform((r) => r?.split(",") as MatchRule[] | undefined)
    .openapi({ example: "exact,stem,variant", description: "Match rules to use; default all" }),
});

const Hit = z.object({
  id: z.string(), reference: z.string(), title: z.string(), coveringDates: z.string().nullable(),
  snippet: z.string().openapi({ description: "HTML-escaped excerpt; matched words wrapped in <mark>" }),
  score: z.number(),
  explain: z.object({ matched: z.number(), parts: z.array(z.object({ unit: z.string(), rule: z.string(), via: z.string(), score: z.number(), field: z.string().optional(), word: z.string().optional() })) }).optional(),
}).openapi("SearchHit");

searchRoutes.openapi(
  createRoute({
    method: "get", path: "/search", tags: ["search"],
    summary: "Ranked full-text search with name variants, synonyms and query understanding",
    request: { query: SearchQuery },
    responses: {
      200: json(z.object({
        query: z.object({ text: z.string() }).loose(),
        total: z.number(), hits: z.array(Hit),
        facets: z.object({ series: z.record(z.string(), z.number()), decade: z.record(z.string(), z.number()) }),
        tookMs: z.number(),
      }), "Ranked hits with facets"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const p = c.req.valid("query");
    if (p.from !== undefined && p.to !== undefined && p.from > p.to) throw new ApiError(400, "bad_request", `from: ${p.from} is after to ${p.to}`);
    const service = await searchServiceFor(c);
    const result = await service.search(p);
    // A partial answer (a shard down) is correct only now: caches must not keep it.
    if (result.partial) c.header("Cache-Control", "no-store");
    return c.json(result, 200);
  },
);

searchRoutes.openapi(
  createRoute({
    method: "get", path: "/suggest", tags: ["search"],
    summary: "Typeahead: people, references, titles and subjects by prefix",
    request: { query: z.object({ q: text("q").openapi({ example: "besed" }), limit: boundedInt("limit", 1, 20, 8) }) },
    responses: {
      200: json(z.object({ suggestions: z.array(z.object({ text: z.string(), kind: z.enum(["person", "reference", "title", "subject"]), id: z.string().optional(), slug: z.string().optional(), reference: z.string().optional() })) }), "Suggestions, best first"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { q, limit } = c.req.valid("query");
    return c.json({ suggestions: await new SuggestService(c.get("assets"), c.get("records")).suggest(q, limit) }, 200);
  },
);
