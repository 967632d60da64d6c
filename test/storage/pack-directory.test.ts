/**
 * A pack directory page (shared/pack-index.ts) as the build writes it and an isolate reads it: binary, searched by
 * a 64-bit key of the path, answering exactly what the page says.
 */
import { describe, expect, it } from "vitest";
import { encodePackIndexPage, isPackedPath, PackIndexPage } from "../../src/shared/pack-index";
import type { PackLocation } from "../../src/shared/manifest";

const pageOf = (entries: Array<[string, PackLocation]>) =>
  PackIndexPage.decode(encodePackIndexPage(entries).slice().buffer);

describe("a pack directory page", () => {
  const entries: Array<[string, PackLocation]> = [
    ["/search/s0/terms/ab.0123456789ab.bin", [3, 0, 1200]],
    ["/search/s0/terms/a.0123456789ac.bin", [3, 1200, 40]],
    ["/records/kv-2-10.0123456789ad.json", [0, 262_000, 14_000]],
    ["/search/suggest/zz.0123456789ae.json", [4095, 16_000_000, 1]],
  ];
  const page = pageOf(entries);

  it("finds every chunk's pack, offset and length", () => {
    for (const [path, loc] of entries) expect(page.get(path)).toEqual(loc);
    expect(page.size).toBe(4);
    expect(page.heldBytes).toBe(4 + 4 * 20);
  });

  it("finds every chunk of a page of thousands", () => {
    const many = Array.from({ length: 5000 }, (_, i): [string, PackLocation] => [
      `/records/${i}.${i.toString(16).padStart(12, "0")}.json`,
      [i % 97, i * 10, i + 1],
    ]);
    const big = pageOf(many);
    for (const [path, loc] of many) expect(big.get(path)).toEqual(loc);
    expect(big.get("/records/5000.000000001388.json")).toBeUndefined();
  });

  it("finds nothing for a path it does not list, prototype names and neighbours included", () => {
    for (const path of [
      "",
      "/",
      "__proto__",
      "constructor",
      "/search/s0/terms/ab",
      "/search/s0/terms/ab.0123456789ab.binx",
    ])
      expect(page.get(path)).toBeUndefined();
    expect(pageOf([]).get("/records/a.json")).toBeUndefined();
  });

  it("refuses bytes that are not a whole page", () => {
    const bytes = encodePackIndexPage(entries);
    expect(() => PackIndexPage.decode(bytes.slice(0, bytes.length - 4).buffer)).toThrow(/4 entries is 80 bytes/);
    expect(() => PackIndexPage.decode(new ArrayBuffer(2))).toThrow(/shorter than its count/);
  });

  it("refuses to write a location that does not fit 32 bits", () => {
    for (const bad of [
      [1, 2, -3],
      [1, 2, 3.5],
      [1, 2, 2 ** 32],
    ])
      expect(() => encodePackIndexPage([["/a.json", bad as PackLocation]])).toThrow(/"?\/a\.json"?: .* does not fit/);
  });

  it("refuses to write two entries for one path", () => {
    expect(() =>
      encodePackIndexPage([
        ["/a.json", [0, 0, 1]],
        ["/a.json", [0, 1, 1]],
      ]),
    ).toThrow(/same 64-bit key/);
  });
});

describe("what a packed build keeps out of packs", () => {
  it("keeps the tables a query reads first as files of their own", () => {
    for (const path of [
      "/search/term-table.0123456789ab.json",
      "/search/s3/filters.0123456789ab.bin",
      "/search/lexicon/17.0123456789ab.bin",
      "/search/vocab/12.0123456789ab.json",
      "/search/vocab-ranges/page-2.0123456789ab.json",
      "/search/volume-groups/3.0123456789ab.json",
      "/records/table-4.0123456789ab.json",
      "/series/archives/archives.0123456789ab.json",
      "/manifest.json",
      "/packs/dir-0.0123456789ab.bin",
    ])
      expect(isPackedPath(path), path).toBe(false);
  });

  it("packs the files that grow in number with the catalogue", () => {
    for (const path of [
      "/records/1234.0123456789ab.json",
      "/search/terms/17.0123456789ab.bin",
      "/search/s1/terms/solo-abc.0123456789ab.bin",
      "/search/suggest/kv.0123456789ab.json",
      "/search/people/3.0123456789ab.json",
      "/series/kv-2-10.0123456789ab.json",
      "/series/lists/kv-2.0123456789ab.json",
    ])
      expect(isPackedPath(path), path).toBe(true);
  });
});
