/**
 * Ranking and result rules beyond names: volume collapse, the prefix rule,
 * coordination strength and the thesaurus review, through the real API over
 * the test catalogue (data/ plus test/fixtures/ingest).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { call, refs } from "../helpers";
import { groupVolumes, volumeKey } from "../../src/shared/volumes";
import { coordination } from "../../src/worker/search/maxscore-lists";
import { placesIn } from "../../src/shared/text/places";

const search = async (q: string, extra = "") => (await call(`/api/search?q=${encodeURIComponent(q)}${extra}`)).body;

beforeAll(async () => {
  await call("/api/search?q=warm");
}, 60_000);

describe("volumes of one file collapse into one hit", () => {
  it("shows the two Besedovskiy volumes as one hit with volumes and volumeIds", async () => {
    const body = await search("Besedovskiy");
    expect(body.hits[0].reference).toBe("KV 2/2670");
    expect(body.hits[0].volumes).toBe(2);
    expect(body.hits[0].volumeIds).toEqual(["kv-2-2670", "kv-2-2671"]);
    expect(refs(body.hits)).not.toContain("KV 2/2671");
  });
  it("lists every volume as its own hit with collapse=0", async () => {
    const body = await search("Besedovskiy", "&collapse=0");
    expect(refs(body.hits).slice(0, 2).sort()).toEqual(["KV 2/2670", "KV 2/2671"]);
    expect(body.hits[0].volumes).toBeUndefined();
  });
  it("fills a page with distinct files when one file's volumes match best", async () => {
    // The Fuchs file has many like-titled pieces; without collapse they take the whole page.
    const flat = await search("Klaus Fuchs", "&collapse=0&limit=5");
    expect(new Set(flat.hits.map((h: { title: string }) => h.title)).size).toBe(1);
    const body = await search("Klaus Fuchs atomic", "&limit=5");
    const fuchs = body.hits.filter((h: { title: string }) => h.title === "Klaus FUCHS");
    expect(fuchs).toHaveLength(1);
    expect(fuchs[0].volumes).toBeGreaterThan(5);
  });
  it("pages over collapsed hits without repeating a file", async () => {
    const all = await search("Soviet", "&limit=30");
    const pages = [];
    for (let offset = 0; offset < 30; offset += 10)
      pages.push(...(await search("Soviet", `&limit=10&offset=${offset}`)).hits);
    expect(refs(pages)).toEqual(refs(all.hits));
    const files = pages.filter((h) => h.volumeIds).map((h) => h.volumeIds.join());
    expect(new Set(files).size).toBe(files.length);
  });
  it("counts the collapsed hits in files and pages no further than the last file", async () => {
    const body = await search("Besedovskiy", "&limit=1");
    expect(body.total.value).toBe(2);
    expect(body.files).toEqual({ value: 1, relation: "eq" });
    expect(body.nextCursor).toBeUndefined();
    const flat = await search("Besedovskiy", "&limit=1&collapse=0");
    expect(flat.files).toBeUndefined();
    expect(flat.nextCursor).toBeDefined();
  });
  it("keys volumes by series and title without volume markers, page counts or asides", () => {
    const naa = (title: string, reference: string) => volumeKey({ series: "A6119", title, reference });
    expect(naa("Greek Organisations, Volume 1 [251pp]", "A6119, 1433")).toBe(
      naa("Greek Organisations, Volume 2 [103pp]", "A6119, 1434"),
    );
    expect(naa("CPA propaganda and publications, Part 2", "A6119, 1207")).toBe(
      naa("CPA propaganda and publications, part 1", "A6119, 1206"),
    );
    expect(naa("Douglas Social Credit Movement", "A6122, 1 PART 2")).not.toBeNull();
    expect(naa("AARONS, Laurence Vol. 3A", "A6119, 200")).toBe(naa("AARONS, Laurence Volume 1", "A6119, 198"));
    // Like titles are volumes only for TNA pieces; JFK documents with one title are separate documents.
    expect(volumeKey({ series: "KV 2", title: "Klaus FUCHS", reference: "KV 2/1246" })).not.toBeNull();
    expect(volumeKey({ series: "CIA", title: "CABLE RE MEXI", reference: "104-10004-10143" })).toBeNull();
    expect(
      groupVolumes([
        { series: "KV 2", title: "A B", reference: "KV 2/2", id: "kv-2-2" },
        { series: "KV 3", title: "A B", reference: "KV 3/1", id: "kv-3-1" },
        { series: "KV 2", title: "A B", reference: "KV 2/1", id: "kv-2-1" },
      ]),
    ).toEqual([
      [
        [2, 0],
        ["kv-2-1", "kv-2-2"],
      ],
    ]);
  });
  it("is documented in the OpenAPI description", async () => {
    const spec = JSON.stringify((await call("/api/openapi.json")).body);
    expect(spec).toContain("collapse=0 lists every volume");
    expect(spec).toContain("volumeIds");
  });
});

describe("prefix rule", () => {
  it("finds a longer catalogue word from its beginning, as a rule of its own", async () => {
    const body = await search("espion", "&rules=exact,prefix&explain=1");
    expect(body.hits.length).toBeGreaterThan(0);
    expect(body.hits[0].explain.parts[0].rule).toBe("prefix");
    expect(body.hits[0].explain.parts[0].word.toLowerCase()).toBe("espionage");
    expect((await search("espion", "&rules=exact")).hits).toEqual([]);
  });
  it("does not expand short words", async () => {
    const body = await search("spy", "&rules=exact,prefix");
    expect(body.query.expansions.filter((e: { rule: string }) => e.rule === "prefix")).toEqual([]);
  });
});

describe("coordination", () => {
  it("keeps the share of the query's words a record matched", () => {
    expect(coordination(1, 4)).toBe(0.25);
    expect(coordination(2, 2)).toBe(1);
    expect(coordination(1, 2)).toBe(0.5);
  });
});

describe("thesaurus review", () => {
  it("does not read atomic as any nuclear (nuclear power campaigns are not atomic spies)", async () => {
    const body = await search("atomic");
    const to = body.query.expansions.map((e: { to: string }) => e.to.split(" (")[0]);
    expect(to).not.toContain("nuclear");
    expect(to).toContain("nuclear weapons");
  });
  it("relates the multi-word concept Cambridge spy ring to the catalogue's Cambridge Five", async () => {
    const body = await search("Cambridge spy ring");
    expect(refs(body.hits).slice(0, 2).sort()).toEqual(["KV 2/4700", "KV 2/4723"]);
  });
  it("reads spies as espionage", async () => {
    const body = await search("spies");
    expect(body.query.expansions.map((e: { to: string }) => e.to.split(" (")[0])).toContain("espionage");
  });
  it("reads secret ink as secret writing and America as the United States", async () => {
    // Von Rautter's file says he sent reports in secret writing from the United States: neither word is in the query.
    const body = await search("German spy secret ink America", "&collapse=0");
    // Below Operation PASTORIUS's report, whose text says "secret ink" and "USA" as typed.
    expect(refs(body.hits).slice(0, 3)).toEqual(["KV 3/413", "KV 2/3004", "KV 2/3005"]);
    const to = body.query.expansions.map((e: { to: string }) => e.to.split(" (")[0]);
    expect(to).toEqual(expect.arrayContaining(["secret writing", "united states"]));
  });
});

describe("explain states the ordering rule", () => {
  it("says in a sentence how hits are ordered, with the coordination share and collapse", async () => {
    const body = await search("Soviet diplomat", "&explain=1");
    expect(body.query.ordering).toMatch(/^Hits are ordered by score, highest first\./);
    expect(body.query.ordering).toContain("1 − 1 × (words not matched ÷ query words)");
    expect(body.query.ordering).toContain("shown once");
    expect(body.query.ordering).toContain("closeness share of up to 0.1");
    const sorted = await search("Soviet diplomat", "&explain=1&sort=date&collapse=0");
    expect(sorted.query.ordering).toMatch(/sorted by date, oldest first/);
    expect(sorted.query.ordering).not.toContain("shown once");
    expect((await search("Soviet diplomat")).query.ordering).toBeUndefined();
  });
});

describe("a year inside titles is a boost, not only a filter", () => {
  it("finds a record dated 1964 whose title names 1963, below the one dated 1963", async () => {
    const body = await search("Quayside stoppage 1963");
    expect(refs(body.hits)).toEqual(["KV 2/9981", "KV 2/9980"]);
    expect(body.query.dates.applied).toBe("filter");
  });
  it("answers a repeated query alike: the year unit is added to a copy of the cached plan, not to the plan", async () => {
    // Different parameters, so the response cache cannot answer; the plan cache does, every time.
    const parts = async (limit: number) =>
      (await search("Quayside stoppage 1963", `&explain=1&limit=${limit}`)).hits.map(
        (h: { reference: string; score: number; explain: { parts: Array<{ unit: string }> } }) =>
          `${h.reference} ${h.score} ${h.explain.parts.map((p) => p.unit).join(",")}`,
      );
    const first = await parts(5);
    expect(await parts(6)).toEqual(first);
    expect(await parts(7)).toEqual(first);
  });
  it("counts the year it filters by as no word matched: all the words beat one word and the year", async () => {
    // Both files are dated 1963, which titles name (so the year is planned as a unit). Vantongeren's matches
    // "Ulrich" only, in its title; Brandauer's file matches "Ulrich" in its people and "Soviet" in its description.
    const body = await search("Ulrich soviet 1963", "&explain=1&collapse=0");
    expect(refs(body.hits).slice(0, 2)).toEqual(["KV 2/9984", "KV 2/9983"]);
    expect(body.hits[1].explain.parts.map((p: { via: string }) => p.via)).toContain("1 of 2 words matched: × 0.5");
  });
  it("lets no record through for a year its description names in passing", async () => {
    // Ransome's first file is dated 1918-1919; its description gives his life, "(1884-1967)". A JFK record's
    // description holds its review's timestamp ("1994.03.30.18:04:07") the same way.
    expect(refs((await search("Ransome", "&collapse=0")).hits)).toContain("KV 2/1903");
    expect(refs((await search("Ransome 1967", "&collapse=0")).hits)).not.toContain("KV 2/1903");
  });
  it("still filters a year no title names", async () => {
    expect(refs((await search("Quayside stoppage 1970")).hits)).toEqual(["KV 2/9982"]);
  });
});

describe("context from the hierarchy", () => {
  it("finds an item by its parent's title, below the parent, matched in the ctx field", async () => {
    const body = await search("travers ross", "&explain=1&collapse=0");
    expect(refs(body.hits)).toEqual(["ADM 55/150", "ADM 55/150/1"]);
    const child = body.hits[1];
    expect(child.title).not.toMatch(/travers/i);
    expect(child.explain.parts.map((p: { field: string }) => p.field)).toEqual(["ctx", "ctx"]);
    expect(child.score).toBeLessThan(body.hits[0].score / 4);
  });
  it("does not let an excluded word remove records that only inherit it", async () => {
    const body = await search("vansittart -travers", "&collapse=0");
    expect(refs(body.hits)).toContain("ADM 55/150/1");
  });
});

describe("collapse is for reading, not for exports", () => {
  it("exports every volume even though search collapses them", async () => {
    const res = await call("/api/search.jsonl?q=Besedovskiy&fields=reference");
    const exported = (res.body as string)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).reference);
    expect(exported.sort()).toEqual(["KV 2/2670", "KV 2/2671"]);
    expect((await search("Besedovskiy")).hits).toHaveLength(1);
  });
});

describe("closeness of spelling breaks ties between spellings one key stands for", () => {
  // JORGENSEN and JORGENSSEN share a variant key and a sound code, so by those alone they tie (catalogue order).
  it("puts the spelling one edit from the query above the one two edits away", async () => {
    expect(refs((await search("Yorgenssen")).hits).slice(0, 2)).toEqual(["KV 2/9991", "KV 2/9990"]);
    expect(refs((await search("Yorgensen")).hits).slice(0, 2)).toEqual(["KV 2/9990", "KV 2/9991"]);
  });
  it("ties them without the closeness rule", async () => {
    const rules = "&rules=exact,stem,variant,phonetic,typo,synonym,prefix,nickname,initial";
    expect(refs((await search("Yorgenssen", rules)).hits).slice(0, 2)).toEqual(["KV 2/9990", "KV 2/9991"]);
  });
  it("explains the tie-breaker as its own part, naming the catalogue word, and never makes a match alone", async () => {
    const body = await search("Yorgenssen", "&explain=1");
    const parts = body.hits[0].explain.parts;
    expect(parts.map((p: { rule: string }) => p.rule)).toEqual(["variant", "closeness"]);
    expect(parts[1].word).toBe("JORGENSSEN");
    expect(parts[1].score).toBeGreaterThan(0);
    expect(parts[1].score).toBeLessThan(parts[0].score / 2);
    // A word the catalogue holds as typed gets no tie-breakers.
    const exact = await search("Jorgensen", "&explain=1");
    expect(exact.query.expansions.filter((e: { rule: string }) => e.rule === "closeness")).toEqual([]);
  });
});

describe("place hierarchy", () => {
  // KV 2/9995 is filed under Glasgow only; data/places/places.json puts Glasgow in Scotland.
  const WITHOUT_PLACE = "&rules=exact,stem,variant,phonetic,typo,synonym,prefix,nickname,initial,closeness";
  it("finds a record whose place is inside the place a query names, below records naming the place itself", async () => {
    const hits = refs((await search("Scotland", "&limit=50")).hits);
    expect(hits).toContain("KV 2/9995");
    expect(hits[0]).not.toBe("KV 2/9995");
    expect(refs((await search("Scotland", `&limit=50${WITHOUT_PLACE}`)).hits)).not.toContain("KV 2/9995");
  });
  it("widens a place: field the same way (the place word counts as matched)", async () => {
    const matchedScotland = async (extra: string) => {
      const body = await search("place:Scotland strike", `&limit=50&explain=1${extra}`);
      const hit = body.hits.find((h: { reference: string }) => h.reference === "KV 2/9995");
      return hit.explain.parts.some((p: { unit: string }) => p.unit === "scotland");
    };
    expect(refs((await search("place:Scotland strike")).hits)[0]).toBe("KV 2/9995");
    expect(await matchedScotland("")).toBe(true);
    expect(await matchedScotland(WITHOUT_PLACE)).toBe(false);
  });
  it("explains the match as the place-hierarchy rule with the catalogue's own place word", async () => {
    const body = await search("apprentices Scotland", "&explain=1");
    const part = body.hits[0].explain.parts.find((p: { unit: string }) => p.unit === "scotland");
    expect(body.hits[0].reference).toBe("KV 2/9995");
    expect(part.rule).toBe("place");
    expect(part.via).toBe("glasgow (in scotland)");
    expect(part.word).toBe("Glasgow");
  });
  it("follows one level only and knows no place it was not given", async () => {
    expect(placesIn("australia").map((p) => p.join(" "))).toContain("queensland");
    expect(placesIn("australia").map((p) => p.join(" "))).not.toContain("brisbane");
    expect(placesIn("queensland").map((p) => p.join(" "))).toContain("brisbane");
    expect(placesIn("constructor")).toEqual([]);
  });
});
