/** The name authority: people named in the records, with their spellings and files. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";
import { boundedInt, text } from "../params";
import { errorResponses, json } from "../openapi-common";
import { shardOf } from "../../shared/hash";
import type { SearchManifest } from "../../shared/search-config";
import { SuggestService } from "../search/suggest-service";

export const peopleRoutes = new OpenAPIHono<AppEnv>();

interface PersonEntry { slug: string; name: string; variants: string[]; records: Array<[string, string, string]> }

const Person = z.object({
  slug: z.string(), name: z.string(), variants: z.array(z.string()),
  records: z.array(z.object({ id: z.string(), reference: z.string(), title: z.string() })),
}).openapi("Person");

function present(p: PersonEntry) {
  return { slug: p.slug, name: p.name, variants: p.variants, records: p.records.map(([id, reference, title]) => ({ id, reference, title })) };
}

async function personBySlug(c: { get(k: "assets"): import("../asset-store").AssetStore }, slug: string): Promise<PersonEntry | null> {
  const assets = c.get("assets");
  const meta = (await assets.manifest()).search as SearchManifest;
  const chunk = await assets.json<PersonEntry[]>(meta.people[shardOf(slug, meta.people.length)]!);
  return chunk.find((p) => p.slug === slug) ?? null;
}

peopleRoutes.openapi(
  createRoute({
    method: "get", path: "/people", tags: ["people"], summary: "Find people by name, in any spelling the records use",
    request: { query: z.object({ q: text("q").openapi({ example: "helfand" }), limit: boundedInt("limit", 1, 50, 10) }) },
    responses: { 200: json(z.object({ people: z.array(Person) }), "Matching people"), ...errorResponses },
  }),
  async (c) => {
    const { q, limit } = c.req.valid("query");
    const found = await new SuggestService(c.get("assets")).suggest(q, limit * 3, new Set(["person"]));
    const people: PersonEntry[] = [];
    const seen = new Set<string>();
    for (const s of found) {
      const p = s.slug ? await personBySlug(c, s.slug) : null;
      if (p && !seen.has(p.name)) { seen.add(p.name); people.push(p); }
      if (people.length >= limit) break;
    }
    return c.json({ people: people.map(present) }, 200);
  },
);

peopleRoutes.openapi(
  createRoute({
    method: "get", path: "/people/{slug}", tags: ["people"], summary: "One person: canonical name, variants and files",
    request: { params: z.object({ slug: text("slug").regex(/^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*$/u, "slug must be words joined by '-'").openapi({ param: { name: "slug", in: "path" }, example: "leon-helfland" }) }) },
    responses: { 200: json(z.object({ person: Person }), "The person"), ...errorResponses },
  }),
  async (c) => {
    const { slug } = c.req.valid("param");
    const p = await personBySlug(c, slug.toLowerCase());
    if (!p) throw new ApiError(404, "not_found", `people: nobody is filed under "${slug}"`);
    return c.json({ person: present(p) }, 200);
  },
);
