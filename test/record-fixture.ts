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

/**
 * Six records, two files of several volumes among them: two like-titled TNA pieces (docs 0 and 1) and a file whose
 * titles say "volume" (docs 3–5); doc 2 is in none.
 */
export function twoFilesOfVolumes() {
  return [
    testRecord({ id: "kv-2-1", reference: "KV 2/1", title: "Klaus FUCHS", series: "KV 2" }),
    testRecord({ id: "kv-2-2", reference: "KV 2/2", title: "Klaus FUCHS", series: "KV 2" }),
    testRecord({ id: "kv-2-3", reference: "KV 2/3", title: "Someone else", series: "KV 2" }),
    testRecord({ id: "a1-1", reference: "A1, 1", title: "Peace movement volume 1", series: "A1" }),
    testRecord({ id: "a1-2", reference: "A1, 2", title: "Peace movement volume 2", series: "A1" }),
    testRecord({ id: "a1-3", reference: "A1, 3", title: "Peace movement volume 3", series: "A1" }),
  ];
}
