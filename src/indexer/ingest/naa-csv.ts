/**
 * National Archives of Australia RecordSearch item exports (CSV):
 * barcode,series,control_symbol,title,start_date,end_date,access_status,
 * location,digitised_status,digitised_pages
 */
import { readCsv } from "./csv";
import type { IngestFormat } from "./format";
import { namesFromPersonalTitle } from "./people";
import { cleanText, coveringYears, idOf, ParseSink, quote, readYear, type ParseOutput } from "./normalise";

const MODULE = "naa-csv";
export const NAA_SOURCE_NAME = "naa-recordsearch";
export const NAA_HELD_BY = "National Archives of Australia";
const ITEM_URL = "https://recordsearch.naa.gov.au/SearchNRetrieve/Interface/DetailsReports/ItemDetail.aspx?Barcode=";

/**
 * ASIO's own series. The export has no agency column, so the department is
 * only asserted for series known to be ASIO's; any other series gets null
 * rather than a guess.
 */
const ASIO_SERIES = new Set(["A6119", "A6122", "A6126", "A9626"]);

/** Series whose items are personal files, so the title names a person. */
const PERSONAL_FILE_SERIES = new Set(["A6119"]);

const REQUIRED = ["barcode", "series", "control_symbol", "title"] as const;
const KNOWN = new Set<string>([
  ...REQUIRED,
  "start_date",
  "end_date",
  "access_status",
  "location",
  "digitised_status",
  "digitised_pages",
]);

/** "access_status" -> "accessStatus", for columns this parser does not know, which ride along. */
function extraKey(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+([a-z0-9])/g, (_, c: string) => c.toUpperCase())
    .replace(/[^a-zA-Z0-9]/g, "");
}

/** True when a header row is a RecordSearch export. */
export function isNaaHeader(header: string[]): boolean {
  const names = new Set(header.map((h) => h.trim().toLowerCase()));
  return REQUIRED.every((c) => names.has(c));
}

/**
 * A line that starts a RecordSearch row, valid or not: a series number
 * (A6119, BP242/1) in the series column. Lets the CSV reader find where rows
 * resume after an unbalanced quote; the last line of a multi-line title
 * would need a series number in that column to be mistaken for one.
 */
function rowStart(header: string[]): (cells: string[]) => boolean {
  const series = header.findIndex((h) => h.trim().toLowerCase() === "series");
  return (cells) =>
    series >= 0 && cells.length > series + 1 && /^[A-Z]{1,4}\d+[A-Z0-9/]*$/i.test(cells[series]!.trim());
}

export function parseNaaCsv(text: string, file: string): ParseOutput {
  const sink = new ParseSink(file, MODULE);
  const table = readCsv(text, file, MODULE, rowStart);
  sink.out.rejects.push(...table.rejects);
  const col = new Map(table.header.map((h, i) => [h.toLowerCase(), i] as const));
  const missing = REQUIRED.filter((c) => !col.has(c));
  if (missing.length > 0) {
    sink.reject(
      table.headerLine,
      missing[0]!,
      `header lacks column(s) ${missing.join(", ")}; found ${quote(table.header.join(","))}`,
    );
    return sink.out;
  }
  const extraColumns = table.header
    .map((h, i) => [extraKey(h), i] as const)
    .filter(([key], i) => key && !KNOWN.has(table.header[i]!.toLowerCase()));
  const cell = (cells: string[], name: string): string => {
    const i = col.get(name);
    return i === undefined ? "" : cleanText(cells[i]);
  };

  for (const { line, cells } of table.rows) {
    if (cells.every((c) => c.trim() === "")) continue;
    const bad = (field: string, detail: string): void => sink.reject(line, field, detail);
    if (cells.length > table.header.length && cells.slice(table.header.length).some((c) => c.trim() !== "")) {
      bad(
        `column ${table.header.length + 1}`,
        `row has ${cells.length} cells but the header has ${table.header.length}; extra ` +
          `${quote(cells.slice(table.header.length))}`,
      );
      continue;
    }
    const barcode = cell(cells, "barcode");
    const series = cell(cells, "series");
    const controlSymbol = cell(cells, "control_symbol");
    const title = cell(cells, "title");
    if (!series) {
      bad("series", "series is empty, so the item has no reference");
      continue;
    }
    if (!controlSymbol) {
      bad(
        "control_symbol",
        `control_symbol is empty, so item ${barcode || "(no barcode)"} in ${series} has no reference`,
      );
      continue;
    }
    if (barcode && !/^\d+$/.test(barcode)) {
      bad("barcode", `barcode ${quote(barcode)} is not a number`);
      continue;
    }
    const reference = `${series}, ${controlSymbol}`;
    // A bad year never costs the record: it is kept without that date (the text as written stays in coveringDates).
    const warnDate = (col: string, detail: string): void =>
      sink.warn(line, col, `${reference}: ${detail}; kept the record without it`);
    const startText = cell(cells, "start_date");
    const endText = cell(cells, "end_date");
    const start = readYear(startText);
    const end = readYear(endText);
    if (!start.ok) warnDate("start_date", `start_date ${quote(startText)} ${start.reason}`);
    if (!end.ok) warnDate("end_date", `end_date ${quote(endText)} ${end.reason}`);
    let startDate = start.ok ? start.start : null;
    let endDate = end.ok ? end.end : null;
    let coveringDates =
      start.ok && end.ok ? coveringYears(startDate, endDate) : [startText, endText].filter(Boolean).join("-") || null;
    if (startDate && endDate && startDate > endDate) {
      warnDate("end_date", `end_date ${endText} is before start_date ${startText}`);
      startDate = endDate = null;
      coveringDates = `${startText}-${endText}`;
    }
    const pagesText = cell(cells, "digitised_pages");
    const digitisedText = cell(cells, "digitised_status").toLowerCase();

    const candidate: Record<string, unknown> = {
      id: idOf(reference),
      reference,
      title,
      description: "",
      coveringDates,
      startDate,
      endDate,
      series,
      department: ASIO_SERIES.has(series.toUpperCase()) ? "ASIO" : null,
      heldBy: [NAA_HELD_BY],
      people: PERSONAL_FILE_SERIES.has(series.toUpperCase()) ? namesFromPersonalTitle(title) : [],
      places: [],
      corporateNames: [],
      subjects: [],
      source: { name: NAA_SOURCE_NAME, url: barcode ? ITEM_URL + barcode : null },
      barcode: barcode || null,
      controlSymbol,
      accessStatus: cell(cells, "access_status") || null,
      location: cell(cells, "location") || null,
      digitised: digitisedText === "true" ? true : digitisedText === "false" ? false : null,
      digitisedPages: /^\d+$/.test(pagesText) ? Number(pagesText) : null,
    };
    for (const [key, i] of extraColumns) if (!(key in candidate)) candidate[key] = cleanText(cells[i]) || null;
    sink.accept(candidate, line, {
      reference: "control_symbol",
      id: "control_symbol",
      startDate: "start_date",
      endDate: "end_date",
      title: "title",
      series: "series",
    });
  }
  return sink.out;
}

export const naaCsv: IngestFormat = {
  name: "naa-csv",
  extensions: ["csv"],
  sniff: (p) => isNaaHeader(p.csvHeader()),
  parse: (text, file) => parseNaaCsv(text, file),
};
