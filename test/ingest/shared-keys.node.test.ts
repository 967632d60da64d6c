import { describe, expect, it } from "vitest";
import { sharedKeys } from "../../src/indexer/ingest/index";

/** The plain answer sharedKeys must give: every record whose key another record has, counted in a Map. */
function byMap(keys: string[]): number[] {
  const count = new Map<string, number>();
  for (const k of keys) count.set(k, (count.get(k) ?? 0) + 1);
  return keys.flatMap((k, i) => (count.get(k)! > 1 ? [i] : []));
}

describe("sharedKeys", () => {
  it("finds every record whose reference key repeats, in reading order, as counting every key would", () => {
    // A deterministic mix: most keys unique, some repeated two to four times, scattered through the catalogue.
    const keys: string[] = [];
    let x = 12345;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 50_000; i++) keys.push(next() % 10 === 0 ? `kv-2-${next() % 2_000}` : `wo-${i}-${next()}`);
    const found = sharedKeys(keys.length, (i) => keys[i]!);
    expect(found.length).toBeGreaterThan(1_000);
    expect(found).toEqual(byMap(keys));
  });

  it("finds none in a catalogue of distinct references, and none in an empty one", () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `hs-${i}`);
    expect(sharedKeys(keys.length, (i) => keys[i]!)).toEqual([]);
    expect(sharedKeys(0, () => "")).toEqual([]);
  });

  it("tells apart keys that differ only where one of the two hashes would not see it", () => {
    // Keys made of the same characters in other orders, and keys that are prefixes of each other.
    const keys = ["ab", "ba", "abc", "ab", "cab", "bca", "a", "a", "", ""];
    expect(sharedKeys(keys.length, (i) => keys[i]!)).toEqual(byMap(keys));
  });
});
