/**
 * Archive references in every loose form people type them, reduced to one key.
 *
 * A reference is read as runs of letters and runs of digits; everything else
 * (spaces, "/", ".", ",", "-") only separates runs. So "KV 2/2681", "kv2/2681",
 * "KV2 2681", "kv 2 2681" and "KV.2.2681" all become the key `kv-2-2681`, which
 * is also the record's id. "A6119, 5737" becomes `a-6119-5737`, and a JFK record
 * number "104-10059-10121" stays `104-10059-10121`.
 */
import { lruByCount } from "./lru";

/** Splits a reference into its letter and digit runs, lowercased. */
export function referenceRuns(reference: string): string[] {
  return (
    reference
      .normalize("NFKD")
      .toLowerCase()
      .match(/[a-z]+|\d+/g) ?? []
  );
}

/** The canonical, URL-safe key of a reference; records use it as their `id`. */
export function referenceToId(reference: string): string {
  return referenceRuns(reference).join("-");
}

/**
 * Compares references in catalogue order: letters alphabetically, numbers
 * numerically, so KV 2/99 sorts before KV 2/100.
 */
export function compareReferences(a: string, b: string): number {
  return compareRuns(cachedRuns(a), cachedRuns(b));
}

// Sorting a large catalogue compares each reference many times; splitting it
// once is what makes a 30k-record build take seconds. Bounded, so the Worker
// (which shares this module) never grows it without limit.
const runCache = lruByCount<string, string[]>(200_000);
function cachedRuns(reference: string): string[] {
  let runs = runCache.get(reference);
  if (!runs) runCache.set(reference, (runs = referenceRuns(reference)));
  return runs;
}

function compareRuns(ra: string[], rb: string[]): number {
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i]!;
    const y = rb[i]!;
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) return Number(x) - Number(y) || x.length - y.length;
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return ra.length - rb.length;
}

/** A parsed range such as "KV 2/2670-2671": same prefix, last number from..to. */
export interface ReferenceRange {
  /** Key of everything before the last number, e.g. `kv-2`. */
  prefix: string;
  from: number;
  to: number;
}

/** The most records one range lookup may name; a wider range is a 400. */
export const MAX_RANGE_SPAN = 500;

/**
 * Reads "KV 2/2670-2671" (or "kv2/2670–71", an en dash and a shortened end)
 * as a range. Returns null when the text is a single reference. JFK numbers
 * ("104-10059-10121") contain hyphens too, so a range needs its two ends to be
 * separated by a hyphen or dash *after* a "/" , "," or space-separated piece,
 * and the end to be no shorter-prefixed than an abbreviation of the start.
 */
export function parseReferenceRange(text: string): ReferenceRange | null {
  const m = /^(.*?[\s/,.])?\s*(\d+)\s*[-–—]\s*(\d+)\s*$/.exec(text.normalize("NFKC").trim());
  if (!m?.[1] || !/[a-z]/i.test(m[1])) return null;
  const prefix = referenceToId(m[1]);
  const fromText = m[2]!;
  let toText = m[3]!;
  if (toText.length < fromText.length) toText = fromText.slice(0, fromText.length - toText.length) + toText;
  const from = Number(fromText);
  const to = Number(toText);
  if (!prefix || to < from) return null;
  return { prefix, from, to };
}
