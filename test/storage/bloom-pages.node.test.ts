/**
 * The paged Bloom filters (src/shared/bloom.ts) the lexicon and the prefix rule's filter are written in: a query
 * reads one page per word, so paging must keep every key's "yes", keep the false-positive rate of one filter of the
 * same bits per key, and put a word's forms and prefixes on the word's page.
 */
import { describe, expect, it } from "vitest";
import {
  BLOOM_PAGE_BYTES,
  BLOOM_PAGE_FILES,
  LEXICON_FILTER,
  bloomAdd,
  bloomBits,
  bloomHas,
  bloomPageCount,
  bloomPageOf,
  bloomPageSection,
  buildBloomPages,
} from "../../src/shared/bloom";
import { VOCAB_PREFIX_FILTER, vocabPrefixKey } from "../../src/shared/index-format";

/** `n` distinct made-up words of 4–12 letters, the same on every run (a linear congruential generator). */
function words(n: number, seed: number): string[] {
  const out = new Set<string>();
  let x = seed;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  while (out.size < n) {
    let w = "";
    const len = 4 + (next() % 9);
    for (let i = 0; i < len; i++) w += String.fromCharCode(97 + ((next() >>> 8) % 26));
    out.add(w);
  }
  return [...out];
}

const sectionOf = (pages: Uint8Array[], key: string, section: number) => {
  const p = bloomPageOf(key, pages.length);
  return bloomPageSection(pages[p]!, section, `page ${p}`);
};

describe("paged Bloom filters", () => {
  const present = words(60_000, 1);
  const held = new Set(present);
  const absent = words(200_000, 2).filter((w) => !held.has(w));
  const prefixes = [
    ...new Set(present.filter((w) => w.length > 6).map((w) => vocabPrefixKey(w.slice(0, 5), w.length))),
  ];
  const pages = buildBloomPages(
    [
      { keys: (visit) => present.forEach(visit), ...LEXICON_FILTER },
      { keys: (visit) => prefixes.forEach(visit), ...VOCAB_PREFIX_FILTER },
    ],
    [present.length, prefixes.length],
  );

  it("splits a filter into pages of about 8 KiB, and never into more than the bound", () => {
    const bytes = pages.reduce((n, p) => n + p.byteLength, 0);
    const bits = present.length * LEXICON_FILTER.bitsPerKey + prefixes.length * VOCAB_PREFIX_FILTER.bitsPerKey;
    expect(pages.length).toBe(Math.ceil(bits / 8 / BLOOM_PAGE_BYTES));
    expect(bytes / pages.length).toBeLessThan(1.2 * BLOOM_PAGE_BYTES);
    expect(bloomPageCount(1e9)).toBe(BLOOM_PAGE_FILES);
    expect(bloomPageCount(0)).toBe(1);
  });

  it("says yes for every key it holds, in its own section", () => {
    expect(present.every((w) => bloomHas(sectionOf(pages, w, 0), w, LEXICON_FILTER.hashes))).toBe(true);
    expect(prefixes.every((k) => bloomHas(sectionOf(pages, k, 1), k, VOCAB_PREFIX_FILTER.hashes))).toBe(true);
  });

  it("keeps the false-positive rate of one filter of all the keys: about 0.12% for the lexicon, 1.2% for prefixes", () => {
    const rates = (keys: string[], probes: string[], f: { bitsPerKey: number; hashes: number }, section: number) => {
      const one = new Uint8Array(bloomBits(keys.length, f.bitsPerKey) / 8);
      for (const k of keys) bloomAdd(one, k, f.hashes);
      const held = new Set(keys);
      const misses = probes.filter((k) => !held.has(k));
      const paged = misses.filter((k) => bloomHas(sectionOf(pages, k, section), k, f.hashes)).length;
      return {
        paged: paged / misses.length,
        one: misses.filter((k) => bloomHas(one, k, f.hashes)).length / misses.length,
      };
    };
    // 14.4 bits a key, 10 hashes: (1 - e^(-10/14.4))^10 = 0.10% in theory.
    const lexicon = rates(present, absent, LEXICON_FILTER, 0);
    expect(lexicon.paged).toBeLessThan(0.002);
    expect(lexicon.paged).toBeLessThan(lexicon.one * 1.4);
    // 8 bits a key, 6 hashes: (1 - e^(-6/8))^6 = 2.2% in theory, paged or not.
    const other = absent.filter((w) => w.length > 6).map((w) => vocabPrefixKey(w.slice(0, 5), w.length));
    const prefix = rates(prefixes, other, VOCAB_PREFIX_FILTER, 1);
    expect(prefix.paged).toBeLessThan(0.028);
    expect(prefix.paged).toBeLessThan(prefix.one * 1.15);
  });

  it("puts a word, its longer forms and its prefixes on one page", () => {
    for (const w of ["soviet", "besedovsky", "embassy"])
      for (const form of [`${w}s`, `${w.slice(0, 4)}`, vocabPrefixKey(w.slice(0, 5), w.length + 2)])
        expect(bloomPageOf(form, pages.length)).toBe(bloomPageOf(w, pages.length));
  });

  it("spreads record ids and sound codes over the pages, though they share their first letters", () => {
    const ids = Array.from({ length: 100 }, (_, i) => `kv-2-${1200 + i}`);
    const codes = Array.from({ length: 100 }, (_, i) => String(473000 + i * 10));
    for (const keys of [ids, codes]) expect(new Set(keys.map((k) => bloomPageOf(k, 68))).size).toBeGreaterThan(40);
    expect(new Set(["milovsky", "milovskiy", "milov"].map((k) => bloomPageOf(k, 68))).size).toBe(1);
  });

  it("writes the same pages whatever order the keys come in", () => {
    const reversed = [...present].reverse();
    const again = buildBloomPages([{ keys: (visit) => reversed.forEach(visit), ...LEXICON_FILTER }], [present.length]);
    const once = buildBloomPages([{ keys: (visit) => present.forEach(visit), ...LEXICON_FILTER }], [present.length]);
    expect(again).toEqual(once);
  });

  it("refuses a cut page, naming it", () => {
    const cut = pages[0]!.subarray(0, pages[0]!.byteLength - 1);
    expect(() => bloomPageSection(cut, 1, "/search/lexicon/0.x.bin")).toThrow(/\/search\/lexicon\/0\.x\.bin/);
    expect(() => bloomPageSection(pages[0]!, 2, "/search/lexicon/0.x.bin")).toThrow(/2 sections, not 3/);
  });
});
