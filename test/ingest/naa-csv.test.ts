import { describe, expect, it } from "vitest";
import { ingestText } from "../../src/indexer/ingest/index";
import naa from "../fixtures/ingest/naa.csv?raw";

const FILE = "naa-asio/A6119.csv";
const result = ingestText(naa, FILE);
const byRef = (ref: string) => result.records.filter((r) => r.reference === ref);
const one = (ref: string) => byRef(ref)[0]! as ReturnType<typeof byRef>[number] & Record<string, unknown>;

describe("NAA RecordSearch CSV", () => {
  it("builds the reference from series and control symbol, keeping symbols like 950/REFERENCE COPY", () => {
    const r = one("A6119, 950/REFERENCE COPY");
    expect(r.id).toBe("a-6119-950-reference-copy");
    expect(one("A6119, 45").id).toBe("a-6119-45");
  });

  it("turns years into a covering range and ISO start and end dates", () => {
    const r = one("A6126, 12");
    expect([r.coveringDates, r.startDate, r.endDate]).toEqual(["1943-1948", "1943-01-01", "1948-12-31"]);
    const single = one("A6119, 45");
    expect([single.coveringDates, single.startDate, single.endDate]).toEqual(["1922", "1922-01-01", "1922-12-31"]);
    const endOnly = one("A6119, 608");
    expect([endOnly.coveringDates, endOnly.startDate, endOnly.endDate]).toEqual(["1961", null, "1961-12-31"]);
    const none = one("A9626, 1");
    expect([none.coveringDates, none.startDate, none.endDate]).toEqual([null, null, null]);
  });

  it("records the holder, the ASIO department and the RecordSearch item URL", () => {
    const r = one("A6119, 45");
    expect(r.heldBy).toEqual(["National Archives of Australia"]);
    expect(r.department).toBe("ASIO");
    expect(r.source).toEqual({
      name: "naa-recordsearch",
      url: "https://recordsearch.naa.gov.au/SearchNRetrieve/Interface/DetailsReports/ItemDetail.aspx?Barcode=217124",
    });
  });

  it("keeps barcode, access status, location and digitisation as extra fields", () => {
    const r = one("A6119, 45");
    expect(r).toMatchObject({
      barcode: "217124",
      accessStatus: "Open",
      location: "Canberra",
      digitised: true,
      digitisedPages: 11,
    });
  });

  it("reads the person out of personal-file titles with the surname in capitals", () => {
    expect(one("A6119, 608").people).toEqual(["Donald Stewart Francis Woodward"]);
    expect(one("A6119, 45").people).toEqual(["Michael Considine"]);
    expect(one("A6119, 4").people).toEqual(["Michael Bialoguski"]);
    expect(one("A6119, 950/REFERENCE COPY").people).toEqual(["Edward Robert Cawthron"]);
    expect(one("A6119, 112").people).toEqual(["Janet Gertrude Palmer", "Vance Edward Palmer"]);
  });

  it("does not look for people in titles outside personal-file series", () => {
    expect(one("A6126, 12").people).toEqual([]);
    expect(one("A9626, 1").people).toEqual([]);
  });

  it("reads a quoted title spanning two lines as one cell with whitespace collapsed", () => {
    expect(one("A6122, 125").title).toBe("Australian Peace Council (second line of the title)");
    // The next row starts after the two-line one, so line numbers must count the embedded newline.
    expect(result.warnings.find((r) => r.field === "end_date")!.line).toBe(12);
  });

  it("accepts a row with ragged trailing commas", () => {
    expect(one("A6122, 127").title).toBe("Extremist organisations");
  });

  it("keeps a row with a malformed year undated, warning with the column, the line and the value", () => {
    const warning = result.warnings.find((r) => r.field === "start_date")!;
    expect(warning).toMatchObject({ file: FILE, line: 8 });
    expect(warning.reason).toContain('"19x3"');
    expect(warning.reason).toMatch(/^naa-csv: /);
    const r = one("A6126, 13");
    expect([r.coveringDates, r.startDate, r.endDate]).toEqual(["19x3-1950", null, "1950-12-31"]);
  });

  it("rejects a row without a control symbol, since it has no reference", () => {
    expect(result.rejects.find((r) => r.field === "control_symbol")).toMatchObject({ line: 9 });
  });

  it("keeps a row whose end year is before its start year, undated, with a warning", () => {
    const warning = result.warnings.find((r) => r.field === "end_date")!;
    expect(warning.reason).toContain("1950 is before start_date 1960");
    const r = one("A6122, 126");
    expect([r.coveringDates, r.startDate, r.endDate]).toEqual(["1960-1950", null, null]);
  });

  it("keeps both rows that share a series and control symbol, for the merge step to tell apart by barcode", () => {
    expect(byRef("A6119, 141").map((r) => r.barcode)).toEqual(["276682", "1140156"]);
  });

  it("accounts for every data row as a record or a reject", () => {
    expect(result.records.length).toBe(13);
    expect(result.rejects.length).toBe(1);
    expect(result.warnings.length).toBe(2);
  });
});
