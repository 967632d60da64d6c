import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DocRanks } from "../../src/indexer/doc-ranks";

const root = mkdtempSync(join(tmpdir(), "dossier-doc-ranks-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("a plan's catalogue ranks", () => {
  const ranks = Uint32Array.from({ length: 1000 }, (_, d) => (d * 7919) % 1000);

  it("read back from their scratch file by any range as they were held", () => {
    const path = join(root, "ranks.bin");
    const spilled = DocRanks.spilled(path, ranks);
    const held = DocRanks.held(ranks);
    expect(statSync(path).size).toBe(4000);
    for (const [from, to] of [
      [0, 1000],
      [0, 0],
      [999, 1000],
      [128, 300],
      [500, 500],
    ] as const) {
      expect([...spilled.range(from, to)]).toEqual([...ranks.subarray(from, to)]);
      expect([...held.range(from, to)]).toEqual([...ranks.subarray(from, to)]);
    }
    expect([...spilled.all()]).toEqual([...ranks]);
    // A new array each time: the worker is handed one, and a held copy is never moved away.
    expect(held.all()).not.toBe(held.all());
  });

  it("refuse a range past their docs, naming it", () => {
    const spilled = DocRanks.spilled(join(root, "refused.bin"), ranks);
    expect(() => spilled.range(10, 1001)).toThrow(/doc-ranks: no docs 10 to 1001 of 1000/);
    expect(() => DocRanks.held(ranks).range(20, 10)).toThrow(/no docs 20 to 10/);
  });
});
