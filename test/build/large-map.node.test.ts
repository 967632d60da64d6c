/**
 * The build's maps and sets past V8's 2^24 entries (src/indexer/large-map.ts): with a small chunk they spread over
 * several native maps and still answer, and iterate, exactly as one Map would.
 */
import { describe, expect, it } from "vitest";
import { LargeMap, LargeSet } from "../../src/indexer/large-map";

/** A small deterministic generator, so a failure replays. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("a large map", () => {
  it("answers and iterates as a Map over a random run of sets, updates and deletes, across several chunks", () => {
    const next = random(7);
    const large = new LargeMap<string, number>(undefined, 16);
    const map = new Map<string, number>();
    for (let step = 0; step < 5_000; step++) {
      const key = `k${Math.floor(next() * 300)}`;
      const op = next();
      if (op < 0.6) {
        large.set(key, step);
        map.set(key, step);
      } else if (op < 0.8) expect(large.delete(key)).toBe(map.delete(key));
      else {
        expect(large.get(key)).toBe(map.get(key));
        expect(large.has(key)).toBe(map.has(key));
      }
      expect(large.size).toBe(map.size);
    }
    expect(map.size).toBeGreaterThan(16 * 3);
    expect([...large]).toEqual([...map]);
    expect([...large.keys()]).toEqual([...map.keys()]);
    expect([...large.values()]).toEqual([...map.values()]);
  });

  it("keeps an updated key where it was and puts a re-added one last, as a Map does", () => {
    const large = new LargeMap<string, number>(undefined, 2);
    for (const k of ["a", "b", "c", "d", "e"]) large.set(k, 0);
    large.set("b", 1);
    large.delete("a");
    large.set("a", 2);
    expect([...large]).toEqual([
      ["b", 1],
      ["c", 0],
      ["d", 0],
      ["e", 0],
      ["a", 2],
    ]);
    large.clear();
    expect(large.size).toBe(0);
    expect(large.get("b")).toBeUndefined();
    large.set("z", 3);
    expect([...large]).toEqual([["z", 3]]);
  });

  it("takes keys that name Object.prototype's members like any other", () => {
    const large = new LargeMap<string, number>([
      ["__proto__", 1],
      ["constructor", 2],
    ]);
    expect(large.get("__proto__")).toBe(1);
    expect(large.get("constructor")).toBe(2);
    expect(large.get("toString")).toBeUndefined();
  });
});

describe("a large set", () => {
  it("holds each value once, in the order first added, across chunks", () => {
    const set = new LargeSet<number>([3, 1, 3, 2, 5, 1, 4], 2);
    expect(set.size).toBe(5);
    expect([...set]).toEqual([3, 1, 2, 5, 4]);
    expect(set.has(5)).toBe(true);
    expect(set.delete(5)).toBe(true);
    expect(set.has(5)).toBe(false);
    expect(set.add(5).size).toBe(5);
    expect([...set.values()]).toEqual([3, 1, 2, 4, 5]);
  });
});
