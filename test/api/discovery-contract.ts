/**
 * Compares Dossier's Discovery-compatible answers with stored Discovery
 * responses: field by field for the fields Dossier keeps, and the same JSON
 * type for every field Discovery sends (the types a field takes across the
 * stored responses, e.g. documentType is a string or null).
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export interface StoredResult { series: string; record: Record<string, Json>; details: Record<string, Json> }

export function jsonType(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/** For each field, the JSON types it takes across the stored objects; nested objects under `a.b`. */
export function typeSets(objects: Array<Record<string, Json>>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (path: string, v: Json) => {
    (out.get(path) ?? out.set(path, new Set()).get(path)!).add(jsonType(v));
    if (v && typeof v === "object" && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) add(`${path}.${k}`, x);
    if (Array.isArray(v)) for (const x of v) if (x && typeof x === "object" && !Array.isArray(x)) for (const [k, y] of Object.entries(x)) add(`${path}[].${k}`, y);
  };
  for (const o of objects) for (const [k, v] of Object.entries(o)) add(k, v);
  return out;
}

/** Fields of `ours` whose JSON type Discovery never uses for that field; and fields Discovery has that ours lacks. */
export function typeMismatches(ours: Record<string, unknown>, types: Map<string, Set<string>>): string[] {
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
    const top = !path.includes(".");
    const values = get(path);
    if (top && values.length === 0) { bad.push(`${path}: missing`); continue; }
    for (const v of values) if (!allowed.has(jsonType(v))) bad.push(`${path}: ${jsonType(v)}, Discovery sends ${[...allowed].join("|")}`);
  }
  return bad;
}

/** Visible text of Discovery's markup: tags out, entities decoded, spaces collapsed, a final full stop dropped. */
export function text(v: unknown): string {
  return String(v ?? "").replace(/<[^>]+>/g, " ").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&quot;/g, "\"").replace(/&#39;/g, "'").replace(/\s+/g, " ").trim().replace(/\.$/, "");
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
  title: (d, o) => d === o,
  note: (d, o) => text(d) === text(o),
  people: (d, o) => JSON.stringify(sorted(d)) === JSON.stringify(sorted(o)),
  corporateNames: (d, o) => sorted(d).every((p) => (o as string[]).includes(p)),
  subjects: (d, o) => JSON.stringify(sorted(d)) === JSON.stringify(sorted(o)),
  scopeContent: (d, o) => text((d as Record<string, Json>).description) === text((o as Record<string, unknown>).description),
  heldBy: (d, o) => JSON.stringify((d as Array<Record<string, Json>>).map((h) => h.xReferenceName)) === JSON.stringify((o as Array<Record<string, unknown>>).map((h) => h.xReferenceName)),
};

/** The fields whose values differ, as `field: Discovery … / Dossier …`. */
export function valueMismatches(stored: Record<string, Json>, ours: Record<string, unknown>, compared: Record<string, (d: Json, o: unknown) => boolean>): string[] {
  return Object.entries(compared).filter(([k, same]) => k in stored && !same(stored[k]!, ours[k]))
    .map(([k]) => `${k}: Discovery ${JSON.stringify(stored[k]).slice(0, 120)} / Dossier ${JSON.stringify(ours[k]).slice(0, 120)}`);
}
