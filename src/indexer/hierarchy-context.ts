/**
 * Context from the catalogue's hierarchy: an item inherits the titles of its
 * parent and of its series, where the catalogue holds them as records, so an
 * item titled only by a ship's name is found by its series' subject
 * ("Surgeon Superintendents' Journals"). Indexed in the low-weight `ctx`
 * field: context helps a record be found, never outranks its own words.
 */
import type { CatalogueRecord } from "../shared/record";

/** Each record's inherited text (parent title, series title), for records that have any. */
export function hierarchyContext(docs: ReadonlyArray<CatalogueRecord>): Map<CatalogueRecord, string> {
  const byReference = new Map<string, CatalogueRecord>();
  const byDiscoveryId = new Map<string, CatalogueRecord>();
  for (const r of docs) {
    byReference.set(r.reference, r);
    const did = (r as { discoveryId?: unknown }).discoveryId;
    if (typeof did === "string") byDiscoveryId.set(did, r);
  }
  const out = new Map<CatalogueRecord, string>();
  for (const r of docs) {
    const parentId = (r as { parentId?: unknown }).parentId;
    const parent = typeof parentId === "string" ? byDiscoveryId.get(parentId) : undefined;
    const series = r.series !== r.reference ? byReference.get(r.series) : undefined;
    const titles = [...new Set([parent, series].filter((p) => p && p !== r).map((p) => p!.title))];
    if (titles.length) out.set(r, titles.join(" ; "));
  }
  return out;
}
