/**
 * What the index holds for a record, field by field. Build-time only in use,
 * but kept in shared/ beside the search config because the Worker's query
 * side must apply the same word rules to the user's text.
 */
import type { CatalogueRecord } from "./record";
import type { FieldName } from "./search-config";
import { STOPWORDS, words } from "./text/fold";
import { variantKey } from "./text/variants";
import { phoneticKeys } from "./text/phonetic";
import { stem } from "./text/stem";
import { nameTokens } from "./text/names";
import { memoised } from "./text/memo";

// Alias markers catalogues use in titles: TNA writes "@" ("Eric CAMP @ ..."), others spell it out.
const ALIAS_MARKERS =
  /\s(?:@|aka|a\.k\.a\.|alias|aliases|formerly|also known as|also spelt|also spelled|né|née|nee)\s/i;

/** Names a title declares as aliases: "Ivan SMIRNOV @ John SMITH, aka Jack" → ["John SMITH", "Jack"]. */
export function titleAliases(title: string): string[] {
  const parts = ` ${title} `.split(ALIAS_MARKERS);
  if (parts.length < 2) return [];
  return parts
    .slice(1)
    .flatMap((p) => p.split(/[,;/]| and /))
    .map((s) => s.replace(/[()[\]]/g, "").trim())
    .filter((s) => s.length > 1);
}

const content = (text: string) => words(text).filter((w) => !STOPWORDS.has(w));
/** Whether a title or people word also goes to the name fields (`names`, `phon`). */
export const isNameWord = (w: string) => w.length >= 2 && /^\p{L}+$/u.test(w);

/**
 * Name tokens the query side's name rules look for (initials, "O'" parts,
 * joined particles), after the people words so they never shift a name's
 * position. Kept apart from the field encoding on purpose.
 */
function extraNameTerms(names: string[]): string[] {
  return [...new Set(names.flatMap(nameTokens))];
}

/**
 * Record-number terms beyond the reference's own: the last two groups of a
 * JFK number ("10051-10096"), the docid of a release PDF ("docid-32206291"),
 * which researchers quote from file names, and an NAA item's barcode
 * ("barcode-171899"), RecordSearch's item id.
 */
export function numberTerms(r: CatalogueRecord): string[] {
  const out = new Set<string>();
  const m = /^\d{3}-(\d{5}-\d{5})$/.exec(r.id);
  if (m) out.add(m[1]!);
  const x = r as CatalogueRecord & { fileName?: unknown; additionalSourceUrls?: unknown; barcode?: unknown };
  if (typeof x.barcode === "string" && /^\d{1,12}$/.test(x.barcode)) out.add(`barcode-${x.barcode}`);
  const files = [x.fileName, r.source?.url, ...(Array.isArray(x.additionalSourceUrls) ? x.additionalSourceUrls : [])];
  for (const f of files)
    if (typeof f === "string") for (const d of f.matchAll(/docid[-_](\d{5,10})/gi)) out.add(`docid-${d[1]}`);
  return [...out];
}

// Words repeat across a catalogue: each key is derived once per word (see memo.ts).
const MEMO_WORDS = 200_000;
const stemOf = memoised(stem, MEMO_WORDS);
const variantOf = memoised(variantKey, MEMO_WORDS);
const soundsOf = memoised(phoneticKeys, MEMO_WORDS);

const titleWords = (r: CatalogueRecord) => content(r.title);
const tagWords = (r: CatalogueRecord) =>
  content([...r.subjects, ...r.corporateNames, ...r.places, r.series].join(" ; "));
function peopleWords(r: CatalogueRecord): string[] {
  const names = [...r.people, ...titleAliases(r.title)];
  return [...content(names.join(" ; ")), ...extraNameTerms(names)];
}
const nameWords = (r: CatalogueRecord) => [...new Set([...titleWords(r), ...peopleWords(r)].filter(isNameWord))];

/**
 * The terms of one indexed field, in text order (FlexSearch scores by
 * position). One field at a time, because the build indexes field by field
 * and each field's costly keys (stems, sound codes) are then derived once.
 */
export function fieldTerms(r: CatalogueRecord, f: FieldName, context = ""): string[] {
  switch (f) {
    case "ref": {
      const refRuns = r.id.split("-");
      return [r.id, refRuns.join(""), refRuns.at(-1)!, ...numberTerms(r)];
    }
    case "title":
      return titleWords(r);
    case "people":
      return peopleWords(r);
    case "tags":
      return tagWords(r);
    case "desc":
      return content(r.description);
    case "names":
      return nameWords(r).map((w) => variantOf(w));
    case "phon":
      return nameWords(r).flatMap((w) => soundsOf(w));
    case "stem":
      return [...titleWords(r), ...tagWords(r), ...content(r.description)].map((w) => stemOf(w));
    case "ctx":
      return context ? content(context) : [];
  }
}

/**
 * The terms of each indexed field: what fieldTerms gives field by field, with each text's words split once
 * (fieldTerms splits the title for three fields and the tags and description for two: half of the build's plan).
 */
export function recordFieldTerms(r: CatalogueRecord, context = ""): Record<FieldName, string[]> {
  const title = titleWords(r);
  const tags = tagWords(r);
  const desc = content(r.description);
  const people = peopleWords(r);
  const named = [...new Set([...title, ...people].filter(isNameWord))];
  const terms: Record<FieldName, string[]> = {
    ref: fieldTerms(r, "ref"),
    title,
    people,
    tags,
    desc,
    names: named.map((w) => variantOf(w)),
    phon: named.flatMap((w) => soundsOf(w)),
    stem: [...title, ...tags, ...desc].map((w) => stemOf(w)),
    ctx: context ? content(context) : [],
  };
  return terms;
}

/**
 * A record's words before any per-word rule: the fields recordFieldTerms takes from the texts, with `names`,
 * `phon` and `stem` left for the caller to derive word by word (the build numbers each word once and derives its
 * keys once per word, not once per occurrence; held equal to recordFieldTerms by a test).
 */
export function recordFieldWords(
  r: CatalogueRecord,
  context = "",
): Pick<Record<FieldName, string[]>, "ref" | "title" | "people" | "tags" | "desc" | "ctx"> {
  return {
    ref: fieldTerms(r, "ref"),
    title: titleWords(r),
    people: peopleWords(r),
    tags: tagWords(r),
    desc: content(r.description),
    ctx: context ? content(context) : [],
  };
}
