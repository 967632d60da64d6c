/**
 * The build sorts the whole catalogue by reference with each reference split once (reference-order.ts); the
 * order must be compareReferences' own.
 */
import { describe, expect, it } from "vitest";
import { readCatalogue } from "../../src/indexer/build-catalogue";
import { referenceOrder } from "../../src/indexer/reference-order";
import { compareReferences } from "../../src/shared/reference";

const tricky = [
  "KV 2/2681",
  "KV 2/268",
  "KV 2/0268",
  "kv 2/268",
  "KV 2/2681A",
  "KV 2",
  "A6119, 141",
  "A6119, 0141",
  "A6119 141",
  "MEPO 38/28",
  "MEPO 38/28/1",
  "MÉPO 38/28",
  "104-10051-10096",
  "104-10051-10096",
  "FO 371/5",
  "FO 371/15",
  "FO 371/0005",
  "ADM 54/334",
  "Ⅻ 3",
  "",
  "---",
  "x",
  "10",
  "9",
];

function expectSameOrder(references: string[]) {
  const expected = [...references.keys()].sort((a, b) => compareReferences(references[a]!, references[b]!));
  expect(referenceOrder(references)).toEqual(expected);
}

describe("the catalogue sorted by reference with each reference split once", () => {
  it("is compareReferences' order for odd references, equal ones kept in place", () => {
    expectSameOrder(tricky);
    expectSameOrder([...tricky].reverse());
  });

  it("is compareReferences' order for the built-in catalogue's references", () => {
    expectSameOrder(readCatalogue(["data"]).records.map((r) => r.reference));
  });

  it("puts a first order's groups first and sorts their ties by reference", () => {
    const shard = tricky.map((_, i) => i % 3);
    const expected = [...tricky.keys()].sort(
      (a, b) => shard[a]! - shard[b]! || compareReferences(tricky[a]!, tricky[b]!),
    );
    expect(referenceOrder(tricky, (a, b) => shard[a]! - shard[b]!)).toEqual(expected);
  });
});
