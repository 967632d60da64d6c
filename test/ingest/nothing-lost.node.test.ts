// The "nothing lost" invariant, as a property: catalogues of random valid and
// invalid rows in every format go through ingest; every valid row comes out as
// a record, and every invalid row is reported at its line. Ingest is pure, so
// this runs in Node, in-process, where thousands of cases take seconds.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ingestFiles, type IngestReject } from "../../src/indexer/ingest/index";

/** Cases per format; four formats, so four times this many cases in a run. */
const RUNS = 500;

const WORDS = ["Oswald", "Mexico", "City", "PHILBY", "Kim", "Žukov", "O'Brien", "café", "A&B", "1963", "file", "vol."];
const PUNCT = [",", '"', ";", ":", "-", "(", ")"];
/** A title: words with punctuation (commas and quotes included), single spaces, never empty. */
const title = fc
  .array(fc.tuple(fc.constantFrom(...WORDS), fc.option(fc.constantFrom(...PUNCT), { nil: "" })), {
    minLength: 1,
    maxLength: 6,
  })
  .map((parts) => parts.map(([w, p]) => w + p).join(" "));

const csvCell = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

interface Row {
  /** The physical lines the row takes (more than one for a quoted cell spanning lines). */
  text: string;
  valid: boolean;
  reference: string;
  title?: string;
}

interface Built {
  file: string;
  text: string;
  valid: Array<{ reference: string; title: string }>;
  /** First line of each invalid row. */
  invalidLines: number[];
}

/** Lays rows out under a header, counting the line each row starts on. */
function layout(file: string, header: string, rows: Row[], eol: string): Built {
  const valid: Built["valid"] = [];
  const invalidLines: number[] = [];
  let line = 2;
  for (const r of rows) {
    if (r.valid) valid.push({ reference: r.reference, title: r.title! });
    else invalidLines.push(line);
    line += r.text.split("\n").length;
  }
  return { file, text: [header, ...rows.map((r) => r.text)].join("\n").replace(/\n/g, eol) + eol, valid, invalidLines };
}

// ---------------------------------------------------------------------------
// NAA RecordSearch CSV

const NAA_HEADER =
  "barcode,series,control_symbol,title,start_date,end_date,access_status,location,digitised_status,digitised_pages";
type NaaKind = "valid" | "multiline" | "strayQuote" | "noControlSymbol" | "badBarcode" | "extraColumn";
const naaKind = fc.constantFrom<NaaKind>(
  "valid",
  "valid",
  "valid",
  "multiline",
  "strayQuote",
  "noControlSymbol",
  "badBarcode",
  "extraColumn",
);

function naaRow(kind: NaaKind, n: number, t: string): Row {
  const reference = `A6119, ${n}`;
  const cells = (titleCell: string, control = String(n), barcode = String(100000 + n)) =>
    `${barcode},A6119,${control},${titleCell},1950,1951,Open,Canberra,False,0`;
  switch (kind) {
    case "valid":
      return { text: cells(csvCell(t)), valid: true, reference, title: t };
    case "multiline":
      return { text: cells(csvCell(`${t}\n${t}`)), valid: true, reference, title: `${t} ${t}` };
    case "strayQuote":
      return { text: cells(`"${t.replace(/[",]/g, "")}`), valid: false, reference };
    case "noControlSymbol":
      return { text: cells(csvCell(t), ""), valid: false, reference };
    case "badBarcode":
      return { text: cells(csvCell(t), String(n), `X${n}`), valid: false, reference };
    case "extraColumn":
      return { text: `${cells(csvCell(t))},EXTRA`, valid: false, reference };
  }
}

const naaCatalogue = fc
  .tuple(fc.array(fc.tuple(naaKind, title), { maxLength: 12 }), fc.constantFrom("\n", "\r\n"))
  .map(([rows, eol]) =>
    layout(
      "naa-asio/A6119.csv",
      NAA_HEADER,
      rows.map(([k, t], i) => naaRow(k, i + 1, t)),
      eol,
    ),
  );

// ---------------------------------------------------------------------------
// NARA JFK release CSV

const JFK_HEADER =
  "File Name,Record Num,NARA Release Date,Formerly Withheld,Doc Date,Doc Type,File Num,To Name,From Name,Title," +
  "Num Pages,Originator,Record Series,Review Date,Comments,Pages Released,";
type JfkKind =
  | "valid"
  | "multilineComment"
  | "multilineOriginator"
  | "twoDigitYear"
  | "strayQuote"
  | "badRecordNumber"
  | "extraColumn";
const jfkKind = fc.constantFrom<JfkKind>(
  "valid",
  "valid",
  "valid",
  "multilineComment",
  "multilineOriginator",
  "twoDigitYear",
  "strayQuote",
  "badRecordNumber",
  "extraColumn",
);

function jfkRow(kind: JfkKind, n: number, t: string): Row {
  const reference = `104-10001-${String(10000 + n)}`;
  type Opts = { number?: string; docDate?: string; originator?: string; comments?: string; extra?: string };
  const cells = (titleCell: string, opts: Opts = {}) =>
    [
      `2022/${reference}.pdf`,
      opts.number ?? reference,
      "12/15/2022",
      "Redact",
      opts.docDate ?? "03/31/1964",
      "PAPER",
      "201-1",
      "CHIEF",
      "DIRECTOR",
      titleCell,
      "1",
      opts.originator ?? "CIA",
      "JFK",
      "11/18/2022",
      opts.comments ?? "",
      "1",
      opts.extra ?? "",
    ].join(",");
  switch (kind) {
    case "valid":
      return { text: cells(csvCell(t)), valid: true, reference, title: t };
    case "multilineComment":
      return { text: cells(csvCell(t), { comments: '"FIRST LINE\nSECOND, LINE"' }), valid: true, reference, title: t };
    case "multilineOriginator":
      // As the 2022 sheet has it: the cell's last line is followed by a date, as a row's release date would be.
      return { text: cells(csvCell(t), { originator: '"NSA\nNSA\nNSA"' }), valid: true, reference, title: t };
    case "twoDigitYear":
      return { text: cells(csvCell(t), { docDate: "12/00/63" }), valid: true, reference, title: t };
    case "strayQuote":
      return { text: cells(`"${t.replace(/[",]/g, "")}`), valid: false, reference };
    case "badRecordNumber":
      return { text: cells(csvCell(t), { number: `NO-${n}` }), valid: false, reference };
    case "extraColumn":
      return { text: cells(csvCell(t), { extra: "EXTRA" }), valid: false, reference };
  }
}

const jfkCatalogue = fc
  .tuple(fc.array(fc.tuple(jfkKind, title), { maxLength: 12 }), fc.constantFrom("\n", "\r\n"))
  .map(([rows, eol]) =>
    layout(
      "nara-jfk/2022.csv",
      JFK_HEADER,
      rows.map(([k, t], i) => jfkRow(k, i + 1, t)),
      eol,
    ),
  );

// ---------------------------------------------------------------------------
// Dossier JSON Lines

type JsonlKind =
  | "valid"
  | "dossierShape"
  | "listDescription"
  | "protoKey"
  | "badJson"
  | "null"
  | "array"
  | "noReference"
  | "boolTitle";
const jsonlKind = fc.constantFrom<JsonlKind>(
  "valid",
  "valid",
  "dossierShape",
  "listDescription",
  "protoKey",
  "badJson",
  "null",
  "array",
  "noReference",
  "boolTitle",
);

function jsonlRow(kind: JsonlKind, n: number, t: string): Row {
  const reference = `KV 2/${n}`;
  const ok = (text: string): Row => ({ text, valid: true, reference, title: t });
  const bad = (text: string): Row => ({ text, valid: false, reference });
  switch (kind) {
    case "valid":
      return ok(JSON.stringify({ citableReference: reference, title: t, description: `About ${t}` }));
    case "dossierShape":
      return ok(JSON.stringify({ id: `kv-2-${n}`, reference, title: t, source: { name: "tna-kv", url: null } }));
    case "listDescription":
      return ok(JSON.stringify({ citableReference: reference, title: t, description: [t, "more"] }));
    case "protoKey":
      return ok(
        `{"citableReference":${JSON.stringify(reference)},"title":${JSON.stringify(t)},"__proto__":{"title":"x"}}`,
      );
    case "badJson":
      return bad(`{"citableReference": ${JSON.stringify(reference)}, "title": `);
    case "null":
      return bad("null");
    case "array":
      return bad(JSON.stringify([reference, t]));
    case "noReference":
      return bad(JSON.stringify({ title: t }));
    case "boolTitle":
      return bad(JSON.stringify({ citableReference: reference, title: true }));
  }
}

const jsonlCatalogue = fc.array(fc.tuple(jsonlKind, title), { maxLength: 12 }).map((rows) => {
  const built = layout(
    "tna-kv/records.jsonl",
    "",
    rows.map(([k, t], i) => jsonlRow(k, i + 1, t)),
    "\n",
  );
  // No header line in JSON Lines: drop the empty first line and shift the expected lines up.
  return { ...built, text: built.text.slice(1), invalidLines: built.invalidLines.map((l) => l - 1) };
});

// ---------------------------------------------------------------------------
// Discovery API JSON (one document: its invalid rows are entries without a reference)

const discoveryCatalogue = fc.array(fc.tuple(fc.boolean(), title), { minLength: 1, maxLength: 10 }).map((rows) => {
  const valid: Built["valid"] = [];
  const invalidIds: string[] = [];
  const results = rows.map(([ok, t], i) => {
    const id = `C${900000 + i}`;
    if (!ok) invalidIds.push(id);
    else valid.push({ reference: `ADM 1/${i + 1}`, title: t });
    const record = ok
      ? {
          id,
          citableReference: `ADM 1/${i + 1}`,
          title: t,
          catalogueLevel: 6,
          scopeContent: { description: `<p>${t}</p>` },
        }
      : { id, title: t, catalogueLevel: 6, scopeContent: { description: `<p>${t}</p>` } };
    return { url: `https://discovery.nationalarchives.gov.uk/details/r/${id}`, record };
  });
  return {
    file: "tna-discovery/crawl.json",
    text: JSON.stringify([{ series: "ADM 1", results }], null, 2),
    valid,
    invalidIds,
  };
});

// ---------------------------------------------------------------------------

/**
 * Valid rows all present with their titles; each invalid row's line reported (or inside a reported span); nothing
 * else.
 */
function checkCsvOrLines(built: Built): void {
  const out = ingestFiles([{ file: built.file, text: built.text }]);
  const byRef = new Map(out.records.map((r) => [r.reference, r]));
  for (const v of built.valid) {
    const r = byRef.get(v.reference);
    expect(r, `${v.reference} lost from ${JSON.stringify(built.text)}`).toBeDefined();
    expect(r!.title).toBe(v.title.replace(/\s+/g, " ").trim());
  }
  expect(out.records).toHaveLength(built.valid.length);
  const covers = (r: IngestReject, line: number) =>
    r.file === built.file && r.line <= line && line <= (r.endLine ?? r.line);
  for (const line of built.invalidLines) {
    expect(
      out.rejects.some((r) => covers(r, line)),
      `line ${line} unreported in ${JSON.stringify(built.text)}`,
    ).toBe(true);
  }
  for (const r of out.rejects) {
    expect(
      built.invalidLines.some((line) => covers(r, line)),
      `reject of a valid row: ${r.line} ${r.reason}`,
    ).toBe(true);
  }
}

// Generous: the machine running the suite may be shared; the cases themselves take a few seconds.
describe("ingest loses nothing valid and reports everything invalid", { timeout: 120_000 }, () => {
  it("NAA RecordSearch CSV", () => {
    fc.assert(fc.property(naaCatalogue, checkCsvOrLines), { numRuns: RUNS });
  });

  it("NARA JFK release CSV", () => {
    fc.assert(fc.property(jfkCatalogue, checkCsvOrLines), { numRuns: RUNS });
  });

  it("Dossier JSON Lines", () => {
    fc.assert(fc.property(jsonlCatalogue, checkCsvOrLines), { numRuns: RUNS });
  });

  it("Discovery API JSON", () => {
    fc.assert(
      fc.property(discoveryCatalogue, (built) => {
        const out = ingestFiles([{ file: built.file, text: built.text }]);
        expect(out.records.map((r) => [r.reference, r.title]).sort()).toEqual(
          built.valid.map((v) => [v.reference, v.title]).sort(),
        );
        expect(out.rejects).toHaveLength(built.invalidIds.length);
        for (const id of built.invalidIds) expect(out.rejects.some((r) => r.reason.includes(id))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
