/**
 * Each doc's title and tag words (search-assets.ts TitleTags), which a threaded build gives away to its worker
 * thread: what the worker rebuilds must be what was pushed, and the table given away must not answer any more.
 */
import { describe, expect, it } from "vitest";
import { TitleTags } from "../../src/indexer/search-assets";

describe("title and tag words given away to a worker thread", () => {
  it("come back doc by doc as they were pushed, past several growths, and the table given away answers no more", () => {
    const docs = Array.from({ length: 9000 }, (_, d) => (d % 11 === 0 ? [] : [`w${d % 97}`, `w${d % 13}`, "file"]));
    const tags = new TitleTags();
    for (const words of docs) tags.push(words.slice(0, 1), words.slice(1));
    tags.finish();
    expect(tags.of(12)).toEqual(docs[12]);
    const data = tags.toData();
    // Trimmed to size: a posted typed array copies its whole buffer.
    expect(data.flat.buffer.byteLength).toBe(4 * docs.flat().length);
    expect(data.starts.length).toBe(docs.length + 1);
    const back = TitleTags.fromData(structuredClone(data));
    expect(docs.map((_, d) => back.of(d))).toEqual(docs);
    expect(() => tags.of(0)).toThrow(/search-assets: the title and tag words were given away/);
    expect(() => tags.toData()).toThrow(/given away already/);
  });
});
