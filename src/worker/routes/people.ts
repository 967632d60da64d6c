/** The name authority: people named in the records, with their spellings and files. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { searchServiceFor, type AppContext, type AppEnv } from "../app-env";
import { STOPWORDS, words } from "../../shared/text/fold";
import { nameWordMatches } from "../../shared/text/names";
import { ApiError } from "../errors";
import { boundedInt, text } from "../params";
import { errorResponses, json } from "../openapi-common";
import { decodePeopleChunk, type PersonRecord as Person } from "../../shared/index-format";
import { SuggestService } from "../search/suggest-service";
import { peopleChunkPath, searchMeta } from "../search/search-index";
import type { AssetStore } from "../asset-store";
import type { RecordStore } from "../record-store";

export const peopleRoutes = new OpenAPIHono<AppEnv>();

/** Files listed per person; `total` says how many there are in all. */
const RECORDS_PER_PERSON = 200;

const PersonSchema = z
  .object({
    slug: z.string(),
    name: z.string(),
    variants: z.array(z.string()),
    total: z.number(),
    records: z.array(z.object({ id: z.string(), reference: z.string(), title: z.string() })),
  })
  .openapi("Person");

/** Hits of a name search read for people: at most this many. */
const PEOPLE_SEARCH_HITS = 30;

/** Slugs of the people in the best search hits for `q` (as `person:`) whose names match every query word. */
async function peopleBySearch(c: AppContext, q: string): Promise<string[]> {
  const qWords = words(q).filter((w) => !STOPWORDS.has(w) || w.length === 1);
  if (!qWords.length) return [];
  const service = await searchServiceFor(c);
  const result = await service.search({
    q: `person:"${q.replace(/"/g, " ")}"`,
    limit: PEOPLE_SEARCH_HITS,
    offset: 0,
    series: [],
    match: "variants",
    synonyms: false,
    explain: false,
  });
  const records = await Promise.all(result.hits.map((h) => c.get("records").get(h.id)));
  const slugs: string[] = [];
  for (const r of records) {
    for (const name of r?.people ?? []) {
      const nameWords = words(name);
      if (!qWords.every((w) => nameWords.some((x) => nameWordMatches(w, x)))) continue;
      const slug = nameWords.join("-");
      if (!slugs.includes(slug)) slugs.push(slug);
    }
  }
  return slugs;
}

async function present(records: RecordStore, p: Person) {
  const shown = await records.byDocs(p.docs.slice(0, RECORDS_PER_PERSON));
  return {
    slug: p.slug,
    name: p.name,
    variants: p.variants,
    total: p.docs.length,
    records: shown.map((r) => ({ id: r.id, reference: r.reference, title: r.title })),
  };
}

/** The person filed under a slug, following a spelling's pointer to its canonical entry. */
async function personBySlug(assets: AssetStore, slug: string): Promise<Person | null> {
  const meta = await searchMeta(assets);
  const read = async (s: string) => {
    const path = await peopleChunkPath(assets, meta, s);
    return path ? ((await assets.json(path, decodePeopleChunk)).get(s) ?? null) : null;
  };
  const entry = await read(slug);
  if (!entry) return null;
  if ("see" in entry) {
    const target = await read(entry.see);
    return target && "docs" in target ? target : null;
  }
  return entry;
}

peopleRoutes.openapi(
  createRoute({
    method: "get",
    path: "/people",
    tags: ["people"],
    summary: "Find people by name, in any spelling the records use",
    request: {
      query: z.object({ q: text("q").openapi({ example: "helfand" }), limit: boundedInt("limit", 1, 50, 10) }),
    },
    responses: { 200: json(z.object({ people: z.array(PersonSchema) }), "Matching people"), ...errorResponses },
  }),
  async (c) => {
    const { q, limit } = c.req.valid("query");
    const found = await new SuggestService(c.get("assets")).suggest(q, limit * 3, new Set(["person"]));
    const people: Person[] = [];
    const seen = new Set<string>();
    for (const s of found) {
      const p = s.slug ? await personBySlug(c.get("assets"), s.slug) : null;
      if (p && !seen.has(p.name)) {
        seen.add(p.name);
        people.push(p);
      }
      if (people.length >= limit) break;
    }
    if (people.length < limit) {
      // Names typed as people write them ("besedovsky", "Gelfand", "Bill Smith") are found by search's own
      // name rules; the people named in its best hits whose names match the query word for word are the answer.
      for (const slug of await peopleBySearch(c, q)) {
        const p = await personBySlug(c.get("assets"), slug);
        if (p && !seen.has(p.name)) {
          seen.add(p.name);
          people.push(p);
        }
        if (people.length >= limit) break;
      }
    }
    return c.json({ people: await Promise.all(people.map((p) => present(c.get("records"), p))) }, 200);
  },
);

peopleRoutes.openapi(
  createRoute({
    method: "get",
    path: "/people/{slug}",
    tags: ["people"],
    summary: "One person: canonical name, variants and files",
    request: {
      params: z.object({
        slug: text("slug")
          .regex(/^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*$/u, "slug must be words joined by '-'")
          .openapi({ param: { name: "slug", in: "path" }, example: "leon-helfland" }),
      }),
    },
    responses: { 200: json(z.object({ person: PersonSchema }), "The person"), ...errorResponses },
  }),
  async (c) => {
    const { slug } = c.req.valid("param");
    const p = await personBySlug(c.get("assets"), slug.toLowerCase());
    if (!p) throw new ApiError(404, "not_found", `people: nobody is filed under "${slug}"`);
    return c.json({ person: await present(c.get("records"), p) }, 200);
  },
);
