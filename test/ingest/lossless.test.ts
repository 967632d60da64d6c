import { describe, expect, it } from "vitest";
import { ingestFiles, ingestText } from "../../src/indexer/ingest/index";
import { ingestReport, summaryLines } from "../../src/indexer/ingest/report";
import { parseThesaurusJson } from "../../src/indexer/thesaurus-assets";

const NAA_HEADER =
  "barcode,series,control_symbol,title,start_date,end_date,access_status,location,digitised_status,digitised_pages";
const naaRow = (n: number, title: string) => `${n},A6119,${n},${title},1950,1951,Open,Canberra,False,0`;
const JFK_HEADER =
  "File Name,Record Num,NARA Release Date,Formerly Withheld,Doc Date,Doc Type,File Num,To Name,From Name,Title," +
  "Num Pages,Originator,Record Series,Review Date,Comments,Pages Released,";
const jfkRow = (n: number, title: string, docDate = "03/31/1964") =>
  `2022/104-10001-1000${n}.pdf,104-10001-1000${n},12/15/2022,Redact,${docDate},PAPER,201-1,TO,FROM,${title},` +
  "1,CIA,JFK,11/18/2022,,1";
const line = (o: unknown) => JSON.stringify(o);

describe("CSV rows with an unbalanced quote", () => {
  it("rejects the row with the stray quote at its line and keeps every row after it (NAA)", () => {
    const text = [
      NAA_HEADER,
      naaRow(1, "First"),
      naaRow(2, '"Stray quote'),
      naaRow(3, "Third"),
      naaRow(4, "Fourth"),
      naaRow(5, '"Quoted, fifth"'),
      naaRow(6, "Sixth"),
    ].join("\n");
    const r = ingestText(text, "naa-asio/A6119.csv");
    expect(r.records.map((x) => x.title)).toEqual(["First", "Third", "Fourth", "Quoted, fifth", "Sixth"]);
    expect(r.rejects).toEqual([expect.objectContaining({ file: "naa-asio/A6119.csv", line: 3, field: "title" })]);
    expect(r.rejects[0]!.reason).toContain("read on from line 4");
  });

  it("resynchronises at the next row when the stray quote is never closed", () => {
    const text = [NAA_HEADER, naaRow(1, '"Never closed'), naaRow(2, "Second"), naaRow(3, "Third")].join("\n");
    const r = ingestText(text, "naa.csv");
    expect(r.records.map((x) => x.title)).toEqual(["Second", "Third"]);
    expect(r.rejects).toEqual([expect.objectContaining({ line: 2 })]);
  });

  it("still reads a quoted cell that really spans lines as one cell", () => {
    const text = [NAA_HEADER, naaRow(1, '"Two\nlines"'), naaRow(2, "Second")].join("\n");
    const r = ingestText(text, "naa.csv");
    expect(r.records.map((x) => x.title)).toEqual(["Two lines", "Second"]);
    expect(r.origins).toEqual(["naa.csv:2", "naa.csv:4"]);
    expect(r.rejects).toEqual([]);
  });

  it("rejects the row with the stray quote and keeps the rows after it (JFK)", () => {
    const text = [
      JFK_HEADER,
      jfkRow(1, "ONE"),
      jfkRow(2, '"STRAY'),
      jfkRow(3, "THREE"),
      jfkRow(4, '"QUOTED, FOUR"'),
    ].join("\n");
    const r = ingestText(text, "nara-jfk/2022.csv");
    expect(r.records.map((x) => x.reference)).toEqual(["104-10001-10001", "104-10001-10003", "104-10001-10004"]);
    expect(r.rejects).toEqual([expect.objectContaining({ line: 3, field: "Title" })]);
  });
});

describe("JSON Lines whose first lines do not parse", () => {
  const bad = ["{oops", "nope", "[1,2", '{"a":', "garbage", "{still not json"];
  const good = [line({ citableReference: "KV 2/1", title: "One" }), line({ citableReference: "KV 2/2", title: "Two" })];

  it("is read as JSON Lines, every bad line rejected at its own line", () => {
    const r = ingestText([...bad, ...good].join("\n"), "tna-kv/records.jsonl");
    expect(r.format).toBe("dossier-jsonl");
    expect(r.records.map((x) => x.reference)).toEqual(["KV 2/1", "KV 2/2"]);
    expect(r.rejects.map((x) => x.line)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("is recognised from its first parseable line when the name has no telling extension", () => {
    expect(ingestText([...bad, ...good].join("\n"), "records.data").records).toHaveLength(2);
  });
});

describe("silent coercions", () => {
  const base = { citableReference: "KV 2/3", title: "T" };

  it("joins a description given as a list, with a warning", () => {
    const r = ingestText(line({ ...base, description: ["First part.", "Second part."] }), "kv.jsonl");
    expect(r.records[0]!.description).toBe("First part. Second part.");
    expect(r.warnings).toEqual([expect.objectContaining({ line: 1, field: "description" })]);
  });

  it("reads a source given as a string as the source name or URL, with a warning", () => {
    const named = ingestText(line({ ...base, source: "my-archive" }), "kv.jsonl");
    expect(named.records[0]!.source).toEqual({ name: "my-archive", url: null });
    expect(named.warnings).toEqual([expect.objectContaining({ field: "source" })]);
    const url = ingestText(line({ ...base, source: "https://example.org/kv-2-3" }), "kv.jsonl");
    expect(url.records[0]!.source.url).toBe("https://example.org/kv-2-3");
  });

  it('rejects title: true instead of turning it into the text "true"', () => {
    const r = ingestText(line({ ...base, title: true }), "kv.jsonl");
    expect(r.records).toEqual([]);
    expect(r.rejects).toEqual([expect.objectContaining({ line: 1, field: "title" })]);
    expect(r.rejects[0]!.reason).toContain("is a boolean, not text");
  });
});

describe("object-internal keys in a JSON line", () => {
  it("ignores __proto__, constructor and prototype keys instead of promoting their members", () => {
    const text =
      '{"citableReference":"KV 2/4","title":"Four","__proto__":{"polluted":"yes","title":"Evil"},' +
      '"extra":{"__proto__":{"deep":1},"kept":2},"constructor":{"x":1}}';
    const r = ingestText(text, "kv.jsonl");
    const rec = r.records[0]! as Record<string, unknown>;
    expect(rec.title).toBe("Four");
    expect("polluted" in rec).toBe(false);
    expect(Object.getPrototypeOf(rec)).toBe(Object.prototype);
    expect(rec.extra).toEqual({ kept: 2 });
    expect(Object.getPrototypeOf(rec.extra)).toBe(Object.prototype);
    expect(Object.hasOwn(rec, "constructor")).toBe(false);
    expect(r.warnings[0]!.reason).toContain("__proto__, extra.__proto__, constructor");
  });

  it("ignores __proto__ in Discovery JSON, so its members never read as the entry's fields", () => {
    const text =
      '{"records":[{"id":"C1","citableReference":"ADM 1/1","numStartDate":19400101,"title":"Own",' +
      '"__proto__":{"description":"Promoted","note":"Promoted"}}]}';
    const r = ingestText(text, "discovery.json");
    expect(r.records.map((x) => [x.reference, x.title, x.description])).toEqual([["ADM 1/1", "Own", ""]]);
    expect(r.records[0]).not.toHaveProperty("note");
  });
});

describe("error messages", () => {
  it("says a null line is null, not that it is an object", () => {
    const r = ingestText(`null\n${line({ citableReference: "KV 2/1", title: "One" })}`, "kv.jsonl");
    expect(r.rejects[0]!.reason).toContain("line is null, not a JSON object");
  });

  it("names a malformed thesaurus file and the line of the error", () => {
    expect(() => parseThesaurusJson('{\n  "version": "1",\n  "groups": [,]\n}', "data/thesaurus.json")).toThrow(
      /thesaurus: data\/thesaurus\.json at line 3 column 14 is not valid JSON/,
    );
    expect(() => parseThesaurusJson('{\n  "version": "1"\n  "groups": []\n}', "my/thesaurus.json")).toThrow(
      /thesaurus: my\/thesaurus\.json at line 3 column 3 is not valid JSON/,
    );
  });
});

describe("dates that cannot be read", () => {
  it("keeps a JFK record with a two-digit year, its date as written, and reports it", () => {
    const r = ingestText(
      [JFK_HEADER, jfkRow(1, "ONE", "12/00/63"), jfkRow(2, "TWO", "00/00/63")].join("\n"),
      "2022.csv",
    );
    expect(r.records.map((x) => [x.reference, x.coveringDates, x.startDate, x.endDate])).toEqual([
      ["104-10001-10001", "12/00/63", null, null],
      ["104-10001-10002", "00/00/63", null, null],
    ]);
    expect(r.rejects).toEqual([]);
    expect(r.warnings.map((w) => [w.line, w.field])).toEqual([
      [2, "Doc Date"],
      [3, "Doc Date"],
    ]);
    expect(r.warnings[0]!.reason).toContain("two-digit year");
  });
});

describe("merge conflicts", () => {
  const rec = (title: string, startDate: string, endDate: string) =>
    line({ citableReference: "KV 2/7", title, startDate, endDate, coveringDates: startDate.slice(0, 4) });
  const all = ingestFiles([
    { file: "a.jsonl", text: rec("Title A", "1940-01-01", "1940-12-31") },
    { file: "b.jsonl", text: `\n${rec("Title B", "1950-01-01", "1950-12-31")}` },
    { file: "c.jsonl", text: rec("Title C", "1940-01-01", "1940-12-31") },
  ]);

  it("says which value was kept, from which file, and which values were dropped", () => {
    const m = all.merges.find((x) => x.id === "kv-2-7")!;
    expect(m.conflicts).toEqual([
      { field: "dates", kept: { value: "1940", from: "a.jsonl:1" }, dropped: [{ value: "1950", from: "b.jsonl:2" }] },
      {
        field: "title",
        kept: { value: "Title A", from: "a.jsonl:1" },
        dropped: [
          { value: "Title B", from: "b.jsonl:2" },
          { value: "Title C", from: "c.jsonl:1" },
        ],
      },
    ]);
  });

  it("lists the conflicts in the report and the summary", () => {
    const report = ingestReport(all);
    expect(report.conflicts.map((c) => c.field)).toEqual(["dates", "title"]);
    expect(summaryLines(report).join("\n")).toMatch(
      /title: e\.g\. KV 2\/7 kept "Title A" from a\.jsonl:1, dropped "Title B" from b\.jsonl:2/,
    );
  });
});

describe("the ingest report", () => {
  const bad = Array.from({ length: 120 }, (_, i) => `{"broken": ${i}`);
  const all = ingestFiles([
    { file: "kv.jsonl", text: [line({ citableReference: "KV 2/1", title: "One" }), ...bad].join("\n") },
    { file: "SOURCES.md", text: "# Sources\n" },
  ]);
  const report = ingestReport(all);

  it("lists every reject with file, line, field and reason, not the first few", () => {
    expect(report.rejects).toHaveLength(120);
    expect(report.rejects.map((r) => r.line)).toEqual(Array.from({ length: 120 }, (_, i) => i + 2));
    expect(Object.keys(report.rejects[0]!).sort()).toEqual(["field", "file", "line", "reason"]);
    expect(report.summary).toMatchObject({ records: 1, rejects: 120, skipped: 1, perSource: { "tna-kv": 1 } });
  });

  it("prints a summary by kind, not every reject", () => {
    const lines = summaryLines(report, "dist/ingest-report.json");
    expect(lines.length).toBeLessThan(15);
    expect(lines.join("\n")).toContain("rejected rows: 120");
    expect(lines.at(-1)).toContain("dist/ingest-report.json");
  });
});
