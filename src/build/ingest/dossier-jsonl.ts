/**
 * JSON Lines of catalogue entries: Discovery-flavoured lines as in the tna-kv
 * corpus (citableReference, sourceUrl, …) and lines already in Dossier's own
 * record shape (reference, id, source). Fields beyond the record model ride
 * along as extras; an `itemKey` among them tells apart distinct items that
 * share a reference (see mergeDuplicates).
 */
import {
  cleanExtra, cleanList, cleanOrNull, cleanText, coveringYears, idOf, isObject, itemKeyFrom, quote, readIsoish, RECORD_KEYS,
  reject, seriesOfReference, titleFromText, validateRecord, type JsonObject, type ParseOutput, type ParsedRecord,
} from "./normalise";
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

export function parseDossierJsonl(text: string, file: string): ParseOutput {
  const records: ParsedRecord[] = [];
  const rejects: ParseOutput["rejects"] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = n + 1;
    const raw = n === 0 ? lines[n]!.replace(/^\uFEFF/, "") : lines[n]!;
    if (raw.trim() === "") continue;
    const bad = (field: string, detail: string): void => {
      rejects.push(reject(file, line, MODULE, field, detail));
    };
    let o: unknown;
    try {
      o = JSON.parse(raw);
    } catch (err) {
      bad("json", `line is not valid JSON (${(err as Error).message}): ${quote(raw.trim())}`);
      continue;
    }
    if (!isObject(o)) {
      bad("json", `line is a JSON ${Array.isArray(o) ? "array" : typeof o}, not an object: ${quote(raw.trim())}`);
      continue;
    }
    // Name the key the line's own shape uses: Dossier-shaped lines say "reference", Discovery-flavoured ones "citableReference".
    const referenceField = "citableReference" in o || !("reference" in o || "id" in o || isObject(o.source)) ? "citableReference" : "reference";
    const reference = cleanText(o.citableReference ?? o.reference);
    if (!reference) {
      bad(referenceField, `${referenceField} is ${o[referenceField] === undefined ? "missing" : `empty (${quote(o[referenceField])})`}; title ${quote(o.title)}`);
      continue;
    }
    const base = idOf(reference);
    const given = cleanText(o.id);
    // A Dossier export read back carries `<key>-<item key>` ids for items sharing a reference; the merge re-derives them.
    if (given && given !== base && itemKeyOfId(given, reference) === null) {
      bad("id", `${reference}: id ${quote(o.id)} does not match the reference (expected "${base}", or "${base}-" plus an item key)`);
      continue;
    }
    const id = given || base;
    if (o.itemKey !== undefined && o.itemKey !== null && itemKeyFrom(o.itemKey, "k") === null) {
      bad("itemKey", `${reference}: itemKey ${quote(o.itemKey)} has no letters or digits to tell the item apart by`);
      continue;
    }

    const dates: Record<"startDate" | "endDate", string | null> = { startDate: null, endDate: null };
    let dateError = false;
    for (const key of ["startDate", "endDate"] as const) {
      const r = readIsoish(o[key], key === "startDate" ? "start" : "end");
      if (!r.ok) {
        bad(key, `${reference}: ${key} ${quote(o[key])} ${r.reason}`);
        dateError = true;
        break;
      }
      dates[key] = r.date;
    }
    if (dateError) continue;

    const description = cleanText(o.description);
    let title = cleanText(o.title);
    let titleDerived = false;
    if (!title && description) {
      title = titleFromText(description);
      titleDerived = true;
    }
    const source = isObject(o.source)
      ? { name: cleanText(o.source.name) || defaultSourceName(o, reference), url: cleanOrNull(o.source.url) }
      : { name: defaultSourceName(o, reference), url: cleanOrNull(o.sourceUrl) };
    // RecordSchema accepts any URL scheme; a javascript: or data: link would be served as a clickable source.
    if (source.url !== null && !/^https?:\/\//i.test(source.url)) {
      bad(isObject(o.source) ? "source" : "sourceUrl", `${reference}: source URL ${quote(source.url)} is not an http(s) URL`);
      continue;
    }
    const candidate: JsonObject = {};
    for (const [key, value] of Object.entries(o)) {
      if (!RECORD_KEYS.has(key) && !MAPPED.has(key)) candidate[key] = cleanExtra(value);
    }
    Object.assign(candidate, {
      id,
      reference,
      title,
      description,
      coveringDates: o.coveringDates === undefined ? coveringYears(dates.startDate, dates.endDate) : cleanOrNull(o.coveringDates),
      startDate: dates.startDate,
      endDate: dates.endDate,
      series: cleanText(o.series) || seriesOfReference(reference),
      department: cleanOrNull(o.department),
      heldBy: cleanList(o.heldBy),
      people: cleanList(o.people),
      places: cleanList(o.places),
      corporateNames: cleanList(o.corporateNames),
      subjects: cleanList(o.subjects),
      source,
    });
    if (titleDerived) candidate.titleDerived = true;
    const checked = validateRecord(candidate, {
      file,
      line,
      module: MODULE,
      fieldNames: { reference: referenceField, source: isObject(o.source) ? "source" : "sourceUrl" },
    });
    if ("reject" in checked) rejects.push(checked.reject);
    else records.push({ record: checked.record, line });
  }
  return { records, rejects };
}
