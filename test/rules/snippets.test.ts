/** Snippets as parts: which catalogue words are marked for a query plan, and the HTML the API writes from them. */
import { describe, expect, it } from "vitest";
import type { QueryUnit } from "../../src/worker/search/engine";
import { highlightTerms, snippetOf } from "../../src/worker/search/snippet";
import { snippetHtml } from "../../src/shared/snippet-parts";
import { phoneticKeys } from "../../src/shared/text/phonetic";
import { stem } from "../../src/shared/text/stem";

const unit = (w: string, alternatives: QueryUnit["alternatives"]): QueryUnit => ({ text: w, words: [w], alternatives });
const alt = (rule: QueryUnit["alternatives"][number]["rule"], term: string) => ({
  terms: [{ term, fields: ["desc" as const] }],
  rule,
  weight: 1,
  label: term,
});
const marked = (parts: Array<{ text: string; marked: boolean }> | null) =>
  (parts ?? []).filter((p) => p.marked).map((p) => p.text);

describe("snippet marks", () => {
  it("marks a name by its sound code only where the plan holds that code, and only capitalised words", () => {
    const sound = phoneticKeys("gelfand");
    const plan = [unit("gelfand", [alt("exact", "gelfand"), ...sound.map((c) => alt("phonetic", c))])];
    expect(marked(snippetOf("Leon Helfand wrote to helfand", highlightTerms(plan)))).toEqual(["Helfand"]);
    // Without the phonetic alternative (a rule switched off, exact mode), the sound-alike stays unmarked.
    expect(snippetOf("Leon Helfand", highlightTerms([unit("gelfand", [alt("exact", "gelfand")])]))).toBeNull();
  });

  it("marks stems only when the plan matched by stem, so exact mode marks the literal word alone", () => {
    const text = "He defected; his defection followed.";
    expect(marked(snippetOf(text, highlightTerms([unit("defected", [alt("exact", "defected")])])))).toEqual([
      "defected",
    ]);
    const stemmed = [unit("defected", [alt("exact", "defected"), alt("stem", stem("defected"))])];
    expect(marked(snippetOf(text, highlightTerms(stemmed)))).toEqual(["defected", "defection"]);
  });

  it("marks a variant spelling and a nickname by the terms the plan expanded to", () => {
    const plan = [
      unit("besedovsky", [alt("exact", "besedovsky"), alt("variant", "besedovski")]),
      unit("bill", [alt("exact", "bill"), alt("nickname", "william")]),
    ];
    expect(marked(snippetOf("Grigoriy BESEDOVSKIY met William Gallagher", highlightTerms(plan)))).toEqual([
      "BESEDOVSKIY",
      "William",
    ]);
  });

  it("judges a word afresh for each query, even when two queries' snippets of the same text interleave", () => {
    const text = "Philby met Burgess; Burgess met Philby.";
    const philby = highlightTerms([unit("philby", [alt("exact", "philby")])]);
    const burgess = highlightTerms([unit("burgess", [alt("exact", "burgess")])]);
    expect(marked(snippetOf(text, philby))).toEqual(["Philby", "Philby"]);
    expect(marked(snippetOf(text, burgess))).toEqual(["Burgess", "Burgess"]);
    // The words' verdicts for the first query were replaced by the second's: the first asks again, not reads them.
    expect(marked(snippetOf(text, philby))).toEqual(["Philby", "Philby"]);
    // A term that shares a word's length and first letter with no match (the sieve lets it through) still misses.
    expect(snippetOf(text, highlightTerms([unit("bxrgess", [alt("exact", "bxrgess")])]))).toBeNull();
  });
});

describe("snippet HTML", () => {
  it("keeps the text verbatim in parts and escapes it only when writing HTML", () => {
    const parts = snippetOf('Kim <b>"Philby"</b> & co', highlightTerms([unit("philby", [alt("exact", "philby")])]));
    expect(parts!.map((p) => p.text).join("")).toBe('Kim <b>"Philby"</b> & co');
    expect(snippetHtml(parts!)).toBe("Kim &lt;b&gt;&quot;<mark>Philby</mark>&quot;&lt;/b&gt; &amp; co");
  });
});
