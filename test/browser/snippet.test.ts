/** The widget's snippet parser, reading the API's HTML back into parts: only `<mark>` survives as markup. */
import { describe, expect, it } from "vitest";
import { parseSnippet, unescapeText } from "../../src/widget/snippet";

describe("parseSnippet", () => {
  it("splits on <mark> and </mark> and unescapes the text between them", () => {
    expect(parseSnippet("a &amp; <mark>Besedovskiy</mark> &lt;b&gt;")).toEqual([
      { text: "a & ", marked: false },
      { text: "Besedovskiy", marked: true },
      { text: " <b>", marked: false },
    ]);
  });

  it("keeps any other tag as literal text, so it is never parsed as HTML", () => {
    expect(parseSnippet("<img src=x onerror=alert(1)><mark>x</mark>")).toEqual([
      { text: "<img src=x onerror=alert(1)>", marked: false },
      { text: "x", marked: true },
    ]);
  });

  it("does not nest unbalanced marks: a stray </mark> just ends marking", () => {
    expect(parseSnippet("<mark>a<mark>b</mark>c</mark>d")).toEqual([
      { text: "a", marked: true },
      { text: "b", marked: true },
      { text: "c", marked: false },
      { text: "d", marked: false },
    ]);
  });

  it("decodes numeric entities but leaves invalid code points as written", () => {
    expect(unescapeText("&#39;&#x27;&#1041;&#xD800;&#99999999;&bogus;")).toBe("''Б&#xD800;&#99999999;&bogus;");
  });
});
