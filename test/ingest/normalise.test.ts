import { describe, expect, it } from "vitest";
import {
  cleanText,
  excelSerialToIso,
  readUsDate,
  stripMarkup,
  titleFromText,
} from "../../src/indexer/ingest/normalise";
import { namesFromPersonalTitle, personFromCorrespondent } from "../../src/indexer/ingest/people";
import { readCsv } from "../../src/indexer/ingest/csv";

describe("ingest helpers", () => {
  it("converts Excel serials across the fictitious 29 February 1900", () => {
    expect(excelSerialToIso(1)).toBe("1900-01-01");
    expect(excelSerialToIso(59)).toBe("1900-02-28");
    expect(excelSerialToIso(60)).toBeNull();
    expect(excelSerialToIso(61)).toBe("1900-03-01");
    expect(excelSerialToIso(44545)).toBe("2021-12-15");
  });

  it("reads zero parts of a US date as unknown and refuses impossible or two-digit dates", () => {
    expect(readUsDate("00/00/1975")).toEqual({ ok: true, start: "1975-01-01", end: "1975-12-31", covering: "1975" });
    expect(readUsDate("11/29/0000")).toEqual({ ok: true, start: null, end: null, covering: null });
    expect(readUsDate("02/29/1963").ok).toBe(false);
    expect(readUsDate("12/00/63").ok).toBe(false);
  });

  it("collapses whitespace and repairs Windows-1252 characters read as C1 controls", () => {
    expect(cleanText("  O\u0092Brien \t\n  aged 23 ")).toBe("O’Brien aged 23");
  });

  it("strips markup without gluing paragraphs together", () => {
    expect(stripMarkup("<scopecontent><p>One.</p><p>Two &#38; three.</p></scopecontent>")).toBe("One. Two & three.");
    expect(stripMarkup('<unittitle type = "Title">Channel Islands</unittitle>')).toBe("Channel Islands");
    expect(stripMarkup("depth < 5 fathoms")).toBe("depth < 5 fathoms");
  });

  it("cuts a title from running text at the first sentence, not at initials", () => {
    expect(titleFromText("Sir T. Williams. Journal of the flagship.")).toBe("Sir T. Williams");
    const long = titleFromText(`${"word ".repeat(40)}end.`, 50);
    expect(long.length).toBeLessThanOrEqual(51);
    expect(long.endsWith("…")).toBe(true);
  });

  it("finds aliases in brackets and surname-first names in personal-file titles", () => {
    expect(namesFromPersonalTitle("Francis Thomas JOHNSON (aka Frank JOHNSON) - Volume 5")).toEqual([
      "Francis Thomas Johnson",
      "Frank Johnson",
    ]);
    expect(namesFromPersonalTitle("O'REILLY, John Moreland - Volume 2")).toEqual(["John Moreland O'Reilly"]);
    expect(namesFromPersonalTitle("McDONALD, Donald - Volume 6")).toEqual(["Donald McDonald"]);
    expect(namesFromPersonalTitle("Hugh Grant")).toEqual(["Hugh Grant"]);
    expect(namesFromPersonalTitle("Telephone Interception Targets GOULD, Robert Stephen Patrick")).toEqual([
      "Robert Stephen Patrick Gould",
    ]);
  });

  it("does not invent people from organisation titles", () => {
    expect(namesFromPersonalTitle("Orthodox Greek Community, Victoria, Volume 3 [51pp]")).toEqual([]);
    expect(namesFromPersonalTitle("Kindergarten Union of NSW")).toEqual([]);
    expect(namesFromPersonalTitle("Unknown")).toEqual([]);
  });

  it("tells people from offices and places among JFK correspondents", () => {
    expect(personFromCorrespondent("FORSYTH, THOMAS G. III")).toBe("Thomas G. Forsyth III");
    expect(personFromCorrespondent("JOSEPH A. CALIFANO, JR.")).toBe("Joseph A. Califano Jr.");
    expect(personFromCorrespondent("CHIEF, WH DIVISION")).toBeNull();
    expect(personFromCorrespondent("DIRECTOR, FBI")).toBeNull();
    expect(personFromCorrespondent("DALLAS, TEXAS")).toBeNull();
    expect(personFromCorrespondent("MEXICO CITY")).toBeNull();
  });

  it("skips a line with an unclosed quote and keeps reading the rows after it", () => {
    const table = readCsv('a,b\n1,"never closed\n2,3\n4,5\n', "f.csv", "test");
    expect(table.rows).toEqual([
      { line: 3, cells: ["2", "3"] },
      { line: 4, cells: ["4", "5"] },
    ]);
    expect(table.rejects).toEqual([expect.objectContaining({ file: "f.csv", line: 2, field: "row" })]);
  });

  it("keeps line numbers right when a long file is parsed in pieces", () => {
    const rows = Array.from({ length: 6000 }, (_, i) => (i === 3000 ? `${i},"multi\nline"` : `${i},${"x".repeat(20)}`));
    const table = readCsv(`n,v\n${rows.join("\n")}\n`, "big.csv", "test");
    expect(table.rows).toHaveLength(6000);
    expect(table.rows[3000]).toEqual({ line: 3002, cells: ["3000", "multi\nline"] });
    expect(table.rows[3001]!.line).toBe(3004);
    expect(table.rows[5999]!.line).toBe(6002);
  });
});
