import { describe, expect, it } from "vitest";
import { call, refs } from "../helpers";

const top = async (q: string, extra = "") =>
  refs((await call(`/api/search?q=${encodeURIComponent(q)}${extra}`)).body.hits);

describe("names in any spelling", () => {
  it.each(["Besedovsky", "Besedovskii", "Беседовский", "Bessedovsky"])(
    "finds the Besedovskiy files for %s",
    async (q) => {
      expect((await top(q, "&collapse=0")).slice(0, 2).sort()).toEqual(["KV 2/2670", "KV 2/2671"]);
    },
  );

  it("finds Helfland's file for Gelfand through Daitch–Mokotoff codes", async () => {
    expect((await top("Gelfand"))[0]).toBe("KV 2/2681");
  });

  it("finds the file that names General Kutepoff for Kutepov", async () => {
    expect(await top("Kutepov")).toContain("KV 2/2681");
  });

  it("finds Fuchs for the phonetic spelling Fuks", async () => {
    expect((await top("Fuks"))[0]).toMatch(/^KV 2\/12(4[5-9]|[56]\d|70)$/);
  });

  it("ranks the literal spelling above a variant of it", async () => {
    const { body } = await call("/api/search?q=Besedovskiy&explain=1");
    expect(body.hits[0].explain.parts[0].rule).toBe("exact");
    const variant = await call("/api/search?q=Besedovsky&explain=1");
    expect(variant.body.hits[0].score).toBeLessThan(body.hits[0].score);
  });

  it("tolerates one typo in a word of five letters or more", async () => {
    const { body } = await call("/api/search?q=Philbey&explain=1");
    expect(refs(body.hits)).toContain("KV 2/4723");
  });

  it("finds nothing by variants when match=exact", async () => {
    const { body } = await call("/api/search?q=Besedovsky&match=exact");
    expect(body.total.value).toBe(0);
  });
});

describe("thesaurus", () => {
  it("finds KV 2/2681 for Cheka kidnapping (GPU/OGPU, abduction)", async () => {
    expect((await top("Cheka kidnapping"))[0]).toBe("KV 2/2681");
  });

  it("finds files that say Secret Intelligence Service for MI6", async () => {
    const hits = await top("MI6", "&limit=20");
    expect(hits).toEqual(expect.arrayContaining(["KV 2/2681", "KV 2/2670"]));
  });

  it("finds the Rote Kapelle report for its English name, Red Orchestra", async () => {
    expect((await top("Red Orchestra"))[0]).toBe("KV 3/349");
  });

  it("finds Fuchs, a former German Communist Party member, for the party's initials KPD", async () => {
    expect((await top("KPD"))[0]).toMatch(/^KV 2\/12(4[5-9]|[56]\d|70)$/);
  });

  it("finds a country's files for its adjective: Kenyatta's for 'Kenyan nationalist leader'", async () => {
    expect((await top("Kenyan nationalist leader", "&collapse=0"))[0]).toMatch(/^KV 2\/178[789]$/);
  });

  it("turns expansions off with synonyms=0", async () => {
    const { body } = await call("/api/search?q=Cheka&synonyms=0");
    expect(body.query.expansions).toEqual([]);
    expect(refs(body.hits)).not.toContain("KV 2/2681");
  });

  it("explains which rule matched each hit", async () => {
    const { body } = await call("/api/search?q=Cheka&explain=1");
    expect(body.hits[0].explain.parts.some((p: any) => p.rule === "synonym")).toBe(true);
  });
});

describe("query understanding", () => {
  /** A hit's record: its first and last years, null when undated. */
  const yearsOf = async (id: string) => {
    const { record } = (await call(`/api/records/${id}`)).body;
    return record.startDate
      ? [Number(record.startDate.slice(0, 4)), Number((record.endDate ?? record.startDate).slice(0, 4))]
      : null;
  };

  it("filters communists 1930s by date, ranks undated matches below the dated ones, and reports it", async () => {
    const { body } = await call("/api/search?q=communists%201930s&limit=100&explain=1&collapse=0");
    expect(body.query.dates).toMatchObject({ from: 1930, to: 1939, applied: "filter" });
    expect(body.total.value).toBeGreaterThan(0);
    const unfiltered = (await call("/api/search?q=communists&limit=100&collapse=0")).body;
    const rest = (await call("/api/search?q=communists&limit=100&offset=100&collapse=0")).body;
    const wordsOnly = new Map<string, number>([...unfiltered.hits, ...rest.hits].map((h: any) => [h.id, h.score]));
    let undated = 0;
    for (const hit of body.hits) {
      const years = await yearsOf(hit.id);
      if (!years) {
        // An undated match keeps half the score its words give it.
        undated++;
        expect(
          hit.explain.parts.map((p: any) => p.via),
          hit.reference,
        ).toContain("undated: × 0.5");
        expect(hit.score, hit.reference).toBeCloseTo(wordsOnly.get(hit.id)! / 2, 2);
        continue;
      }
      // Every dated hit's covering dates touch the 1930s.
      expect(years[0], hit.reference).toBeLessThanOrEqual(1939);
      expect(years[1], hit.reference).toBeGreaterThanOrEqual(1930);
    }
    expect(undated).toBeGreaterThan(0);
    expect(body.query.ordering).toContain("no date");
    // Every match touches the 1930s or has no date, as the decade facet counts them.
    expect(body.facets.decade["1930"] + body.facets.decade.undated).toBe(body.total.value);
    // The filter removed something: the words alone find records outside the 1930s.
    expect(unfiltered.total.value).toBeGreaterThan(body.total.value);
  });

  it("filters 'communists before 1925' to records begun before 1925", async () => {
    const { body } = await call("/api/search?q=communists%20before%201925&limit=100");
    expect(body.query.dates).toMatchObject({ from: 1000, to: 1924, applied: "filter" });
    expect(body.total.value).toBeGreaterThan(0);
    for (const hit of body.hits) {
      const years = await yearsOf(hit.id);
      if (years) expect(years[0], hit.reference).toBeLessThanOrEqual(1924);
    }
    // Read as the one year 1925, the filter found fewer: records running through 1925.
    const year = (await call("/api/search?q=communists%201925&limit=100")).body;
    expect(body.total.value).not.toBe(year.total.value);
  });

  it("finds an undated file that matches every word beside the query's year, but not one that matches some", async () => {
    // Edith Cavell's file has no covering dates; the year she was shot does not hide it.
    const hits = await top("Edith Cavell 1915", "&collapse=0");
    expect(hits[0]).toBe("KV 2/822");
    // Kim Philby's undated file matches "Edith" only by its sound code: one word of two is not enough.
    expect(hits).not.toContain("KV 2/4723");
    // Years asked as parameters are a filter the record cannot be shown to pass.
    expect(await top("Edith Cavell", "&collapse=0&from=1915&to=1915")).not.toContain("KV 2/822");
  });

  it("excludes hits containing a -word", async () => {
    const withParis = await top("Besedovskiy");
    const without = await top("Besedovskiy -Paris");
    expect(withParis.length).toBeGreaterThan(without.length);
  });

  it("takes NOT in capitals as an exclusion, as Discovery does", async () => {
    expect(await top("Mosley", "&collapse=0")).toContain("KV 2/1363");
    const without = await top("Mosley NOT Diana", "&collapse=0");
    expect(without).toContain("KV 2/884");
    expect(without).not.toContain("KV 2/1363");
  });

  it("completes a word typed with a trailing wildcard, however long the completion", async () => {
    expect((await top("Bese*", "&collapse=0")).slice(0, 2).sort()).toEqual(["KV 2/2670", "KV 2/2671"]);
    // Without the wildcard, four letters are too few for the prefix rule.
    expect(await top("Bese", "&collapse=0")).not.toContain("KV 2/2670");
    // A question mark ends a question: the name keeps its variant spellings.
    expect(await top("Who was Besedovsky?", "&collapse=0")).toContain("KV 2/2670");
  });

  it("requires a quoted phrase to appear as written", async () => {
    const { body } = await call(`/api/search?q=${encodeURIComponent('"Soviet embassy"')}`);
    expect(body.query.phrases).toEqual([["soviet", "embassy"]]);
    expect(refs(body.hits)).toContain("KV 2/2670");
  });

  it("restricts person: to names", async () => {
    const { body } = await call(`/api/search?q=${encodeURIComponent("person:Philby")}&limit=50`);
    expect(body.query.fields.person).toEqual([["philby"]]);
    expect(refs(body.hits)).toContain("KV 2/4723");
  });
});

describe("people", () => {
  it("finds a person by a variant spelling and lists their files", async () => {
    const { status, body } = await call("/api/people?q=helfand");
    expect(status).toBe(200);
    expect(body.people[0].records.map((r: any) => r.reference)).toContain("KV 2/2681");
  });

  it("serves a person by slug with variants", async () => {
    const { status, body } = await call("/api/people/leon-helfland");
    expect(status).toBe(200);
    expect(body.person.variants).toContain("Leon Helfand");
  });

  it("answers an unknown person with 404", async () => {
    expect((await call("/api/people/nobody-at-all")).status).toBe(404);
  });
});
