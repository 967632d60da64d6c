/**
 * Context from the catalogue's hierarchy: an item inherits the titles of its
 * parent and of its series, where the catalogue holds them as records, so an
 * item titled only by a ship's name is found by its series' subject
 * ("Surgeon Superintendents' Journals"). Indexed in the low-weight `ctx`
 * field: context helps a record be found, never outranks its own words.
 */
import type { CatalogueRecord } from "../shared/record";

/** Each doc's inherited text (parent title, series title), for docs that have any. */
export function hierarchyContext(docs: Iterable<CatalogueRecord>): Map<number, string> {
  // Only what the second pass needs of a parent: its doc and title.
  const byReference = new Map<string, [number, string]>();
  const byDiscoveryId = new Map<string, [number, string]>();
  let doc = 0;
  for (const r of docs) {
    byReference.set(r.reference, [doc, r.title]);
    const did = (r as { discoveryId?: unknown }).discoveryId;
    if (typeof did === "string") byDiscoveryId.set(did, [doc, r.title]);
    doc++;
  }
  const out = new Map<number, string>();
  doc = 0;
  for (const r of docs) {
    const parentId = (r as { parentId?: unknown }).parentId;
    const parent = typeof parentId === "string" ? byDiscoveryId.get(parentId) : undefined;
    const series = r.series !== r.reference ? byReference.get(r.series) : undefined;
    const titles = [...new Set([parent, series].filter((p) => p && p[0] !== doc).map((p) => p![1]))];
    if (titles.length) out.set(doc, titles.join(" ; "));
    doc++;
  }
  return out;
}
