/**
 * A build ingests without holding the catalogue (src/indexer/spilled-ingest.ts): records go to a scratch file as
 * read, only repeated references are read back to merge, and the docs file is written in doc order. What comes out
 * must be what ingesting in memory and laying out gives: the same records in the same doc order, byte for byte,
 * the same shards, merges, distinct items and `file:line` origins.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { walk } from "../../src/indexer/build-catalogue";
import { layoutRecords } from "../../src/indexer/catalogue-assets";
import { ingestFiles, type IngestInput, type IngestResult } from "../../src/indexer/ingest/index";
import { spillIngest } from "../../src/indexer/spilled-ingest";
import { hierarchyContext } from "../../src/indexer/hierarchy-context";
import type { CatalogueRecord } from "../../src/shared/record";
import { testRecord } from "../record-fixture";

const root = mkdtempSync(join(tmpdir(), "dossier-spilled-ingest-"));
afterAll(() => rmSync(root, { recursive: true, force: true }), 30_000);

const record = (reference: string, more: Record<string, unknown>): CatalogueRecord =>
  testRecord({
    id: reference.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    reference,
    title: `Title of ${reference}`,
    series: reference.split("/")[0]!,
    ...(more as Partial<CatalogueRecord>),
  });

/**
 * Records as a parser might hand them over, not as JSON would give them back: a field present but undefined (a
 * later duplicate fills it in place, not at the end), a non-finite number, and an id that is not its reference's.
 */
const unusual: IngestResult = {
  format: "dossier-jsonl",
  records: [
    record("XX 1/1", { description: undefined, extra: Number.NaN }),
    record("XX 1/2", { id: "not-its-key" }),
    record("XX 1/1", { description: "filled by the duplicate", extra: 3 }),
    record("XX 1/3", {}),
    record("XX 1/2", { title: "A different title" }),
  ],
  rejects: [],
  warnings: [],
  origins: ["made.jsonl:1", "made.jsonl:2", "made.jsonl:7", "made.jsonl:9", "made.jsonl:12"],
};

function inputs(): IngestInput[] {
  return [
    ...walk("test/fixtures/ingest").map((file) => ({ file, text: readFileSync(file, "utf8") })),
    { file: "made.jsonl", read: () => unusual },
  ];
}

describe("ingest spilled to a scratch file", () => {
  for (const recordShards of [undefined, 1, 7]) {
    it(`gives what ingesting in memory and laying out gives (${recordShards ?? "default"} record shards)`, () => {
      const held = ingestFiles(inputs());
      const laid = layoutRecords(held.records, { recordShards });
      const spilled = spillIngest(inputs(), join(root, "ingest.jsonl"));
      expect(spilled.count).toBe(held.records.length);
      expect(spilled.merges).toEqual(held.merges);
      expect(spilled.distinct).toEqual(held.distinct);
      expect(spilled.rejects).toEqual(held.rejects);
      expect(spilled.warnings).toEqual(held.warnings);
      expect(spilled.merges.length).toBeGreaterThan(3);
      expect(spilled.distinct.length).toBeGreaterThan(0);
      const layout = spilled.layout(join(root, "docs.jsonl"), { recordShards });
      expect(layout.shardCount).toBe(laid.shardCount);
      expect([...layout.shardStarts]).toEqual([...laid.shardStarts]);
      // Byte for byte: the docs file is what writing the laid-out records gives.
      const lines = readFileSync(join(root, "docs.jsonl"), "utf8").trimEnd().split("\n");
      expect(lines).toEqual([...laid.docs].map((r) => JSON.stringify(r)));
      // Every step reads it front to back: it keeps no line offsets (8 bytes a record on each thread).
      expect(layout.docs.handle().offsets).toBeNull();
      const filled = [...laid.docs].find((r) => r.reference === "XX 1/1")!;
      expect(filled.description).toBe("filled by the duplicate");
      expect(Object.keys(filled).indexOf("description")).toBeLessThan(Object.keys(filled).indexOf("extra"));
      // The ingest scratch file is gone once the docs are written.
      expect(readdirSync(root)).toEqual(["docs.jsonl"]);
      layout.docs.remove();
    });
  }
});

describe("ingest noting the catalogue's hierarchy", () => {
  const lay = (records: CatalogueRecord[], name: string) => {
    const result: IngestResult = { format: "dossier-jsonl", records, rejects: [], warnings: [], origins: [] };
    const spilled = spillIngest([{ file: `${name}.jsonl`, read: () => result }], join(root, `${name}-ingest.jsonl`));
    const layout = spilled.layout(join(root, `${name}-docs.jsonl`), {});
    const context = hierarchyContext(layout.docs);
    layout.docs.remove();
    return { noHierarchy: layout.noHierarchy, context };
  };

  it("says no doc can inherit a title when no series is a record and no record names a parent", () => {
    const { noHierarchy, context } = lay([record("AA 1/1", {}), record("AA 1/2", {}), record("BB 2/1", {})], "flat");
    expect(noHierarchy).toBe(true);
    expect(context.size).toBe(0);
  });

  it("leaves the hierarchy to be read when a series is itself a record, or a record names a parent", () => {
    const series = lay(
      [record("AA 1/1", {}), testRecord({ id: "aa-1", reference: "AA 1", title: "Series AA 1", series: "AA 1" })],
      "series",
    );
    expect(series.noHierarchy).toBe(false);
    expect(series.context.size).toBe(1);
    const parent = lay([record("AA 1/1", { parentId: "C123" })], "parent");
    expect(parent.noHierarchy).toBe(false);
  });
});

describe("ingest letting go of what it held", () => {
  it("refuses a second layout, whose records it has already let go of, with an error naming the module", () => {
    const result: IngestResult = {
      format: "dossier-jsonl",
      records: [record("AA 1/1", {}), record("AA 1/2", {})],
      rejects: [],
      warnings: [],
      origins: [],
    };
    const spilled = spillIngest([{ file: "once.jsonl", read: () => result }], join(root, "once-ingest.jsonl"));
    const layout = spilled.layout(join(root, "once-docs.jsonl"), {});
    expect(layout.docs.length).toBe(2);
    expect(() => spilled.layout(join(root, "twice-docs.jsonl"), {})).toThrow(/spilled-ingest: layout\(\) runs once/);
    layout.docs.remove();
  });
});
