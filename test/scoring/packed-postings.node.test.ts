/**
 * Packed postings (packed-postings.ts): lists packed for the postings cache's packed tier come back exactly, and a
 * search answered from packed lists answers as one answered from decoded lists.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { HeldPostings, type DocArray } from "../../src/shared/index-format";
import { FIELD_NAMES, type FieldName } from "../../src/shared/search-config";
import { packList, packTerm, unpackList, unpackTerm } from "../../src/worker/search/packed-postings";
import { prng, queryMix, syntheticCorpus } from "../../scripts/bench/synthetic-catalogue";
import { postingsCacheBytes, postingsCacheMoves, resetPostingsCache } from "../../src/worker/search/search-index";
import { answersOf, builtSynthetic, localService } from "./local-index";

/** A list of `n` ascending docs below `span`, and slots drawn from `slotKinds` values. */
function list(seed: number, n: number, span: number, slotKinds = 16): { docs: number[]; slots: number[] } {
  const r = prng(seed);
  const docs = new Set<number>();
  while (docs.size < n) docs.add(Math.floor(r() * span));
  return {
    docs: [...docs].sort((a, b) => a - b),
    slots: Array.from({ length: n }, () => Math.floor(r() * slotKinds)),
  };
}

/** A decoded list as the cache holds one. */
class ArrayPostings extends HeldPostings {
  constructor(field: number, docs: DocArray, slots: Uint8Array) {
    super(field, docs.length + 5, docs.length, Math.min(...slots, 15));
    this.docs = docs;
    this.slots = slots;
  }
  get bytes(): number {
    return 3 * this.count;
  }
  protected load(): void {}
}

describe("packList", () => {
  it("gives back sparse lists (varint gaps) and dense ones (bitmaps) exactly, 16- and 32-bit", () => {
    const cases = [
      list(1, 40, 60_000),
      list(2, 5_000, 60_000),
      list(3, 55_000, 60_000),
      list(4, 1, 60_000),
      list(5, 300, 4_000_000_000),
      { docs: [0, 1, 2, 3], slots: [15, 0, 15, 0] },
    ];
    for (const { docs, slots } of cases) {
      const narrow = docs[docs.length - 1]! < 65_536;
      const back = unpackList(packList(docs, slots), narrow);
      expect(Array.from(back.docs)).toEqual(docs);
      expect(Array.from(back.slots)).toEqual(slots);
      expect(back.docs).toBeInstanceOf(narrow ? Uint16Array : Uint32Array);
    }
  });

  it("gives back 300 random lists of every density exactly, the shard's first and last doc included", () => {
    const r = prng(12);
    for (let t = 0; t < 300; t++) {
      const span = t % 3 === 0 ? 65_536 : 1 + Math.floor(r() * 70_000);
      const n = 1 + Math.floor(r() ** 3 * Math.min(span, 20_000));
      const { docs, slots } = list(100 + t, n, span, 1 + Math.floor(r() * 16));
      if (t % 5 === 0) {
        docs[0] = 0;
        if (n > 1 && span === 65_536) docs[n - 1] = 65_535;
      }
      const narrow = docs[n - 1]! < 65_536;
      const back = unpackList(packList(docs, slots), narrow);
      expect(Array.from(back.docs), `list ${t}`).toEqual(docs);
      expect(Array.from(back.slots), `list ${t}`).toEqual(slots);
    }
  });

  it("takes a bit a doc for a list in most of its span, and about a byte for a sparse one", () => {
    const dense = list(6, 50_000, 60_000, 1);
    expect(packList(dense.docs, dense.slots).byteLength).toBeLessThan(60_000 / 8 + 16);
    const sparse = list(7, 2_000, 60_000);
    expect(packList(sparse.docs, sparse.slots).byteLength).toBeLessThan(2_000 * 1.6 + 16);
  });

  it("packs an empty list and one slot for all", () => {
    expect(Array.from(unpackList(packList([], []), true).docs)).toEqual([]);
    const same = unpackList(packList([5, 9, 700], [3, 3, 3]), true);
    expect(Array.from(same.slots)).toEqual([3, 3, 3]);
  });

  it("refuses docs out of order and slots over 15, naming the module and the value", () => {
    expect(() => packList([3, 3], [0, 0])).toThrow(/packed-postings: docs are not ascending at 1 \(3, 3\)/);
    expect(() => packList([3, 4], [0, 16])).toThrow(/packed-postings: slot 16 is over 15/);
    expect(() => packList([3], [0, 1])).toThrow(/packed-postings: 1 docs but 2 slots/);
  });
});

describe("packTerm", () => {
  it("holds a term's lists in one buffer and gives back each field's docs, slots, counts and bounds", () => {
    const a = list(8, 900, 60_000);
    const b = list(9, 30_000, 60_000, 4);
    const fields: Array<[FieldName, HeldPostings]> = [
      [FIELD_NAMES[1]!, new ArrayPostings(1, Uint16Array.from(a.docs), Uint8Array.from(a.slots))],
      [FIELD_NAMES[3]!, new ArrayPostings(3, Uint16Array.from(b.docs), Uint8Array.from(b.slots))],
    ];
    const packed = packTerm("philby", "key\u0000philby", fields, FIELD_NAMES);
    expect(packed.bytes).toBeLessThan(fields.reduce((n, [, fp]) => n + fp.bytes, 0));
    const back = unpackTerm(packed, FIELD_NAMES);
    expect(back.map(([n]) => n)).toEqual(fields.map(([n]) => n));
    for (let k = 0; k < fields.length; k++) {
      const [, want] = fields[k]!;
      const [, got] = back[k]!;
      expect([got.field, got.df, got.count, got.minSlot]).toEqual([want.field, want.df, want.count, want.minSlot]);
      expect(Array.from(got.decodeAll().docs)).toEqual(Array.from(want.decodeAll().docs));
      expect(Array.from(got.decodeAll().slots)).toEqual(Array.from(want.decodeAll().slots));
      expect(got.lastDoc(0)).toBe(want.lastDoc(0));
      expect(got.blockMinSlot(1)).toBe(want.blockMinSlot(1));
    }
    // Packed again from the unpacked copy: the same bytes, not packed twice over.
    expect(packTerm("philby", packed.key, back, FIELD_NAMES).buf).toEqual(packed.buf);
  });

  it("refuses a list filed under another field's name", () => {
    const fp = new ArrayPostings(2, Uint16Array.of(1), Uint8Array.of(0));
    expect(() => packTerm("x", undefined, [[FIELD_NAMES[1]!, fp]], FIELD_NAMES)).toThrow(/packed-postings: field 2/);
  });
});

describe("a search answered from packed postings", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await builtSynthetic("packed", 3_000, 2);
  }, 600_000);
  afterAll(() => {
    resetPostingsCache();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers as one answered from decoded postings, when the budget holds the mix only packed", async () => {
    const { service } = await localService(join(dir, "out"));
    const mix = queryMix(syntheticCorpus(3_000), 120).search.map((s) => s.q);
    const answers = () => answersOf(service, mix);
    resetPostingsCache(1024 * 2 ** 20);
    const decoded = await answers();
    const workingSet = postingsCacheBytes();
    expect(postingsCacheMoves().packed).toBe(0);
    // A third of the mix's decoded lists: most of them are held only packed, and read back from there.
    resetPostingsCache(Math.floor(workingSet / 3));
    await answers();
    const again = await answers();
    const moves = postingsCacheMoves();
    expect(moves.packed).toBeGreaterThan(100);
    expect(moves.unpacked).toBeGreaterThan(100);
    expect(postingsCacheBytes()).toBeLessThanOrEqual(Math.floor(workingSet / 3));
    expect(again).toEqual(decoded);
  }, 120_000);
});
