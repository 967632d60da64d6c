/** The facet candidates of a pruned query: the best k docs by score then catalogue order, found without a heap. */
import { describe, expect, it } from "vitest";
import { bestSet, bestSorted, SELECT_ABOVE } from "../../src/worker/search/top-k";

/** A small deterministic generator, so a failure names the same data again. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe("bestSet", () => {
  it("keeps the same docs as sorting by score, then catalogue order, and cutting at k, with many ties", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = prng(seed);
      const size = 500 + Math.floor(r() * 3000);
      // Few distinct scores, as a common word's candidates have (a field's score depends only on the slot).
      const levels = 1 + Math.floor(r() * 12);
      const score = Float64Array.from({ length: size }, () => Math.floor(r() * levels) / 3);
      const order = new Uint32Array(size);
      const shuffled = Array.from({ length: size }, (_, i) => i).sort(() => r() - 0.5);
      shuffled.forEach((doc, rank) => {
        order[doc] = rank;
      });
      const docs = Array.from({ length: size }, (_, i) => i).filter(() => r() < 0.7);
      const k = 1 + Math.floor(r() * docs.length * 1.2);
      const expected = docs
        .slice()
        .sort((a, b) => score[b]! - score[a]! || order[a]! - order[b]!)
        .slice(0, k);
      const got = bestSet(Int32Array.from(docs), k, score, order);
      expect(
        got.slice().sort((a, b) => a - b),
        `seed ${seed}`,
      ).toEqual(expected.sort((a, b) => a - b));
    }
  });
});

describe("bestSorted", () => {
  it("answers the best k in order, as sorting every doc and cutting at k, whether it keeps a heap or selects", () => {
    for (let seed = 1; seed <= 12; seed++) {
      const r = prng(seed);
      const size = SELECT_ABOVE + Math.floor(r() * 3 * SELECT_ABOVE);
      const levels = 1 + Math.floor(r() * 12);
      // Stride 2: scores at the odd places, as the scoring arrays keep them beside their flags.
      const score = new Float64Array(2 * size);
      for (let i = 0; i < size; i++) score[2 * i + 1] = Math.floor(r() * levels) / 3;
      const order = Uint32Array.from({ length: size }, (_, i) => (i * 7919) % 1_000_003);
      const docs = Array.from({ length: size }, (_, i) => i).filter(() => r() < 0.8);
      // Below and above the heap's limit.
      for (const k of [10, SELECT_ABOVE, SELECT_ABOVE + 1 + Math.floor(r() * docs.length)]) {
        const expected = docs
          .slice()
          .sort((a, b) => score[2 * b + 1]! - score[2 * a + 1]! || order[a]! - order[b]!)
          .slice(0, k);
        expect(bestSorted(Int32Array.from(docs), k, score, order, 2, 1), `seed ${seed}, k ${k}`).toEqual(expected);
      }
    }
  });
});
