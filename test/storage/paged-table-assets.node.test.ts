/**
 * Paged tables as the build writes them (src/indexer/paged-table-assets.ts): every key on the page the Worker's
 * rule names, pages near their target size, and with `keyChars` a word's prefixes on one page.
 */
import { describe, expect, it } from "vitest";
import { AssetWriter } from "../../src/indexer/content-hash";
import { writePagedTable } from "../../src/indexer/paged-table-assets";
import { PAGED_TABLE_INLINE_BYTES, pagedTablePageOf, pagedTablePages, pagedTablePath } from "../../src/shared/manifest";

const entries = (n: number): Array<[string, string]> =>
  Array.from({ length: n }, (_, i) => [`${String.fromCharCode(97 + (i % 26))}${i.toString(36)}`, `/x/${i}.json`]);

describe("a paged table as built", () => {
  it("puts every key on the page the reader's rule names, once", () => {
    const out = new AssetWriter();
    const table = writePagedTable(out, "t", "page", entries(2000), 4096);
    expect(pagedTablePages(table)).toBeGreaterThan(5);
    let seen = 0;
    for (let p = 0; p < pagedTablePages(table); p++) {
      const page = JSON.parse(out.files.get(pagedTablePath(table, p)) as string) as Record<string, string>;
      for (const key of Object.keys(page)) expect(pagedTablePageOf(table, key)).toBe(p);
      seen += Object.keys(page).length;
    }
    expect(seen).toBe(2000);
  });

  it("keeps keys with a common start on one page when paged by their first characters", () => {
    const out = new AssetWriter();
    const words = ["helfand", "helfland", "helmut", "hermann", "herbert", "philby", "phillips"];
    const list: Array<[string, string]> = [...entries(2000)];
    for (const w of words) for (let n = 1; n <= w.length; n++) list.push([w.slice(0, n), w]);
    const table = writePagedTable(out, "t", "page", list, 4096, 2);
    expect(pagedTablePages(table)).toBeGreaterThan(5);
    for (const w of words) {
      const pages = new Set(Array.from({ length: w.length }, (_, i) => pagedTablePageOf(table, w.slice(0, i + 1))));
      expect(pages.size).toBeLessThanOrEqual(2);
    }
  });

  it("carries a small table whole in the root as well as on its page, and a large one only in pages", () => {
    const out = new AssetWriter();
    const small = writePagedTable(out, "s", "page", entries(20));
    expect(JSON.stringify(small.entries).length).toBeLessThanOrEqual(PAGED_TABLE_INLINE_BYTES);
    expect(small.entries).toEqual(JSON.parse(out.files.get(pagedTablePath(small, 0)) as string));
    const large = writePagedTable(out, "l", "page", entries(400));
    expect(pagedTablePages(large)).toBe(1);
    expect(large.entries).toBeUndefined();
    expect(writePagedTable(out, "m", "page", entries(2000), 4096).entries).toBeUndefined();
  });

  it("stores a key named like a prototype member as an own key", () => {
    const out = new AssetWriter();
    const table = writePagedTable(out, "t", "page", [
      ["__proto__", "a"],
      ["constructor", "b"],
    ]);
    const page = JSON.parse(out.files.get(pagedTablePath(table, 0)) as string) as Record<string, string>;
    expect(Object.hasOwn(page, "__proto__")).toBe(true);
    expect(page.constructor).toBe("b");
    // The same in the copy the root carries, once written and read back as the manifest is.
    const inRoot = (JSON.parse(JSON.stringify(table)) as typeof table).entries!;
    expect(Object.hasOwn(inRoot, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(inRoot, "__proto__")?.value).toBe("a");
  });
});
