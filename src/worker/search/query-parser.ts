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
import { nicknamesOf } from "../../shared/text/names";

export interface DateRange {
  from: number;
  to: number;
  text: string;
}

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
  /**
   * Reference-shaped pieces of the text, as typed (`KV 2/2670`, `A6119, 5737`, `104-10059-10121`); one typed with
   * a space or a hyphen before its last number is written with a slash (`KV 2 2681` → `KV 2/2681`).
   */
  references: string[];
  /**
   * References typed with a space or a hyphen whose last number could also be a year (`KV 2 1903`, `kv2-1903`),
   * written with a slash (`KV 2/1903`): a reference when a record has it (the number is then its piece, and `dates`
   * is not applied), else words and a year, as "MI5 1940" is. Their text is read as words and dates as well (see
   * SearchService).
   */
  yearOrReference: string[];
  /** Years, decades or ranges named in the text. */
  dates: DateRange | null;
  /**
   * Folded words that look like names: written capitalised with at least 4
   * letters, a capitalised short given name the nickname table knows beside
   * such a word ("Vic Healy"), or given as `person:`. Only these get nickname
   * rules, and only those of 4 letters or more sound-alike rules, so
   * "Security" or "atomic" are never matched by how they sound.
   */
  nameLike: string[];
  /** Single letters read as initials of given names ("J. B. Smith", "JB Smith", "Smith, J."). */
  initials: string[];
  /** Discovery record ids (`C10240711`), typed alone or in a Discovery record URL. */
  discoveryIds: string[];
  /**
   * Record-number terms the index holds in its reference field: partial JFK numbers, release PDF docids, NAA
   * barcodes (`barcode-171899`).
   */
  numbers: string[];
  /**
   * Pairs of folded words written with a slash between (`JM/WAVE`, `ZR/RIFLE`), as histories cite CIA
   * cryptonyms; catalogues write them joined (`JMWAVE`). Planning tries the joined word where the catalogue has it.
   */
  joined: Array<[string, string]>;
  /**
   * Folded words typed with a trailing wildcard, as in Discovery and RecordSearch (`Bese*`), with the letters a
   * completion may add at most. Their words are in `words` too.
   */
  wildcards: Array<{ word: string; extra: number }>;
}

const MIN_YEAR = 1000;
const MAX_YEAR = 2099;

// Letters then digits then a separator and digits: KV 2/2670, kv2/2670, A6119, 5737, ADM 50/111, KV 2/2670-2671.
// Deeper levels too: ADM 101/84/4/10 (series, piece, item, sub-item), by slashes or dots only ("KV 2/2670, 2671" is
// a reference and a number).
const REFERENCE =
  /\b[A-Za-z]{1,6}\s?\.?\s?\d{1,6}\s*[/,.]\s*\d{1,6}(?:\s*[/.]\s*\d{1,6}){0,4}(?:\s*[-–]\s*\d{1,6})?\b|\b\d{3}[-\s]\d{5}[-\s]\d{5}\b/g;
// "KV 2 2681", "A6119 5737", "kv2-2681": a reference typed with spaces or a hyphen. Looked up, but its words
// stay in the query too, since "MI5 1940" has the same shape and is words plus a year.
const SPACED_REFERENCE = /\b[A-Za-z]{1,6}\s?\d{1,6}(?:\s+|\s*-\s*)\d{1,6}\b/g;
// The last two groups of a JFK record number, and a release PDF's name.
const PARTIAL_NUMBER = /\b(\d{5})\s*-\s*(\d{5})\b/g;
// A Discovery record id, alone or in its record page's URL (…/details/r/C10240711).
const DISCOVERY_ID = /(?:https?:\/\/)?(?:discovery\.nationalarchives\.gov\.uk\/details\/[a-z]\/)?\b([Cc]\d{6,9})\b/g;
// An NAA item's barcode, as RecordSearch shows it ("Item ID 171899", "barcode 171899") or in its URL ("Barcode=171899").
const BARCODE = /\b(?:barcode|item\s*id)\s*[:=#]?\s*(\d{4,12})\b/gi;
const DOCID = /\bdocid\s*[-_ ]?\s*(\d{5,10})\b/gi;
// Acronyms of two or three letters that are not a person's initials, before a name: the agencies, parties, unions
// and places of the catalogues (the thesaurus's, and more). "WAW Wood" is William Arnold Whitfield Wood; "CIA Oswald",
// "HMS Alligator" and "NSW Branch" are not initials.
const NOT_INITIALS = new Set(
  [
    "us uk un mp dc ny sr jr ok tv re cp hq pm rn nz",
    "cia fbi kgb gru gpu mgb oss soe sis raf usa jfk bbc abc nsw qld act aif rsl alp cpa dlp buf ilp kpd dre dgi",
    "dlb eyl wwf wwi hms nsa nsc anc ira tuc nus sas ddp cpu doj oas wha",
  ].flatMap((line) => line.split(" ")),
);
// "1939-1945", "1939-45", "1930 to 1935", "between 1930 and 1935", "from 1930 until 1935".
const RANGE = /\b(?:between\s+|from\s+)?(\d{4})\s*([-–]|\s(?:to|and|until|till|through)\s)\s*(\d{2}|\d{4})\b/gi;
// "1940s-1950s", "the 1940s to the 1950s".
const DECADE_RANGE =
  /\b(?:between\s+|from\s+)?(?:the\s+)?(\d{3})0'?s\s*(?:[-–]|\s(?:to|and|until|till|through)\s)\s*(?:the\s+)?(\d{3})0'?s\b/gi;
// One end open: "before 1930", "after the 1950s", "since 1955", "until 1945". Not a bare "from": "letters from
// 1940" are letters of 1940.
const OPEN_RANGE =
  /\b(before|prior\s+to|pre|until|till|up\s+to|after|post|since)\s+(?:the\s+)?(?:(\d{4})|(\d{3})0'?s)\b/gi;
const DECADE = /\b(?:in\s+the\s+)?(\d{3})0'?s\b/gi;
const YEAR = /\b(\d{4})\b/g;
// "JM/WAVE", "LI/ENVOY": a cryptonym as histories cite it. Not "ZR RIFLE": "JB SMITH" has the same shape and is
// initials, and the parser cannot ask the lexicon which the catalogue holds.
const SLASH_JOINED = /\b(\p{L}{1,4})\s*\/\s*(\p{L}{2,})\b/gu;
// "Bese*": a trailing wildcard on a word of two letters or more. Not "?": "Who was Besedovsky?" is a question.
const WILDCARD = /(?<![\p{L}\p{N}])(\p{L}{2,})\*(?![\p{L}\p{N}])/gu;
/** Letters a `*` completion may add: the longest names in the catalogues are about twenty letters. */
const WILDCARD_EXTRA = 16;
// A RecordSearch item's URL, whose other parts are not words of the query.
const RECORDSEARCH_URL = /\bhttps?:\/\/recordsearch\.naa\.gov\.au\/\S*?[?&]barcode=(\d{4,12})\S*/gi;
// "Mosley NOT Diana": the operator as Discovery takes it, in capitals ("not" in a sentence is a word).
const NOT_OPERATOR = /(?:^|\s)NOT\s+([\p{L}\p{N}]+)/gu;
const FIELD = /\b(person|place|series):\s*(?:"([^"]*)"|(\S+))/gi;
const PHRASE = /"([^"]+)"/g;
const EXCLUDE = /(?:^|\s)-([\p{L}\p{N}]+)/gu;

// "files on …", "documents relating to …", "information about …": how people ask an archive for a topic. Every
// record is a file, a document or papers, so these words only matched records that say so ("DOCUMENTS RELATING
// TO …" in JFK titles) and pushed the topic down; an agency before them ("MI5 files on") stays a word.
const LEAD_IN =
  /^(\s*(?:(?:mi5|mi6|asio|cia|fbi|kgb)\s+)?)(?:(?:all|any|the)\s+)?(?:files?|records?|documents?|papers|information|material|details|dossiers?)\s+(?:on|about|of|relating\s+to|related\s+to|regarding|concerning|re|mentioning|referring\s+to)\s+(?=\S)/i;

// "U.S.S.R.", "K.G.B.", "N.S.W.": an acronym written with dots is one word. Runs of three letters or more only: two
// ("J.B.") are a person's initials, which the name rules read letter by letter.
const DOTTED_ACRONYM = /(?<![\p{L}\p{N}.])(?:\p{L}\.){3,}/gu;

function isYear(n: number): boolean {
  return n >= MIN_YEAR && n <= MAX_YEAR;
}

export function parseQuery(text: string): ParsedQuery {
  let rest = ` ${text.replace(LEAD_IN, "$1").replace(DOTTED_ACRONYM, (m) => m.replace(/\./g, ""))} `;
  const joined: Array<[string, string]> = [];
  for (const m of text.matchAll(SLASH_JOINED)) {
    const [a, b] = [words(m[1]!)[0], words(m[2]!)[0]];
    if (a && b) joined.push([a, b]);
  }
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
      if (ws.length) {
        fields[kind as "person" | "place"].push(ws);
        extraWords.push(...ws);
      }
    }
    return true;
  });

  const discoveryIds: string[] = [];
  take(DISCOVERY_ID, (m) => {
    discoveryIds.push(m[1]!.toUpperCase());
    return true;
  });

  const numbers: string[] = [];
  take(RECORDSEARCH_URL, (m) => {
    numbers.push(`barcode-${m[1]}`);
    return true;
  });
  take(BARCODE, (m) => {
    numbers.push(`barcode-${m[1]}`);
    return true;
  });
  take(DOCID, (m) => {
    numbers.push(`docid-${m[1]}`);
    return true;
  });

  const references: string[] = [];
  const yearOrReference: string[] = [];
  take(SPACED_REFERENCE, (m) => {
    if (/^\s*\d/.test(m[0])) return false;
    // Written with a slash: "KV 2-1903" would read as a range of pieces 2 to 1903.
    const ref = m[0].trim().replace(/(?:\s+|\s*-\s*)(\d+)$/, "/$1");
    // Pieces numbered 1000-2099 are as common as the years: KV 2 alone has over a thousand.
    (isYear(Number(/\d+$/.exec(ref)![0])) ? yearOrReference : references).push(ref);
    return false;
  });
  take(REFERENCE, (m) => {
    // "1939-1945" is a date range, not a reference, and "MI5 1940" reads better as words plus a year.
    references.push(m[0].trim());
    return true;
  });

  take(PARTIAL_NUMBER, (m) => {
    numbers.push(`${m[1]}-${m[2]}`);
    return true;
  });

  let dates: DateRange | null = null;
  take(DECADE_RANGE, (m) => {
    const from = Number(m[1]) * 10;
    const to = Number(m[2]) * 10 + 9;
    if (!isYear(from) || !isYear(to) || to < from) return false;
    dates ??= { from, to, text: m[0].trim() };
    return true;
  });
  take(RANGE, (m) => {
    const from = Number(m[1]);
    let to = Number(m[3]);
    // "1945 and 12 others" is a year and a count.
    if (m[3]!.length === 2 && /and/i.test(m[2]!)) return false;
    if (m[3]!.length === 2) to = Math.floor(from / 100) * 100 + to;
    if (!isYear(from) || !isYear(to) || to < from) return false;
    dates ??= { from, to, text: m[0].trim() };
    return true;
  });
  take(OPEN_RANGE, (m) => {
    const word = m[1]!.toLowerCase().replace(/\s+/g, " ");
    // A year, or a decade's first and last years.
    const first = m[2] ? Number(m[2]) : Number(m[3]) * 10;
    const last = m[2] ? first : first + 9;
    if (!isYear(first)) return false;
    const range =
      word === "before" || word === "prior to" || word === "pre"
        ? { from: MIN_YEAR, to: first - 1 }
        : word === "after" || word === "post"
          ? { from: last + 1, to: MAX_YEAR }
          : word === "since"
            ? { from: first, to: MAX_YEAR }
            : { from: MIN_YEAR, to: last };
    dates ??= { ...range, text: m[0].trim() };
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
    if (ws.length) {
      phrases.push(ws);
      extraWords.push(...ws.filter((w) => !STOPWORDS.has(w)));
    }
    return true;
  });

  const exclude: string[] = [];
  take(EXCLUDE, (m) => {
    exclude.push(...words(m[1]!));
    return true;
  });
  take(NOT_OPERATOR, (m) => {
    exclude.push(...words(m[1]!));
    return true;
  });

  const wildcards: ParsedQuery["wildcards"] = [];
  take(WILDCARD, (m) => {
    const w = words(m[1]!)[0];
    if (w && w.length >= 2) wildcards.push({ word: w, extra: WILDCARD_EXTRA });
    // The word stays, without its wildcard.
    return false;
  });

  const { nameLike, initials, expanded } = namesOf(rest, fields.person);
  const free = words(expanded.replace(/"/g, " ")).filter((w) => !STOPWORDS.has(w));
  const seen = new Set<string>();
  const all = [...free, ...extraWords].filter((w) => {
    if (seen.has(w)) return false;
    seen.add(w);
    return true;
  });
  return {
    text,
    words: all,
    phrases,
    exclude,
    fields,
    series,
    references,
    yearOrReference,
    dates,
    nameLike,
    initials,
    numbers,
    discoveryIds,
    joined,
    wildcards,
  };
}

/**
 * Reads names off the raw text, where capitals still show: name-like words,
 * and initials. A single letter is an initial when the query has a name-like
 * word; "JB" before a capitalised word is two initials and is split.
 */
function namesOf(text: string, person: string[][]): { nameLike: string[]; initials: string[]; expanded: string } {
  const raw = text.match(/[\p{L}\p{N}'’`]+/gu) ?? [];
  const nameLike = new Set<string>(person.flat());
  const short: string[] = [];
  for (const t of raw) {
    const w = words(t)[0];
    if (!w || !/^\p{Lu}/u.test(t) || STOPWORDS.has(w) || !/^\p{L}+$/u.test(w)) continue;
    if (w.length >= 4) nameLike.add(w);
    else if (w.length >= 2 && nicknamesOf(w).length) short.push(w);
  }
  // A short given name the nickname table knows ("Vic", "Jan", "Ted") is a name beside another name: "Vic Healy".
  if (nameLike.size) for (const w of short) nameLike.add(w);
  const initials = new Set<string>();
  let expanded = text;
  if (nameLike.size) {
    expanded = text.replace(
      /\b(\p{Lu})(\p{Lu})(\p{Lu})?(?=\s+\p{Lu}\p{L}{2,})/gu,
      (m, a: string, b: string, c?: string) =>
        NOT_INITIALS.has(m.toLowerCase()) ? m : [a, b, c].filter(Boolean).join(" "),
    );
    // Apostrophes join here as in words(): the "s" of "Oswald's" and the "O" of "O'Brien" are not initials.
    for (const t of expanded.match(/[\p{L}\p{N}'’`]+/gu) ?? []) {
      const w = words(t)[0];
      if (w && w.length === 1 && /\p{L}/u.test(w)) initials.add(w);
    }
  }
  return { nameLike: [...nameLike], initials: [...initials], expanded };
}
