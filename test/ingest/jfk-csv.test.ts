import { describe, expect, it } from "vitest";
import { ingestText } from "../../src/indexer/ingest/index";
import { jfkSeriesOf } from "../../src/indexer/ingest/jfk-csv";
import jfk2021 from "../fixtures/ingest/jfk-2021.csv?raw";
import jfk2022 from "../fixtures/ingest/jfk-2022.csv?raw";
import jfk2023 from "../fixtures/ingest/jfk-2023.csv?raw";
import jfk2025 from "../fixtures/ingest/jfk-2025.csv?raw";

const y2021 = ingestText(jfk2021, "nara-jfk/2021.csv");
const y2022 = ingestText(jfk2022, "nara-jfk/2022.csv");
const y2023 = ingestText(jfk2023, "nara-jfk/2023.csv");
const y2025 = ingestText(jfk2025, "nara-jfk/2025-release.csv");
type Rec = (typeof y2021.records)[number] & Record<string, unknown>;
const find = (result: typeof y2021, ref: string) => result.records.find((r) => r.reference === ref) as Rec;

describe("NARA JFK release sheets", () => {
  it("reads Excel serial dates in the 2021 layout as ISO dates", () => {
    const r = find(y2021, "104-10001-10008");
    expect([r.startDate, r.endDate, r.coveringDates]).toEqual(["1964-03-26", "1964-03-26", "1964-03-26"]);
    expect(r.releaseDate).toBe("2021-12-15");
    expect(r.reviewDate).toBe("2021-05-07");
  });

  it("reads US mm/dd/yyyy dates in the 2022 layout", () => {
    const r = find(y2022, "104-10001-10015");
    expect(r.startDate).toBe("1964-03-31");
    expect(r.releaseDate).toBe("2022-12-15");
  });

  it("treats 00/00/0000 and 01/01/0000 document dates as unknown", () => {
    expect(find(y2021, "124-10003-10009").startDate).toBeNull();
    const r = find(y2022, "104-10120-10293");
    expect([r.startDate, r.endDate, r.coveringDates]).toEqual([null, null, null]);
  });

  it("reads a date with an unknown day as the whole month", () => {
    const r = find(y2022, "157-10004-10156");
    expect([r.startDate, r.endDate, r.coveringDates]).toEqual(["1975-06-01", "1975-06-30", "1975-06"]);
  });

  it("unquotes fields with commas and doubled quotes", () => {
    expect(find(y2021, "104-10002-10008").title).toBe(
      'ITEM PREP FOR WARREN COMMISSION BY SR/CI/RES ENTITLED "LYDIA DIMYTRUK".',
    );
    expect(find(y2021, "104-10001-10008").description).toContain("'1 ATT.'; HOWEVER, NONE ATTACHED");
  });

  it("builds the description from document type, correspondents, pages and comments", () => {
    expect(find(y2021, "104-10001-10008").description).toBe(
      "PAPER - TEXTUAL DOCUMENT. From WIGREN, LEE H., C/SR/CI/R, CIA to FOR THE RECORD. 1 page. OSW7 : V32B : " +
        "1993.05.17.15:42:24:000003 : DOCUMENT HAS NOTE '1 ATT.'; HOWEVER, NONE ATTACHED",
    );
  });

  it("puts correspondents that look like people into people, and leaves offices out", () => {
    expect(find(y2021, "104-10001-10008").people).toEqual(["Lee H. Wigren"]);
    expect(find(y2022, "104-10001-10015").people).toEqual(["J. Lee Rankin"]);
    expect(find(y2022, "104-10120-10293").people).toEqual(["James Franklin"]);
    expect(find(y2023, "104-10105-10271").people).toEqual(["S.R. Bolten", "J. Morrison"]);
    expect(find(y2021, "124-10003-10009").people).toEqual([]);
  });

  it("files records under their agency's collection, keeping the sheet's folder title as recordSeries", () => {
    expect(find(y2021, "104-10001-10008").series).toBe("JFK CIA");
    expect(find(y2021, "104-10001-10008").recordSeries).toBe("JFK");
    expect(find(y2021, "124-10003-10009").series).toBe("JFK FBI");
    expect(find(y2021, "124-10003-10009").recordSeries).toBe("HQ");
    expect(jfkSeriesOf("177-10001-10001")).toBe("JFK Johnson Library");
    expect(jfkSeriesOf("999-10001-10001")).toBe("JFK other agencies");
  });

  it("uses Agency, else Originator, as department", () => {
    expect(find(y2021, "124-10003-10009").department).toBe("FBI");
    expect(find(y2023, "104-10105-10271").department).toBe("CIA");
  });

  it("collapses an Originator cell that repeats one value on several lines", () => {
    expect(find(y2022, "144-10001-10113").department).toBe("NSA");
  });

  it("points source.url at the release PDF, with the folder from the release date when the sheet omits it", () => {
    expect(find(y2022, "104-10001-10015").source).toEqual({
      name: "nara-jfk",
      url: "https://www.archives.gov/files/research/jfk/releases/2022/104-10001-10015.pdf",
    });
    expect(find(y2023, "104-10105-10271").source.url).toBe(
      "https://www.archives.gov/files/research/jfk/releases/2023/08/104-10105-10271.pdf",
    );
    expect(find(y2021, "104-10001-10008").source.url).toBe(
      "https://www.archives.gov/files/research/jfk/releases/2021/docid-32206291.pdf",
    );
    expect(find(y2025, "104-10003-10041").source.url).toBe(
      "https://www.archives.gov/files/research/jfk/releases/2025/0318/104-10003-10041.pdf",
    );
  });

  it("reads the 2025 sheet's PDF names as record numbers and flags the stand-in title", () => {
    const r = find(y2025, "104-10003-10041");
    expect(r.title).toBe("JFK record 104-10003-10041");
    expect(r.titleDerived).toBe(true);
    expect(r.fileName).toBe("104-10003-10041.pdf");
    const suffixed = y2025.records.filter((x) => x.reference === "104-10004-10146");
    expect(suffixed.map((x) => x.source.url)).toEqual([
      "https://www.archives.gov/files/research/jfk/releases/2025/0318/104-10004-10146%20(C06932208).pdf",
      "https://www.archives.gov/files/research/jfk/releases/2025/0318/104-10004-10146.pdf",
    ]);
  });

  it("holds every record at NARA", () => {
    for (const r of [...y2021.records, ...y2022.records, ...y2023.records, ...y2025.records]) {
      expect(r.heldBy).toEqual(["National Archives and Records Administration"]);
    }
  });

  it("accepts the trailing empty header column and a row one cell short", () => {
    expect(y2023.rejects).toEqual([]);
    expect(find(y2023, "104-10234-10096").pagesReleased).toBeNull();
  });

  it("keeps a row with an impossible document date, undated, warning with the sheet's own column", () => {
    const warning = y2022.warnings.find((r) => r.field === "Doc Date")!;
    expect(warning.line).toBe(8);
    expect(warning.reason).toContain('"13/45/1963"');
    expect(warning.reason).toMatch(/^jfk-csv: 104-10004-10143/);
    expect(y2022.rejects.some((r) => r.line === 8)).toBe(false);
    const r = y2022.records[y2022.origins.indexOf("nara-jfk/2022.csv:8")]!;
    expect([r.reference, r.coveringDates, r.startDate, r.endDate]).toEqual([
      "104-10004-10143",
      "13/45/1963",
      null,
      null,
    ]);
  });

  it("rejects a row whose unquoted comma pushes a value past the last column", () => {
    expect(y2022.rejects.find((r) => r.line === 9)).toMatchObject({ field: "column 17" });
  });

  it("rejects a row without a record number and a 2025 file name that is not one", () => {
    expect(y2022.rejects.find((r) => r.line === 10)).toMatchObject({ field: "Record Num" });
    expect(y2025.rejects).toEqual([expect.objectContaining({ line: 6, field: "Record Number" })]);
  });

  it("counts line numbers past a quoted cell with embedded newlines", () => {
    // Row 144-10001-10113 spans lines 5-7, so the rows after it start on lines 8, 9, …
    expect(y2022.origins[y2022.records.findIndex((r) => r.reference === "144-10001-10113")]).toBe(
      "nara-jfk/2022.csv:5",
    );
    expect(y2022.origins[y2022.records.findIndex((r) => r.reference === "104-10004-10145")]).toBe(
      "nara-jfk/2022.csv:11",
    );
  });

  it("reads the same sheet identically with LF or CRLF line endings", () => {
    const lf = ingestText(jfk2022.replace(/\r\n/g, "\n"), "nara-jfk/2022.csv");
    const crlf = ingestText(jfk2022.replace(/\r?\n/g, "\r\n"), "nara-jfk/2022.csv");
    expect(crlf.records).toEqual(lf.records);
    expect(crlf.rejects).toEqual(lf.rejects);
    expect(crlf.origins).toEqual(lf.origins);
  });
});
