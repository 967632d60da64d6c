/**
 * The sentence that says how many results a search found, the same in the
 * server-rendered pages and the widget.
 *
 * With volumes collapsed the list holds files, and the records they stand for
 * are said beside them; a count that top-k early termination left as a lower
 * bound reads "over N". A lower bound of files counts only the hits a page
 * looked at, so the sentence then gives the records alone.
 *
 * @example
 * resultCountText({ q: "Besedovsky", offset: 0, shown: 1, total: { value: 2, relation: "eq" },
 *   files: { value: 1, relation: "eq" } })
 * // → "1 result (2 records) for “Besedovsky”"
 */
export interface ResultCount {
  q: string;
  /** Zero-based position of the first hit shown. */
  offset: number;
  /** How many hits this page shows. */
  shown: number;
  total: Count;
  /** Present when volumes are collapsed into files. */
  files?: Count;
}

export interface Count {
  value: number;
  relation: "eq" | "gte" | string;
}

const number = (n: number) => n.toLocaleString("en-GB");
const bound = (c: Count) => (c.relation === "gte" ? `over ${number(c.value)}` : number(c.value));

export function resultCountText(r: ResultCount): string {
  if (!r.total.value) return `No results for “${r.q}”`;
  // A lower bound of files counts only the best hits the page looked at: the records say more, so they are listed.
  const filesKnown = r.files?.relation !== "gte";
  const listed = (filesKnown && r.files) || r.total;
  const noun = filesKnown ? "result" : "record";
  const range = listed.value > r.shown ? `, showing ${r.offset + 1}–${r.offset + r.shown}` : "";
  const records = listed.value !== r.total.value ? ` (${bound(r.total)} records)` : "";
  return `${bound(listed)} ${noun}${listed.value === 1 ? "" : "s"}${records} for “${r.q}”${range}`;
}
