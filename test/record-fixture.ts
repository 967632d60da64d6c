/** A valid catalogue record for unit tests: the fields a test cares about over empty lists and nulls. */
import type { CatalogueRecord } from "../src/shared/record";

export function testRecord(
  fields: Pick<CatalogueRecord, "id" | "reference" | "title" | "series"> & Partial<CatalogueRecord>,
): CatalogueRecord {
  return {
    description: "",
    coveringDates: null,
    startDate: null,
    endDate: null,
    department: null,
    heldBy: [],
    people: [],
    places: [],
    corporateNames: [],
    subjects: [],
    source: { name: "test", url: null },
    ...fields,
  };
}
