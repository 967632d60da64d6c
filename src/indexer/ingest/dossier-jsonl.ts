/**
 * JSON Lines of catalogue entries: Discovery-flavoured lines as in the tna-kv
 * corpus (citableReference, sourceUrl, …) and lines already in Dossier's own
 * record shape (reference, id, source). Fields beyond the record model ride
 * along as extras; an `itemKey` among them tells apart distinct items that
 * share a reference (see mergeDuplicates).
 */
import {
  cleanExtra,
  cleanList,
  cleanOrNull,
  cleanText,
  coveringYears,
  idOf,
  isObject,
  itemKeyFrom,
  ParseSink,
  quote,
  readIsoish,
  readText,
  RECORD_KEYS,
  seriesOfReference,
  titleFromText,
  UNSAFE_KEYS,
  type JsonObject,
  type ParseOutput,
} from "./normalise";
import type { IngestFormat } from "./format";
import { itemKeyOfId } from "../../shared/record";

const MODULE = "dossier-jsonl";
/** Source keys this parser maps onto record fields, so they are not copied again as extras. */
const MAPPED = new Set(["citableReference", "sourceUrl"]);

/** True when a parsed JSON line looks like a catalogue entry this parser reads. */
export function isDossierLine(value: unknown): boolean {
  if (!isObject(value)) return false;
  const hasReference = typeof value.citableReference === "string" || typeof value.reference === "string";
  // Discovery API objects also carry a reference; their date and markup fields tell them apart.
  const discoveryOnly = "scopeContent" in value || "coveringFromDate" in value || "numStartDate" in value;
  return hasReference && !discoveryOnly && ("title" in value || "description" in value);
}

/**
 * The corpus a line came from when it does not say. citableReference and
 * sourceUrl are TNA Discovery's vocabulary, so such lines are "tna-" plus
 * their department ("tna-kv" for MI5's KV files), wherever the file sits
 * (the same records ship as data/records.jsonl and tna-kv/records.jsonl).
 */
export function defaultSourceName(o: JsonObject, reference: string): string {
  if (!("citableReference" in o)) return "dossier";
  const department = cleanText(o.department) || (/^[A-Za-z]+/.exec(reference)?.[0] ?? "");
  return department ? `tna-${department.toLowerCase().replace(/[^a-z0-9]+/g, "-")}` : "tna";
}

/** Free-text fields read strictly (see readText), with the empty value each takes when absent. */
const TEXT_FIELDS = ["title", "description", "series", "department", "coveringDates"] as const;

/**
 * The line's `source`: an object `{ name, url }`, or a string taken as the
 * URL (if it is one) or the name, with a warning; anything else is refused.
 */
function readSource(
  o: JsonObject,
  reference: string,
): { ok: true; name: string | null; url: string | null; note?: string } | { ok: false; reason: string } {
  const s = o.source;
  if (s === undefined || s === null) return { ok: true, name: null, url: cleanOrNull(o.sourceUrl) };
  if (isObject(s)) return { ok: true, name: cleanOrNull(s.name), url: cleanOrNull(s.url) };
  if (typeof s === "string") {
    const text = cleanText(s);
    return /^https?:\/\//i.test(text)
      ? {
          ok: true,
          name: null,
          url: text,
          note: `${reference}: source ${quote(s)} is a string, not { name, url }; read as the URL`,
        }
      : {
          ok: true,
          name: text || null,
          url: cleanOrNull(o.sourceUrl),
          note: `${reference}: source ${quote(s)} is a string, not { name, url }; read as the source name`,
        };
  }
  return { ok: false, reason: `${reference}: source ${quote(s)} is not an object { name, url }` };
}

export function parseDossierJsonl(text: string, file: string): ParseOutput {
  const sink = new ParseSink(file, MODULE);
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = n + 1;
    const raw = n === 0 ? lines[n]!.replace(/^\uFEFF/, "") : lines[n]!;
    if (raw.trim() === "") continue;
    const bad = (field: string, detail: string): void => sink.reject(line, field, detail);
    let o: unknown;
    try {
      o = JSON.parse(raw);
    } catch (err) {
      bad("json", `line is not valid JSON (${(err as Error).message}): ${quote(raw.trim())}`);
      continue;
    }
    if (!isObject(o)) {
      const kind = o === null ? "null" : `a JSON ${Array.isArray(o) ? "array" : typeof o}`;
      bad("json", `line is ${kind}, not a JSON object: ${quote(raw.trim())}`);
      continue;
    }
    // Name the key the line's own shape uses: Dossier-shaped lines say "reference", Discovery-flavoured ones
    // "citableReference".
    const referenceField =
      "citableReference" in o || !("reference" in o || "id" in o || isObject(o.source))
        ? "citableReference"
        : "reference";
    const referenceValue = o.citableReference ?? o.reference;
    if (
      referenceValue !== undefined &&
      referenceValue !== null &&
      typeof referenceValue !== "string" &&
      typeof referenceValue !== "number"
    ) {
      bad(referenceField, `${referenceField} ${quote(referenceValue)} is not text`);
      continue;
    }
    const reference = cleanText(referenceValue);
    if (!reference) {
      bad(
        referenceField,
        `${referenceField} is ` +
          `${o[referenceField] === undefined ? "missing" : `empty (${quote(o[referenceField])})`}; title ` +
          `${quote(o.title)}`,
      );
      continue;
    }
    const base = idOf(reference);
    const given = cleanText(o.id);
    // A Dossier export read back carries `<key>-<item key>` ids for items sharing a reference; the merge re-derives
    // them.
    if (given && given !== base && itemKeyOfId(given, reference) === null) {
      bad(
        "id",
        `${reference}: id ${quote(o.id)} does not match the reference ` +
          `(expected "${base}", or "${base}-" plus an item key)`,
      );
      continue;
    }
    const id = given || base;
    if (o.itemKey !== undefined && o.itemKey !== null && itemKeyFrom(o.itemKey, "k") === null) {
      bad("itemKey", `${reference}: itemKey ${quote(o.itemKey)} has no letters or digits to tell the item apart by`);
      continue;
    }

    // A bad date never costs the record: it is kept without that date, and reported.
    const dates: Record<"startDate" | "endDate", string | null> = { startDate: null, endDate: null };
    const badDates: string[] = [];
    for (const key of ["startDate", "endDate"] as const) {
      const r = readIsoish(o[key], key === "startDate" ? "start" : "end");
      if (r.ok) dates[key] = r.date;
      else {
        badDates.push(cleanText(o[key]));
        sink.warn(line, key, `${reference}: ${key} ${quote(o[key])} ${r.reason}; kept the record without it`);
      }
    }

    const texts: Partial<Record<(typeof TEXT_FIELDS)[number], string>> = {};
    let textError = false;
    for (const key of TEXT_FIELDS) {
      const r = readText(o[key]);
      if (!r.ok) {
        bad(key, `${reference}: ${key} ${quote(o[key])} ${r.reason}`);
        textError = true;
        break;
      }
      if (r.note) sink.warn(line, key, `${reference}: ${key} ${quote(o[key])} ${r.note}`);
      texts[key] = r.text;
    }
    if (textError) continue;

    const description = texts.description!;
    let title = texts.title!;
    let titleDerived = false;
    if (!title && description) {
      title = titleFromText(description);
      titleDerived = true;
    }
    const src = readSource(o, reference);
    if (!src.ok) {
      bad("source", src.reason);
      continue;
    }
    if (src.note) sink.warn(line, "source", src.note);
    const source = { name: src.name ?? defaultSourceName(o, reference), url: src.url };
    // RecordSchema accepts any URL scheme; a javascript: or data: link would be served as a clickable source.
    if (source.url !== null && !/^https?:\/\//i.test(source.url)) {
      bad(
        o.source !== undefined && o.source !== null ? "source" : "sourceUrl",
        `${reference}: source URL ${quote(source.url)} is not an http(s) URL`,
      );
      continue;
    }
    const candidate: JsonObject = {};
    const dropped: string[] = [];
    for (const [key, value] of Object.entries(o)) {
      if (UNSAFE_KEYS.has(key)) dropped.push(key);
      else if (!RECORD_KEYS.has(key) && !MAPPED.has(key)) candidate[key] = cleanExtra(value, dropped, key);
    }
    if (dropped.length > 0)
      sink.warn(line, dropped[0]!, `${reference}: ignored key(s) ${dropped.join(", ")}, which name object internals`);
    Object.assign(candidate, {
      id,
      reference,
      title,
      description,
      coveringDates:
        o.coveringDates === undefined
          ? badDates.length > 0
            ? badDates.filter(Boolean).join("-") || null
            : coveringYears(dates.startDate, dates.endDate)
          : texts.coveringDates || null,
      startDate: dates.startDate,
      endDate: dates.endDate,
      series: texts.series || seriesOfReference(reference),
      department: texts.department || null,
      heldBy: cleanList(o.heldBy),
      people: cleanList(o.people),
      places: cleanList(o.places),
      corporateNames: cleanList(o.corporateNames),
      subjects: cleanList(o.subjects),
      source,
    });
    if (titleDerived) candidate.titleDerived = true;
    sink.accept(candidate, line, { reference: referenceField, source: isObject(o.source) ? "source" : "sourceUrl" });
  }
  return sink.out;
}

export const dossierJsonl: IngestFormat = {
  name: "dossier-jsonl",
  extensions: ["jsonl", "ndjson", "json"],
  // The extension plus the first line that parses: a .jsonl file is JSON Lines whatever its first lines hold.
  sniff(p) {
    const named = p.ext === "jsonl" || p.ext === "ndjson";
    const whole = p.json();
    // A whole document on one line in a .jsonl file is a one-line JSON Lines file; over several lines it is JSON.
    if (whole.ok) return isDossierLine(whole.value) || (named && !/\S\s*\n\s*\S/.test(p.text));
    const first = p.firstJsonObjectLine();
    // A .jsonl file whose every line is broken is still JSON Lines, each line a reject.
    if (first === undefined) return named && p.text.trim() !== "";
    return isDossierLine(first) || named;
  },
  parse: (text, file) => parseDossierJsonl(text, file),
};
