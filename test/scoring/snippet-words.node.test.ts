/** Snippets keep a text's tokens as numbers into a bounded word table: marks must stay right when it is emptied. */
import { describe, expect, it } from "vitest";
import type { QueryUnit } from "../../src/worker/search/engine";
import { highlightTerms, snippetOf } from "../../src/worker/search/snippet";
import { wordGeneration } from "../../src/worker/search/word-forms";

const plan = (w: string): QueryUnit[] => [
  {
    text: w,
    words: [w],
    alternatives: [{ terms: [{ term: w, fields: ["desc"] }], rule: "exact", weight: 1, label: w }],
  },
];
const marked = (parts: Array<{ text: string; marked: boolean }> | null) =>
  (parts ?? []).filter((p) => p.marked).map((p) => p.text);
/** A word made of letters only (the tokeniser's digits would make each a number): distinct for each `n`. */
const word = (n: number) => `w${n.toString(26).replace(/[0-9]/g, (d) => "qrstuvwxyz"[Number(d)]!)}`;

describe("snippet word table", () => {
  it("marks the same words in a cached text after the word table filled and was emptied", () => {
    const text = "The courier met the defector in Rome; the defector fled.";
    expect(marked(snippetOf(text, highlightTerms(plan("defector"))))).toEqual(["defector", "defector"]);
    const before = wordGeneration();
    // Almost as many distinct words as the table holds, in one text: it fills midway through the text and is emptied.
    const flood = Array.from({ length: 49_995 }, (_, n) => word(n)).join(" ");
    expect(marked(snippetOf(`${flood} courier`, highlightTerms(plan("courier"))))).toEqual(["courier"]);
    expect(wordGeneration()).toBeGreaterThan(before);
    // More than it holds: the table fills twice within the text, whose words are then judged as they are.
    const deluge = Array.from({ length: 120_000 }, (_, n) => word(n)).join(" ");
    expect(marked(snippetOf(`courier ${deluge} defector`, highlightTerms(plan("defector"))))).toEqual(["defector"]);
    // The text cached before is split again into the new table: its marks are the words asked for, no others.
    expect(marked(snippetOf(text, highlightTerms(plan("courier"))))).toEqual(["courier"]);
    expect(marked(snippetOf(text, highlightTerms(plan("defector"))))).toEqual(["defector", "defector"]);
    expect(marked(snippetOf(text, highlightTerms(plan("rome"))))).toEqual(["Rome"]);
  });
});
