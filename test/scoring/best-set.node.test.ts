/** The facet candidates of a pruned query: the best k docs by score then catalogue order, found without a heap. */
import { describe, expect, it } from "vitest";
import { bestSet } from "../../src/worker/search/top-k";

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
