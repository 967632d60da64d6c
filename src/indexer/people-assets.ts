/**
 * The name authority: people named in the records, with spellings grouped.
 * Two names are one person when their variant keys agree (same first initial
 * and surname key), or when one record lists both and their surnames are one
 * edit apart ("Leon Helfland" / "Leon Helfand"); the commonest spelling is the
 * canonical name.
 */
import type { CatalogueRecord } from "../shared/record";
import { words } from "../shared/text/fold";
import { variantKey } from "../shared/text/variants";
import { editsWithin } from "../shared/text/typo";
import { shardOf } from "../shared/hash";
import type { AssetWriter } from "./content-hash";
import type { PersonEntry, PersonRecord } from "../shared/index-format";

export function slugOf(name: string): string {
  return words(name).join("-");
}

/** People per chunk; a `/api/people/:slug` read loads one chunk. */
const PEOPLE_PER_CHUNK = 200;

function nameKey(name: string): { first: string; surname: string } | null {
  const ws = words(name).filter((w) => /^\p{L}/u.test(w));
  if (!ws.length) return null;
  const surname = variantKey(ws.at(-1)!);
  return { first: ws.length > 1 ? ws[0]![0]! : "", surname };
}

/** The name authority's chunks, and every spelling's canonical slug where it is not its own (what typeahead merges by). */
export interface BuiltPeople {
  chunks: string[];
  canonical: Map<string, string>;
}

export function buildPeople(docs: CatalogueRecord[], out: AssetWriter): BuiltPeople {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let p = parent.get(x) ?? x;
    while (p !== (parent.get(p) ?? p)) p = parent.get(p)!;
    parent.set(x, p);
    return p;
  };
  const union = (a: string, b: string) => {
    const ra = find(a),
      rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };

  const forms = new Map<string, Map<string, number>>(); // slug → display form → count
  const recordsOf = new Map<string, Set<number>>();
  const byKey = new Map<string, string>();
  docs.forEach((r, doc) => {
    const named = r.people.map((p) => ({ p, slug: slugOf(p), key: nameKey(p) })).filter((x) => x.slug && x.key);
    for (const { p, slug, key } of named) {
      const f = forms.get(slug) ?? new Map<string, number>();
      f.set(p, (f.get(p) ?? 0) + 1);
      forms.set(slug, f);
      (recordsOf.get(slug) ?? recordsOf.set(slug, new Set()).get(slug)!).add(doc);
      const k = `${key!.first}|${key!.surname}`;
      if (byKey.has(k)) union(slug, byKey.get(k)!);
      else byKey.set(k, slug);
    }
    for (let i = 0; i < named.length; i++) {
      for (let j = i + 1; j < named.length; j++) {
        const a = named[i]!.key!,
          b = named[j]!.key!;
        const firstsAgree = !a.first || !b.first || a.first === b.first;
        if (firstsAgree && a.surname.length >= 4 && editsWithin(a.surname, b.surname, 1) <= 1)
          union(named[i]!.slug, named[j]!.slug);
      }
    }
  });

  const clusters = new Map<string, string[]>();
  for (const slug of forms.keys())
    (clusters.get(find(slug)) ?? clusters.set(find(slug), []).get(find(slug))!).push(slug);
  const people: PersonRecord[] = [];
  for (const slugs of clusters.values()) {
    const counts = new Map<string, number>();
    const docsOf = new Set<number>();
    for (const s of slugs) {
      for (const [form, c] of forms.get(s)!) counts.set(form, (counts.get(form) ?? 0) + c);
      for (const d of recordsOf.get(s)!) docsOf.add(d);
    }
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1));
    const name = ranked[0]![0];
    people.push({
      slug: slugOf(name),
      name,
      variants: ranked.slice(1).map((x) => x[0]),
      docs: [...docsOf].sort((a, b) => a - b),
    });
  }
  const chunkCount = Math.max(1, Math.ceil(people.length / PEOPLE_PER_CHUNK));
  const chunks: PersonEntry[][] = Array.from({ length: chunkCount }, () => []);
  // Canonical slugs first, so a spelling that is also someone's canonical name never hides them.
  const placed = new Set<string>();
  for (const person of people) {
    if (placed.has(person.slug)) continue;
    placed.add(person.slug);
    chunks[shardOf(person.slug, chunkCount)]!.push(person);
  }
  // Every other spelling's slug points at its person, so /api/people/leon-helfand finds Leon Helfland.
  const canonical = new Map<string, string>();
  for (const person of people) {
    for (const v of person.variants) {
      const slug = slugOf(v);
      if (placed.has(slug)) continue;
      placed.add(slug);
      chunks[shardOf(slug, chunkCount)]!.push({ slug, see: person.slug });
      canonical.set(slug, person.slug);
    }
  }
  return { chunks: chunks.map((c, i) => out.addJson("search/people", String(i), c)), canonical };
}
