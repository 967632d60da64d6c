/**
 * The build's worker holds every other spelling of a person, pointing at the person's canonical slug, through the
 * whole typeahead pass (people-assets.ts): packed as bytes behind a table of its own (packed-string-map.ts), it
 * must answer as a Map of the same entries would.
 */
import { describe, expect, it } from "vitest";
import { PackedKeys, PackedNumberMap, PackedStringMap } from "../../src/indexer/packed-string-map";

describe("a map of strings packed as bytes", () => {
  it("answers every key as a Map does, past many growths of its table, whatever the characters", () => {
    const map = new PackedStringMap();
    const expected = new Map<string, string>();
    for (let i = 0; i < 30_000; i++) {
      const key = i % 11 === 0 ? `émigré-${i}-東京` : i % 13 === 0 ? "" + i : `leon-helfand-${i}`;
      // Runs of keys share a value, as a person's spellings share its slug.
      const value = i % 17 === 0 ? "" : `person-${Math.floor(i / 3)}-😀`;
      map.set(key, value);
      expected.set(key, value);
    }
    expect(map.size).toBe(expected.size);
    for (const [key, value] of expected) expect(map.get(key)).toBe(value);
    for (const missing of ["", "leon-helfand", "leon-helfand-30000", "constructor", "__proto__"])
      expect(map.get(missing)).toBe(expected.get(missing));
    expect([...map]).toEqual([...expected]);
    // Trimmed of its growth room, it answers the same, and takes more entries after.
    map.trim();
    for (const [key, value] of expected) expect(map.get(key)).toBe(value);
    map.set("kutepov", "alexander-kutepov").set("leon-helfand-7", "leon-helfland");
    expect(map.get("kutepov")).toBe("alexander-kutepov");
    expect(map.get("leon-helfand-7")).toBe("leon-helfland");
    expect(map.get("leon-helfand-8")).toBe(expected.get("leon-helfand-8"));
    expect(map.size).toBe(expected.size + 1);
  });

  it("refuses a key with a lone surrogate, which its bytes could not give back", () => {
    const map = new PackedNumberMap();
    expect(() => map.set("kv\ud800", 1)).toThrow(/packed-string-map: "kv\\ud800" holds a lone surrogate/);
    map.set("😀", 2);
    expect(map.get("😀")).toBe(2);
    expect(map.size).toBe(1);
  });

  it("numbers keys in order of first sight, and hands them over packed, looked up no more", () => {
    const keys = new PackedKeys();
    const words = ["kutepov", "gelfand", "émigré", "kutepov", "東京", "gelfand"];
    expect(words.map((w) => keys.add(w))).toEqual([0, 1, 2, 0, 3, 1]);
    expect(keys.entryOf("helfand")).toBe(-1);
    const packed = keys.release();
    expect(Array.from({ length: packed.length }, (_, i) => packed.at(i))).toEqual([
      "kutepov",
      "gelfand",
      "émigré",
      "東京",
    ]);
    expect(() => keys.entryOf("kutepov")).toThrow(/packed-string-map: keys looked up after release/);
    expect(() => keys.add("kutepov")).toThrow(/after release/);
  });

  it("gives a key set again its new value, and keeps one entry for it", () => {
    const map = new PackedStringMap().set("kutepov", "a").set("gelfand", "b").set("kutepov", "c");
    expect(map.get("kutepov")).toBe("c");
    expect(map.get("gelfand")).toBe("b");
    expect(map.size).toBe(2);
    expect([...map]).toEqual([
      ["kutepov", "c"],
      ["gelfand", "b"],
    ]);
  });

  it("of numbers answers as a Map does, trimmed or not, and refuses a number it cannot hold", () => {
    const map = new PackedNumberMap();
    const expected = new Map<string, number>();
    for (let i = 0; i < 5_000; i++) {
      const key = i % 7 === 0 ? `kv-2-${i}-é` : `zz${i}qa`;
      map.set(key, i * 977);
      expected.set(key, i * 977);
    }
    map.set("zz1qa", 2 ** 32 - 1);
    expected.set("zz1qa", 2 ** 32 - 1);
    for (const trimmed of [false, true]) {
      if (trimmed) map.trim();
      expect(map.size).toBe(expected.size);
      for (const [key, value] of expected) expect(map.get(key)).toBe(value);
      for (const missing of ["", "zz5000qa", "constructor", "__proto__"]) expect(map.get(missing)).toBeUndefined();
    }
    map.set("kutepov", 0);
    expect(map.get("kutepov")).toBe(0);
    expect(() => map.set("kutepov", -1)).toThrow(/packed-string-map: -1 for "kutepov" is no whole number/);
    expect(() => map.set("kutepov", 2 ** 32)).toThrow(/within 32 bits/);
  });
});
