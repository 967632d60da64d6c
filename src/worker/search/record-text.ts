/**
 * The text a quoted phrase is checked against. Its own module so that the
 * shard runner and the search service share it without importing each other.
 */
import type { CatalogueRecord } from "../../shared/record";

/** The text a quoted phrase must appear in. */
export function recordText(r: CatalogueRecord): string {
  return [r.title, r.description, ...r.people, ...r.places, ...r.corporateNames, ...r.subjects].join(" ; ");
}
