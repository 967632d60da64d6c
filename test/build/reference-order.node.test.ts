/**
 * The build sorts the whole catalogue by reference with each reference split once (reference-order.ts); the
 * order must be compareReferences' own.
 */
import { describe, expect, it } from "vitest";
import { readCatalogue } from "../../src/indexer/build-catalogue";
import { catalogueRanks, groupedReferenceOrder, referenceOrder } from "../../src/indexer/reference-order";
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

/** References drawn with many repeats and near-repeats, from a fixed seed. */
function drawn(count: number, seed: number): string[] {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  return Array.from({ length: count }, () => {
    const t = tricky[Math.floor(next() * tricky.length)]!;
    return next() < 0.5 ? t : `${t}/${Math.floor(next() * 30)}`;
  });
}

describe("the catalogue ordered a record shard at a time", () => {
  it("groups by shard and orders each shard by reference, equal references in index order, as one sort does", () => {
    const refs = drawn(2000, 7);
    const groups = 13;
    const group = Int32Array.from(refs, (_, i) => (i * 7919) % groups);
    const expected = referenceOrder(refs, (a, b) => group[a]! - group[b]!);
    expect([...groupedReferenceOrder(refs.length, (i) => refs[i]!, group, groups)]).toEqual(expected);
  });

  it("ranks docs sorted within each shard as sorting the whole catalogue ranks them", () => {
    const refs = drawn(3000, 11);
    const groups = 17;
    const group = Int32Array.from(refs, (_, i) => (i * 104729) % groups);
    // Docs as the layout lays them out: shard by shard, in catalogue order within a shard.
    const laidOut = [...groupedReferenceOrder(refs.length, (i) => refs[i]!, group, groups)];
    const docs = laidOut.map((i) => refs[i]!);
    const groupOfDoc = laidOut.map((i) => group[i]!);
    const starts = [0];
    for (let d = 1; d < docs.length; d++) if (groupOfDoc[d] !== groupOfDoc[d - 1]) starts.push(d);
    const expected = new Uint32Array(docs.length);
    referenceOrder(docs).forEach((doc, rank) => {
      expected[doc] = rank;
    });
    expect(catalogueRanks(docs, starts)).toEqual(expected);
  });

  it("still ranks docs that are not in catalogue order within their shard, by sorting them", () => {
    expect([...catalogueRanks(["KV 2/10", "KV 2/9", "KV 2/1"], [0])]).toEqual([2, 1, 0]);
    expect([...catalogueRanks(["KV 2/10", "KV 2/9", "A 1"], [0, 2])]).toEqual([2, 1, 0]);
  });
});
