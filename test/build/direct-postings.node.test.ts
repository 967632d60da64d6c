/**
 * A search shard's postings are made directly from each doc's terms (search-assets.ts `strictSlots`), no longer
 * through a FlexSearch index per block: they must be exactly what FlexSearch's strict tokenizer under FLEX_OPTIONS
 * gives, term for term, doc for doc, slot for slot, and in the same term order.
 */
import { describe, expect, it } from "vitest";
import { syntheticCorpus } from "../../scripts/bench/synthetic-catalogue";
import { readCatalogue } from "../../src/indexer/build-catalogue";
import { directPostings, flexSearchPostings } from "../../src/indexer/search-assets";
import { recordFieldTerms } from "../../src/shared/record-fields";
import { FIELD_NAMES } from "../../src/shared/search-config";

const same = (docs: string[][], from = 0) =>
  expect([...directPostings(docs, from)]).toEqual([...flexSearchPostings(docs, from)]);

describe("postings made directly from a doc's terms", () => {
  it("equal FlexSearch's for every field of synthetic records", () => {
    const records = [...syntheticCorpus(600).records()];
    const terms = records.map((r) => recordFieldTerms(r));
    for (const f of FIELD_NAMES) same(terms.map((t) => t[f]));
  });

  it("equal FlexSearch's for the built-in catalogue's records, numbered from any doc", () => {
    const records = readCatalogue(["data"]).records.slice(0, 1500);
    const terms = records.map((r) => recordFieldTerms(r));
    for (const f of FIELD_NAMES)
      same(
        terms.map((t) => t[f]),
        70_000,
      );
  });

  it("equal FlexSearch's for repeated, empty, spaced, long and many terms", () => {
    const many = Array.from({ length: 40 }, (_, i) => `w${i % 23}`);
    same([
      ["a", "b", "a", "c", "b"],
      [],
      ["", "x", ""],
      ["two words", "two", "words", "x"],
      ["q".repeat(1025), "q".repeat(1024), "r"],
      many,
      Array.from({ length: 9 }, (_, i) => `n${i}`),
      Array.from({ length: 10 }, (_, i) => `n${i}`),
      ["constructor", "__proto__", "toString", "hasOwnProperty"],
    ]);
  });
});
