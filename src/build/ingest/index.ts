/**
 * Catalogue ingest: turns source files into validated CatalogueRecords.
 *
 * The format is read from the content (JSON shape, header row), never the
 * file name, so a renamed or extension-less file still ingests. Everything
 * here is pure (no fs) and runs in Node for the build and in workerd tests.
 *
 * @example
 * const { records, rejects, origins } = ingestText(text, "naa-asio/A6119.csv");
 * const { records: merged, merges, distinct } = mergeDuplicates(records.map((record, i) => ({ record, origin: origins[i]! })));
 */
import { itemId, itemKeyOfId, LIST_FIELDS, type CatalogueRecord } from "../../shared/record";
import { compareReferences, referenceToId } from "../../shared/reference";
import { readCsvHeader } from "./csv";
import { isDiscoveryValue, parseDiscoveryJson } from "./discovery-json";
import { isDossierLine, parseDossierJsonl } from "./dossier-jsonl";
import { isJfkHeader, parseJfkCsv } from "./jfk-csv";
import { isNaaHeader, parseNaaCsv } from "./naa-csv";
import { isObject, itemKeyFrom, type IngestReject, type JsonObject, type ParseOutput } from "./normalise";

export type { IngestReject } from "./normalise";
export { itemKeyFrom } from "./normalise";

export type SourceFormat = "dossier-jsonl" | "discovery-json" | "naa-csv" | "jfk-csv";

export interface IngestResult {
  format: SourceFormat | null;
  records: CatalogueRecord[];
  rejects: IngestReject[];
  /** `file:line` where each record starts, parallel to `records` (what mergeDuplicates wants as origin). */
  origins: string[];
}

export interface MergeReport {
  id: string;
  reference: string;
  /** `file:line` of every record folded into this one, the kept one first. */
  sources: string[];
  /**
   * Descriptive fields (title, description, series, department, dates) where
   * a later duplicate had a different non-empty value that was dropped in
   * favour of the first. Present only when there were any: these merges
   * deserve a look, since where a side had no item key to tell them apart the
   * "duplicates" may be distinct items that share a reference.
   */
  conflicts?: string[];
}

/**
 * Distinct items that share one reference (different NAA barcodes or
 * Discovery ids under the same citation), kept as separate records. A build
 * should say so: a lookup of the reference returns them all, and a reader
 * citing it needs the item id to say which one.
 */
export interface DistinctItemsReport {
  reference: string;
  /** The item with the bare id first, then by item key. */
  items: Array<{ id: string; itemKey: string; title: string; sources: string[] }>;
}

// ---------------------------------------------------------------------------
// Detection

interface Detection {
  format: SourceFormat | null;
  /** The parsed JSON document, kept so a Discovery file is not parsed twice. */
  json?: unknown;
}

function detect(text: string): Detection {
  const body = text.replace(/^\uFEFF/, "");
  const start = body.trimStart();
  if (start.startsWith("{") || start.startsWith("[")) {
    let whole: unknown;
    let parsedWhole = false;
    try {
      whole = JSON.parse(body);
      parsedWhole = true;
    } catch {
      // Not one JSON document: JSON Lines, or broken JSON.
    }
    if (parsedWhole) {
      if (isDiscoveryValue(whole)) return { format: "discovery-json", json: whole };
      if (isDossierLine(whole)) return { format: "dossier-jsonl" };
      return { format: null };
    }
    // JSON Lines: any of the first few non-blank lines reads as a catalogue entry
    // (one bad first line should not hide a whole good file).
    let seen = 0;
    for (const line of body.split(/\r?\n/)) {
      if (line.trim() === "") continue;
      if (++seen > 5) break;
      try {
        if (isDossierLine(JSON.parse(line))) return { format: "dossier-jsonl" };
      } catch {
        // try the next line
      }
    }
    return { format: null };
  }
  const header = readCsvHeader(body);
  if (header.length > 1) {
    if (isNaaHeader(header)) return { format: "naa-csv" };
    if (isJfkHeader(header)) return { format: "jfk-csv" };
  }
  return { format: null };
}

/** The source format of a file's text, or null if none of the four. */
export function detectFormat(text: string): SourceFormat | null {
  return detect(text).format;
}

// ---------------------------------------------------------------------------
// Dispatch

function firstLine(text: string): string {
  const line = text.replace(/^\uFEFF/, "").trimStart().split(/\r?\n/, 1)[0] ?? "";
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

/** Parses one file's text. An unknown format gives no records and one reject saying why. */
export function ingestText(text: string, file: string): IngestResult {
  const { format, json } = detect(text);
  let out: ParseOutput;
  switch (format) {
    case "dossier-jsonl":
      out = parseDossierJsonl(text, file);
      break;
    case "discovery-json":
      out = parseDiscoveryJson(text, file, json);
      break;
    case "naa-csv":
      out = parseNaaCsv(text, file);
      break;
    case "jfk-csv":
      out = parseJfkCsv(text, file);
      break;
    default: {
      const reason = text.trim() === ""
        ? `ingest: ${file} is empty`
        : `ingest: ${file} is not a supported catalogue format (Dossier JSON Lines, Discovery API JSON, NAA RecordSearch CSV or NARA JFK release CSV); it starts ${JSON.stringify(firstLine(text))}`;
      return { format: null, records: [], rejects: [{ file, line: 1, field: "format", reason }], origins: [] };
    }
  }
  return {
    format,
    records: out.records.map((r) => r.record),
    rejects: out.rejects,
    origins: out.records.map((r) => `${file}:${r.line}`),
  };
}

// ---------------------------------------------------------------------------
// Merging

const LISTS = new Set<string>(LIST_FIELDS);
// Dates travel together: mixing one record's start with another's end could
// invert the range or describe a span neither source gave.
const DATE_FIELDS = ["coveringDates", "startDate", "endDate"] as const;
/**
 * Fields a parser may fill with a stand-in (a JFK sheet without titles gets
 * "JFK record …", one without a Record Series gets "JFK"), flagged by
 * `<field>Derived: true` so a duplicate with a real value can replace it.
 */
const DERIVABLE = ["title", "series"] as const;
const KEPT = new Set(["id", "reference", "source", ...DATE_FIELDS, ...DERIVABLE.map((f) => `${f}Derived`)]);
/**
 * Descriptive fields whose disagreement suggests two different items share a
 * reference. Extras such as release dates or file names differ between
 * releases of the same item and are not worth flagging.
 */
const CONFLICT_FIELDS = new Set(["title", "description", "series", "department"]);

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

const keyOf = (x: unknown): string => (typeof x === "string" ? x.toLowerCase() : JSON.stringify(x));

function same(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === "object" && typeof b === "object" && JSON.stringify(a) === JSON.stringify(b));
}

function unionInto(target: unknown[], more: unknown[]): unknown[] {
  const out = [...target];
  const seen = new Set(out.map(keyOf));
  for (const x of more) {
    const key = keyOf(x);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(x);
    }
  }
  return out;
}

/** Folds `b` into `a` (a copy of the first record) and returns the names of conflicting fields. */
function fold(a: JsonObject, b: JsonObject): string[] {
  const conflicts: string[] = [];
  const standIn = new Set<string>();
  for (const f of DERIVABLE) {
    const flag = `${f}Derived`;
    if (b[flag] === true) standIn.add(f);
    if (a[flag] === true && b[flag] !== true && !isEmpty(b[f])) {
      a[f] = b[f];
      delete a[flag];
    }
  }
  if (DATE_FIELDS.every((k) => isEmpty(a[k])) && DATE_FIELDS.some((k) => !isEmpty(b[k]))) {
    for (const k of DATE_FIELDS) a[k] = b[k];
  } else if (DATE_FIELDS.some((k) => !isEmpty(b[k]) && a[k] !== b[k])) {
    conflicts.push("dates");
  }
  const url = (b.source as { url?: string | null } | undefined)?.url;
  if (url && url !== (a.source as { url?: string | null } | undefined)?.url) {
    a.additionalSourceUrls = unionInto(Array.isArray(a.additionalSourceUrls) ? a.additionalSourceUrls : [], [url]);
  }
  for (const k in b) {
    const v = b[k];
    if (KEPT.has(k) || isEmpty(v)) continue;
    const cur = a[k];
    if (LISTS.has(k) || (Array.isArray(cur) && Array.isArray(v))) {
      a[k] = unionInto(Array.isArray(cur) ? cur : [], Array.isArray(v) ? v : [v]);
    } else if (isEmpty(cur)) {
      a[k] = v;
    } else if (CONFLICT_FIELDS.has(k) && !same(cur, v) && !standIn.has(k) && a[`${k}Derived`] !== true) {
      conflicts.push(k);
    }
  }
  return conflicts;
}

/**
 * The source's own key for the item a record describes, or null when the
 * source has none and the reference is all there is to go on: an explicit
 * `itemKey` (Dossier JSON Lines), the NAA barcode (RecordSearch's real item
 * key; a series and control symbol may be shared), the Discovery id, or the
 * item key already in a disambiguated id (a Dossier export read back in).
 * JFK record numbers are themselves unique, so JFK rows have none.
 */
export function itemKeyOf(record: CatalogueRecord): string | null {
  const r = record as JsonObject;
  return itemKeyFrom(r.itemKey, "k") ?? itemKeyFrom(r.barcode, "b") ?? itemKeyFrom(r.discoveryId, "d") ?? itemKeyOfId(record.id, record.reference);
}

/** Lowest first: letters alphabetically, numbers numerically (b276682 before b1140156). */
function compareItemKeys(a: string, b: string): number {
  return compareReferences(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Merges records that describe the same item, in and across files. Records
 * are the same item when their references share a key (`referenceToId`) and
 * their item keys (`itemKeyOf`) are equal or at least one has none; the same
 * reference with different item keys is distinct items, kept apart and listed
 * in `distinct`.
 *
 * Of the distinct items under one reference, the one with the lowest item key
 * keeps the bare id and each other one gets `<reference key>-<item key>`
 * (`itemId`). The lowest key rather than the first seen, so ids do not depend
 * on file or row order (exports get re-sorted, files renamed) and a rebuild of
 * the same items always serves them at the same URLs; the lowest NAA barcode or
 * Discovery id is also the earliest registered item, the one most likely to
 * have been cited by the bare reference already. A record without an item key
 * joins that bare-id item, since the reference is all it can be matched on.
 *
 * Within an item the first record is the base: its source and non-empty
 * scalars win, empty scalars are filled from later duplicates, list fields
 * are unioned, and later duplicates' source URLs are kept in
 * `additionalSourceUrls`. Output keeps first-seen order.
 */
export function mergeDuplicates(records: Array<{ record: CatalogueRecord; origin: string }>): {
  records: CatalogueRecord[];
  merges: MergeReport[];
  distinct: DistinctItemsReport[];
} {
  const refKeys = records.map(({ record }) => referenceToId(record.reference));
  const perRef = new Map<string, number>();
  for (const key of refKeys) perRef.set(key, (perRef.get(key) ?? 0) + 1);
  // Item keys only matter where a reference repeats; the vast majority do not.
  const itemKeys = records.map(({ record }, i) => (perRef.get(refKeys[i]!)! > 1 ? itemKeyOf(record) : null));
  const lowestKey = new Map<string, string>();
  itemKeys.forEach((k, i) => {
    if (k === null) return;
    const cur = lowestKey.get(refKeys[i]!);
    if (cur === undefined || compareItemKeys(k, cur) < 0) lowestKey.set(refKeys[i]!, k);
  });

  // Unique records pass through as they are; only records sharing a reference are copied and folded.
  const groups = new Map<string, { merged: JsonObject; sources: string[]; conflicts: Set<string>; itemKey: string | null; refKey: string }>();
  const out: Array<CatalogueRecord | string> = [];
  records.forEach(({ record, origin }, i) => {
    const refKey = refKeys[i]!;
    if (perRef.get(refKey) === 1) {
      out.push(record.id === refKey ? record : { ...record, id: refKey });
      return;
    }
    const lowest = lowestKey.get(refKey) ?? null;
    const itemKey = itemKeys[i] ?? lowest;
    const id = itemKey === null || itemKey === lowest ? refKey : itemId(record.reference, itemKey);
    const group = groups.get(id);
    if (!group) {
      groups.set(id, { merged: { ...record, id }, sources: [origin], conflicts: new Set(), itemKey, refKey });
      out.push(id);
      return;
    }
    group.sources.push(origin);
    for (const c of fold(group.merged, record as JsonObject)) group.conflicts.add(c);
  });

  const merges: MergeReport[] = [];
  const byRef = new Map<string, DistinctItemsReport>();
  for (const [id, { merged, sources, conflicts, itemKey, refKey }] of groups) {
    if (sources.length > 1) {
      const report: MergeReport = { id, reference: merged.reference as string, sources };
      if (conflicts.size > 0) report.conflicts = [...conflicts];
      merges.push(report);
    }
    let entry = byRef.get(refKey);
    if (!entry) byRef.set(refKey, (entry = { reference: merged.reference as string, items: [] }));
    // Every item of a reference with several has a key: keyless records join the lowest-keyed one.
    entry.items.push({ id, itemKey: itemKey ?? "", title: merged.title as string, sources });
  }
  const distinct: DistinctItemsReport[] = [];
  for (const entry of byRef.values()) {
    if (entry.items.length < 2) continue;
    // The bare id (lowest key) first, then by key, whatever order the files listed them in.
    entry.items.sort((a, b) => compareItemKeys(a.itemKey, b.itemKey));
    distinct.push(entry);
  }
  return {
    records: out.map((r) => (typeof r === "string" ? (groups.get(r)!.merged as CatalogueRecord) : r)),
    merges,
    distinct,
  };
}

// ---------------------------------------------------------------------------
// Whole corpus

export interface FileSummary {
  file: string;
  format: SourceFormat | null;
  records: number;
  rejects: number;
}

/**
 * Ingests many files and merges across them: what a build step needs in one
 * call. Files of no known format are listed in `skipped` with the reason and
 * are not counted as rejects.
 */
export function ingestFiles(files: Array<{ file: string; text: string }>): {
  records: CatalogueRecord[];
  rejects: IngestReject[];
  merges: MergeReport[];
  distinct: DistinctItemsReport[];
  files: FileSummary[];
  skipped: IngestReject[];
} {
  const all: Array<{ record: CatalogueRecord; origin: string }> = [];
  const rejects: IngestReject[] = [];
  const skipped: IngestReject[] = [];
  const summaries: FileSummary[] = [];
  for (const { file, text } of files) {
    const result = ingestText(text, file);
    if (result.format === null) skipped.push(...result.rejects);
    else rejects.push(...result.rejects);
    result.records.forEach((record, i) => all.push({ record, origin: result.origins[i]! }));
    summaries.push({ file, format: result.format, records: result.records.length, rejects: result.format === null ? 0 : result.rejects.length });
  }
  const { records, merges, distinct } = mergeDuplicates(all);
  return { records, rejects, merges, distinct, files: summaries, skipped };
}
