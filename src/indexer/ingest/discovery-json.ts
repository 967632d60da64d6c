/**
 * The National Archives' Discovery API JSON, in any of the shapes it is
 * saved in: search responses (`{ records: [...] }`), details objects
 * (citableReference, scopeContent, coveringFromDate), bare search records,
 * and arrays or wrappers of them, such as the crawl's
 * `[{ series, results: [{ url, record, details, record_children }] }]`.
 *
 * Every object met that is one catalogue entry is keyed by its Discovery id
 * (falling back to its reference), so a search record, its details and the
 * same entry listed again among another record's children become one record.
 */
import type { IngestFormat } from "./format";
import {
  cleanList,
  cleanOrNull,
  cleanText,
  idOf,
  isObject,
  ParseSink,
  quote,
  readDmyDate,
  readYmdNumber,
  seriesOfReference,
  stripMarkup,
  titleFromText,
  UNSAFE_KEYS,
  type DateReading,
  type JsonObject,
  type ParseOutput,
} from "./normalise";

const MODULE = "discovery-json";
export const DISCOVERY_SOURCE_NAME = "tna-discovery";
const DETAILS_URL = "https://discovery.nationalarchives.gov.uk/details/r/";

/** True for an object that is itself one Discovery catalogue entry (details or search record). */
function isEntry(o: JsonObject): boolean {
  if ("citableReference" in o) return true;
  return "reference" in o && ("numStartDate" in o || "catalogueLevel" in o || "coveringDates" in o || "heldBy" in o);
}

/** True when a parsed JSON value is Discovery API output this parser reads. */
export function isDiscoveryValue(value: unknown, depth = 0): boolean {
  if (depth > 4) return false;
  if (Array.isArray(value)) return value.slice(0, 3).some((v) => isDiscoveryValue(v, depth + 1));
  if (!isObject(value)) return false;
  if ("scopeContent" in value || "coveringFromDate" in value || "numStartDate" in value) return true;
  if (isObject(value.record) || isObject(value.details) || isObject(value.asset)) return true;
  for (const key of ["records", "results", "record_children", "children"]) {
    if (Array.isArray(value[key]) && isDiscoveryValue(value[key], depth + 1)) return true;
  }
  return false;
}

/** Start offsets of every JSON object, in text order (which is also JSON.parse's pre-order). */
function objectStarts(text: string): number[] {
  const starts: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123) starts.push(i);
  }
  return starts;
}

/**
 * Maps each parsed object to the line its `{` is on, by walking the value in
 * the same order the text lists objects. If the counts disagree (JSON.parse
 * reorders integer-like keys) the positions cannot be trusted and every
 * object reports line 1.
 */
function objectLines(text: string, value: unknown): WeakMap<object, number> {
  const lines = new WeakMap<object, number>();
  const starts = objectStarts(text);
  const order: object[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) visit(x);
    else if (isObject(v)) {
      order.push(v);
      for (const x of Object.values(v)) if (typeof x === "object" && x !== null) visit(x);
    }
  };
  visit(value);
  if (order.length !== starts.length) return lines;
  let line = 1;
  let pos = 0;
  for (let k = 0; k < order.length; k++) {
    const at = starts[k]!;
    for (; pos < at; pos++) if (text.charCodeAt(pos) === 10) line++;
    lines.set(order[k]!, line);
  }
  return lines;
}

interface Entry {
  raw: JsonObject;
  line: number;
}

/** Adds b's fields to a where a has none, so details fill in a search record and vice versa. */
function fill(a: JsonObject, b: JsonObject): void {
  for (const [k, v] of Object.entries(b)) {
    // JSON.parse makes "__proto__" an own key; assigning it would give `a` a prototype whose members read as fields.
    if (UNSAFE_KEYS.has(k)) continue;
    const cur = a[k];
    const empty =
      cur === undefined || cur === null || cur === "" || cur === 0 || (Array.isArray(cur) && cur.length === 0);
    if (empty && v !== undefined && v !== null) a[k] = v;
  }
}

function readDate(o: JsonObject, which: "start" | "end"): { reading: DateReading; field: string } {
  const ymdKey = which === "start" ? "coveringFromDate" : "coveringToDate";
  const numKey = which === "start" ? "numStartDate" : "numEndDate";
  const dmyKey = which === "start" ? "startDate" : "endDate";
  if (o[ymdKey]) return { reading: readYmdNumber(o[ymdKey]), field: ymdKey };
  if (o[numKey]) return { reading: readYmdNumber(o[numKey]), field: numKey };
  return { reading: readDmyDate(o[dmyKey]), field: dmyKey };
}

export function parseDiscoveryJson(text: string, file: string, parsed?: unknown): ParseOutput {
  const sink = new ParseSink(file, MODULE);
  let value = parsed;
  if (value === undefined) {
    try {
      value = JSON.parse(text.replace(/^\uFEFF/, ""));
    } catch (err) {
      sink.reject(1, "json", `file is not valid JSON (${(err as Error).message})`);
      return sink.out;
    }
  }
  const lines = objectLines(text, value);
  const lineOf = (o: object): number => lines.get(o) ?? 1;

  const entries = new Map<string, Entry>();
  const order: Entry[] = [];
  const add = (parts: Array<unknown>, at: object): void => {
    const objs = parts.filter(isObject);
    if (objs.length === 0) return;
    const raw: JsonObject = {};
    for (const o of objs) fill(raw, o);
    // scopeContent is an object; take the first one that has a description.
    const scope = objs.map((o) => o.scopeContent).find((s) => isObject(s) && s.description);
    if (scope) raw.scopeContent = scope;
    const discoveryId = cleanText(raw.id);
    const reference = cleanText(raw.citableReference) || cleanText(raw.reference);
    const key = discoveryId ? `id:${discoveryId}` : reference ? `ref:${reference}` : `at:${order.length}`;
    const existing = entries.get(key);
    if (existing) {
      fill(existing.raw, raw);
      return;
    }
    const entry: Entry = { raw, line: lineOf(at) };
    entries.set(key, entry);
    order.push(entry);
  };

  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (!isObject(v)) return;
    if (isObject(v.record) || isObject(v.details)) {
      // A crawl result: a search record with its details and children.
      add([v.details, v.record], v);
      walk(v.record_children);
      walk(v.children);
      return;
    }
    if (isObject(v.asset) || isObject(v.asset_details)) {
      add([v.asset_details, v.asset], v);
      walk(v.children);
      return;
    }
    if (isEntry(v)) {
      add([v], v);
      walk(v.children);
      walk(v.record_children);
      return;
    }
    for (const x of Object.values(v)) if (typeof x === "object" && x !== null) walk(x);
  };
  walk(value);

  for (const { raw: o, line } of order) {
    const bad = (field: string, detail: string): void => sink.reject(line, field, detail);
    const discoveryId = cleanText(o.id);
    const reference = cleanText(o.citableReference) || cleanText(o.reference);
    const title = stripMarkup(o.title);
    if (!reference) {
      // Headings in the hierarchy (a "Channel Islands" sub-series) carry no reference and are not records.
      if (o.isParent === true || (typeof o.catalogueLevel === "number" && o.catalogueLevel < 6 && !o.scopeContent))
        continue;
      bad(
        "citableReference",
        `catalogue entry ${discoveryId || "(no id)"} ${title ? `"${title}" ` : ""}has no citableReference`,
      );
      continue;
    }
    // A bad date never costs the record: it is kept without that date, and coveringDates as the source wrote it.
    const dates = { start: null as string | null, end: null as string | null };
    for (const side of ["start", "end"] as const) {
      const { reading, field } = readDate(o, side);
      if (reading.ok) dates[side] = side === "start" ? reading.start : reading.end;
      else
        sink.warn(
          line,
          field,
          `${reference}: ${field} ${quote(o[field])} ${reading.reason}; kept the record without it`,
        );
    }
    const scope = isObject(o.scopeContent) ? o.scopeContent : {};
    const description = stripMarkup(scope.description) || stripMarkup(o.description);
    let finalTitle = title;
    let titleDerived = false;
    if (!finalTitle && description) {
      finalTitle = titleFromText(description);
      titleDerived = true;
    }
    const department = cleanOrNull(o.department) ?? /^[A-Z]+/.exec(reference)?.[0] ?? null;
    const candidate: JsonObject = {
      id: idOf(reference),
      reference,
      title: finalTitle,
      description,
      coveringDates: cleanOrNull(o.coveringDates),
      startDate: dates.start,
      endDate: dates.end,
      series: seriesOfReference(reference),
      department,
      heldBy: cleanList(o.heldBy),
      people: cleanList(o.people),
      places: cleanList(o.places, scope.placeNames),
      corporateNames: cleanList(o.corporateNames, o.corpBodies),
      subjects: cleanList(o.subjects),
      source: { name: DISCOVERY_SOURCE_NAME, url: discoveryId ? DETAILS_URL + encodeURIComponent(discoveryId) : null },
      discoveryId: discoveryId || null,
      parentId: cleanOrNull(o.parentId),
      catalogueLevel: typeof o.catalogueLevel === "number" ? o.catalogueLevel : null,
      closureStatus: cleanOrNull(o.closureStatus),
      digitised: typeof o.digitised === "boolean" ? o.digitised : null,
    };
    const note = stripMarkup(o.note);
    if (note) candidate.note = note;
    if (titleDerived) candidate.titleDerived = true;
    sink.accept(candidate, line, {
      reference: "citableReference",
      id: "citableReference",
      startDate: readDate(o, "start").field,
      endDate: readDate(o, "end").field,
      title: "title",
      series: "citableReference",
    });
  }
  return sink.out;
}

export const discoveryJson: IngestFormat = {
  name: "discovery-json",
  extensions: ["json"],
  sniff(p) {
    const whole = p.json();
    return whole.ok && isDiscoveryValue(whole.value);
  },
  // The probe has parsed the document already; parse it once.
  parse(text, file, p) {
    const whole = p.json();
    return parseDiscoveryJson(text, file, whole.ok ? whole.value : undefined);
  },
};
