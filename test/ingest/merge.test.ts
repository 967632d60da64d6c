import { describe, expect, it } from "vitest";
import { ingestFiles, ingestText, mergeDuplicates } from "../../src/build/ingest/index";
import { RecordSchema, type CatalogueRecord } from "../../src/shared/record";
import kv from "../fixtures/ingest/kv.jsonl?raw";
import discovery from "../fixtures/ingest/discovery.json?raw";
import naa from "../fixtures/ingest/naa.csv?raw";
import jfk2022 from "../fixtures/ingest/jfk-2022.csv?raw";
import jfk2025 from "../fixtures/ingest/jfk-2025.csv?raw";

const files = [
  { file: "tna-kv/records.jsonl", text: kv },
  { file: "tna-discovery/responses.json", text: discovery },
  { file: "naa-asio/A6119.csv", text: naa },
  { file: "nara-jfk/2025-release.csv", text: jfk2025 },
  { file: "nara-jfk/2022.csv", text: jfk2022 },
  { file: "tna-kv/SOURCES.md", text: "# SOURCES\n" },
];
const all = ingestFiles(files);
const merged = (id: string) => all.records.find((r) => r.id === id)! as CatalogueRecord & Record<string, unknown>;
const report = (id: string) => all.merges.find((m) => m.id === id)!;

describe("mergeDuplicates", () => {
  it("merges a reference that appears in two files into one record with both origins", () => {
    expect(all.records.filter((r) => r.id === "kv-2-2681")).toHaveLength(1);
    expect(report("kv-2-2681")).toMatchObject({ reference: "KV 2/2681", sources: ["tna-kv/records.jsonl:1", "tna-discovery/responses.json:5"] });
  });

  it("keeps the first source and non-empty scalars, unions lists and fills empty fields", () => {
    const r = merged("kv-2-2681");
    expect(r.source.name).toBe("tna-kv");
    expect(r.title).toBe("Leon HELFLAND");
    expect(r.description).toBe("Personal file on a Soviet diplomat who broke with Moscow in 1940.");
    expect(r.places).toEqual(["Rome"]);
    expect(r.discoveryId).toBe("C11184181");
    expect(r.additionalSourceUrls).toEqual(["https://discovery.nationalarchives.gov.uk/details/r/C11184181"]);
  });

  it("flags merges whose descriptive fields disagree", () => {
    expect(report("kv-2-2681").conflicts).toEqual(["description"]);
    expect(report("a-6119-141").conflicts).toEqual(expect.arrayContaining(["title", "dates"]));
  });

  it("keeps one record's dates together rather than mixing start and end", () => {
    const r = merged("a-6119-141");
    expect([r.startDate, r.endDate, r.coveringDates]).toEqual(["1950-01-01", "1960-12-31", "1950-1960"]);
    expect(r.people).toEqual(["Kordelia Elliott", "David Parkinson"]);
  });

  it("lets a real title and series replace the 2025 sheet's stand-ins, whichever file comes first", () => {
    const r = merged("104-10001-10015");
    expect(r.title).toBe("RPTS ON ACTIVITIES & TRAVEL OF THE OSWALDS");
    expect(r.titleDerived).toBeUndefined();
    expect(r.department).toBe("CIA");
    expect(r.startDate).toBe("1964-03-31");
    expect(r.source.url).toBe("https://www.archives.gov/files/research/jfk/releases/2025/0318/104-10001-10015.pdf");
    expect(r.additionalSourceUrls).toEqual(["https://www.archives.gov/files/research/jfk/releases/2022/104-10001-10015.pdf"]);
    expect(report("104-10001-10015").conflicts).toBeUndefined();
  });

  it("merges duplicates within one file too", () => {
    expect(report("104-10004-10145").sources).toEqual(["nara-jfk/2022.csv:11", "nara-jfk/2022.csv:12"]);
    expect(merged("104-10004-10145").people).toEqual(["W. C. Sullivan"]);
  });

  it("produces records that still pass the schema", () => {
    for (const r of all.records) expect(RecordSchema.safeParse(r).success, r.id).toBe(true);
  });

  it("keeps first-seen order and leaves unique records untouched", () => {
    const input = ingestText(kv, "tna-kv/records.jsonl");
    const out = mergeDuplicates(input.records.map((record, i) => ({ record, origin: input.origins[i]! })));
    expect(out.records).toEqual(input.records);
    expect(out.merges).toEqual([]);
  });

  it("lists files of no known format as skipped, not as rejects", () => {
    expect(all.skipped.map((s) => s.file)).toEqual(["tna-kv/SOURCES.md"]);
    expect(all.rejects.some((r) => r.file === "tna-kv/SOURCES.md")).toBe(false);
    expect(all.files.find((f) => f.file === "naa-asio/A6119.csv")).toMatchObject({ format: "naa-csv", records: 11, rejects: 3 });
  });
});
