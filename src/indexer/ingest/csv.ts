/**
 * CSV reading for the ingest parsers, on csv-parse's sync API.
 *
 * The browser ESM build is used because it carries its own Buffer shim and no
 * `node:` imports, so it bundles for workerd as well as running under Node.
 * csv-parse's own `info.lines` miscounts CRLF inside quoted fields, so start
 * lines are counted here from each record's raw text instead.
 */
import { parse } from "csv-parse/browser/esm/sync";
import type { IngestReject } from "./normalise";

export interface CsvRow {
  /** 1-based physical line the row starts on. */
  line: number;
  cells: string[];
}

export interface CsvTable {
  header: string[];
  headerLine: number;
  rows: CsvRow[];
  rejects: IngestReject[];
}

interface RawRecord {
  record: string[];
  raw: string;
}

const OPTIONS = { raw: true, relax_column_count: true, relax_quotes: true, bom: true } as const;

function lineBreaks(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

/** Line breaks inside a record, not counting the one that ends it. */
function breaksWithin(raw: string): number {
  return lineBreaks(raw.replace(/(?:\r\n|\n|\r)$/, ""));
}

function parseAll(
  text: string,
  to?: number,
): { records: RawRecord[]; error?: { code: string; message: string; records: number } } {
  try {
    const options = to === undefined ? OPTIONS : { ...OPTIONS, to };
    return { records: parse(text, options) as unknown as RawRecord[] };
  } catch (err) {
    const e = err as { code?: string; message?: string; records?: number };
    return {
      records: [],
      error: { code: e.code ?? "CSV_ERROR", message: e.message ?? String(err), records: e.records ?? 0 },
    };
  }
}

/** Character offset just past the next line break at or after `from`, or -1 if none. */
function nextLineStart(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) return i + 1;
    if (c === 13) return text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
  }
  return -1;
}

/** Offset where line `n` (1-based) of `text` starts, or -1 if there is no such line. */
function offsetOfLine(text: string, n: number): number {
  let at = 0;
  for (let line = 1; line < n && at >= 0; line++) at = nextLineStart(text, at);
  return at;
}

/** Tells a line that begins a data row from one that continues a field; made per file from its header. */
export type RowStart = (cells: string[]) => boolean;

/**
 * The cells of one physical line alone, an unclosed quote closed at its end,
 * quotes read as csv-parse reads them with relax_quotes (a quote opens a cell
 * only at its start; "" inside is one quote). Written by hand because it runs
 * on every line of every multi-line record to test it as a row start, and a
 * csv-parse call per line costs a parser set-up (buffers, and an error object
 * for the unclosed quote) many times the work of the split.
 */
export function cellsOfLine(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  let atStart = true;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c !== '"') cell += c;
      else if (line[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === ",") {
      cells.push(cell);
      cell = "";
      atStart = true;
      continue;
    } else if (c === '"' && atStart) quoted = true;
    else cell += c;
    atStart = false;
  }
  cells.push(cell);
  return cells;
}

/**
 * For a record spread over several lines, the first of its continuation
 * lines (1-based within the record) that reads as the start of a row: the
 * sign that a stray quote opened a field which swallowed the rows after it.
 * 0 when every continuation line is plausibly part of a multi-line cell.
 */
function swallowedRowAt(raw: string, isRowStart: RowStart): number {
  const lines = raw.replace(/(?:\r\n|\n|\r)$/, "").split(/\r\n|\n|\r/);
  for (let k = 1; k < lines.length; k++) if (isRowStart(cellsOfLine(lines[k]!))) return k;
  return 0;
}

interface Segment {
  file: string;
  module: string;
  header: string[];
  isRowStart?: RowStart;
  rows: CsvRow[];
  rejects: IngestReject[];
}

/** The 1-based line of `text` at or after line `from` that starts a row, or -1 (every line after, without a test). */
function nextRowStart(text: string, from: number, isRowStart?: RowStart): number {
  if (!isRowStart) return from;
  const lines = text.split(/\r\n|\n|\r/);
  for (let n = from; n <= lines.length; n++) if (isRowStart(cellsOfLine(lines[n - 1]!))) return n;
  return -1;
}

/**
 * Parses one segment (whole records only), appending rows with their file
 * lines. Two kinds of broken record are rejected at their first line, and
 * parsing resumes at the next line that starts a row (per `isRowStart`):
 *  - a field whose opening quote is never closed: csv-parse gives up on the
 *    whole input (its from_line option still reads the skipped lines'
 *    quotes), so the records before it are re-read and the rest re-parsed;
 *  - a quoted field that runs across lines into one that starts a row: with
 *    relax_quotes csv-parse reads on to the next quote it meets, folding the
 *    rows between into one cell, so such a record is cut where that row starts.
 * csv-parse has no option for either (skip_records_with_error resumes at no
 * defined line), so the resynchronising is done here around it.
 */
function parseSegment(text: string, firstLine: number, seg: Segment): void {
  const { file, module, rows, rejects, isRowStart } = seg;
  let rest = text;
  let restLine = firstLine;
  for (let attempt = 0; attempt < 100_000 && rest.length > 0; attempt++) {
    const result = parseAll(rest);
    const records = result.error
      ? result.error.records > 0
        ? parseAll(rest, result.error.records).records
        : []
      : result.records;
    let line = 1;
    let resume = 0;
    for (const r of records) {
      const within = breaksWithin(r.raw);
      const swallowed = within > 0 && isRowStart ? swallowedRowAt(r.raw, isRowStart) : 0;
      if (swallowed > 0) {
        const bad = restLine + line - 1;
        const cell = r.record.findIndex((c) => /[\r\n]/.test(c));
        const field = seg.header[cell]?.trim() || (cell >= 0 ? `column ${cell + 1}` : "row");
        const through = swallowed > 1 ? `lines ${bad}-${bad + swallowed - 1}` : `line ${bad}`;
        rejects.push({
          file,
          line: bad,
          ...(swallowed > 1 ? { endLine: bad + swallowed - 1 } : {}),
          field,
          reason:
            `${module}: unbalanced quote at line ${bad}: a quoted ${field} runs on into line ${bad + swallowed}, ` +
            `which starts a new row; rejected ${through} and read on from line ${bad + swallowed}`,
        });
        resume = line + swallowed;
        break;
      }
      if (!(r.record.length === 1 && r.record[0] === "")) rows.push({ line: restLine + line - 1, cells: r.record });
      line += within + 1;
    }
    if (resume === 0) {
      if (!result.error) return;
      const bad = restLine + line - 1;
      const why =
        result.error.code === "CSV_QUOTE_NOT_CLOSED"
          ? "a quoted field opened here is never closed"
          : `${result.error.code}: ${result.error.message}`;
      resume = nextRowStart(rest, line + 1, isRowStart);
      const readOn = resume < 0 ? "no row starts after it" : `read on from line ${restLine + resume - 1}`;
      const endLine = resume < 0 ? restLine + breaksWithin(rest) : restLine + resume - 2;
      rejects.push({
        file,
        line: bad,
        ...(endLine > bad ? { endLine } : {}),
        field: "row",
        reason: `${module}: unreadable CSV at line ${bad} (${why}); ${readOn}`,
      });
      if (resume < 0) return;
    }
    const at = offsetOfLine(rest, resume);
    if (at < 0) return;
    rest = rest.slice(at);
    restLine += resume - 1;
  }
}

// csv-parse's browser build (its Buffer shim) slows down on long inputs, so
// big files are parsed in pieces of about this many characters.
const SEGMENT = 64 * 1024;

/**
 * Cuts CSV text into segments that end on record boundaries: newlines outside
 * quoted fields, tracking quotes the way csv-parse does (a quote opens a field
 * only at its start; "" inside is an escaped quote).
 */
function segments(text: string): Array<{ text: string; line: number }> {
  if (text.length <= SEGMENT) return [{ text, line: 1 }];
  const out: Array<{ text: string; line: number }> = [];
  let start = 0;
  let startLine = 1;
  let line = 1;
  let inQuotes = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === 34) {
        if (text.charCodeAt(i + 1) === 34) i++;
        else inQuotes = false;
      } else if (c === 10) line++;
      continue;
    }
    if (c === 34 && fieldStart) {
      inQuotes = true;
      fieldStart = false;
    } else if (c === 44) {
      fieldStart = true;
    } else if (c === 10) {
      line++;
      fieldStart = true;
      if (i + 1 - start >= SEGMENT) {
        out.push({ text: text.slice(start, i + 1), line: startLine });
        start = i + 1;
        startLine = line;
      }
    } else if (c !== 13) {
      fieldStart = false;
    }
  }
  if (start < text.length) out.push({ text: text.slice(start), line: startLine });
  return out;
}

/**
 * Parses `text` into a header and rows with their start lines. Blank lines are
 * skipped. A malformed record (an unclosed quote, or a quoted field that
 * swallows the rows after it) does not sink the file: it becomes a reject at
 * its first line, and parsing resumes at the next line that starts a row,
 * as `rowStartFor` (given the header) judges; without it, at the next line.
 */
export function readCsv(
  text: string,
  file: string,
  module: string,
  rowStartFor?: (header: string[]) => RowStart,
): CsvTable {
  const header = readCsvHeader(text);
  // Excel pads a header with empty names for trailing commas; only named columns count.
  let width = header.length;
  while (width > 1 && header[width - 1] === "") width--;
  // A line starts a row when the format's key cells say so; without a format's test, when on its own it
  // fills every named column (a crude test: the last line of a multi-line cell may too).
  const isRowStart: RowStart = rowStartFor?.(header) ?? ((cells) => width > 1 && cells.length >= width);
  const seg: Segment = { file, module, header, isRowStart, rows: [], rejects: [] };
  for (const segment of segments(text)) parseSegment(segment.text, segment.line, seg);
  const [first, ...rest] = seg.rows;
  return {
    header: first?.cells.map((h) => h.trim()) ?? [],
    headerLine: first?.line ?? 1,
    rows: rest,
    rejects: seg.rejects,
  };
}

/** The first line's cells, for format detection without parsing the whole file (a header never spans lines). */
export function readCsvHeader(text: string): string[] {
  const body = text.replace(/^\uFEFF/, "");
  const end = body.search(/\r?\n/);
  return cellsOfLine(end < 0 ? body : body.slice(0, end)).map((c) => c.trim());
}
