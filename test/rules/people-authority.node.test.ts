/**
 * The name authority's grouping of spellings into people (src/indexer/people-assets.ts): nicknames merge a
 * person only where that is unambiguous, and an initial alone never merges two full names.
 */
import { describe, expect, it } from "vitest";
import { clusterPeople, nameParts } from "../../src/indexer/people-assets";
import { decodePeopleChunk, encodePeopleChunk, type PersonEntry } from "../../src/shared/index-format";

/** The groups of names, each sorted, as one record per name unless a record lists several. */
function groups(records: string[][]): string[][] {
  const { find, spellings } = clusterPeople(records);
  const out = new Map<string, string[]>();
  for (const [slug, { forms }] of spellings)
    for (const name of forms) (out.get(find(slug)) ?? out.set(find(slug), []).get(find(slug))!).push(name);
  return [...out.values()].map((g) => g.sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

describe("name authority", () => {
  it("keeps Jane Smithers and John Brian Smithers apart though their initials agree", () => {
    expect(groups([["Jane Smithers"], ["John Brian Smithers"]])).toEqual([["Jane Smithers"], ["John Brian Smithers"]]);
  });
  it("attaches initials to the one person they fit, and to nobody when two fit", () => {
    expect(groups([["Jane Smithers"], ["John Brian Smithers"], ["J. B. Smithers"]])).toEqual([
      ["J. B. Smithers", "John Brian Smithers"],
      ["Jane Smithers"],
    ]);
    expect(groups([["Jane Smithers"], ["John Brian Smithers"], ["J. Smithers"]])).toEqual([
      ["J. Smithers"],
      ["Jane Smithers"],
      ["John Brian Smithers"],
    ]);
    expect(groups([["John Brian Smithers"], ["Smithers, J."]])).toEqual([["John Brian Smithers", "Smithers, J."]]);
  });
  it("merges a nickname with the full name under one surname when each is the other's only match", () => {
    expect(groups([["Bill Quarrendon"], ["William Quarrendon"]])).toEqual([["Bill Quarrendon", "William Quarrendon"]]);
    // Fred and William are both Bill's nickname relations: which one Bill is cannot be told.
    expect(groups([["Bill Quarrendon"], ["William Quarrendon"], ["Fred Quarrendon"]])).toEqual([
      ["Bill Quarrendon"],
      ["Fred Quarrendon"],
      ["William Quarrendon"],
    ]);
    // Different surnames never merge by given name.
    expect(groups([["Bill Quarrendon"], ["William Smithers"]])).toHaveLength(2);
  });
  it("still merges spellings by variant key and spellings one record lists together", () => {
    expect(groups([["Grigoriy Besedovskiy"], ["Grigory Bessedovsky"]])).toEqual([
      ["Grigoriy Besedovskiy", "Grigory Bessedovsky"],
    ]);
    expect(groups([["Leon Helfland", "Leon Helfand"]])).toEqual([["Leon Helfand", "Leon Helfland"]]);
  });
  it("reads the surname before a generational suffix", () => {
    expect(nameParts("William F. Roemer Jr.")!.surname).toBe(nameParts("Roemer")!.surname);
    expect(groups([["William F. Roemer Jr."], ["William F. Raborn Jr."]])).toHaveLength(2);
  });
  it("reads surname-first names with a comma", () => {
    expect(nameParts("Smithers, J. B.")).toEqual({
      surname: nameParts("Smithers")!.surname,
      given: ["j", "b"],
      initialsOnly: true,
    });
  });
});

describe("name authority chunks", () => {
  it("give back every person and every spelling's pointer as written, slugs derived from names", () => {
    const entries: PersonEntry[] = [
      {
        slug: "grigoriy-besedovskiy",
        name: "Grigoriy Besedovskiy",
        variants: ["Gregory Bessedovsky"],
        docs: [3, 40, 41],
      },
      { slug: "leon-obrien-smith", name: "Léon O'Brien-Smith", variants: [], docs: [0] },
      { slug: "gregory-bessedovsky", see: "grigoriy-besedovskiy" },
      { slug: "constructor", name: "Constructor", variants: ["CONSTRUCTOR"], docs: [99_999, 100_000] },
    ];
    const chunk = decodePeopleChunk(JSON.parse(JSON.stringify(encodePeopleChunk(entries))));
    expect([...chunk.values()].sort((a, b) => (a.slug < b.slug ? -1 : 1))).toEqual(
      [...entries].sort((a, b) => (a.slug < b.slug ? -1 : 1)),
    );
    // A slug typed in a URL that names no one finds nothing, not an Object.prototype member.
    expect(chunk.get("__proto__")).toBeUndefined();
  });

  it("refuses a person whose slug is not their name's, since the reader derives it", () => {
    expect(() => encodePeopleChunk([{ slug: "someone-else", name: "Leon Helfand", variants: [], docs: [1] }])).toThrow(
      /not the slug/,
    );
  });
});
