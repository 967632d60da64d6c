/**
 * Typeahead rules for names in whatever spelling they have, through the real
 * API over the test catalogue (data/ plus test/fixtures/ingest): KV 2/2670–2671
 * name "Grigoriy Besedovskiy", "Gregory Bessedovsky" and "Bessedovsky"; KV 2/2681
 * names "Leon Helfland" and "Leon Helfand".
 */
import { describe, expect, it } from "vitest";
import { call, PROTOTYPE_NAMES } from "../helpers";
import { inOrder, listOf, ranked } from "../../src/worker/search/suggest-service";
import {
  decodeSuggestPartition,
  encodeSuggestPartition,
  suggestOrder,
  suggestRanking,
  type SuggestEntry,
} from "../../src/shared/index-format";
import { variantKey } from "../../src/shared/text/variants";

type Suggestion = { text: string; kind: string; slug?: string };
const suggest = async (q: string, extra = ""): Promise<Suggestion[]> => {
  const { status, body } = await call(`/api/suggest?q=${encodeURIComponent(q)}${extra}`);
  expect(status).toBe(200);
  return body.suggestions;
};
const people = (list: Suggestion[]) => list.filter((s) => s.kind === "person").map((s) => s.text);

describe("typeahead finds names in whatever spelling they have", () => {
  it("finds a person from a spelling variant the catalogue does not use", async () => {
    // "Besedovsky" is spelt neither "Besedovskiy" nor "Bessedovsky" anywhere; its variant key equals both.
    const found = await suggest("Besedovsky");
    expect(people(found)).toEqual(["Grigoriy Besedovskiy"]);
    // A title is found by the variant of a name its record lists.
    expect(found).toContainEqual(expect.objectContaining({ kind: "title", text: "Grigoriy BESEDOVSKIY" }));
    expect(people(await suggest("Grigory Besedovsk"))).toEqual(["Grigoriy Besedovskiy"]);
  });

  it("finds a person from a sound-alike surname", async () => {
    // Gelfand and Helfand share a Daitch–Mokotoff code; no spelling rule equates them.
    const found = people(await suggest("Gelfand"));
    expect(found.some((t) => /^Leon Helf/.test(t))).toBe(true);
  });

  it("offers no sound-alike whose given name disagrees with the typed one", async () => {
    expect(people(await suggest("Grigoriy Gelfand"))).toEqual([]);
  });

  it("merges the spelling variants of one person into one suggestion showing the fullest form", async () => {
    const found = people(await suggest("Bes"));
    const besedovsky = found.filter((t) => /bes+edovsk/i.test(t));
    expect(besedovsky).toEqual(["Grigoriy Besedovskiy"]);
  });

  it("merges two spellings the name authority links though their surnames differ by more than a variant", async () => {
    // "Helfland" and "Helfand" are one edit apart, listed by one record: one person to the authority.
    expect(people(await suggest("Leon Helf"))).toHaveLength(1);
  });

  it("ranks a spelling-exact match above a heavier or shorter variant match", async () => {
    // "smyth" starts "Murray-Smythe" as written, and "Smithers" only by variant key (y ~ i); by weight and length
    // alone "Tonia Lyon-Smith" would come first.
    const found = people(await suggest("Smyth"));
    expect(found[0]).toBe("Stephen Murray-Smythe");
    expect(found).toEqual(expect.arrayContaining(["Tonia Lyon-Smith", "John Brian Smithers"]));
  });

  it("finds a surname spelt -off from its -ov spelling", async () => {
    expect(people(await suggest("Kutepov"))).toEqual(["General Kutepoff"]);
  });

  it("offers no sound-alike for a given name", async () => {
    // "John" and "Jimmy" share a Daitch–Mokotoff code; sound-alikes are for surnames only.
    expect(people(await suggest("john"))).not.toContain("Jimmy Shields");
  });

  it("merges a nickname and the full name the name authority links into one suggestion", async () => {
    // KV 2/9913 names Richard Trevellick, KV 2/9914 Dick Trevellick: the authority makes them one person.
    expect(people(await suggest("Trevellick"))).toEqual(["Richard Trevellick"]);
    expect(people(await suggest("Dick Trev"))).toEqual(["Dick Trevellick"]);
    const { body } = await call("/api/people/dick-trevellick");
    expect(body.person.name).toBe("Richard Trevellick");
    expect(body.person.variants).toContain("Dick Trevellick");
  });

  it("never merges two people whose given names merely share an initial", async () => {
    // Jane Smithers (KV 2/9900) and John Brian Smithers (KV 2/9901).
    const found = people(await suggest("Smithers"));
    expect(found).toEqual(expect.arrayContaining(["Jane Smithers", "John Brian Smithers"]));
    const { body } = await call("/api/people?q=Smithers");
    const names = body.people.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(["Jane Smithers", "John Brian Smithers"]));
  });

  it.each([...PROTOTYPE_NAMES, "~constructor", "#constructor"])("answers %s typed with 200", async (q) => {
    await suggest(q);
    await suggest(`${q} `);
    await suggest(q, "&limit=1");
  });
});

describe("typeahead ranks a prefix's many entries lazily", () => {
  it("yields each tier in exactly the order a stable sort gives, ties in stored order", () => {
    // Few distinct weights and lengths, so most entries tie and the stored order decides.
    let seed = 13;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const byWeight = (a: [number, number, number], b: [number, number, number]) => b[0] - a[0] || a[1] - b[1];
    for (let trial = 0; trial < 200; trial++) {
      const tiers = Array.from({ length: 1 + rand(3) }, () =>
        Array.from({ length: rand(trial < 20 ? 4 : 300) }, (_, i): [number, number, number] => [rand(5), rand(3), i]),
      );
      const lazily = [...inOrder(tiers, byWeight)];
      expect(lazily).toEqual(tiers.flatMap((t) => [...t].sort(byWeight)));
      // Each entry itself, not a copy: the caller reads fields by position.
      expect(lazily.every((e) => tiers.some((t) => t.includes(e)))).toBe(true);
    }
  });

  it("walks a partition's ranking in exactly the order ranking its matches at query time gives", () => {
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const kinds = ["person", "title", "subject", "reference"] as const;
    const cases = [(w: string) => w, (w: string) => w.toUpperCase(), (w: string) => w[0]!.toUpperCase() + w.slice(1)];
    for (let trial = 0; trial < 100; trial++) {
      // A partition as the build writes it: sorted by key, heavier first on a key; weights and lengths often tie.
      const entries: SuggestEntry[] = Array.from({ length: 1 + rand(400) }, (): SuggestEntry => {
        const key = `b${"aeiou"[rand(5)]}${"rst "[rand(4)]}${"kmn"[rand(3)]}`;
        // Texts in each case the layout stores as folded words, and one it stores as is.
        const text = `${key}${"x".repeat(rand(3))}`
          .split(" ")
          .map(cases[rand(3)]!)
          .join(rand(5) ? " " : "  ");
        return [key, text, kinds[rand(4)]!, 0, 1 + rand(4)];
      }).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : b[4] - a[4]));
      // Each entry told apart (by an id the order never reads), so a swap of two alike entries shows.
      entries.forEach((e, i) => {
        e[3] = `e${i}`;
      });
      // Through the file layout: JSON text, decoded as the Worker decodes it, every entry given back as written.
      const list = decodeSuggestPartition(JSON.parse(JSON.stringify(encodeSuggestPartition("b", entries))));
      expect(Array.from({ length: list.length }, (_, i) => list.entry(i))).toEqual(entries);
      expect([...list.ranking()]).toEqual(suggestRanking(entries));
      const lo = rand(2) ? 0 : rand(entries.length);
      const hi = lo + rand(entries.length - lo + 1);
      const keep = rand(2) ? () => true : (e: SuggestEntry) => e[2] === "person";
      const computed = entries.slice(lo, hi).filter(keep).sort(suggestOrder);
      expect([...ranked({ list, lo, hi, keep })]).toEqual(computed);
      expect([...ranked({ list: listOf(entries), lo, hi, keep })]).toEqual(computed);
    }
  });

  it("stores a key its text gives as one character, and gives every entry back as written", () => {
    const entries: SuggestEntry[] = [
      ["besedovskiy", "Grigoriy BESEDOVSKIY", "title", 0, 1, "KV 2/2670"],
      ["besedovskiy", "Grigoriy Besedovskiy", "person", 0, 4],
      ["besedovskiy grigoriy", "Besedovskiy, Grigoriy", "person", 0, 2, "grigoriy-besedovskiy"],
      ["beyond", "Beyond the pale: a title cut short …", "title", 0, 1, "KV 2/1"],
    ];
    const file = encodeSuggestPartition("be", entries);
    // The first two keys are their texts' second word; the third's text is stored as is, its key from word 0.
    expect(file.k.slice(1, 2)).toBe("1");
    expect(file.t.slice(0, 2)).toEqual(["grigoriy besedovskiy", "grigoriy besedovskiy"]);
    expect(file.c.split(",").slice(0, 3)).toEqual(["cu", "cc", ""]);
    const list = decodeSuggestPartition(JSON.parse(JSON.stringify(file)));
    expect(Array.from({ length: list.length }, (_, i) => list.entry(i))).toEqual(entries);
    // A variant key is its text's words' variant keys from one word on.
    const variant: SuggestEntry[] = [[`~${variantKey("bessedovsky")}`, "Grigoriy Bessedovsky", "person", 0, 2]];
    const v = encodeSuggestPartition("~", variant);
    expect(v.e).toBeUndefined();
    expect(decodeSuggestPartition(v).entry(0)).toEqual(variant[0]);
  });
});
