// What the build does with ingest's findings on disk: the full report next to
// the assets, a named error for a broken thesaurus, and large files read in
// pieces without losing lines. Node only: these need the file system.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildCatalogue, ingestLargeFile } from "../../src/indexer/build-catalogue";
import type { IngestReport } from "../../src/indexer/ingest/report";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dossier-ingest-report-"));
  mkdirSync(join(dir, "data"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const good = (i: number) =>
  JSON.stringify({ citableReference: `KV 2/${i}`, title: `File ${i}`, description: "A file." });

describe("the build's ingest report", { timeout: 120_000 }, () => {
  it("writes every reject, warning and conflict to ingest-report.json next to the assets directory", () => {
    const lines = [
      good(1),
      ...Array.from({ length: 75 }, (_, i) => `{"broken": ${i}`),
      good(2),
      JSON.stringify({ citableReference: "KV 2/3", title: "Three", startDate: "1950-02-30" }),
    ];
    writeFileSync(join(dir, "data", "kv.jsonl"), `${lines.join("\n")}\n`);
    writeFileSync(
      join(dir, "data", "more.jsonl"),
      `${JSON.stringify({ citableReference: "KV 2/1", title: "Another title" })}\n`,
    );
    const result = buildCatalogue({
      dataDirs: [join(dir, "data")],
      outDir: join(dir, "dist", "assets"),
      thesaurusPath: "data/thesaurus.json",
    });

    const path = join(dir, "dist", "ingest-report.json");
    expect(result.reportPath).toBe(path);
    const report = JSON.parse(readFileSync(path, "utf8")) as IngestReport;
    expect(report.rejects).toHaveLength(75);
    expect(report.rejects.map((r) => r.line)).toEqual(Array.from({ length: 75 }, (_, i) => i + 2));
    expect(report.warnings).toEqual([expect.objectContaining({ line: 78, field: "startDate" })]);
    expect(report.conflicts).toEqual([
      expect.objectContaining({
        reference: "KV 2/1",
        field: "title",
        kept: { value: "File 1", from: expect.stringMatching(/kv\.jsonl:1$/) },
      }),
    ]);
    expect(report.summary).toMatchObject({ records: 3, rejects: 75, warnings: 1, conflicts: 1 });
    // Written whole under a temporary name and renamed: no temporary file is left beside it
    // (the assets link and its build folders are the build's own).
    expect(
      readdirSync(join(dir, "dist"))
        .filter((f) => !f.startsWith("assets"))
        .sort(),
    ).toEqual(["ingest-report.json"]);
  });

  it("fails on a malformed thesaurus.json naming the file and the line", () => {
    writeFileSync(join(dir, "data", "kv.jsonl"), `${good(1)}\n`);
    writeFileSync(
      join(dir, "data", "thesaurus.json"),
      '{\n  "version": "1",\n  "groups": [\n    { "name": "x", }\n  ]\n}\n',
    );
    expect(() => buildCatalogue({ dataDirs: [join(dir, "data")], outDir: join(dir, "dist", "assets") })).toThrow(
      /thesaurus: .*data\/thesaurus\.json at line 4 column \d+ is not valid JSON/,
    );
    expect(existsSync(join(dir, "dist", "assets", "manifest.json"))).toBe(false);
  });
});

describe("a large JSON Lines file read in pieces", () => {
  it("keeps the valid lines of a piece that opens with lines that do not parse", () => {
    const lines = Array.from({ length: 200 }, (_, i) => (i >= 60 && i < 120 ? `{"broken line ${i}` : good(i + 1)));
    const file = join(dir, "big.jsonl");
    writeFileSync(file, `${lines.join("\n")}\n`);
    // Pieces of 1,000 bytes: some start inside the run of 60 broken lines (about 1,100 bytes).
    const out = ingestLargeFile(file, "big.jsonl", 1000);
    expect(out.records).toHaveLength(140);
    expect(out.rejects.map((r) => r.line)).toEqual(Array.from({ length: 60 }, (_, i) => i + 61));
  });
});
