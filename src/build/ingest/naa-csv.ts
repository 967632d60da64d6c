/**
 * National Archives of Australia RecordSearch item exports (CSV):
 * barcode,series,control_symbol,title,start_date,end_date,access_status,
 * location,digitised_status,digitised_pages
 */
import { readCsv } from "./csv";
import { namesFromPersonalTitle } from "./people";
import { cleanText, coveringYears, idOf, quote, readYear, reject, validateRecord, type ParseOutput, type ParsedRecord } from "./normalise";

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
const KNOWN = new Set<string>([...REQUIRED, "start_date", "end_date", "access_status", "location", "digitised_status", "digitised_pages"]);

/** "access_status" -> "accessStatus", for columns this parser does not know, which ride along. */
function extraKey(header: string): string {
  return header.trim().toLowerCase().replace(/[^a-z0-9]+([a-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/[^a-zA-Z0-9]/g, "");
}

/** True when a header row is a RecordSearch export. */
export function isNaaHeader(header: string[]): boolean {
  const names = new Set(header.map((h) => h.trim().toLowerCase()));
  return REQUIRED.every((c) => names.has(c));
}

export function parseNaaCsv(text: string, file: string): ParseOutput {
  const table = readCsv(text, file, MODULE);
  const records: ParsedRecord[] = [];
  const rejects = [...table.rejects];
  const col = new Map(table.header.map((h, i) => [h.toLowerCase(), i] as const));
  const missing = REQUIRED.filter((c) => !col.has(c));
  if (missing.length > 0) {
    rejects.push(reject(file, table.headerLine, MODULE, missing[0]!, `header lacks column(s) ${missing.join(", ")}; found ${quote(table.header.join(","))}`));
    return { records, rejects };
  }
  const extraColumns = table.header.map((h, i) => [extraKey(h), i] as const).filter(([key], i) => key && !KNOWN.has(table.header[i]!.toLowerCase()));
  const cell = (cells: string[], name: string): string => {
    const i = col.get(name);
    return i === undefined ? "" : cleanText(cells[i]);
  };

  for (const { line, cells } of table.rows) {
    if (cells.every((c) => c.trim() === "")) continue;
    const bad = (field: string, detail: string): void => {
      rejects.push(reject(file, line, MODULE, field, detail));
    };
    if (cells.length > table.header.length && cells.slice(table.header.length).some((c) => c.trim() !== "")) {
      bad(`column ${table.header.length + 1}`, `row has ${cells.length} cells but the header has ${table.header.length}; extra ${quote(cells.slice(table.header.length))}`);
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
      bad("control_symbol", `control_symbol is empty, so item ${barcode || "(no barcode)"} in ${series} has no reference`);
      continue;
    }
    if (barcode && !/^\d+$/.test(barcode)) {
      bad("barcode", `barcode ${quote(barcode)} is not a number`);
      continue;
    }
    const reference = `${series}, ${controlSymbol}`;
    const start = readYear(cell(cells, "start_date"));
    if (!start.ok) {
      bad("start_date", `${reference}: start_date ${quote(cell(cells, "start_date"))} ${start.reason}`);
      continue;
    }
    const end = readYear(cell(cells, "end_date"));
    if (!end.ok) {
      bad("end_date", `${reference}: end_date ${quote(cell(cells, "end_date"))} ${end.reason}`);
      continue;
    }
    const startDate = start.start;
    const endDate = end.end;
    if (startDate && endDate && startDate > endDate) {
      bad("end_date", `${reference}: end_date ${cell(cells, "end_date")} is before start_date ${cell(cells, "start_date")}`);
      continue;
    }
    const pagesText = cell(cells, "digitised_pages");
    const digitisedText = cell(cells, "digitised_status").toLowerCase();

    const candidate: Record<string, unknown> = {
      id: idOf(reference),
      reference,
      title,
      description: "",
      coveringDates: coveringYears(startDate, endDate),
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
    const checked = validateRecord(candidate, {
      file,
      line,
      module: MODULE,
      fieldNames: { reference: "control_symbol", id: "control_symbol", startDate: "start_date", endDate: "end_date", title: "title", series: "series" },
    });
    if ("reject" in checked) rejects.push(checked.reject);
    else records.push({ record: checked.record, line });
  }
  return { records, rejects };
}
