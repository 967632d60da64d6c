/**
 * A pack directory page as an isolate keeps it: compact, and answering exactly what the page says.
 */
import { describe, expect, it } from "vitest";
import { PackLocationPage } from "../../src/worker/asset-store";
import type { PackLocation } from "../../src/shared/manifest";

describe("a pack directory page", () => {
  const entries: Record<string, PackLocation> = {
    "/search/s0/terms/ab.0123456789ab.bin": [3, 0, 1200],
    "/search/s0/terms/a.0123456789ac.bin": [3, 1200, 40],
    "/records/kv-2-10.0123456789ad.json": [0, 262_000, 14_000],
    "/search/suggest/zz.0123456789ae.json": [4095, 16_000_000, 1],
  };
  const page = PackLocationPage.from(JSON.parse(JSON.stringify(entries)));

  it("finds every chunk's pack, offset and length", () => {
    for (const [path, loc] of Object.entries(entries)) expect(page.get(path)).toEqual(loc);
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
    expect(PackLocationPage.from({}).get("/records/a.json")).toBeUndefined();
  });

  it("keeps a page whose JSON names __proto__ as an entry like any other", () => {
    const hostile = PackLocationPage.from(JSON.parse('{"__proto__":[1,2,3],"/a.json":[0,0,1]}'));
    expect(hostile.get("__proto__")).toEqual([1, 2, 3]);
    expect(hostile.get("/a.json")).toEqual([0, 0, 1]);
  });

  it("refuses an entry that is not [pack, offset, length]", () => {
    for (const bad of [[1, 2], [1, 2, -3], [1, 2, 3.5], "1,2,3", null, [1, 2, 2 ** 32]])
      expect(() => PackLocationPage.from({ "/a.json": bad as never })).toThrow(/pack directory entry "\/a\.json"/);
  });
});
