/**
 * A vocabulary partition as an isolate keeps it (`VocabWords`, src/worker/search/search-index.ts): its prefix
 * lookup is a binary search over sorted words, and what it says it holds is what the asset cache counts.
 */
import { describe, expect, it } from "vitest";
import { VocabWords } from "../../src/worker/search/search-index";
import type { VocabPartition } from "../../src/shared/index-format";

/** `n` distinct random words of `length` letters from a small alphabet (so prefixes repeat), sorted as the build sorts. */
function partition(n: number, length: number, seed: number): VocabPartition {
  let x = seed;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const words = new Set<string>();
  while (words.size < n) {
    let w = "";
    for (let i = 0; i < length; i++) w += "abcde"[next() % 5];
    words.add(w);
  }
  return [...words].sort().map((w, i) => [w, 1 + (i % 7)]);
}

describe("a vocabulary partition", () => {
  it("finds the words beginning with a prefix as a scan of every word does, at the ends and between", () => {
    const list = partition(600, 6, 7);
    const words = VocabWords.of(list, 6);
    const prefixes = ["", "a", "e", "ab", "ee", "aaa", "eee", "cab", "z", "0", list[0]![0], list.at(-1)![0]];
    for (const p of prefixes) expect(words.startingWith(p)).toEqual(list.filter(([w]) => w.startsWith(p)));
  });

  it("finds nothing in an empty partition", () => {
    expect(VocabWords.EMPTY.startingWith("ab")).toEqual([]);
  });

  it("counts its words a byte a character when Latin-1 and two otherwise, and four bytes a frequency", () => {
    const latin = VocabWords.of(
      [
        ["abc", 1],
        ["déf", 2],
      ],
      3,
    );
    expect(latin.heldBytes).toBe(64 + 6 + 8);
    const cyrillic = VocabWords.of([["где", 1]], 3);
    expect(cyrillic.heldBytes).toBe(64 + 6 + 4);
  });

  it("holds far less than its JSON text, which the asset cache counted at three bytes a character", () => {
    const list = partition(2000, 8, 3);
    expect(VocabWords.of(list, 8).heldBytes).toBeLessThan(JSON.stringify(list).length);
  });
});
