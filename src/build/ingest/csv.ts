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

function parseAll(text: string, to?: number): { records: RawRecord[]; error?: { code: string; message: string; records: number } } {
  try {
    const options = to === undefined ? OPTIONS : { ...OPTIONS, to };
    return { records: parse(text, options) as unknown as RawRecord[] };
  } catch (err) {
    const e = err as { code?: string; message?: string; records?: number };
    return { records: [], error: { code: e.code ?? "CSV_ERROR", message: e.message ?? String(err), records: e.records ?? 0 } };
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

/**
 * Parses one segment (whole records only), appending rows with their file
 * lines. On a fatal error (an unclosed quote) csv-parse gives up on the whole
 * input, and its from_line option still reads the skipped lines' quotes; so
 * the records before the failure are re-read, the failing line is reported,
 * and parsing restarts on the text after that line.
 */
function parseSegment(text: string, firstLine: number, file: string, module: string, rows: CsvRow[], rejects: IngestReject[]): void {
  let rest = text;
  let restLine = firstLine;
  for (let attempt = 0; attempt < 10_000 && rest.length > 0; attempt++) {
    const result = parseAll(rest);
    const records = result.error ? (result.error.records > 0 ? parseAll(rest, result.error.records).records : []) : result.records;
    let line = 1;
    for (const r of records) {
      if (!(r.record.length === 1 && r.record[0] === "")) rows.push({ line: restLine + line - 1, cells: r.record });
      line += breaksWithin(r.raw) + 1;
    }
    if (!result.error) return;
    const bad = restLine + line - 1;
    const why = result.error.code === "CSV_QUOTE_NOT_CLOSED" ? "a quoted field opened here is never closed" : `${result.error.code}: ${result.error.message}`;
    rejects.push({ file, line: bad, field: "row", reason: `${module}: unreadable CSV at line ${bad} (${why}); skipped that line and read on` });
    const badStart = offsetOfLine(rest, line);
    const next = badStart < 0 ? -1 : nextLineStart(rest, badStart);
    if (next < 0) return;
    rest = rest.slice(next);
    restLine = bad + 1;
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
 * skipped. A malformed record (an unclosed quote) does not sink the file: the
 * records before it are kept, its first line becomes a reject, and parsing
 * resumes on the next line.
 */
export function readCsv(text: string, file: string, module: string): CsvTable {
  const rows: CsvRow[] = [];
  const rejects: IngestReject[] = [];
  for (const segment of segments(text)) parseSegment(segment.text, segment.line, file, module, rows, rejects);
  const [first, ...rest] = rows;
  return { header: first?.cells.map((h) => h.trim()) ?? [], headerLine: first?.line ?? 1, rows: rest, rejects };
}

/** The first line's cells, for format detection without parsing the whole file. */
export function readCsvHeader(text: string): string[] {
  const end = text.search(/\r?\n/);
  const firstLine = end < 0 ? text : text.slice(0, end);
  try {
    const [cells] = parse(firstLine, { relax_column_count: true, relax_quotes: true, bom: true }) as string[][];
    return (cells ?? []).map((c) => c.trim());
  } catch {
    return [];
  }
}
