/** Full-text search and typeahead. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { boundedInt, searchText, text } from "../params";
import { errorResponses, json } from "../openapi-common";
import { ApiError } from "../errors";
import { searchServiceFor } from "../app-env";
import { RULE_WEIGHTS, type MatchRule } from "../../shared/search-config";
import { SearchAnswerSchema, SuggestAnswerSchema } from "../../shared/api-schemas";

const RULE_NAMES = Object.keys(RULE_WEIGHTS);
const RULES_LIST = new RegExp(`^(?:${RULE_NAMES.join("|")})(?:,(?:${RULE_NAMES.join("|")}))*$`);
import { SuggestService } from "../search/suggest-service";
import { bodyEtag } from "../cache/body-etag";
import { HIT_FIELDS, fieldsParam, parseFields } from "../lean/field-selection";
import { MAX_CURSOR_DEPTH, decodeCursor, encodeCursor, queryFingerprint } from "../lean/search-cursor";
import { shapeSearchAnswer } from "../lean/search-shape";
import { totalValue } from "../lean/search-total";
import type { SearchRequest } from "../search/search-service";

export const searchRoutes = new OpenAPIHono<AppEnv>();

const year = (name: string) =>
  z
    .string()
    .regex(/^-?\d{1,4}$/, `${name} must be a year`)
    .transform(Number)
    .optional()
    .openapi({ type: "integer", example: 1940 });
const flag = (name: string, fallback: boolean) =>
  z
    .enum(["0", "1", "true", "false"], { message: `${name} must be 0, 1, true or false` })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "1" || v === "true"))
    .openapi({ type: "boolean", default: fallback });

/** The search parameters; the search pages validate theirs with it too, so both have the same caps. */
const heldByValue = z.string().max(128, "heldBy is longer than 128 characters");

export const SearchQuery = z.object({
  q: searchText("q").openapi({ example: "Besedovskiy Paris" }),
  limit: boundedInt("limit", 1, 100, 10),
  offset: boundedInt("offset", 0, 10_000, 0),
  series: z
    .union([
      z.string().max(64, "series is longer than 64 characters"),
      z.array(z.string().max(64, "series is longer than 64 characters")).max(20, "at most 20 series filters"),
    ])
    .optional()
    .transform((s) => (s === undefined ? [] : Array.isArray(s) ? s : [s]))
    .openapi({ type: "array", items: { type: "string" } }),
  heldBy: z
    .union([heldByValue, z.array(heldByValue).max(10, "at most 10 heldBy filters")])
    .optional()
    .transform((s) => (s === undefined ? [] : Array.isArray(s) ? s : [s]))
    .openapi({
      type: "array",
      items: { type: "string" },
      description: "Archives holding the records, e.g. `National Archives of Australia`",
    }),
  from: year("from"),
  to: year("to"),
  match: z
    .enum(["exact", "variants", "phonetic"], { message: "match must be exact, variants or phonetic" })
    .optional()
    .transform((m) => m ?? "variants"),
  synonyms: flag("synonyms", true),
  explain: flag("explain", false),
  collapse: flag("collapse", true).openapi({
    description:
      "Show a file of several volumes once: its best-matching volume, with `volumes` (how many the file has) and " +
      "`volumeIds`; collapse=0 lists every volume as its own hit. `total` counts records either way",
  }),
  exact: flag("exact", false).openapi({
    description: "Count every match: an exact total and facets over all hits, at the cost of speed",
  }),
  rules: z
    .string()
    .max(128)
    .regex(RULES_LIST, `rules must be a comma-separated list of ${RULE_NAMES.join(", ")}`)
    .optional()
    .transform((r) => r?.split(",") as MatchRule[] | undefined)
    .openapi({ example: "exact,stem,variant", description: "Match rules to use; default all" }),
  sort: z
    .enum(["relevance", "date", "-date", "reference"], { message: "sort must be relevance, date, -date or reference" })
    .optional()
    .transform((s) => s ?? "relevance")
    .openapi({
      description:
        "relevance (default); date, oldest first; -date, newest first; reference, catalogue order. " +
        "Date and reference sorts order the best 10,000 matches by relevance; undated records come last.",
    }),
});

/** What decides a ranked list; a cursor is valid only for the same values. */
export function rankedListKey(
  p: Pick<SearchRequest, "q" | "series" | "from" | "to" | "match" | "synonyms" | "rules" | "sort" | "collapse">,
): string {
  return queryFingerprint({
    ...(p.collapse === false ? { collapse: false } : {}),
    q: p.q,
    series: [...p.series].sort(),
    from: p.from,
    to: p.to,
    match: p.match,
    synonyms: p.synonyms,
    rules: p.rules,
    sort: p.sort,
  });
}

const LeanQuery = z.object({
  fields: fieldsParam(HIT_FIELDS),
  compact: flag("compact", false).openapi({
    description: "Leave out snippet, explain, query echo and facets unless asked for (fields=, explain=1, include=)",
  }),
  include: z
    .string()
    .regex(/^(?:query|facets)(?:,(?:query|facets))*$/, "include must be a comma-separated list of query, facets")
    .optional()
    .openapi({ description: "With compact=1: top-level parts to keep", example: "facets" }),
  cursor: z
    .string()
    .max(512, "cursor is longer than 512 characters")
    .optional()
    .openapi({
      description:
        `nextCursor of a previous answer: pages past offset's limit (to ` +
        `${MAX_CURSOR_DEPTH.toLocaleString("en")}); 400 cursor_expired after a rebuild`,
    }),
});

searchRoutes.openapi(
  createRoute({
    method: "get",
    path: "/search",
    tags: ["search"],
    summary: "Ranked full-text search with name variants, synonyms and query understanding",
    request: { query: SearchQuery.extend(LeanQuery.shape) },
    responses: {
      200: json(SearchAnswerSchema, "Ranked hits with facets"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const p = c.req.valid("query");
    if (p.from !== undefined && p.to !== undefined && p.from > p.to)
      throw new ApiError(400, "bad_request", `from: ${p.from} is after to ${p.to}`);
    const fields = parseFields(p.fields, HIT_FIELDS);
    const version = (await c.get("assets").manifest()).version;
    const listKey = rankedListKey(p);
    let offset = p.offset;
    if (p.cursor !== undefined) {
      if (c.req.query("offset") !== undefined)
        throw new ApiError(400, "bad_request", "cursor: give either offset or cursor, not both");
      offset = decodeCursor(p.cursor, version, listKey);
    }
    const service = await searchServiceFor(c);
    const result = await service.search({ ...p, offset });
    // A partial answer (a shard down) is correct only now: caches must not keep it.
    if (result.partial) c.header("Cache-Control", "no-store");
    const next = offset + p.limit;
    const nextCursor =
      next < (result.files?.relation === "eq" ? result.files.value : totalValue(result.total)) &&
      next <= MAX_CURSOR_DEPTH
        ? encodeCursor({ version, offset: next, query: listKey })
        : null;
    const lean = {
      ...(fields ? { fields } : {}),
      compact: p.compact,
      include: new Set(p.include?.split(",") ?? []),
      explain: p.explain,
    };
    return c.json((await shapeSearchAnswer(result, lean, c.get("records"), nextCursor)) as never, 200);
  },
);

searchRoutes.openapi(
  createRoute({
    method: "get",
    path: "/suggest",
    tags: ["search"],
    summary: "Typeahead: people, references, titles and subjects by prefix",
    request: { query: z.object({ q: text("q").openapi({ example: "besed" }), limit: boundedInt("limit", 1, 20, 8) }) },
    responses: {
      200: json(SuggestAnswerSchema, "Suggestions, best first"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { q, limit } = c.req.valid("query");
    const answer = { suggestions: await new SuggestService(c.get("assets")).suggest(q, limit) };
    // Tagged here, from the text c.json writes, so `revalidation` does not re-read and digest the body.
    return c.json(answer, 200, { etag: bodyEtag(JSON.stringify(answer)) });
  },
);
