/**
 * The plan numbers a record's terms and derives a word's stem, variant key and sound codes once per word number
 * (plan-terms.ts); recordFieldTerms derives them per occurrence. The two must give the same terms.
 */
import { describe, expect, it } from "vitest";
import { syntheticCorpus } from "../../scripts/bench/synthetic-catalogue";
import { readCatalogue } from "../../src/indexer/build-catalogue";
import { TermNumbers } from "../../src/indexer/plan-terms";
import { packDocTerms } from "../../src/indexer/terms-file";
import { recordFieldTerms } from "../../src/shared/record-fields";
import { FIELD_NAMES } from "../../src/shared/search-config";
import type { CatalogueRecord } from "../../src/shared/record";

function expectSameTerms(records: CatalogueRecord[], context = "") {
  const numbers = new TermNumbers();
  for (const r of records) {
    const byNumber = numbers.docTerms(r, context);
    const expected = recordFieldTerms(r, context);
    FIELD_NAMES.forEach((f, i) => {
      expect(
        byNumber[i]!.map((id) => numbers.list[id]),
        `${r.id} ${f}`,
      ).toEqual(expected[f]);
    });
  }
  // Every term has one number.
  expect(new Set(numbers.list).size).toBe(numbers.list.length);
}

describe("a record's terms numbered by the plan", () => {
  it("are recordFieldTerms' terms for synthetic records", () => {
    expectSameTerms([...syntheticCorpus(600).records()]);
  });

  it("are recordFieldTerms' terms for the built-in catalogue's records, with hierarchy context", () => {
    const records = readCatalogue(["data"]).records.slice(0, 2000);
    expectSameTerms(records);
    expectSameTerms(records.slice(0, 60), "Security Service: Personal Files (PF series), Émigrés");
  });

  it("pack field by field: the counts first, then the terms", () => {
    expect([...packDocTerms([[7, 8], [], [9]])]).toEqual([2, 0, 1, 7, 8, 9]);
  });
});
