import { describe, expect, it } from "vitest";
import { call, refs } from "../helpers";

const search = (qs: string) => call(`/api/search?${qs}`);

describe("search ranking", () => {
  it("puts KV 2/2670 and 2671 first for Besedovskiy", async () => {
    const { status, body } = await search("q=Besedovskiy&collapse=0");
    expect(status).toBe(200);
    expect(refs(body.hits).slice(0, 2).sort()).toEqual(["KV 2/2670", "KV 2/2671"]);
  });

  it("finds KV 2/2681 for Helfland Rome, matching across title and description", async () => {
    const { body } = await search("q=Helfland%20Rome");
    expect(refs(body.hits)[0]).toBe("KV 2/2681");
  });

  it("matches a multi-word query across fields (name in title, place in places)", async () => {
    const { body } = await search("q=Besedovskiy%20Paris&collapse=0");
    expect(refs(body.hits).slice(0, 2).sort()).toEqual(["KV 2/2670", "KV 2/2671"]);
  });

  it("ranks by match quality, with missing words a soft penalty that explain states", async () => {
    const { body } = await search("q=Soviet%20diplomat%20Rome&explain=1&limit=50");
    expect(refs(body.hits)[0]).toBe("KV 2/2681");
    const scores = body.hits.map((h: any) => h.score);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    const partial = body.hits.find((h: any) => h.explain.matched < 3);
    expect(partial.explain.parts.find((p: any) => p.unit === "coordination").via).toMatch(/of 3 words matched/);
    for (const h of body.hits)
      for (const p of h.explain.parts)
        if (p.unit !== "coordination" && p.unit !== "proximity") expect(p.field).toBeTruthy();
  });

  it("answers a reference typed as a query with that record first", async () => {
    const { body } = await search("q=files%20KV%202%2F2670");
    expect(refs(body.hits)[0]).toBe("KV 2/2670");
    expect(body.query.references).toEqual(["KV 2/2670"]);
  });

  it("gives every hit a numeric score, best first", async () => {
    const { body } = await search("q=Soviet%20diplomat%20Rome&limit=30&explain=1");
    expect(body.hits.length).toBeGreaterThan(2);
    const keys = body.hits.map((h: any) => [h.explain.matched, h.score] as [number, number]);
    for (const [matched, score] of keys) {
      expect(typeof score).toBe("number");
      expect(Number.isFinite(score)).toBe(true);
      expect(matched).toBeGreaterThan(0);
    }
    // Best first: a higher score first (catalogue order breaks exact ties); matched words count inside the score.
    for (let i = 1; i < keys.length; i++) {
      const [, s0] = keys[i - 1]!,
        [m1, s1] = keys[i]!;
      expect(s0 >= s1, `hit ${i} (${m1}, ${s1}) ranks below hit ${i - 1} (score ${s0})`).toBe(true);
    }
    // Hits with different numbers of matched words and scores occur, so the check above is not vacuous.
    expect(new Set(keys.map(([m]: [number, number]) => m)).size).toBeGreaterThan(1);
    expect(new Set(keys.map(([, sc]: [number, number]) => sc)).size).toBeGreaterThan(2);
    expect((await search("q=Fuchs&limit=20")).body.total.value).toBeGreaterThanOrEqual(26);
  });
});

describe("snippets", () => {
  it("marks the matched words and escapes everything else", async () => {
    const { body } = await search("q=Philby");
    const snippet: string = body.hits[0].snippet;
    expect(snippet).toMatch(/<mark>Philby<\/mark>/);
    expect(snippet.replace(/<\/?mark>/g, "")).not.toMatch(/[<>]/);
  });

  it("marks inflected forms found by stemming", async () => {
    const { body } = await search("q=defected&limit=20");
    expect(body.hits.some((h: any) => /<mark>defect(ion|ed|or)<\/mark>/i.test(h.snippet))).toBe(true);
  });

  it("marks the spelling a transliteration variant matched: Besedovsky marks Besedovskiy", async () => {
    const { body } = await search("q=Besedovsky&limit=5");
    expect(body.hits.length).toBeGreaterThan(0);
    for (const h of body.hits) expect(h.snippet).toMatch(/<mark>Besedovskiy<\/mark>/i);
  });

  it("marks the name a sound-alike matched, among the record's people when only they hold it", async () => {
    const { body } = await search("q=Gelfand&limit=5");
    expect(body.hits[0].reference).toBe("KV 2/2681");
    expect(body.hits[0].snippet).toMatch(/<mark>Helfand<\/mark>/);
  });

  it("offers the snippet as plain-text parts with fields=snippetParts, the same text as the HTML", async () => {
    const { body } = await search("q=Besedovsky&limit=1&fields=reference,snippet,snippetParts");
    const [hit] = body.hits;
    expect(Object.keys(hit)).toEqual(["reference", "snippet", "snippetParts"]);
    expect(hit.snippetParts.filter((p: any) => p.marked).map((p: any) => p.text)).toEqual(["Besedovskiy"]);
    const html = hit.snippetParts.map((p: any) => (p.marked ? `<mark>${p.text}</mark>` : p.text)).join("");
    expect(html).toBe(hit.snippet);
    expect((await search("q=Besedovsky&limit=1")).body.hits[0].snippetParts).toBeUndefined();
  });
});

describe("filters and facets", () => {
  it("keeps only records overlapping from=1940&to=1945, and facets follow", async () => {
    const all = (await search("q=Soviet&limit=100")).body;
    const { body } = await search("q=Soviet&from=1940&to=1945&limit=100");
    expect(body.total.value).toBeLessThan(all.total.value);
    expect(body.total.value).toBeGreaterThan(0);
    const decades = Object.keys(body.facets.decade).map(Number);
    expect(decades).toContain(1940);
    const seriesTotal = Object.values(body.facets.series as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(seriesTotal).toBe(body.total.value);
  });

  it("restricts results and the series facet to the series asked for", async () => {
    const { body } = await search("q=German&series=KV%203&limit=100&collapse=0");
    expect(body.total.value).toBeGreaterThan(0);
    expect(body.hits.length).toBe(body.total.value);
    expect(Object.keys(body.facets.series)).toEqual(["KV 3"]);
    expect(body.hits.filter((h: any) => !h.reference.startsWith("KV 3/"))).toEqual([]);
    // Without the filter the same words find other series too, so the filter did something.
    const all = (await search("q=German&limit=100")).body;
    expect(Object.keys(all.facets.series).length).toBeGreaterThan(1);
  });

  it("accepts several series filters, keeping the hits of each and nothing else", async () => {
    const kv3 = (await search("q=sabotage%20camp&series=KV%203&limit=100")).body;
    const kv4 = (await search("q=sabotage%20camp&series=KV%204&limit=100")).body;
    expect(kv3.total.value).toBeGreaterThan(0);
    expect(kv4.total.value).toBeGreaterThan(0);
    const { body } = await search("q=sabotage%20camp&series=KV%203&series=KV%204&limit=100");
    expect(body.total.value).toBe(kv3.total.value + kv4.total.value);
    expect(Object.keys(body.facets.series).sort()).toEqual(["KV 3", "KV 4"]);
    expect(refs(body.hits).sort()).toEqual([...refs(kv3.hits), ...refs(kv4.hits)].sort());
  });

  it("pages without repeating or losing hits", async () => {
    const all = refs((await search("q=communist&limit=30")).body.hits);
    const a = refs((await search("q=communist&limit=10&offset=0")).body.hits);
    const b = refs((await search("q=communist&limit=10&offset=10")).body.hits);
    const c = refs((await search("q=communist&limit=10&offset=20")).body.hits);
    expect([...a, ...b, ...c]).toEqual(all);
  });
});

describe("typeahead", () => {
  it("suggests a person from the first letters of the surname", async () => {
    const { status, body } = await call("/api/suggest?q=besed");
    expect(status).toBe(200);
    expect(body.suggestions[0]).toMatchObject({ kind: "person", text: "Grigoriy Besedovskiy" });
  });

  it("suggests references from a loose reference prefix", async () => {
    const { body } = await call("/api/suggest?q=kv2/267");
    expect(body.suggestions.map((s: any) => s.text)).toContain("KV 2/2670");
    expect(body.suggestions.find((s: any) => s.text === "KV 2/2670").id).toBe("kv-2-2670");
  });
});

describe("bad input", () => {
  it.each([
    ["all punctuation", "?!.,;:"],
    ["emoji", "🕵️‍♂️🔍"],
    ["Cyrillic", "Беседовский"],
    ["SQL-ish", "'; DROP TABLE records; --"],
    ["256 characters", "a".repeat(256)],
    ["a lone quote", '"'],
    ["a lone minus", "-"],
  ])("answers %s with 200 and a JSON result", async (_, q) => {
    const { status, body } = await search(`q=${encodeURIComponent(q)}`);
    expect(status).toBe(200);
    expect(Array.isArray(body.hits)).toBe(true);
  });

  it.each([
    ["empty", "q="],
    ["missing", ""],
    ["257 characters", `q=${"a".repeat(257)}`],
    ["limit over 100", "q=fuchs&limit=101"],
    ["a non-numeric offset", "q=fuchs&offset=x"],
    ["from after to", "q=fuchs&from=1950&to=1940"],
    ["an unknown match mode", "q=fuchs&match=fuzzy"],
    ["too many words", `q=${encodeURIComponent(Array.from({ length: 40 }, (_, i) => `w${i}`).join(" "))}`],
  ])("answers %s with a 400 JSON error", async (_, qs) => {
    const { status, body } = await search(qs);
    expect(status).toBe(400);
    expect(body.error.code).toBe("bad_request");
  });
});
