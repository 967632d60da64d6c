/**
 * The plan holds every doc's reference packed as bytes (packed-strings.ts) until it ranks the
 * catalogue: the strings must come back as they went in, and rank as the same references held as strings.
 */
import { describe, expect, it } from "vitest";
import { PackedStrings } from "../../src/indexer/packed-strings";
import { catalogueRanks } from "../../src/indexer/reference-order";

/** `strings` pushed one by one, then trimmed to exactly their bytes. */
function packedOf(strings: readonly string[]): PackedStrings {
  const packed = new PackedStrings();
  for (const s of strings) packed.push(s);
  packed.trim();
  return packed;
}

describe("strings packed as bytes", () => {
  it("come back by index as they were pushed, past several growths, whatever their characters", () => {
    const strings = Array.from({ length: 20_000 }, (_, i) =>
      i % 7 === 0 ? "" : i % 5 === 0 ? `Émigrés ${i} — 東京 😀` : `KV 2/${i}`,
    );
    const packed = new PackedStrings();
    for (const s of strings) packed.push(s);
    expect(packed.length).toBe(strings.length);
    expect(Array.from({ length: strings.length }, (_, i) => packed.at(i))).toEqual(strings);
    expect(() => packed.at(strings.length)).toThrow(/packed-strings: no string 20000 of 20000/);
  });

  it("tell whether a string is the one packed, by its bytes, whatever its characters", () => {
    const strings = ["", "kutepov", "émigré", "東京", "😀", "kv-2-2681"];
    const packed = packedOf(strings);
    const probes = [...strings, "kutepo", "kutepovs", "Kutepov", "emigre", "émigrés", "東", "😁", "e\u0301migre\u0301"];
    strings.forEach((s, i) => {
      for (const probe of probes) expect(packed.equals(i, probe), `${s} = ${probe}`).toBe(s === probe);
    });
  });

  it("trimmed take exactly their bytes, read back the same, take more after, and are let go by clear()", () => {
    const strings = ["", "kutepov", "Émigrés — 東京 😀", "", "kv-2-2681"];
    const packed = packedOf(strings);
    expect(Array.from({ length: packed.length }, (_, i) => packed.at(i))).toEqual(strings);
    expect((packed as unknown as { bytes: Buffer }).bytes.length).toBe(Buffer.byteLength(strings.join(""), "utf8"));
    expect(packedOf([]).length).toBe(0);
    // Grown again after the trim: the same bytes, the same strings.
    const pushed = packedOf(strings);
    expect((pushed as unknown as { bytes: Buffer }).bytes.length).toBe(Buffer.byteLength(strings.join(""), "utf8"));
    expect(Array.from({ length: pushed.length }, (_, i) => pushed.at(i))).toEqual(strings);
    pushed.push("gelfand");
    expect(pushed.at(strings.length)).toBe("gelfand");
    packed.clear();
    expect(packed.length).toBe(0);
    expect(() => packed.at(0)).toThrow(/packed-strings: no string 0 of 0/);
    // Emptied or trimmed empty, a list still takes strings.
    packed.push("kv-2-2681");
    expect(packed.at(0)).toBe("kv-2-2681");
    const empty = new PackedStrings();
    empty.trim();
    empty.push("kutepov");
    expect(empty.at(0)).toBe("kutepov");
  });

  it("rank in catalogue order as the references themselves, merged by runs or sorted when a run is out of order", () => {
    const refs = ["KV 2/9", "KV 2/10", "A 1", "FO 371/5", "A 1", "KV 2/1", "FO 371/50"];
    const packed = new PackedStrings();
    for (const r of refs) packed.push(r);
    // Each run in order: merged.
    expect([...catalogueRanks(packed, [0, 2, 4, 6])]).toEqual([5, 6, 0, 2, 1, 4, 3]);
    expect([...catalogueRanks(refs, [0, 2, 4, 6])]).toEqual([5, 6, 0, 2, 1, 4, 3]);
    // One run out of order: sorted.
    expect([...catalogueRanks(packed, [0])]).toEqual([...catalogueRanks(refs, [0])]);
  });
});
