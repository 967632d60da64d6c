/**
 * Compares Dossier's Discovery-compatible answers with stored Discovery
 * responses: field by field for the fields Dossier keeps, and the same JSON
 * type for every field Discovery sends (the types a field takes across the
 * stored responses, e.g. documentType is a string or null).
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export interface StoredResult {
  series: string;
  record: Record<string, Json>;
  details: Record<string, Json>;
}

export function jsonType(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/**
 * For each field, the JSON types it takes across the stored objects; nested
 * objects under `a.b`, objects in lists under `a[].b`. `required` holds the
 * top-level fields every stored object has (a few details carry startDate).
 */
export function typeSets(objects: Array<Record<string, Json>>): Map<string, Set<string>> & { required: Set<string> } {
  const out = Object.assign(new Map<string, Set<string>>(), {
    required: new Set(objects.length ? Object.keys(objects[0]!).filter((k) => objects.every((o) => k in o)) : []),
  });
  const add = (path: string, v: Json) => {
    (out.get(path) ?? out.set(path, new Set()).get(path)!).add(jsonType(v));
    if (v && typeof v === "object" && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) add(`${path}.${k}`, x);
    if (Array.isArray(v))
      for (const x of v)
        if (x && typeof x === "object" && !Array.isArray(x))
          for (const [k, y] of Object.entries(x)) add(`${path}[].${k}`, y);
  };
  for (const o of objects) for (const [k, v] of Object.entries(o)) add(k, v);
  return out;
}

/** Fields of `ours` whose JSON type Discovery never uses for that field; and fields Discovery has that ours lacks. */
export function typeMismatches(ours: Record<string, unknown>, types: ReturnType<typeof typeSets>): string[] {
  const bad: string[] = [];
  const get = (path: string): unknown[] => {
    let cur: unknown[] = [ours];
    for (const part of path.split(".")) {
      const arr = part.endsWith("[]");
      const key = arr ? part.slice(0, -2) : part;
      cur = cur.flatMap((o) => (o && typeof o === "object" && key in o ? [(o as Record<string, unknown>)[key]] : []));
      if (arr) cur = cur.flatMap((x) => (Array.isArray(x) ? x : []));
    }
    return cur;
  };
  for (const [path, allowed] of types) {
    const values = get(path);
    if (types.required.has(path) && values.length === 0) {
      bad.push(`${path}: missing`);
      continue;
    }
    for (const v of values)
      if (!allowed.has(jsonType(v))) bad.push(`${path}: ${jsonType(v)}, Discovery sends ${[...allowed].join("|")}`);
  }
  return bad;
}

/**
 * Visible text of Discovery's markup, for comparing: the "Scope and Content"
 * heading and tags out, entities decoded, a final full stop dropped, and no
 * whitespace at all (Discovery's search text spaces "( WO )" where its
 * details markup has "(<ref>WO</ref>)").
 */
export function text(v: unknown): string {
  return (
    String(v ?? "")
      .replace(/<head>[^<]*<\/head>/g, " ")
      .replace(/<emph altrender="doctype">[^<]*<\/emph>/g, "")
      .replace(/<[^>]+>/g, " ")
      .replace(/&amp;/g, "&")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
      .replace(/\s+/g, " ")
      .trim()
      .replace(/\.$/, "")
      .replace(/\s+/g, "")
      // Dossier's ingest repairs Windows-1252 quotes that arrived as C1 controls (O\x92Donnell → O’Donnell).
      .replace(/[\u0080-\u009f\u2018\u2019\u201c\u201d]/g, "")
  );
}

const sorted = (xs: unknown) => [...((xs as string[]) ?? [])].sort();

/** Search-record fields Dossier keeps, and how to compare each. */
export const SEARCH_FIELDS_COMPARED: Record<string, (d: Json, o: unknown) => boolean> = {
  id: (d, o) => d === o,
  reference: (d, o) => d === o,
  coveringDates: (d, o) => d === o,
  startDate: (d, o) => d === o,
  endDate: (d, o) => d === o,
  numStartDate: (d, o) => d === o,
  numEndDate: (d, o) => d === o,
  heldBy: (d, o) => JSON.stringify(d) === JSON.stringify(o),
  department: (d, o) => d === o,
  corpBodies: (d, o) => JSON.stringify(sorted(d)) === JSON.stringify(sorted(o)),
  // Dossier keeps one place list: the search record's places and the details' placeNames together.
  places: (d, o) => sorted(d).every((p) => (o as string[]).includes(p)),
  catalogueLevel: (d, o) => d === o,
  closureStatus: (d, o) => d === o,
  description: (d, o) => text(d) === text(o),
};

export const DETAILS_FIELDS_COMPARED: Record<string, (d: Json, o: unknown) => boolean> = {
  id: (d, o) => d === o,
  citableReference: (d, o) => d === o,
  coveringDates: (d, o) => d === o,
  coveringFromDate: (d, o) => d === o,
  coveringToDate: (d, o) => d === o,
  catalogueLevel: (d, o) => d === o,
  closureStatus: (d, o) => d === o,
  digitised: (d, o) => d === o,
  parentId: (d, o) => d === o,
  // Discovery's details title is null for an item whose title it derives from the description (the search
  // record carries that one); Dossier keeps a single title, so null or the search record's title both match.
  title: (d, o) => (d === null ? true : text(d) === text(o)),
  note: (d, o) => text(d) === text(o),
  people: (d, o) => JSON.stringify(sorted(d)) === JSON.stringify(sorted(o)),
  corporateNames: (d, o) => sorted(d).every((p) => (o as string[]).includes(p)),
  subjects: (d, o) => JSON.stringify(sorted(d)) === JSON.stringify(sorted(o)),
  scopeContent: (d, o) =>
    text((d as Record<string, Json>).description) === text((o as Record<string, unknown>).description),
  // An empty details heldBy is filled from the search record's (Dossier keeps one list), so only a non-empty one is
  // compared.
  heldBy: (d, o) =>
    (d as Json[]).length === 0 ||
    JSON.stringify((d as Array<Record<string, Json>>).map((h) => h.xReferenceName)) ===
      JSON.stringify((o as Array<Record<string, unknown>>).map((h) => h.xReferenceName)),
};

/** The fields whose values differ, as `field: Discovery … / Dossier …`. */
export function valueMismatches(
  stored: Record<string, Json>,
  ours: Record<string, unknown>,
  compared: Record<string, (d: Json, o: unknown) => boolean>,
): string[] {
  return Object.entries(compared)
    .filter(([k, same]) => k in stored && !same(stored[k]!, ours[k]))
    .map(([k]) => {
      // Text fields are shown as compared (visible text), the rest as JSON.
      const shown = (v: unknown) =>
        k === "scopeContent"
          ? text((v as Record<string, unknown>).description)
          : k === "description" || k === "note"
            ? text(v)
            : JSON.stringify(v);
      const a = shown(stored[k]),
        b = shown(ours[k]);
      let at = 0;
      while (at < a.length && a[at] === b[at]) at++;
      const from = Math.max(0, at - 40);
      return `${k}: Discovery …${a.slice(from, at + 80)} / Dossier …${b.slice(from, at + 80)}`;
    });
}
