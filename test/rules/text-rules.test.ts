import { describe, expect, it } from "vitest";
import { fold, words } from "../../src/shared/text/fold";
import { variantKey } from "../../src/shared/text/variants";
import { phoneticKeys } from "../../src/shared/text/phonetic";
import { stem } from "../../src/shared/text/stem";
import { allowedEdits, editsWithin } from "../../src/shared/text/typo";
import { compareReferences, parseReferenceRange, referenceToId } from "../../src/shared/reference";
import { parseQuery } from "../../src/worker/search/query-parser";
import { titleAliases } from "../../src/shared/record-fields";

describe("folding", () => {
  it("romanises Cyrillic and strips diacritics", () => {
    expect(words("Беседовский")).toEqual(["besedovskiy"]);
    expect(fold("Besedovskíy Müller")).toBe("besedovskiy muller");
  });
  it("joins apostrophes rather than splitting on them", () => {
    expect(words("O'Brien's file")).toEqual(["obriens", "file"]);
  });
});

describe("transliteration variant keys", () => {
  it.each([
    ["besedovsky", "besedovskiy"],
    ["bessedovsky", "besedovskii"],
    ["kutepov", "kutepoff"],
    ["milanow", "milanov"],
    ["playford", "plajford"],
    ["sievers", "syevers"],
    ["mitchell", "mittchell"],
    ["derwent", "dervent"],
    ["khrushchev", "hrushchev"],
    ["zhukov", "jukov"],
    ["yezhov", "ezhov".replace(/^/, "y")],
    ["maximov", "maksimov"],
    ["trotzky", "trotsky"],
  ])("gives %s and %s the same key", (a, b) => {
    expect(variantKey(a)).toBe(variantKey(b));
  });
  it("keeps distinct names apart", () => {
    expect(variantKey("ivanov")).not.toBe(variantKey("petrov"));
  });
});

describe("phonetic keys", () => {
  it("gives Gelfand and Helfand a shared Daitch–Mokotoff code, where American Soundex would not", () => {
    expect(phoneticKeys("gelfand").some((c) => phoneticKeys("helfand").includes(c))).toBe(true);
  });
  it("codes Kutepov and Kutepoff alike", () => {
    expect(phoneticKeys("kutepov")).toEqual(phoneticKeys("kutepoff"));
  });
  it("codes no digits or short words", () => {
    expect(phoneticKeys("1940")).toEqual([]);
    expect(phoneticKeys("ab")).toEqual([]);
  });
});

describe("stemming and typos", () => {
  it("stems English inflections together", () => {
    expect(stem("defected")).toBe(stem("defect"));
    expect(stem("communists")).toBe(stem("communist"));
  });
  it("allows one edit from five letters and two from nine", () => {
    expect([allowedEdits("fuchs"), allowedEdits("kopkow"), allowedEdits("bessedovsky"), allowedEdits("kim")]).toEqual([
      1, 1, 2, 0,
    ]);
  });
  it("counts a swapped pair of letters as one edit", () => {
    expect(editsWithin("lnagton", "langton", 1)).toBe(1);
    expect(editsWithin("abcdef", "uvwxyz", 1)).toBe(2);
  });
});

describe("references", () => {
  it("derives one id from every loose form", () => {
    for (const r of ["KV 2/2681", "kv2/2681", "KV2 2681", "kv 2 2681", "KV.2.2681"])
      expect(referenceToId(r)).toBe("kv-2-2681");
    expect(referenceToId("A6119, 5737")).toBe("a-6119-5737");
    expect(referenceToId("104-10059-10121")).toBe("104-10059-10121");
  });
  it("reads ranges but not JFK record numbers", () => {
    expect(parseReferenceRange("KV 2/2670-2671")).toEqual({ prefix: "kv-2", from: 2670, to: 2671 });
    expect(parseReferenceRange("kv2/2670–71")).toEqual({ prefix: "kv-2", from: 2670, to: 2671 });
    expect(parseReferenceRange("104-10059-10121")).toBeNull();
  });
  it("orders numbers numerically", () => {
    expect(["KV 2/100", "KV 2/99", "KV 10/1", "KV 2/1000"].sort(compareReferences)).toEqual([
      "KV 2/99",
      "KV 2/100",
      "KV 2/1000",
      "KV 10/1",
    ]);
  });
});

describe("query understanding", () => {
  it("finds references, phrases, fields, exclusions and decades in one query", () => {
    const q = parseQuery('files KV 2/2670 "Soviet embassy" person:Philby -Paris in the 1920s');
    expect(q.references).toEqual(["KV 2/2670"]);
    expect(q.phrases).toEqual([["soviet", "embassy"]]);
    expect(q.fields.person).toEqual([["philby"]]);
    expect(q.exclude).toEqual(["paris"]);
    expect(q.dates).toMatchObject({ from: 1920, to: 1929 });
    expect(q.words).toEqual(["files", "philby", "soviet", "embassy"]);
  });
  it.each([
    ["1940", 1940, 1940],
    ["1930s", 1930, 1939],
    ["1939-1945", 1939, 1945],
    ["1939-45", 1939, 1945],
    ["in the 1920s", 1920, 1929],
    ["1930 to 1935", 1930, 1935],
    ["between 1930 and 1935", 1930, 1935],
    ["from 1930 until 1935", 1930, 1935],
    ["1940s-1950s", 1940, 1959],
    ["between the 1920s and the 1930s", 1920, 1939],
    ["before 1930", 1000, 1929],
    ["after 1950", 1951, 2099],
    ["after the 1950s", 1960, 2099],
    ["since 1955", 1955, 2099],
    ["until 1945", 1000, 1945],
  ])("reads %s as the years %i to %i", (text, from, to) => {
    const q = parseQuery(`communists ${text}`);
    expect(q.dates).toMatchObject({ from, to });
    expect(q.words).toEqual(["communists"]);
  });
  it.each([
    ["documents relating to Cambridge spy ring", ["cambridge", "spy", "ring"]],
    ["files on the Petrov affair", ["petrov", "affair"]],
    ["information about Cuban exile groups", ["cuban", "exile", "groups"]],
    ["Records concerning parish boundaries", ["parish", "boundaries"]],
    ["MI5 files on Klaus Fuchs", ["mi5", "klaus", "fuchs"]],
  ])("reads %s as the topic it asks for", (text, words) => {
    expect(parseQuery(text).words).toEqual(words);
  });
  it("takes no initial from an apostrophe, and reads a dotted acronym of three letters or more as one word", () => {
    expect(parseQuery("Oswald's wife")).toMatchObject({ words: ["oswalds", "wife"], initials: [] });
    expect(parseQuery("Pat O'Brien").initials).toEqual([]);
    expect(parseQuery("U.S.S.R. embassy").words).toEqual(["ussr", "embassy"]);
    expect(parseQuery("the N.K.V.D.").words).toEqual(["nkvd"]);
    // Two dotted letters are initials, read letter by letter by the name rules.
    expect(parseQuery("J.B. Smith").words).toEqual(parseQuery("J. B. Smith").words);
  });
  it("keeps the words of a lead-in that is the whole query or not at its start", () => {
    expect(parseQuery("files on").words).toEqual(["files"]);
    expect(parseQuery("MI6 papers").words).toEqual(["mi6", "papers"]);
    expect(parseQuery("Soviet files on defectors").words).toEqual(["soviet", "files", "defectors"]);
  });
  it("reads a year and a count as a year, and 'from' a year as that year", () => {
    expect(parseQuery("files 1945 and 12 others").dates).toMatchObject({ from: 1945, to: 1945 });
    expect(parseQuery("letters from 1940").dates).toMatchObject({ from: 1940, to: 1940 });
  });
  it("reads a reference typed with a space or a hyphen, slashed, as a year too when its number could be one", () => {
    expect(parseQuery("KV 2 2681").references).toEqual(["KV 2/2681"]);
    expect(parseQuery("kv2-2681").references).toEqual(["kv2/2681"]);
    for (const text of ["KV 2 1903", "KV 2-1903"]) {
      const q = parseQuery(text);
      expect(q.references).toEqual([]);
      expect(q.yearOrReference).toEqual(["KV 2/1903"]);
      expect(q.dates).toMatchObject({ from: 1903, to: 1903, text: "1903" });
    }
    expect(parseQuery("MI5 1940")).toMatchObject({
      yearOrReference: ["MI5/1940"],
      dates: { from: 1940 },
      words: ["mi5"],
    });
  });
  it("notes words written with a slash between, as cryptonyms are cited, but not references", () => {
    expect(parseQuery("CIA station JM/WAVE Miami").joined).toEqual([["jm", "wave"]]);
    expect(parseQuery("KV 2/2670").joined).toEqual([]);
  });
  it("reads a trailing * as a wildcard, not a question's ?, and NOT in capitals as an exclusion", () => {
    expect(parseQuery("Bese*").wildcards).toEqual([{ word: "bese", extra: 16 }]);
    expect(parseQuery("Who was Besedovsky?").wildcards).toEqual([]);
    expect(parseQuery("Bese*").words).toEqual(["bese"]);
    expect(parseQuery("Mosley NOT Diana")).toMatchObject({ words: ["mosley"], exclude: ["diana"] });
    expect(parseQuery("files not released").exclude).toEqual([]);
  });
  it("reads references of several levels and Discovery ids, and leaves a reference and a number apart", () => {
    expect(parseQuery("ADM 101/84/4/10").references).toEqual(["ADM 101/84/4/10"]);
    expect(parseQuery("KV 2/2670, 2671")).toMatchObject({ references: ["KV 2/2670"], words: ["2671"] });
    expect(parseQuery("see https://discovery.nationalarchives.gov.uk/details/r/C10240711")).toMatchObject({
      discoveryIds: ["C10240711"],
      words: ["see"],
    });
    // An NAA series (C4078) is not a Discovery id.
    expect(parseQuery("C4078").discoveryIds).toEqual([]);
  });
  it("reads series: and place: prefixes", () => {
    const q = parseQuery('series:"KV 2" place:Rome');
    expect(q.series).toEqual(["KV 2"]);
    expect(q.fields.place).toEqual([["rome"]]);
  });
});

describe("aliases declared in titles", () => {
  it("reads @, aka, formerly and also spelt", () => {
    expect(titleAliases("Eric CAMP @ John SMITH")).toEqual(["John SMITH"]);
    expect(titleAliases("Ivan PETROV aka Jack Peters")).toEqual(["Jack Peters"]);
    expect(titleAliases("Anna SMIRNOVA, formerly Anna IVANOVA")).toEqual(["Anna IVANOVA"]);
    expect(titleAliases("Grigori BESEDOVSKY, also spelt Bessedovsky")).toEqual(["Bessedovsky"]);
  });
});
