/**
 * Helpers every ingest parser shares: text cleaning, markup stripping, date
 * reading and record validation. Pure (no fs, no `node:`), so the same code
 * runs in the Node build and inside workerd tests.
 */
import { ITEM_KEY, RecordSchema, type CatalogueRecord } from "../../shared/record";
import { referenceToId } from "../../shared/reference";
import { decodeEntities as decodeHtmlEntities } from "../../shared/text/html-entities";

/**
 * One problem found in a source file: a reject (the row was not ingested) or
 * a warning (the row was ingested, but something in it was not taken as given).
 *
 * @example
 * { file: "naa-asio/A6119.csv", line: 12, field: "end_date", reason: "naa-csv: A6119, 9: end_date \"19x1\" is not a
 * four-digit year" }
 */
export interface IngestIssue {
  file: string;
  /** 1-based physical line in the file where the offending row or object starts. */
  line: number;
  /** The last line the issue covers, when it spans several (a row that swallowed the lines after it). */
  endLine?: number;
  /** The field as the source names it (a CSV column, a JSON key). */
  field: string;
  reason: string;
}
export type IngestReject = IngestIssue;
export type IngestWarning = IngestIssue;

/** What a format parser hands back to index.ts: records with the line they start on. */
export interface ParsedRecord {
  record: CatalogueRecord;
  line: number;
}

export interface ParseOutput {
  records: ParsedRecord[];
  rejects: IngestReject[];
  warnings: IngestWarning[];
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Windows-1252 text that went through a Latin-1 decoder leaves C1 controls
// (e.g. U+0092 for a right quote) in Discovery descriptions; map them back.
const CP1252_C1: Record<number, string> = {
  0x80: "€",
  0x82: "‚",
  0x83: "ƒ",
  0x84: "„",
  0x85: "…",
  0x86: "†",
  0x87: "‡",
  0x88: "ˆ",
  0x89: "‰",
  0x8a: "Š",
  0x8b: "‹",
  0x8c: "Œ",
  0x8e: "Ž",
  0x91: "‘",
  0x92: "’",
  0x93: "“",
  0x94: "”",
  0x95: "•",
  0x96: "–",
  0x97: "—",
  0x98: "˜",
  0x99: "™",
  0x9a: "š",
  0x9b: "›",
  0x9c: "œ",
  0x9e: "ž",
  0x9f: "Ÿ",
};

function fromCodePoint(code: number): string {
  if (code >= 0x80 && code <= 0x9f) return CP1252_C1[code] ?? " ";
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return " ";
  return String.fromCodePoint(code);
}

/**
 * Any scalar as one clean line: NFC, C1 controls repaired, every run of
 * whitespace (including NBSP, zero-width and control characters) collapsed
 * to one space, trimmed. Non-scalars become "".
 */
export function cleanText(value: unknown): string {
  let s: string;
  if (typeof value === "string") s = value;
  else if (typeof value === "number" && Number.isFinite(value)) s = String(value);
  else if (typeof value === "boolean") s = String(value);
  else return "";
  // Fast path: most cells are plain ASCII words with single spaces.
  if (/^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/.test(s)) return s;
  return s
    .normalize("NFC")
    .replace(/[\u0080-\u009f]/g, (c) => fromCodePoint(c.charCodeAt(0)))
    .replace(/[\s\u0000-\u001f\u007f\u200b-\u200d\u2060]+/g, " ")
    .trim();
}

/** cleanText, but "" becomes null (for nullable scalar fields). */
export function cleanOrNull(value: unknown): string | null {
  const s = cleanText(value);
  return s === "" ? null : s;
}

/** Entities as ingest wants them: C1 controls as Windows-1252 (see fromCodePoint), invalid code points as a space. */
export function decodeEntities(s: string): string {
  return decodeHtmlEntities(s, fromCodePoint);
}

// Elements that separate text: dropping them without a space would glue the
// last word of one paragraph to the first of the next.
const BLOCK_TAG =
  /<\/?(?:p|br|lb|head|list|item|chronlist|chronitem|table|row|entry|div|scopecontent|unittitle|title|note|address|addressline|blockquote)\b[^<>]*\/?>/gi;
const ANY_TAG = /<\/?[a-z][\w:.-]*(?:\s[^<>]*)?\/?>/gi;

/**
 * Discovery's EAD-ish markup (`<scopecontent><p>…</p></scopecontent>`,
 * `<unittitle type="Title">`, `<emph>`, `<ref>`) to plain text. A `<head>`
 * is a section label ("Scope and Content"), not content, so it is dropped.
 */
export function stripMarkup(value: unknown): string {
  if (typeof value !== "string") return cleanText(value);
  if (!value.includes("<") && !value.includes("&")) return cleanText(value);
  const text = value
    .replace(/<head\b[^<>]*>[\s\S]*?<\/head>/gi, " ")
    // Discovery marks a document type with a letter ("<emph altrender="doctype">G</emph>HECLA"); it is not text.
    .replace(/<emph\b[^<>]*altrender=["']doctype["'][^<>]*>[^<]*<\/emph>/gi, "")
    .replace(BLOCK_TAG, " ")
    .replace(ANY_TAG, "");
  return cleanText(decodeEntities(text));
}

/**
 * A list field from whatever the source has: a string, an array of strings,
 * or objects carrying a name (Discovery's `{ xReferenceName }`). Cleaned,
 * empty entries dropped, duplicates (ignoring case) dropped keeping the first.
 */
export function cleanList(...values: unknown[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) add(x);
      return;
    }
    let s: string;
    if (isObject(v)) {
      const named = v.xReferenceName ?? v.name ?? v.fullName ?? v.title ?? v.description;
      s = named !== undefined ? stripMarkup(named) : [v.forenames, v.surname].map(cleanText).filter(Boolean).join(" ");
    } else {
      s = stripMarkup(v);
    }
    if (!s) return;
    const key = s.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    out.push(s);
  };
  for (const v of values) add(v);
  return out;
}

/**
 * Keys that reach an object's prototype machinery. JSON.parse makes
 * `"__proto__"` an own key, and copying it onto a plain object with `out[k] =`
 * replaces that object's prototype, promoting the value's members to fields.
 */
export const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Deep-cleans extra fields that ride along: strings normalised, structure
 * kept, UNSAFE_KEYS dropped at every depth (`dropped` gets their paths).
 */
export function cleanExtra(value: unknown, dropped?: string[], path = ""): unknown {
  if (typeof value === "string") return cleanText(value);
  if (Array.isArray(value)) return value.map((v, i) => cleanExtra(v, dropped, `${path}[${i}]`));
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (UNSAFE_KEYS.has(k)) {
        dropped?.push(path ? `${path}.${k}` : k);
        continue;
      }
      out[k] = cleanExtra(v, dropped, path ? `${path}.${k}` : k);
    }
    return out;
  }
  return value;
}

/**
 * A free-text field read strictly: a string as is; a number as its digits
 * (with a note); a list of strings or numbers joined with spaces (with a
 * note); anything else (true, an object) is not text and is refused, where
 * cleanText would quietly turn `true` into "true" and an array into "".
 */
export function readText(value: unknown): { ok: true; text: string; note?: string } | { ok: false; reason: string } {
  if (value === undefined || value === null) return { ok: true, text: "" };
  if (typeof value === "string") return { ok: true, text: cleanText(value) };
  if (typeof value === "number" && Number.isFinite(value))
    return { ok: true, text: String(value), note: "is a number; read as text" };
  if (
    Array.isArray(value) &&
    value.every((v) => typeof v === "string" || (typeof v === "number" && Number.isFinite(v)))
  ) {
    const text = cleanText(
      value
        .map((v) => cleanText(v))
        .filter(Boolean)
        .join(" "),
    );
    return { ok: true, text, note: `is a list of ${value.length}; joined into one text` };
  }
  const kind = Array.isArray(value)
    ? "a list of non-text values"
    : typeof value === "object"
      ? "an object"
      : `a ${typeof value}`;
  return { ok: false, reason: `is ${kind}, not text` };
}

// ---------------------------------------------------------------------------
// Dates

/** A date reading: a range (start..end, either may be null) or a refusal with a reason. */
export type DateReading =
  | { ok: true; start: string | null; end: string | null; covering: string | null }
  | { ok: false; reason: string };

export const NO_DATE: DateReading = { ok: true, start: null, end: null, covering: null };

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** `YYYY-MM-DD` if that day exists, else null. */
export function isoDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return null;
  const d = new Date(Date.UTC(2000, month - 1, day));
  d.setUTCFullYear(year);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

function lastDayOfMonth(year: number, month: number): number {
  for (let day = 31; day >= 28; day--) if (isoDate(year, month, day)) return day;
  return 28;
}

/** A whole year as a range: 1961 -> 1961-01-01..1961-12-31. */
export function yearRange(year: number): DateReading {
  return { ok: true, start: isoDate(year, 1, 1), end: isoDate(year, 12, 31), covering: pad(year, 4) };
}

/**
 * The range a possibly partial day denotes. Archives write an unknown part as
 * 0: 00/00/1975 is "some time in 1975", 06/00/1975 "some time in June 1975",
 * and a year of 0 means the date is not known at all.
 */
export function partialDate(year: number, month: number, day: number): DateReading {
  if (year === 0) return NO_DATE;
  if (month === 0) return day === 0 ? yearRange(year) : { ok: false, reason: "has a day but no month" };
  if (month > 12) return { ok: false, reason: `month ${month} does not exist` };
  if (day === 0) {
    const start = isoDate(year, month, 1);
    const end = isoDate(year, month, lastDayOfMonth(year, month));
    return start && end
      ? { ok: true, start, end, covering: `${pad(year, 4)}-${pad(month)}` }
      : { ok: false, reason: "is not a real month" };
  }
  const iso = isoDate(year, month, day);
  return iso ? { ok: true, start: iso, end: iso, covering: iso } : { ok: false, reason: "is not a real calendar date" };
}

/**
 * An Excel 1900-system serial day number as ISO. Excel counts 1900-02-29
 * (serial 60), a day that never existed, so serials after it are one day
 * ahead of a plain count from 1899-12-31.
 */
export function excelSerialToIso(serial: number): string | null {
  if (!Number.isInteger(serial) || serial < 1 || serial === 60 || serial > 2958465) return null;
  const epoch = serial > 60 ? Date.UTC(1899, 11, 30) : Date.UTC(1899, 11, 31);
  return new Date(epoch + serial * 86_400_000).toISOString().slice(0, 10);
}

/** US `mm/dd/yyyy` (m and d may be one digit or 00; 0000 years mean unknown). */
export function readUsDate(text: string): DateReading {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(text);
  if (!m) return { ok: false, reason: "is not a mm/dd/yyyy date" };
  const [month, day, yearText] = [Number(m[1]), Number(m[2]), m[3]!];
  if (Number(yearText) === 0) return NO_DATE;
  // A two-digit year is ambiguous across centuries; refuse rather than guess.
  if (yearText.length !== 4) return { ok: false, reason: "has a two-digit year" };
  return partialDate(Number(yearText), month, day);
}

/** Discovery's `coveringFromDate` style yyyymmdd number; 0 means none. */
export function readYmdNumber(value: unknown): DateReading {
  if (value === null || value === undefined || value === 0 || value === "" || value === "0") return NO_DATE;
  const text = String(value).trim();
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return { ok: false, reason: "is not a yyyymmdd number" };
  return partialDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Discovery search records' `dd/mm/yyyy`. */
export function readDmyDate(value: unknown): DateReading {
  const text = cleanText(value);
  if (!text) return NO_DATE;
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (!m) return { ok: false, reason: "is not a dd/mm/yyyy date" };
  return partialDate(Number(m[3]), Number(m[2]), Number(m[1]));
}

/** A year cell such as NAA's `start_date`; empty means unknown. */
export function readYear(value: unknown): DateReading {
  const text = cleanText(value);
  if (!text) return NO_DATE;
  if (!/^\d{4}$/.test(text) || Number(text) === 0) return { ok: false, reason: "is not a four-digit year" };
  return yearRange(Number(text));
}

/**
 * A Dossier record date: ISO `YYYY-MM-DD`, or a bare `YYYY` / `YYYY-MM`
 * widened towards the side of the range it bounds.
 */
export function readIsoish(
  value: unknown,
  side: "start" | "end",
): { ok: true; date: string | null } | { ok: false; reason: string } {
  if (value === null || value === undefined) return { ok: true, date: null };
  const text = cleanText(value);
  if (!text) return { ok: true, date: null };
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) {
    const iso = isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
    return iso ? { ok: true, date: iso } : { ok: false, reason: "is not a real calendar date" };
  }
  m = /^(\d{4})(?:-(\d{2}))?$/.exec(text);
  if (m) {
    const r = partialDate(Number(m[1]), m[2] ? Number(m[2]) : 0, 0);
    if (r.ok) return { ok: true, date: side === "start" ? r.start : r.end };
    return r;
  }
  return { ok: false, reason: "is not an ISO date YYYY-MM-DD" };
}

/** "1943-1948", "1961" or null, from the years of a start and end date. */
export function coveringYears(start: string | null, end: string | null): string | null {
  const a = start?.slice(0, 4);
  const b = end?.slice(0, 4);
  if (a && b) return a === b ? a : `${a}-${b}`;
  return a ?? b ?? null;
}

// ---------------------------------------------------------------------------
// Titles and references

// Words whose trailing full stop does not end a sentence.
const ABBREVIATIONS =
  /(?:^|\s)(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Sr|Jr|Rev|Capt|Col|Gen|Lt|Sgt|Maj|Hon|Co|Ltd|No|Nos|Vol|Vols|vs|etc|cf|viz|ff|fol|fols|pp|p|approx|c|ca|HM|HMS)\.$/;

/**
 * A title made from running text (Discovery often has `title: null`): the
 * first sentence, cut at a word boundary to at most `max` characters.
 */
export function titleFromText(text: string, max = 100): string {
  const s = cleanText(text);
  if (!s) return "";
  let end = s.length;
  const re = /[.!?](?=\s)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m[0] === "." && ABBREVIATIONS.test(s.slice(Math.max(0, m.index - 12), m.index + 1))) continue;
    end = m.index;
    break;
  }
  let first = s.slice(0, end).replace(/[\s.:;,]+$/, "");
  if (first.length > max) {
    const cut = first.slice(0, max + 1);
    const space = cut.lastIndexOf(" ");
    first = `${(space > max / 2 ? cut.slice(0, space) : cut.slice(0, max)).replace(/[\s.:;,]+$/, "")}…`;
  }
  return first;
}

/** "ADM 50/111" -> "ADM 50": the part before the first "/", the reference itself if none. */
export function seriesOfReference(reference: string): string {
  const slash = reference.indexOf("/");
  return (slash > 0 ? reference.slice(0, slash) : reference).trim();
}

// ---------------------------------------------------------------------------
// Validation

/** Schema keys a parser sets itself; everything else on a source object is an extra. */
export const RECORD_KEYS = new Set([
  "id",
  "reference",
  "title",
  "description",
  "coveringDates",
  "startDate",
  "endDate",
  "series",
  "department",
  "heldBy",
  "people",
  "places",
  "corporateNames",
  "subjects",
  "source",
]);

function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}…` : json;
}

/**
 * Where one parser collects its output: every parser ends a row the same way
 * (validate the candidate against RecordSchema, then keep it or reject it
 * naming the source's own field), so that tail lives here once.
 */
export class ParseSink {
  readonly out: ParseOutput = { records: [], rejects: [], warnings: [] };
  constructor(
    readonly file: string,
    readonly module: string,
  ) {}

  reject(line: number, field: string, detail: string): void {
    this.out.rejects.push(reject(this.file, line, this.module, field, detail));
  }

  warn(line: number, field: string, detail: string): void {
    this.out.warnings.push(reject(this.file, line, this.module, field, detail));
  }

  /**
   * Runs RecordSchema over a candidate and keeps it, or rejects it naming the
   * source's own field (via `fieldNames`) and the bad value, so a reader can
   * find the cell without knowing the record model.
   */
  accept(candidate: JsonObject, line: number, fieldNames?: Record<string, string>): boolean {
    const { startDate: start, endDate: end } = candidate;
    if (typeof start === "string" && typeof end === "string" && start > end) {
      // Dates that run backwards are one bad date too: keep the record undated, the range as written.
      const field = fieldNames?.endDate ?? "endDate";
      const where = typeof candidate.reference === "string" ? `${candidate.reference}: ` : "";
      this.warn(
        line,
        field,
        `${where}${field} ${end} is before ${fieldNames?.startDate ?? "startDate"} ${start}; kept the record undated`,
      );
      candidate.coveringDates ??= `${start}/${end}`;
      candidate.startDate = candidate.endDate = null;
    }
    const result = RecordSchema.safeParse(candidate);
    if (result.success) {
      this.out.records.push({ record: result.data, line });
      return true;
    }
    const issue = result.error.issues[0]!;
    const key = String(issue.path[0] ?? "record");
    const field = fieldNames?.[key] ?? key;
    const where = typeof candidate.reference === "string" && candidate.reference ? ` ${candidate.reference}:` : "";
    this.out.rejects.push({
      file: this.file,
      line,
      field,
      reason: `${this.module}:${where} ${field} ${describeValue(candidate[key])}: ${issue.message}`,
    });
    return false;
  }
}

/** The id a record must carry for its reference (re-exported so parsers need one import). */
export const idOf = referenceToId;

/**
 * A source's own item key (barcode, Discovery id) in the form ids use (see
 * ITEM_KEY in shared/record): lowercased, punctuation dropped, with `tag` in
 * front when it would not read as an item key alone (NAA barcodes are bare
 * digits). Null when even that does not make one.
 */
export function itemKeyFrom(raw: unknown, tag: string): string | null {
  const s = cleanText(raw)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
  if (!s) return null;
  if (ITEM_KEY.test(s)) return s;
  return ITEM_KEY.test(tag + s) ? tag + s : null;
}

/** Builds a reject with the module prefix every message carries. */
export function reject(file: string, line: number, module: string, field: string, detail: string): IngestReject {
  return { file, line, field, reason: `${module}: ${detail}` };
}

/** Quotes a bad source value for a message, shortened. */
export function quote(value: unknown): string {
  return describeValue(value);
}
