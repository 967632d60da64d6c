import { describe, expect, it } from "vitest";
import { ingestFiles, ingestText, mergeDuplicates } from "../../src/indexer/ingest/index";
import { RecordSchema, type CatalogueRecord } from "../../src/shared/record";
import kv from "../fixtures/ingest/kv.jsonl?raw";
import discovery from "../fixtures/ingest/discovery.json?raw";
import naa from "../fixtures/ingest/naa.csv?raw";
import naaSearch from "../fixtures/ingest/naa-search.csv?raw";
import jfk2022 from "../fixtures/ingest/jfk-2022.csv?raw";
import jfk2025 from "../fixtures/ingest/jfk-2025.csv?raw";

const files = [
  { file: "tna-kv/records.jsonl", text: kv },
  { file: "tna-discovery/responses.json", text: discovery },
  { file: "naa-asio/A6119.csv", text: naa },
  { file: "naa-asio/search.csv", text: naaSearch },
  { file: "nara-jfk/2025-release.csv", text: jfk2025 },
  { file: "nara-jfk/2022.csv", text: jfk2022 },
  { file: "tna-kv/SOURCES.md", text: "# SOURCES\n" },
];
const all = ingestFiles(files);
const merged = (id: string) => all.records.find((r) => r.id === id)! as CatalogueRecord & Record<string, unknown>;
const reverseRows = (text: string) => {
  if (!text.startsWith("barcode,")) return text;
  const [header, ...rows] = text.trimEnd().split("\n");
  // The two-line quoted title must stay one row.
  const joined = rows
    .join("\n")
    .replace(/\n(?=\s)/g, "\u0000")
    .split("\n")
    .reverse()
    .join("\n")
    .replace(/\u0000/g, "\n");
  return `${header}\n${joined}\n`;
};
const report = (id: string) => all.merges.find((m) => m.id === id)!;

describe("mergeDuplicates", () => {
  it("merges a reference that appears in two files into one record with both origins", () => {
    expect(all.records.filter((r) => r.id === "kv-2-2681")).toHaveLength(1);
    expect(report("kv-2-2681")).toMatchObject({
      reference: "KV 2/2681",
      sources: ["tna-kv/records.jsonl:1", "tna-discovery/responses.json:5"],
    });
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
    expect(report("kv-2-2681").conflicts!.map((c) => c.field)).toEqual(["description"]);
    expect(report("a-6119-141-b1140156").conflicts!.map((c) => c.field)).toEqual(["dates"]);
  });

  it("keeps one record's dates together rather than mixing start and end", () => {
    const r = merged("a-6119-141-b1140156");
    expect([r.startDate, r.endDate, r.coveringDates]).toEqual(["1955-01-01", "1970-12-31", "1955-1970"]);
  });

  it("merges the same NAA barcode listed twice into one record", () => {
    expect(all.records.filter((r) => r.barcode === "1140156")).toHaveLength(1);
    expect(report("a-6119-141-b1140156").sources).toEqual(["naa-asio/A6119.csv:15", "naa-asio/search.csv:2"]);
    expect(merged("a-6119-141-b1140156")).toMatchObject({ accessStatus: "Closed", people: ["David Parkinson"] });
  });

  it("keeps items with different barcodes under one reference apart, the lowest barcode keeping the bare id", () => {
    expect(all.records.filter((r) => r.reference === "A6119, 141").map((r) => [r.id, r.barcode])).toEqual([
      ["a-6119-141", "276682"],
      ["a-6119-141-b1140156", "1140156"],
    ]);
    expect(merged("a-6119-141").people).toEqual(["Kordelia Elliott"]);
    expect(merged("a-6119-141-b1140156").people).toEqual(["David Parkinson"]);
    expect(all.merges.find((m) => m.id === "a-6119-141")).toBeUndefined();
  });

  it("reports distinct items sharing a reference with their ids, item keys and origins", () => {
    expect(all.distinct).toEqual([
      {
        reference: "A6119, 141",
        items: [
          {
            id: "a-6119-141",
            itemKey: "b276682",
            title: "Kordelia (Della) ELLIOTT formerly NICHOLAS",
            sources: ["naa-asio/A6119.csv:14"],
          },
          {
            id: "a-6119-141-b1140156",
            itemKey: "b1140156",
            title: "PARKINSON, David",
            sources: ["naa-asio/A6119.csv:15", "naa-asio/search.csv:2"],
          },
        ],
      },
    ]);
  });

  it("gives every item the same id whatever order the files and rows come in", () => {
    const reversed = ingestFiles(files.map(({ file, text }) => ({ file, text: reverseRows(text) })).reverse());
    const ids = (records: CatalogueRecord[]) => records.map((r) => `${r.id} ${r.title}`).sort();
    expect(ids(reversed.records)).toEqual(ids(all.records));
  });

  it("gives Discovery entries that share a citable reference ids from their Discovery ids", () => {
    const entry = (id: string, title: string) => ({
      id,
      reference: "ADM 54/334",
      title,
      coveringDates: "1844",
      numStartDate: 18440101,
      numEndDate: 18441231,
    });
    const text = JSON.stringify({
      records: [entry("C6321122", "WOODLARK"), entry("C6321099", "SNIPE"), entry("C6321122", "WOODLARK")],
    });
    const out = ingestFiles([{ file: "discovery.json", text }]);
    expect(out.records.map((r) => [r.id, r.title])).toEqual([
      ["adm-54-334-c6321122", "WOODLARK"],
      ["adm-54-334", "SNIPE"],
    ]);
    expect(out.distinct[0]!.items.map((i) => i.itemKey)).toEqual(["c6321099", "c6321122"]);
  });

  it("folds a record without an item key into the item that keeps the bare id", () => {
    const discovery = JSON.stringify({
      records: ["C6321122", "C6321099"].map((id) => ({
        id,
        reference: "ADM 54/334",
        title: id,
        numStartDate: 18440101,
      })),
    });
    const dossier = JSON.stringify({
      citableReference: "ADM 54/334",
      title: "Ship's log",
      description: "",
      places: ["Sydney"],
    });
    const out = ingestFiles([
      { file: "kv.jsonl", text: dossier },
      { file: "discovery.json", text: discovery },
    ]);
    expect(out.records.map((r) => [r.id, r.places])).toEqual([
      ["adm-54-334", ["Sydney"]],
      ["adm-54-334-c6321122", []],
    ]);
    expect(out.merges.map((m) => m.id)).toEqual(["adm-54-334"]);
  });

  it("lets a real title and series replace the 2025 sheet's stand-ins, whichever file comes first", () => {
    const r = merged("104-10001-10015");
    expect(r.title).toBe("RPTS ON ACTIVITIES & TRAVEL OF THE OSWALDS");
    expect(r.titleDerived).toBeUndefined();
    expect(r.department).toBe("CIA");
    expect(r.startDate).toBe("1964-03-31");
    expect(r.source.url).toBe("https://www.archives.gov/files/research/jfk/releases/2025/0318/104-10001-10015.pdf");
    expect(r.additionalSourceUrls).toEqual([
      "https://www.archives.gov/files/research/jfk/releases/2022/104-10001-10015.pdf",
    ]);
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
    expect(out.distinct).toEqual([]);
  });

  it("lists files of no known format as skipped, not as rejects", () => {
    expect(all.skipped.map((s) => s.file)).toEqual(["tna-kv/SOURCES.md"]);
    expect(all.rejects.some((r) => r.file === "tna-kv/SOURCES.md")).toBe(false);
    expect(all.files.find((f) => f.file === "naa-asio/A6119.csv")).toMatchObject({
      format: "naa-csv",
      records: 13,
      rejects: 1,
      warnings: 2,
    });
  });
});
