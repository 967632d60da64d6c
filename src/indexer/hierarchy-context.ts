/**
 * Context from the catalogue's hierarchy: an item inherits the titles of its
 * parent and of its series, where the catalogue holds them as records, so an
 * item titled only by a ship's name is found by its series' subject
 * ("Surgeon Superintendents' Journals"). Indexed in the low-weight `ctx`
 * field: context helps a record be found, never outranks its own words.
 */
import type { CatalogueRecord } from "../shared/record";
import { LargeMap, LargeSet } from "./large-map";

/**
 * Each doc's inherited text (parent title, series title), for docs that have any. A first pass notes which
 * references and Discovery ids are named as a series or parent, so only those docs' titles are held, not a map
 * over the whole catalogue (a series is rarely a record of its own; synthetic catalogues have none).
 */
export function hierarchyContext(docs: Iterable<CatalogueRecord>): LargeMap<number, string> {
  // Large: in a Discovery export nearly every item names a parent, and a catalogue has tens of millions of items.
  const seriesNamed = new LargeSet<string>();
  const parentsNamed = new LargeSet<string>();
  for (const r of docs) {
    if (r.series !== r.reference) seriesNamed.add(r.series);
    const parentId = (r as { parentId?: unknown }).parentId;
    if (typeof parentId === "string") parentsNamed.add(parentId);
  }
  // Only what the last pass needs of a parent: its doc and title.
  const byReference = new LargeMap<string, [number, string]>();
  const byDiscoveryId = new LargeMap<string, [number, string]>();
  let doc = 0;
  if (seriesNamed.size || parentsNamed.size)
    for (const r of docs) {
      if (seriesNamed.has(r.reference)) byReference.set(r.reference, [doc, r.title]);
      const did = (r as { discoveryId?: unknown }).discoveryId;
      if (typeof did === "string" && parentsNamed.has(did)) byDiscoveryId.set(did, [doc, r.title]);
      doc++;
    }
  const out = new LargeMap<number, string>();
  if (!byReference.size && !byDiscoveryId.size) return out;
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
