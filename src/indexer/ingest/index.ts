/**
 * Catalogue ingest: turns source files into validated CatalogueRecords.
 *
 * Formats form a registry (FORMATS) of `{ name, extensions, sniff, parse }`.
 * A file's format is decided by its extension plus its content (the JSON
 * shape, the first line that parses, the header row): formats claiming the
 * extension are tried first, then the rest, so a renamed or extension-less
 * file still ingests. Everything here is pure (no fs) and runs in Node for
 * the build and in workerd tests.
 *
 * @example
 * const { records, rejects, warnings, merges } = ingestFiles([{ file: "naa-asio/A6119.csv", text }]);
 */
import { itemId, itemKeyOfId, LIST_FIELDS, type CatalogueRecord } from "../../shared/record";
import { compareReferences, referenceToId } from "../../shared/reference";
import { fnv1a32 } from "../../shared/hash";
import { discoveryJson } from "./discovery-json";
import { dossierJsonl } from "./dossier-jsonl";
import { probe, type IngestFormat, type SourceFormat } from "./format";
import { jfkCsv } from "./jfk-csv";
import { naaCsv } from "./naa-csv";
import { isObject, itemKeyFrom, type IngestReject, type IngestWarning, type JsonObject } from "./normalise";

export type { IngestIssue, IngestReject, IngestWarning } from "./normalise";
export type { IngestFormat, SourceFormat } from "./format";
export { itemKeyFrom } from "./normalise";

/** Every format ingest reads, in the order tried when no extension singles one out. */
export const FORMATS: readonly IngestFormat[] = [discoveryJson, dossierJsonl, naaCsv, jfkCsv];

export interface IngestResult {
  format: SourceFormat | null;
  records: CatalogueRecord[];
  rejects: IngestReject[];
  /** Rows kept, but with something in them not taken as given (a bad date, a list where text was due). */
  warnings: IngestWarning[];
  /** `file:line` where each record starts, parallel to `records` (what mergeDuplicates wants as origin). */
  origins: string[];
}

/** One field on which records merged under one reference disagreed: the value kept and the ones dropped. */
export interface MergeConflict {
  field: string;
  kept: { value: unknown; from: string };
  dropped: Array<{ value: unknown; from: string }>;
}

export interface MergeReport {
  id: string;
  reference: string;
  /** `file:line` of every record folded into this one, the kept one first. */
  sources: string[];
  /**
   * Descriptive fields (title, description, series, department, dates) where
   * a later duplicate had a different non-empty value that was dropped in
   * favour of the first, with each value and the `file:line` it came from.
   * Present only when there were any: these merges deserve a look, since
   * where a side had no item key to tell them apart the "duplicates" may be
   * distinct items that share a reference.
   */
  conflicts?: MergeConflict[];
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
// Detection and dispatch

function detect(text: string, file: string): { format: IngestFormat | null; probe: ReturnType<typeof probe> } {
  const p = probe(text, file);
  const ordered = [
    ...FORMATS.filter((f) => f.extensions.includes(p.ext)),
    ...FORMATS.filter((f) => !f.extensions.includes(p.ext)),
  ];
  return { format: ordered.find((f) => f.sniff(p)) ?? null, probe: p };
}

/** The source format of a file's text (and name, for its extension), or null if none of the four. */
export function detectFormat(text: string, file = ""): SourceFormat | null {
  return detect(text, file).format?.name ?? null;
}

function firstLine(text: string): string {
  const line =
    text
      .replace(/^\uFEFF/, "")
      .trimStart()
      .split(/\r?\n/, 1)[0] ?? "";
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

/**
 * Parses one file's text. An unknown format gives no records and one reject
 * saying why. `format` skips detection (a large file read in pieces is
 * detected once, on its first piece).
 */
export function ingestText(text: string, file: string, format?: SourceFormat): IngestResult {
  const detected = format ? { format: null, probe: probe(text, file) } : detect(text, file);
  const chosen = format ? FORMATS.find((f) => f.name === format)! : detected.format;
  if (!chosen) {
    const reason =
      text.trim() === ""
        ? `ingest: ${file} is empty`
        : `ingest: ${file} is not a supported catalogue format (Dossier JSON Lines, Discovery API JSON, NAA ` +
          `RecordSearch CSV or NARA JFK release CSV); it starts ${JSON.stringify(firstLine(text))}`;
    return {
      format: null,
      records: [],
      rejects: [{ file, line: 1, field: "format", reason }],
      warnings: [],
      origins: [],
    };
  }
  const out = chosen.parse(text, file, detected.probe);
  return {
    format: chosen.name,
    records: out.records.map((r) => r.record),
    rejects: out.rejects,
    warnings: out.warnings,
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
  return (
    v === undefined ||
    v === null ||
    v === "" ||
    (Array.isArray(v) && v.length === 0) ||
    (isObject(v) && Object.keys(v).length === 0)
  );
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

/** A group of records merged into one: the merged copy, where each of its values came from, what disagreed. */
interface Group {
  merged: JsonObject;
  sources: string[];
  /** The `file:line` a field's kept value came from, where not the first record ("dates" for the date trio). */
  from: Map<string, string>;
  conflicts: Map<string, MergeConflict>;
  itemKey: string | null;
  refKey: string;
}

const datesOf = (r: JsonObject): unknown =>
  r.coveringDates ?? ([r.startDate, r.endDate].some((d) => d) ? `${r.startDate ?? "?"}..${r.endDate ?? "?"}` : null);

function conflict(group: Group, field: string, value: unknown, from: string): void {
  const kept = {
    value: field === "dates" ? datesOf(group.merged) : group.merged[field],
    from: group.from.get(field) ?? group.sources[0]!,
  };
  let c = group.conflicts.get(field);
  if (!c) group.conflicts.set(field, (c = { field, kept, dropped: [] }));
  if (!c.dropped.some((d) => same(d.value, value))) c.dropped.push({ value, from });
}

/** Folds `b` (from `origin`) into the group's merged copy of its first record, noting conflicts. */
function fold(group: Group, b: JsonObject, origin: string): void {
  const a = group.merged;
  const standIn = new Set<string>();
  for (const f of DERIVABLE) {
    const flag = `${f}Derived`;
    if (b[flag] === true) standIn.add(f);
    if (a[flag] === true && b[flag] !== true && !isEmpty(b[f])) {
      a[f] = b[f];
      delete a[flag];
      group.from.set(f, origin);
    }
  }
  if (DATE_FIELDS.every((k) => isEmpty(a[k])) && DATE_FIELDS.some((k) => !isEmpty(b[k]))) {
    for (const k of DATE_FIELDS) a[k] = b[k];
    group.from.set("dates", origin);
  } else if (DATE_FIELDS.some((k) => !isEmpty(b[k]) && a[k] !== b[k])) {
    conflict(group, "dates", datesOf(b), origin);
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
      group.from.set(k, origin);
    } else if (CONFLICT_FIELDS.has(k) && !same(cur, v) && !standIn.has(k) && a[`${k}Derived`] !== true) {
      conflict(group, k, v, origin);
    }
  }
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
  return (
    itemKeyFrom(r.itemKey, "k") ??
    itemKeyFrom(r.barcode, "b") ??
    itemKeyFrom(r.discoveryId, "d") ??
    itemKeyOfId(record.id, record.reference)
  );
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
  const plan = planMerge({
    count: records.length,
    refKey: (i) => referenceToId(records[i]!.record.reference),
    record: (i) => records[i]!.record,
    origin: (i) => records[i]!.origin,
  });
  return {
    records: plan.order.map((x) => {
      if (typeof x === "string") return plan.groups.get(x)!;
      const { record } = records[x]!;
      const refKey = referenceToId(record.reference);
      return record.id === refKey ? record : { ...record, id: refKey };
    }),
    merges: plan.merges,
    distinct: plan.distinct,
  };
}

/** Records to merge, by their number in reading order; a build reads them back from its scratch file. */
export interface MergeSource {
  count: number;
  /** `referenceToId` of record `i`'s reference. */
  refKey(i: number): string;
  /** Record `i`: asked for only when its reference repeats. */
  record(i: number): CatalogueRecord;
  origin(i: number): string;
}

/**
 * The numbers, ascending, of the records whose reference key another record shares. Counting every key in a Map
 * held the whole catalogue's keys at once: 59 MB of heap at a million keys (measured), so about 590 MB of the build's
 * main thread at ten million. Here each key is hashed to 53 bits (8 bytes a record), the hashes sorted (a typed array's native
 * sort), and only keys whose hash repeats (the real repeats and rare collisions) are compared as strings.
 */
export function sharedKeys(count: number, refKey: (i: number) => string): number[] {
  const hashes = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const key = refKey(i);
    // Two FNV-1a bases give two different 32-bit hashes; 21 bits of the second keep the sum an exact double.
    hashes[i] = fnv1a32(key) * 2 ** 21 + (fnv1a32(key, SECOND_HASH_BASIS) >>> 11);
  }
  const sorted = hashes.slice().sort();
  const twice = new Set<number>();
  for (let k = 1; k < count; k++) if (sorted[k] === sorted[k - 1]) twice.add(sorted[k]!);
  if (!twice.size) return [];
  const candidates: number[] = [];
  const perKey = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    if (!twice.has(hashes[i]!)) continue;
    candidates.push(i);
    const key = refKey(i);
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
  }
  return candidates.filter((i) => perKey.get(refKey(i))! > 1);
}

/** An FNV-1a offset basis other than the standard one, for a second, different hash of the same key. */
const SECOND_HASH_BASIS = 0x9e3779b9;

/**
 * What mergeDuplicates does, with records fetched by number only where their reference repeats, so a build need
 * not hold the catalogue to merge it. `order` is the output in first-seen order: a record number (the record as
 * read, its id set to its reference key) or the id of a merged group (in `groups`).
 */
export function planMerge(source: MergeSource): {
  order: Array<number | string>;
  groups: Map<string, CatalogueRecord>;
  merges: MergeReport[];
  distinct: DistinctItemsReport[];
} {
  const n = source.count;
  const shared = sharedKeys(n, source.refKey);
  // Item keys only matter where a reference repeats; the vast majority do not.
  const repeated = new Map<number, { record: CatalogueRecord; refKey: string; itemKey: string | null }>();
  const lowestKey = new Map<string, string>();
  for (const i of shared) {
    const refKey = source.refKey(i);
    const record = source.record(i);
    const k = itemKeyOf(record);
    repeated.set(i, { record, refKey, itemKey: k });
    if (k === null) continue;
    const cur = lowestKey.get(refKey);
    if (cur === undefined || compareItemKeys(k, cur) < 0) lowestKey.set(refKey, k);
  }

  // Unique records pass through as they are; only records sharing a reference are copied and folded.
  const groups = new Map<string, Group>();
  const order: Array<number | string> = [];
  for (let i = 0; i < n; i++) {
    const r = repeated.get(i);
    if (!r) {
      order.push(i);
      continue;
    }
    const { record, refKey } = r;
    const origin = source.origin(i);
    const lowest = lowestKey.get(refKey) ?? null;
    const itemKey = r.itemKey ?? lowest;
    const id = itemKey === null || itemKey === lowest ? refKey : itemId(record.reference, itemKey);
    const group = groups.get(id);
    if (!group) {
      groups.set(id, {
        merged: { ...record, id },
        sources: [origin],
        from: new Map(),
        conflicts: new Map(),
        itemKey,
        refKey,
      });
      order.push(id);
      continue;
    }
    group.sources.push(origin);
    fold(group, record as JsonObject, origin);
  }

  const merges: MergeReport[] = [];
  const byRef = new Map<string, DistinctItemsReport>();
  for (const [id, { merged, sources, conflicts, itemKey, refKey }] of groups) {
    if (sources.length > 1) {
      const report: MergeReport = { id, reference: merged.reference as string, sources };
      if (conflicts.size > 0) report.conflicts = [...conflicts.values()];
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
  const merged = new Map<string, CatalogueRecord>();
  for (const [id, g] of groups) merged.set(id, g.merged as CatalogueRecord);
  return { order, groups: merged, merges, distinct };
}

// ---------------------------------------------------------------------------
// Whole corpus

export interface FileSummary {
  file: string;
  format: SourceFormat | null;
  records: number;
  rejects: number;
  warnings: number;
  /** Time to parse the file (reading it included when `read` did so). */
  ms: number;
}

/**
 * One file for ingestFiles: its text, or a `read` that returns the text (or
 * an already ingested result, or such results piece by piece, as a large file
 * is read) only when its turn comes, so a build holds one file's text (or one
 * piece's) at a time.
 */
export type IngestInput =
  | { file: string; text: string }
  | { file: string; read: () => string | IngestResult | Iterable<IngestResult> };

export interface CatalogueIngest {
  records: CatalogueRecord[];
  rejects: IngestReject[];
  warnings: IngestWarning[];
  merges: MergeReport[];
  distinct: DistinctItemsReport[];
  files: FileSummary[];
  /** Files of no known format, with the reason; not counted as rejects. */
  skipped: IngestReject[];
  /** Records per source name as read, before merging. */
  perSource: Map<string, number>;
}

/** What ingestEach reports: everything but the records, which went to its callback. */
export type IngestFindings = Omit<CatalogueIngest, "records" | "merges" | "distinct">;

/** Files that document a corpus (SOURCES.md, README.txt) rather than hold records. */
const DOCUMENTATION = /\.(?:md|txt)$/i;

/** Ingests many files and merges across them: what a build step needs in one call. */
export function ingestFiles(inputs: Iterable<IngestInput>): CatalogueIngest {
  const all: Array<{ record: CatalogueRecord; origin: string }> = [];
  const found = ingestEach(inputs, (record, origin) => all.push({ record, origin }));
  const merged = mergeDuplicates(all);
  return { ...found, records: merged.records, merges: merged.merges, distinct: merged.distinct };
}

/**
 * Ingests many files, handing each record to `onRecord` as it is read (with the `file:line` it starts at), so a
 * caller can spill records rather than hold them; merging is the caller's (planMerge).
 */
export function ingestEach(
  inputs: Iterable<IngestInput>,
  onRecord: (record: CatalogueRecord, origin: string) => void,
): IngestFindings {
  const out: IngestFindings = {
    rejects: [],
    warnings: [],
    files: [],
    skipped: [],
    perSource: new Map(),
  };
  for (const input of inputs) {
    const { file } = input;
    if (DOCUMENTATION.test(file)) {
      out.skipped.push({
        file,
        line: 1,
        field: "format",
        reason: `ingest: ${file} is documentation, not a catalogue file`,
      });
      continue;
    }
    const t0 = performance.now();
    const got = "text" in input ? input.text : input.read();
    const pieces: Iterable<IngestResult> =
      typeof got === "string" ? [ingestText(got, file)] : Symbol.iterator in got ? got : [got];
    const summary: FileSummary = { file, format: null, records: 0, rejects: 0, warnings: 0, ms: 0 };
    let first = true;
    for (const result of pieces) {
      if (first) summary.format = result.format;
      first = false;
      if (result.format === null) out.skipped.push(...result.rejects);
      else {
        out.rejects.push(...result.rejects);
        out.warnings.push(...result.warnings);
      }
      result.records.forEach((record, i) => {
        onRecord(record, result.origins[i] ?? file);
        out.perSource.set(record.source.name, (out.perSource.get(record.source.name) ?? 0) + 1);
      });
      summary.records += result.records.length;
      summary.rejects += result.format === null ? 0 : result.rejects.length;
      summary.warnings += result.warnings.length;
    }
    summary.ms = performance.now() - t0;
    out.files.push(summary);
  }
  return out;
}
