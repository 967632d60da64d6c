import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TitleTags } from "../../src/indexer/title-tags";

const root = mkdtempSync(join(tmpdir(), "dossier-title-tags-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("title and tag words kept in a scratch file", () => {
  const docs = [["klaus", "fuchs", "espionage"], [], ["fuchs", "atomic", "espionage", "fuchs"], ["harwell"]];

  it("gives each doc's words back in order, repeats kept, read in doc order or not", () => {
    const tags = new TitleTags(join(root, "tags-a.jsonl"));
    for (const words of docs) tags.push(words.slice(0, 2), words.slice(2));
    tags.finish();
    expect(docs.map((_, d) => tags.of(d))).toEqual(docs);
    // Twice through, as related records reads them, then out of order.
    expect(docs.map((_, d) => tags.of(d))).toEqual(docs);
    expect([3, 0, 2].map((d) => tags.of(d))).toEqual([docs[3], docs[0], docs[2]]);
    expect(() => tags.of(4)).toThrow(/doc-file: no doc 4 among 4/);
    tags.remove();
  });

  it("takes words as the plan's term numbers, and hands its words and file over to another thread as data", () => {
    const termList = ["fuchs", "klaus", "espionage", "atomic", "harwell"];
    const num = (ws: string[]) => ws.map((w) => termList.indexOf(w));
    const tags = new TitleTags(join(root, "tags-b.jsonl"));
    for (const words of docs) tags.pushIds(num(words.slice(0, 1)), num(words.slice(1)), (id) => termList[id]!);
    expect(() => tags.of(0)).toThrow(/title-tags: the docs' words are read once every doc is added/);
    tags.finish();
    expect(() => tags.push(["late"])).toThrow(/title-tags: no doc is added after finish/);
    const path = tags.toData().file.path;
    const copy = TitleTags.fromData(structuredClone(tags.handOver()));
    expect(docs.map((_, d) => copy.of(d))).toEqual(docs);
    // Handed over, this thread keeps no words to read them by.
    expect(() => tags.of(0)).toThrow(/title-tags: the words were handed over to a worker/);
    copy.remove();
    tags.remove();
    expect(existsSync(path)).toBe(false);
  });
});
