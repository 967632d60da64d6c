/**
 * Query understanding: what a researcher's free text asks for, before any
 * index is read. Everything found is reported back in the response's `query`.
 *
 * @example
 * parseQuery('files KV 2/2670 "Soviet embassy" person:Philby -Paris in the 1920s')
 * // → references ["KV 2/2670"], phrases [["soviet","embassy"]], fields.person [["philby"]],
 * //   exclude ["paris"], dates { from: 1920, to: 1929 }, words ["files", "soviet", "embassy"]
 */
import { STOPWORDS, words } from "../../shared/text/fold";

export interface DateRange { from: number; to: number; text: string }

export interface ParsedQuery {
  text: string;
  /** Folded words that hits should match, stopwords removed, in query order. */
  words: string[];
  /** Quoted phrases, as folded words; their words are in `words` too. */
  phrases: string[][];
  /** Words a hit must not contain. */
  exclude: string[];
  /** Field-restricted words: `person:`, `place:`; their words are in `words` too. */
  fields: { person: string[][]; place: string[][] };
  /** `series:` restrictions, as typed. */
  series: string[];
  /** Reference-shaped pieces of the text, as typed (`KV 2/2670`, `A6119, 5737`, `104-10059-10121`). */
  references: string[];
  /** Years, decades or ranges named in the text. */
  dates: DateRange | null;
}

const MIN_YEAR = 1000;
const MAX_YEAR = 2099;

// Letters then digits then a separator and digits: KV 2/2670, kv2/2670, A6119, 5737, ADM 50/111, KV 2/2670-2671.
const REFERENCE = /\b[A-Za-z]{1,6}\s?\.?\s?\d{1,6}\s*[/,.]\s*\d{1,6}(?:\s*[-–]\s*\d{1,6})?\b|\b\d{3}-\d{5}-\d{5}\b/g;
const RANGE = /\b(\d{4})\s*[-–]\s*(\d{2}|\d{4})\b/g;
const DECADE = /\b(?:in\s+the\s+)?(\d{3})0'?s\b/gi;
const YEAR = /\b(\d{4})\b/g;
const FIELD = /\b(person|place|series):\s*(?:"([^"]*)"|(\S+))/gi;
const PHRASE = /"([^"]+)"/g;
const EXCLUDE = /(?:^|\s)-([\p{L}\p{N}]+)/gu;

function isYear(n: number): boolean {
  return n >= MIN_YEAR && n <= MAX_YEAR;
}

export function parseQuery(text: string): ParsedQuery {
  let rest = ` ${text} `;
  const take = (re: RegExp, fn: (m: RegExpExecArray) => boolean) => {
    rest = rest.replace(re, (...args) => {
      const m = args.slice(0, -2) as unknown as RegExpExecArray;
      return fn(m) ? " " : m[0];
    });
  };

  const fields: ParsedQuery["fields"] = { person: [], place: [] };
  const series: string[] = [];
  const extraWords: string[] = [];
  take(FIELD, (m) => {
    const kind = m[1]!.toLowerCase();
    const value = (m[2] ?? m[3] ?? "").trim();
    if (!value) return true;
    if (kind === "series") series.push(value);
    else {
      const ws = words(value).filter((w) => !STOPWORDS.has(w));
      if (ws.length) { fields[kind as "person" | "place"].push(ws); extraWords.push(...ws); }
    }
    return true;
  });

  const references: string[] = [];
  take(REFERENCE, (m) => {
    // "1939-1945" is a date range, not a reference, and "MI5 1940" reads better as words plus a year.
    references.push(m[0].trim());
    return true;
  });

  let dates: DateRange | null = null;
  take(RANGE, (m) => {
    const from = Number(m[1]);
    let to = Number(m[2]);
    if (m[2]!.length === 2) to = Math.floor(from / 100) * 100 + to;
    if (!isYear(from) || !isYear(to) || to < from) return false;
    dates ??= { from, to, text: m[0].trim() };
    return true;
  });
  take(DECADE, (m) => {
    const from = Number(m[1]) * 10;
    if (!isYear(from)) return false;
    dates ??= { from, to: from + 9, text: m[0].trim() };
    return true;
  });
  take(YEAR, (m) => {
    const y = Number(m[1]);
    if (!isYear(y)) return false;
    dates ??= { from: y, to: y, text: m[0] };
    return true;
  });

  const phrases: string[][] = [];
  take(PHRASE, (m) => {
    const ws = words(m[1]!);
    if (ws.length) { phrases.push(ws); extraWords.push(...ws.filter((w) => !STOPWORDS.has(w))); }
    return true;
  });

  const exclude: string[] = [];
  take(EXCLUDE, (m) => {
    exclude.push(...words(m[1]!));
    return true;
  });

  const free = words(rest.replace(/"/g, " ")).filter((w) => !STOPWORDS.has(w));
  const seen = new Set<string>();
  const all = [...free, ...extraWords].filter((w) => !seen.has(w) && (seen.add(w), true));
  return { text, words: all, phrases, exclude, fields, series, references, dates };
}
