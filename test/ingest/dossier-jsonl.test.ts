import { describe, expect, it } from "vitest";
import { ingestText } from "../../src/indexer/ingest/index";
import { RecordSchema } from "../../src/shared/record";
import kv from "../fixtures/ingest/kv.jsonl?raw";

const FILE = "tna-kv/records.jsonl";
const result = ingestText(kv, FILE);
const byRef = (ref: string) => result.records.find((r) => r.reference === ref);
const rejectAt = (line: number) => result.rejects.find((r) => r.line === line);

describe("Dossier/Discovery-shaped JSON Lines", () => {
  it("maps citableReference and sourceUrl onto the record model, naming the source after the department", () => {
    const r = byRef("KV 2/2681")!;
    expect(r.id).toBe("kv-2-2681");
    expect(r.source).toEqual({
      name: "tna-kv",
      url: "http://www.nationalarchives.gov.uk/releases/2007/september/soviet.htm",
    });
    expect(r.startDate).toBe("1929-01-01");
    expect(r.people).toEqual(["Leon Helfland", "Kim Philby"]);
    expect(RecordSchema.safeParse(r).success).toBe(true);
  });

  it("lets extra fields such as release, note and additionalSourceUrls ride along", () => {
    const r = byRef("KV 2/1245")! as Record<string, unknown>;
    expect(r.release).toEqual({ date: "2003-05", title: "Klaus Fuchs" });
    expect(r.note).toBe("Reference inferred from the release's range.");
    expect(r.datesFrom).toBe("range");
    expect(r.additionalSourceUrls).toEqual(["https://www.nationalarchives.gov.uk/releases/2003/may22/intro.htm"]);
    expect(r.catalogueLevel).toBe(6);
    expect(r).not.toHaveProperty("citableReference");
    expect(r).not.toHaveProperty("sourceUrl");
  });

  it("collapses whitespace and drops empty and repeated list entries", () => {
    const r = byRef("KV 2/1245")!;
    expect(r.reference).toBe("KV 2/1245");
    expect(r.title).toBe("Klaus FUCHS");
    expect(r.people).toEqual(["Klaus Fuchs"]);
    const first = byRef("KV 2/2681")!;
    expect(first.description).toBe("Personal file on a Soviet diplomat who broke with Moscow in 1940.");
  });

  it("accepts lines already in Dossier's own record shape", () => {
    const r = byRef("KV 2/1248")!;
    expect(r.id).toBe("kv-2-1248");
    expect(r.source.name).toBe("tna-kv");
    expect(r.endDate).toBe("1951-12-31");
  });

  it("rejects a line without a reference, naming the field and the physical line", () => {
    expect(rejectAt(3)).toMatchObject({ file: FILE, field: "citableReference" });
    expect(rejectAt(3)!.reason).toMatch(/^dossier-jsonl: /);
  });

  it("keeps a line with an impossible calendar date, without that date, warning with the bad value", () => {
    expect(rejectAt(5)).toBeUndefined();
    const warning = result.warnings.find((w) => w.line === 5)!;
    expect(warning).toMatchObject({ field: "startDate" });
    expect(warning.reason).toContain('"1950-02-30"');
    const r = byRef("KV 2/1246")!;
    expect([r.coveringDates, r.startDate, r.endDate]).toEqual(["1950", null, "1950-12-31"]);
  });

  it("rejects a line that is not valid JSON without losing the lines after it", () => {
    expect(rejectAt(6)).toMatchObject({ field: "json" });
    expect(byRef("KV 2/1248")).toBeDefined();
  });

  it("keeps a line whose dates run backwards, undated, with a warning", () => {
    expect(rejectAt(8)).toBeUndefined();
    expect(result.warnings.find((w) => w.line === 8)).toMatchObject({ field: "endDate" });
    expect(result.origins).toContain(`${FILE}:8`);
  });

  it("rejects an id that does not belong to the reference instead of silently fixing it", () => {
    expect(rejectAt(9)).toMatchObject({ field: "id" });
    expect(rejectAt(9)!.reason).toContain("kv-2-1250");
  });

  it("accepts an id with an item key after the reference's, as exports of shared references carry", () => {
    const line = {
      id: "a-6119-141-b1140156",
      reference: "A6119, 141",
      title: "PARKINSON, David",
      description: "",
      barcode: "1140156",
    };
    const out = ingestText(JSON.stringify(line), FILE);
    expect(out.records.map((r) => r.id)).toEqual(["a-6119-141-b1140156"]);
  });

  it("rejects an id whose tail is another reference's runs rather than an item key", () => {
    const line = { id: "a-6119-141-1140156", reference: "A6119, 141", title: "PARKINSON, David", description: "" };
    expect(ingestText(JSON.stringify(line), FILE).rejects[0]).toMatchObject({ field: "id" });
  });

  it("rejects an itemKey with nothing to tell the item apart by", () => {
    const line = { reference: "A6119, 141", title: "PARKINSON, David", description: "", itemKey: "--" };
    const out = ingestText(JSON.stringify(line), FILE);
    expect(out.rejects[0]).toMatchObject({ field: "itemKey" });
    expect(out.records).toEqual([]);
  });

  it("skips blank lines and accounts for every other line as a record or a reject", () => {
    const nonBlank = kv.split("\n").filter((l) => l.trim() !== "").length;
    expect(result.records.length + result.rejects.length).toBe(nonBlank);
    expect(result.origins).toEqual([1, 2, 5, 7, 8].map((n) => `tna-kv/records.jsonl:${n}`));
  });

  it("rejects a source URL that is not http(s), such as a javascript: link", () => {
    const line = JSON.stringify({
      citableReference: "KV 2/1",
      title: "T",
      description: "",
      series: "KV 2",
      heldBy: [],
      people: [],
      corporateNames: [],
      places: [],
      subjects: [],
      sourceUrl: "javascript:alert(1)",
    });
    const r = ingestText(line, FILE);
    expect(r.records).toEqual([]);
    expect(r.rejects).toEqual([expect.objectContaining({ line: 1, field: "sourceUrl" })]);
  });

  it("names the source by its content, not by the folder the file sits in", () => {
    expect(ingestText(kv, "data/records.jsonl").records[0]!.source.name).toBe("tna-kv");
    const own = JSON.stringify({
      reference: "X 1",
      title: "T",
      description: "",
      series: "X",
      heldBy: [],
      people: [],
      corporateNames: [],
      places: [],
      subjects: [],
      source: { url: null },
    });
    expect(ingestText(own, "tna-kv/records.jsonl").records[0]!.source.name).toBe("dossier");
  });
});
