/**
 * The build derives a record's terms for every field at once (`recordFieldTerms`, each text split once); the
 * query side and the field rules are defined field by field (`fieldTerms`). The two must give the same terms.
 */
import { describe, expect, it } from "vitest";
import { syntheticCorpus } from "../../scripts/bench/synthetic-catalogue";
import { readCatalogue } from "../../src/indexer/build-catalogue";
import { fieldTerms, recordFieldTerms } from "../../src/shared/record-fields";
import { FIELD_NAMES } from "../../src/shared/search-config";
import type { CatalogueRecord } from "../../src/shared/record";

function expectFieldByField(records: CatalogueRecord[], context = "") {
  for (const r of records) {
    const all = recordFieldTerms(r, context);
    expect(Object.keys(all).sort()).toEqual([...FIELD_NAMES].sort());
    for (const f of FIELD_NAMES) expect(all[f], `${r.id} ${f}`).toEqual(fieldTerms(r, f, context));
  }
}

describe("a record's terms derived for every field at once", () => {
  it("are each field's own terms for synthetic records", () => {
    expectFieldByField([...syntheticCorpus(400).records()]);
  });

  it("are each field's own terms for the built-in catalogue's records, with hierarchy context", () => {
    const records = readCatalogue(["data"]).records.slice(0, 1500);
    expectFieldByField(records);
    expectFieldByField(records.slice(0, 50), "Security Service: Personal Files (PF series), Émigrés");
  });
});
