/**
 * The name authority: people named in the records, with spellings grouped.
 * Two names are one person when
 * - their surnames and first given names agree by variant key ("Grigoriy
 *   Besedovskiy" / "Grigory Bessedovsky"), or a one-word name agrees with
 *   another by variant key;
 * - one record lists both, their surnames are one edit apart and their given
 *   names agree ("Leon Helfland" / "Leon Helfand");
 * - their given names are nickname and full name of each other ("Bill" /
 *   "William") under one surname, and each is the other's only such match
 *   there (with "Fred Smith" also present, "Bill Smith" stays apart);
 * - one gives initials only ("J. B. Smithers", "Smithers, J.") and exactly
 *   one person of that surname has given names starting with them.
 * An initial alone never merges two full names: "Jane Smithers" and "John
 * Brian Smithers" stay two people. The commonest spelling is the canonical name.
 */
import type { CatalogueRecord } from "../shared/record";
import { words } from "../shared/text/fold";
import { variantKey } from "../shared/text/variants";
import { memoised } from "../shared/text/memo";
import { editsWithin } from "../shared/text/typo";
import { nicknamesOf } from "../shared/text/names";
import { shardOf } from "../shared/hash";
import type { AssetWriter } from "./content-hash";
import { encodePeopleChunk, type PersonEntry, type PersonRecord } from "../shared/index-format";

export function slugOf(name: string): string {
  return words(name).join("-");
}

/** People per chunk; a `/api/people/:slug` read loads one chunk. */
const PEOPLE_PER_CHUNK = 200;

/** Variant keys of name words, remembered: a catalogue repeats its given names and surnames thousands of times. */
const vkey = memoised(variantKey, 200_000);

/** A personal name as the authority compares it. */
interface NameParts {
  /** Variant key of the surname. */
  surname: string;
  /** Folded given names, initials as single letters, in order. */
  given: string[];
  /** True when every given name is an initial ("J. B. Smithers"). */
  initialsOnly: boolean;
}

/** Generational suffixes after a surname: never the surname themselves. */
const SUFFIXES = new Set(["jr", "sr", "junior", "senior", "ii", "iii", "iv"]);

/** Splits a name into surname and given names: "Smithers, J. B." surname first, otherwise the surname last. */
export function nameParts(name: string): NameParts | null {
  const comma = name.indexOf(",");
  let ws: string[];
  let surname: string | undefined;
  if (comma > 0 && words(name.slice(0, comma)).length) {
    const before = words(name.slice(0, comma)).filter((w) => /^\p{L}/u.test(w) && !SUFFIXES.has(w));
    surname = before.at(-1);
    ws = words(name.slice(comma + 1)).filter((w) => /^\p{L}/u.test(w) && !SUFFIXES.has(w));
  } else {
    const all = words(name).filter((w) => /^\p{L}/u.test(w));
    // "William F. Roemer Jr.": the surname is before the generational suffix.
    while (all.length > 1 && SUFFIXES.has(all.at(-1)!)) all.pop();
    surname = all.at(-1);
    ws = all.slice(0, -1);
  }
  if (!surname) return null;
  return { surname: vkey(surname), given: ws, initialsOnly: ws.length > 0 && ws.every((w) => w.length === 1) };
}

/** Whether two first given names agree: by variant key, or as nickname and full name of each other. */
function givenAgree(a: string, b: string): boolean {
  return vkey(a) === vkey(b) || nicknamesOf(a).includes(b) || nicknamesOf(b).includes(a);
}

/** Whether initials ("j", "b") begin the given names of a fuller name, in order. */
function initialsFit(initials: string[], given: string[]): boolean {
  return initials.length <= given.length && initials.every((l, i) => given[i]![0] === l);
}

/**
 * A spelling (a slug) as the authority gathers it: its name parts (as its last occurrence gave them), its display
 * forms in order of first sight with their counts, and its docs, ascending, each once. One object with arrays a
 * spelling, not three maps' entries and a Map and a Set of its own: a million records name about as many spellings.
 */
export interface Spelling {
  parts: NameParts;
  forms: string[];
  counts: number[];
  docs: number[];
}

/** Groups the spellings of each person: every slug → the slug of its group's representative. */
export function clusterPeople(peopleOf: Iterable<readonly string[]>): {
  find: (slug: string) => string;
  /** Every spelling by slug, in order of first sight. */
  spellings: Map<string, Spelling>;
} {
  const parent = new Map<string, string>();
  // Every name on the way to the root is pointed at it (full path compression): the groups, and so each root, are
  // what compressing only the name asked for gave, but a long chain is walked once, not at every later find.
  const find = (x: string): string => {
    let root = x;
    for (let up = parent.get(root); up !== undefined && up !== root; up = parent.get(root)) root = up;
    for (let at = x; at !== root; ) {
      const next = parent.get(at)!;
      parent.set(at, root);
      at = next;
    }
    return root;
  };
  const union = (a: string, b: string) => {
    const ra = find(a),
      rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };

  const spellings = new Map<string, Spelling>();
  const byKey = new Map<string, string>();
  // Each spelling parsed once: catalogues repeat a person's name across their files.
  const parsed = new Map<string, { p: string; slug: string; parts: NameParts | null }>();
  const parse = (p: string) => {
    let x = parsed.get(p);
    if (!x) parsed.set(p, (x = { p, slug: slugOf(p), parts: nameParts(p) }));
    return x;
  };
  // Read a doc at a time, not held: only the distinct spellings stay.
  let doc = -1;
  for (const names of peopleOf) {
    doc++;
    const named = names.map(parse).filter((x) => x.slug && x.parts);
    for (const { p, slug, parts } of named) {
      const seen = spellings.get(slug);
      if (!seen) spellings.set(slug, { parts: parts!, forms: [p], counts: [1], docs: [doc] });
      else {
        const f = seen.forms.indexOf(p);
        if (f >= 0) seen.counts[f]!++;
        else {
          seen.forms.push(p);
          seen.counts.push(1);
        }
        // Docs come in order: a repeat is the last one pushed.
        if (seen.docs[seen.docs.length - 1] !== doc) seen.docs.push(doc);
        seen.parts = parts!;
      }
      // Initials alone are attached below, only where they point at one person.
      if (parts!.initialsOnly) continue;
      const k = `${parts!.given.length ? vkey(parts!.given[0]!) : ""}|${parts!.surname}`;
      if (byKey.has(k)) union(slug, byKey.get(k)!);
      else byKey.set(k, slug);
    }
    // One record listing two spellings: surnames one edit apart, given names agreeing (or absent on one side).
    for (let i = 0; i < named.length; i++) {
      for (let j = i + 1; j < named.length; j++) {
        const a = named[i]!.parts!,
          b = named[j]!.parts!;
        const ga = a.given[0],
          gb = b.given[0];
        const givenOk = !ga || !gb || (a.initialsOnly || b.initialsOnly ? ga[0] === gb[0] : givenAgree(ga, gb));
        if (givenOk && a.surname.length >= 4 && editsWithin(a.surname, b.surname, 1) <= 1)
          union(named[i]!.slug, named[j]!.slug);
      }
    }
  }
  // Only the docs' loop asks it.
  parsed.clear();

  // Names by surname key, for the nickname and initials rules (each compares groups formed so far). Work is per
  // group and per distinct given name, not per pair of spellings: a common surname has hundreds of spellings.
  const bySurname = new Map<string, string[]>();
  const partsOf = { get: (slug: string) => spellings.get(slug)?.parts };
  for (const [slug, { parts }] of spellings)
    (bySurname.get(parts.surname) ?? bySurname.set(parts.surname, []).get(parts.surname)!).push(slug);
  const links: Array<[string, string]> = [];
  for (const slugs of bySurname.values()) {
    if (slugs.length < 2) continue;
    const full = slugs.filter((s) => partsOf.get(s)!.given.length && !partsOf.get(s)!.initialsOnly);
    // Groups by each first given name and by its variant key; and each group's first given names.
    const groupsBy = new Map<string, Set<string>>();
    const givenOf = new Map<string, Set<string>>();
    for (const t of full) {
      const g = partsOf.get(t)!.given[0]!;
      const root = find(t);
      for (const k of [g, `~${vkey(g)}`]) (groupsBy.get(k) ?? groupsBy.set(k, new Set()).get(k)!).add(root);
      (givenOf.get(root) ?? givenOf.set(root, new Set()).get(root)!).add(g);
    }
    // Nickname and full name: each group's only nickname-related group under this surname, both ways.
    const relatedOf = new Map<string, Set<string>>();
    for (const [root, givens] of givenOf) {
      const rel = new Set<string>();
      for (const g of givens)
        for (const k of [`~${vkey(g)}`, ...nicknamesOf(g)])
          for (const other of groupsBy.get(k) ?? []) if (other !== root) rel.add(other);
      relatedOf.set(root, rel);
    }
    for (const [group, rel] of relatedOf) {
      if (rel.size !== 1) continue;
      const other = [...rel][0]!;
      const back = relatedOf.get(other);
      if (back?.size === 1 && back.has(group) && group < other) links.push([group, other]);
    }
    // Initials: attached to the one group whose given names they begin, if there is exactly one.
    const initialsOnly = slugs.filter((s) => partsOf.get(s)!.initialsOnly);
    if (!initialsOnly.length) continue;
    for (const s of initialsOnly) {
      const given = partsOf.get(s)!.given;
      const fits = new Set(full.filter((t) => initialsFit(given, partsOf.get(t)!.given)).map((t) => find(t)));
      if (fits.size === 1) links.push([s, [...fits][0]!]);
    }
  }
  for (const [a, b] of links) union(a, b);
  return { find, spellings };
}

/** The name authority's chunks, and every spelling's canonical slug where it is not its own (what typeahead merges by). */
export interface BuiltPeople {
  chunks: string[];
  canonical: Map<string, string>;
}

/**
 * Every spelling, and the slugs of each person's spellings by its representative. The union-find's map is not
 * returned, so it goes before the people are made (the name authority was the peak of the record passes at a million
 * records).
 */
function groupSpellings(docs: Iterable<Pick<CatalogueRecord, "people">>): {
  spellings: Map<string, Spelling>;
  clusters: Map<string, string[]>;
} {
  const { find, spellings } = clusterPeople(
    (function* () {
      for (const r of docs) yield r.people;
    })(),
  );
  const clusters = new Map<string, string[]>();
  for (const slug of spellings.keys()) {
    const root = find(slug);
    const group = clusters.get(root);
    if (group) group.push(slug);
    else clusters.set(root, [slug]);
  }
  return { spellings, clusters };
}

export function buildPeople(docs: Iterable<Pick<CatalogueRecord, "people">>, out: AssetWriter): BuiltPeople {
  const { spellings, clusters } = groupSpellings(docs);
  const people: PersonRecord[] = [];
  for (const slugs of clusters.values()) {
    const counts = new Map<string, number>();
    let docs: number[];
    if (slugs.length === 1) {
      // One spelling: its docs are ascending and distinct already.
      const one = spellings.get(slugs[0]!)!;
      one.forms.forEach((form, f) => {
        counts.set(form, (counts.get(form) ?? 0) + one.counts[f]!);
      });
      docs = one.docs;
    } else {
      const docsOf = new Set<number>();
      for (const s of slugs) {
        const { forms, counts: times, docs } = spellings.get(s)!;
        forms.forEach((form, f) => {
          counts.set(form, (counts.get(form) ?? 0) + times[f]!);
        });
        for (const d of docs) docsOf.add(d);
      }
      docs = [...docsOf].sort((a, b) => a - b);
    }
    // Each spelling goes once its person is made: the spellings and the people are never all held at once.
    for (const s of slugs) spellings.delete(s);
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1));
    const name = ranked[0]![0];
    people.push({
      slug: slugOf(name),
      name,
      variants: ranked.slice(1).map((x) => x[0]),
      docs,
    });
  }
  clusters.clear();
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
  return { chunks: chunks.map((c, i) => out.addJson("search/people", String(i), encodePeopleChunk(c))), canonical };
}
