/**
 * NARA JFK Assassination Records release sheets (CSV), all yearly layouts:
 *  - 2021: "Record Number,File Title,NARA Release Date,…" with Excel serial dates;
 *  - 2022: "File Name,Record Num,NARA Release Date,…" with US dates;
 *  - 2023: as 2022 plus "Agency";
 *  - 2025: "Record Number,NARA Release Date", the record number being a PDF name.
 * Columns are found by header name, so a reordered or extended sheet still reads.
 */
import { readCsv } from "./csv";
import type { IngestFormat } from "./format";
import { personFromCorrespondent } from "./people";
import {
  cleanText,
  excelSerialToIso,
  idOf,
  NO_DATE,
  ParseSink,
  quote,
  readUsDate,
  type DateReading,
  type ParseOutput,
} from "./normalise";

const MODULE = "jfk-csv";
export const JFK_SOURCE_NAME = "nara-jfk";
export const JFK_HELD_BY = "National Archives and Records Administration";
const RELEASES = "https://www.archives.gov/files/research/jfk/releases/";

/** Canonical column -> the header names the yearly sheets use for it. */
const COLUMNS = {
  recordNumber: ["record number", "record num"],
  fileName: ["file name", "file title"],
  releaseDate: ["nara release date"],
  formerlyWithheld: ["formerly withheld"],
  agency: ["agency"],
  docDate: ["document date", "doc date"],
  docType: ["document type", "doc type"],
  fileNumber: ["file number", "file num"],
  to: ["to", "to name"],
  from: ["from", "from name"],
  title: ["title"],
  pages: ["original document pages", "num pages"],
  originator: ["originator"],
  recordSeries: ["record series"],
  reviewDate: ["review date"],
  comments: ["comments"],
  pagesReleased: ["document pages in pdf", "pages released"],
} as const;
type Column = keyof typeof COLUMNS;

const normHeader = (h: string): string => h.trim().toLowerCase().replace(/\s+/g, " ");

/** True when a header row is a JFK release sheet of any year. */
export function isJfkHeader(header: string[]): boolean {
  const names = new Set(header.map(normHeader));
  return COLUMNS.recordNumber.some((n) => names.has(n)) && COLUMNS.releaseDate.some((n) => names.has(n));
}

const RECORD_NUMBER = /^(\d{3}-\d{5}-\d{5})(.*)$/;

/**
 * The collection a record belongs to, from the agency code that opens its
 * record number (NARA's RIF numbers: 104 is the CIA's collection, 124 the
 * FBI's). The sheets' Record Series column is a folder title (HQ, MX,
 * "NSF, INTELLIGENCE FILE, OSWALD, LEE HARVEY, BOX 9": about 150 values), so
 * the series is `JFK <agency>` and the folder is kept as `recordSeries`.
 * Codes with a handful of records and no clear agency fall under "other".
 */
const AGENCY_OF_CODE = new Map<string, string>([
  ["104", "CIA"],
  ["119", "State Department"],
  ["124", "FBI"],
  ["144", "NSA"],
  ["157", "Church Committee (SSCIA)"],
  ["176", "Kennedy Library"],
  ["177", "Johnson Library"],
  ["178", "Rockefeller Commission"],
  ["180", "HSCA"],
  ["181", "National Archives"],
  ["194", "Army"],
  ["198", "Army"],
  ["202", "Secretary of Defense"],
]);
export const JFK_OTHER_SERIES = "JFK other agencies";

/** "JFK CIA" for 104-10001-10008: the series a JFK record number files under. */
export function jfkSeriesOf(recordNumber: string): string {
  const agency = AGENCY_OF_CODE.get(recordNumber.slice(0, 3));
  return agency ? `JFK ${agency}` : JFK_OTHER_SERIES;
}

/**
 * A sheet date: an Excel serial (the 2021 sheet was saved from Excel), or
 * mm/dd/yyyy with 00 parts for unknowns. Empty means no date.
 */
function readSheetDate(text: string): DateReading {
  if (!text) return NO_DATE;
  if (/^\d{1,6}$/.test(text)) {
    const serial = Number(text);
    if (serial === 0) return NO_DATE;
    const iso = excelSerialToIso(serial);
    return iso
      ? { ok: true, start: iso, end: iso, covering: iso }
      : { ok: false, reason: "is not a valid Excel date serial" };
  }
  return readUsDate(text);
}

/**
 * Release PDFs live under releases/<File Name>. The 2022/2023 sheets give the
 * year folder in the name; the 2021 sheet (docid files under 2021/) and the
 * 2025 sheet (under 2025/<mmdd>/) give the bare name, so the folder comes from
 * the release date.
 */
function releaseUrl(fileName: string, releaseDate: string | null): string | null {
  if (!fileName) return null;
  let path = fileName.replace(/^\/+/, "");
  if (!path.includes("/")) {
    if (!releaseDate) return null;
    const [year, month, day] = releaseDate.split("-");
    if (/^docid-/i.test(path)) path = path.toLowerCase();
    path = Number(year) >= 2025 ? `${year}/${month}${day}/${path}` : `${year}/${path}`;
  }
  return RELEASES + path.split("/").map(encodeURIComponent).join("/");
}

/** Cells such as Originator sometimes repeat one value on several lines ("NSA\nNSA\nNSA"). */
function cellText(raw: string | undefined): string {
  if (!raw) return "";
  if (!/[\r\n]/.test(raw)) return cleanText(raw);
  const lines = raw
    .split(/\r?\n|\r/)
    .map(cleanText)
    .filter(Boolean);
  return lines.filter((l, i) => lines.indexOf(l) === i).join(" ");
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
const stripStop = (s: string): string => s.replace(/[\s.]+$/, "");

export function parseJfkCsv(text: string, file: string): ParseOutput {
  const sink = new ParseSink(file, MODULE);
  // A line starts a row, valid or not, when its record number reads as one where the header puts it, or when it
  // has (nearly) every named column and a release date in place: how the reader finds where rows resume after an
  // unbalanced quote. The tail of a multi-line cell has neither (it may hold a date, but not the full width).
  const table = readCsv(text, file, MODULE, (header) => {
    const at = (c: Column) => header.findIndex((h) => (COLUMNS[c] as readonly string[]).includes(normHeader(h)));
    const [number, release] = [at("recordNumber"), at("releaseDate")];
    const named = header.filter((h) => h.trim() !== "").length;
    return (cells) =>
      (number >= 0 && RECORD_NUMBER.test(cells[number]?.trim() ?? "")) ||
      (release >= 0 &&
        cells.length >= named - 1 &&
        /^(?:\d{1,2}\/\d{1,2}\/\d{2,4}|\d{5})$/.test(cells[release]?.trim() ?? ""));
  });
  sink.out.rejects.push(...table.rejects);
  const index = new Map<Column, number>();
  const headerNames = new Map<Column, string>();
  table.header.forEach((h, i) => {
    const n = normHeader(h);
    for (const [column, names] of Object.entries(COLUMNS) as Array<[Column, readonly string[]]>) {
      if (names.includes(n) && !index.has(column)) {
        index.set(column, i);
        headerNames.set(column, h);
      }
    }
  });
  if (!index.has("recordNumber")) {
    sink.reject(
      table.headerLine,
      "Record Number",
      `header has no record number column; found ${quote(table.header.join(","))}`,
    );
    return sink.out;
  }
  const name = (c: Column): string => headerNames.get(c) ?? c;
  // Excel pads the header with empty names for trailing commas; only named columns count for raggedness.
  let width = table.header.length;
  while (width > 0 && table.header[width - 1] === "") width--;

  for (const { line, cells } of table.rows) {
    if (cells.every((c) => c.trim() === "")) continue;
    const get = (c: Column): string => {
      const i = index.get(c);
      return i === undefined ? "" : cellText(cells[i]);
    };
    const field = (c: Column | string): string => (c in COLUMNS ? name(c as Column) : c);
    const bad = (c: Column | string, detail: string): void => sink.reject(line, field(c), detail);
    const overflow = cells.slice(width).filter((c) => c.trim() !== "");
    if (overflow.length > 0) {
      bad(
        `column ${width + 1}`,
        `row has ${cells.length} cells but the header names ${width}; extra ${quote(overflow)} (an unquoted comma?)`,
      );
      continue;
    }

    const rawNumber = get("recordNumber");
    const m = RECORD_NUMBER.exec(rawNumber);
    if (!rawNumber) {
      bad("recordNumber", "record number is empty");
      continue;
    }
    if (!m || (m[2] && !/\.pdf$/i.test(m[2]))) {
      bad("recordNumber", `record number ${quote(rawNumber)} is not of the form NNN-NNNNN-NNNNN`);
      continue;
    }
    const reference = m[1]!;
    // The 2025 sheet names the PDF in the record number column.
    const fileName = get("fileName") || (m[2] ? rawNumber : "");

    // A bad date never costs the record: it is kept undated (the text as written stays in coveringDates) and reported.
    const dates: Partial<Record<Column, Extract<DateReading, { ok: true }>>> = {};
    for (const c of ["docDate", "releaseDate", "reviewDate"] as const) {
      const value = get(c);
      const reading = readSheetDate(value);
      if (reading.ok) dates[c] = reading;
      else {
        dates[c] = { ok: true, start: null, end: null, covering: value };
        sink.warn(
          line,
          field(c),
          `${reference}: ${name(c)} ${quote(value)} ${reading.reason}; kept the record with no ${name(c)}`,
        );
      }
    }
    const doc = dates.docDate!;
    const releaseDate = dates.releaseDate!.start;
    const reviewDate = dates.reviewDate!.start;

    const title = get("title");
    const docType = get("docType");
    const to = get("to");
    const from = get("from");
    const pagesText = get("pages");
    const pages = /^\d+$/.test(pagesText) ? Number(pagesText) : null;
    const pagesReleasedText = get("pagesReleased");
    const comments = get("comments");
    const correspondents = [from && `From ${from}`, to && `${from ? "to" : "To"} ${to}`].filter(Boolean).join(" ");
    const description = [
      docType && stripStop(docType),
      correspondents && stripStop(correspondents),
      pages !== null ? plural(pages, "page") : pagesText && `Pages: ${pagesText}`,
      comments && stripStop(comments),
    ]
      .filter(Boolean)
      .join(". ");
    const recordSeries = get("recordSeries");
    const people = [from, to].map(personFromCorrespondent).filter((p): p is string => p !== null);

    const candidate: Record<string, unknown> = {
      id: idOf(reference),
      reference,
      title: title || `JFK record ${reference}`,
      description,
      coveringDates: doc.covering,
      startDate: doc.start,
      endDate: doc.end,
      series: jfkSeriesOf(reference),
      recordSeries: recordSeries || null,
      department: get("agency") || get("originator") || null,
      heldBy: [JFK_HELD_BY],
      people: people.filter((p, i) => people.indexOf(p) === i),
      places: [],
      corporateNames: [],
      subjects: [],
      source: { name: JFK_SOURCE_NAME, url: releaseUrl(fileName, releaseDate) },
      fileName: fileName || null,
      releaseDate,
      reviewDate,
      formerlyWithheld: get("formerlyWithheld") || null,
      documentType: docType || null,
      fileNumber: get("fileNumber") || null,
      originator: get("originator") || null,
      pages,
      pagesReleased: /^\d+$/.test(pagesReleasedText) ? Number(pagesReleasedText) : null,
    };
    // The 2025 sheet and some older rows carry no title; flag the stand-in so a merge can replace it.
    if (!title) candidate.titleDerived = true;
    sink.accept(candidate, line, {
      reference: name("recordNumber"),
      id: name("recordNumber"),
      startDate: name("docDate"),
      endDate: name("docDate"),
      title: name("title"),
      series: name("recordNumber"),
    });
  }
  return sink.out;
}

export const jfkCsv: IngestFormat = {
  name: "jfk-csv",
  extensions: ["csv"],
  sniff: (p) => isJfkHeader(p.csvHeader()),
  parse: (text, file) => parseJfkCsv(text, file),
};
