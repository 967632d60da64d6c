/**
 * `variantInitial` (variants.ts): the first letter of a word's variant key, found without the key, must be the key's
 * own first letter for every word, since snippets skip a word's key when its first letter rules it out.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fold } from "../../src/shared/text/fold";
import { variantInitial, variantKey } from "../../src/shared/text/variants";

const DATA = join(import.meta.dirname, "../../data");

/** Every folded word of the project's own data files: the catalogue's records, thesaurus, nicknames and places. */
function dataWords(): Set<string> {
  const words = new Set<string>();
  const files = ["tna-kv", "nicknames", "places", "."].flatMap((dir) =>
    readdirSync(join(DATA, dir))
      .filter((f) => /\.(jsonl?|csv|txt)$/.test(f))
      .map((f) => join(DATA, dir, f)),
  );
  for (const file of files)
    for (const w of fold(readFileSync(file, "utf8")).split(/[^\p{L}\p{N}]+/u)) if (w) words.add(w);
  return words;
}

/** Words made of the letters and pairs the rules rewrite, at every length up to `max`, from a seeded generator. */
function awkwardWords(count: number, max: number): string[] {
  const parts = ["x", "z", "h", "k", "c", "p", "w", "j", "y", "t", "m", "a", "e", "o", "s", "ff", "ow", "sky", "1"];
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let w = "";
    const n = 1 + Math.floor(next() * max);
    while (w.length < n) w += parts[Math.floor(next() * parts.length)];
    out.push(w);
  }
  return out;
}

describe("variantInitial", () => {
  it("gives the first letter of every data word's variant key", () => {
    const words = dataWords();
    expect(words.size).toBeGreaterThan(5_000);
    const wrong = [...words].filter((w) => variantInitial(w) !== variantKey(w).charCodeAt(0));
    expect(wrong).toEqual([]);
  });

  it("gives the first letter of the variant key of words built from the letters the rules rewrite", () => {
    const wrong = awkwardWords(50_000, 8).filter((w) => variantInitial(w) !== variantKey(w).charCodeAt(0));
    expect(wrong).toEqual([]);
  });

  it("maps the letter families' openings as the rules do", () => {
    const initial = (w: string) => String.fromCharCode(variantInitial(w));
    expect(
      ["xavier", "zhukov", "khrushchev", "chekhov", "philby", "wolkow", "yagoda", "jagoda", "tcheka"].map(initial),
    ).toEqual(["k", "i", "h", "h", "f", "v", "i", "i", "t"]);
  });
});
