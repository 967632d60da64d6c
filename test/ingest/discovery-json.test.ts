import { describe, expect, it } from "vitest";
import { ingestText } from "../../src/indexer/ingest/index";
import discovery from "../fixtures/ingest/discovery.json?raw";

const FILE = "tna-discovery/discovery-api-responses.json";
const result = ingestText(discovery, FILE);
const byRef = (ref: string) => result.records.find((r) => r.reference === ref);

/** The 1-based line of the `nth` (1-based) occurrence of `needle` in the fixture. */
function lineOf(needle: string, nth = 1): number {
  let at = -1;
  for (let k = 0; k < nth; k++) at = discovery.indexOf(needle, at + 1);
  return discovery.slice(0, at).split("\n").length;
}

describe("TNA Discovery API JSON", () => {
  it("merges a search record with its details for the same Discovery id", () => {
    const r = byRef("KV 2/2681")!;
    expect(r.department).toBe("KV");
    expect(r.corporateNames).toEqual(["OGPU"]);
    expect(r.places).toEqual(["Rome"]);
    expect(r.heldBy).toEqual(["The National Archives, Kew"]);
    expect(r.coveringDates).toBe("1929-1955");
  });

  it("strips scopeContent markup to plain text, dropping the section heading and decoding entities", () => {
    const r = byRef("KV 2/2681")!;
    expect(r.description).toBe("Leon HELFLAND: Russian. Soviet diplomat in Rome & Paris. Later in the USA.");
    const child = byRef("ADM 55/150/1")!;
    expect(child.description).toContain("John O’Brien");
    expect(child.description).not.toMatch(/[<>]/);
  });

  it("reads yyyymmdd covering dates as ISO dates", () => {
    const r = byRef("ADM 55/150/1")!;
    expect([r.startDate, r.endDate]).toEqual(["1789-01-26", "1789-08-24"]);
  });

  it("falls back to the description's first sentence when the title is null, and flags it", () => {
    const r = byRef("ADM 55/150/1")! as Record<string, unknown>;
    expect(r.title).toBe("VANSITTART: Log kept by Mr. J. Smith on the voyage out");
    expect(r.titleDerived).toBe(true);
    expect((byRef("ADM 55/150") as Record<string, unknown>).titleDerived).toBeUndefined();
  });

  it("links each record to its Discovery details page", () => {
    expect(byRef("KV 2/2681")!.source).toEqual({
      name: "tna-discovery",
      url: "https://discovery.nationalarchives.gov.uk/details/r/C11184181",
    });
  });

  it("takes record_children and their children as records, skipping headings without a reference", () => {
    expect(byRef("ADM 55/150/2")).toBeDefined();
    expect(result.records.some((r) => r.title === "Channel Islands")).toBe(false);
  });

  it("folds an entry listed both as a result and as a child into one record", () => {
    expect(result.records.filter((r) => r.reference === "ADM 55/150")).toHaveLength(1);
    expect(byRef("ADM 55/150")!.subjects).toEqual(["Navigation"]);
  });

  it("derives series and department from the reference", () => {
    expect(byRef("ADM 55/150/2")!.series).toBe("ADM 55");
    expect(byRef("ADM 55/150/2")!.department).toBe("ADM");
  });

  it("keeps an entry with an impossible coveringFromDate, warning at the line where its result object starts", () => {
    const warning = result.warnings.find((r) => r.field === "coveringFromDate")!;
    expect(warning.reason).toContain("18110231");
    expect(warning.reason).toContain("KV 2/9001");
    // The second crawl result holds KV 2/9001; its "{" is the line above its "url".
    expect(warning.line).toBe(lineOf('"url"', 2) - 1);
    expect(byRef("KV 2/9001")!.startDate).toBeNull();
  });

  it("rejects a leaf entry that has no citableReference", () => {
    const reject = result.rejects.find((r) => r.field === "citableReference")!;
    expect(reject.reason).toContain("C6531660");
    expect(reject.line).toBe(lineOf('"id": "C6531660"') - 1);
  });

  it("reports where each record starts", () => {
    const i = result.records.findIndex((r) => r.reference === "ADM 55/150/1");
    expect(result.origins[i]).toBe(`${FILE}:${lineOf('"id": "C6531658"') - 1}`);
  });
});
