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
const isNameWord = (w: string) => w.length >= 2 && /^\p{L}+$/u.test(w);

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
 * JFK number ("10051-10096") and the docid of a release PDF ("docid-32206291"),
 * which researchers quote from file names.
 */
export function numberTerms(r: CatalogueRecord): string[] {
  const out = new Set<string>();
  const m = /^\d{3}-(\d{5}-\d{5})$/.exec(r.id);
  if (m) out.add(m[1]!);
  const x = r as CatalogueRecord & { fileName?: unknown; additionalSourceUrls?: unknown };
  const files = [x.fileName, r.source?.url, ...(Array.isArray(x.additionalSourceUrls) ? x.additionalSourceUrls : [])];
  for (const f of files)
    if (typeof f === "string") for (const d of f.matchAll(/docid[-_](\d{5,10})/gi)) out.add(`docid-${d[1]}`);
  return [...out];
}

/** The terms of each indexed field, in text order (FlexSearch scores by position). */
export function recordFieldTerms(r: CatalogueRecord, context = ""): Record<FieldName, string[]> {
  const title = content(r.title);
  const aliasNames = titleAliases(r.title);
  const people = [
    ...content([...r.people, ...aliasNames].join(" ; ")),
    ...extraNameTerms([...r.people, ...aliasNames]),
  ];
  const tags = content([...r.subjects, ...r.corporateNames, ...r.places, r.series].join(" ; "));
  const desc = content(r.description);
  const nameWords = [...new Set([...title, ...people].filter(isNameWord))];
  const refRuns = r.id.split("-");
  return {
    ref: [r.id, refRuns.join(""), refRuns.at(-1)!, ...numberTerms(r)],
    title,
    people,
    tags,
    desc,
    names: nameWords.map(variantKey),
    phon: nameWords.flatMap(phoneticKeys),
    stem: [...title, ...tags, ...desc].map(stem),
    ctx: context ? content(context) : [],
  };
}
