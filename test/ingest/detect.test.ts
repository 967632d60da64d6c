import { describe, expect, it } from "vitest";
import { detectFormat, ingestText } from "../../src/indexer/ingest/index";
import kv from "../fixtures/ingest/kv.jsonl?raw";
import discovery from "../fixtures/ingest/discovery.json?raw";
import naa from "../fixtures/ingest/naa.csv?raw";
import jfk2021 from "../fixtures/ingest/jfk-2021.csv?raw";
import jfk2022 from "../fixtures/ingest/jfk-2022.csv?raw";
import jfk2023 from "../fixtures/ingest/jfk-2023.csv?raw";
import jfk2025 from "../fixtures/ingest/jfk-2025.csv?raw";

describe("detectFormat", () => {
  it("recognises each source format from its content", () => {
    expect(detectFormat(kv)).toBe("dossier-jsonl");
    expect(detectFormat(discovery)).toBe("discovery-json");
    expect(detectFormat(naa)).toBe("naa-csv");
    for (const sheet of [jfk2021, jfk2022, jfk2023, jfk2025]) expect(detectFormat(sheet)).toBe("jfk-csv");
  });

  it("ignores the file name, so a CSV saved as .json still reads as CSV", () => {
    const result = ingestText(naa, "naa-asio/export.json");
    expect(result.format).toBe("naa-csv");
    expect(result.records.length).toBeGreaterThan(0);
  });

  it("reads JSON Lines whose first line is broken by looking at the next lines", () => {
    const lines = kv.split("\n");
    const text = ["{not json", ...lines].join("\n");
    expect(detectFormat(text)).toBe("dossier-jsonl");
  });

  it("tolerates a byte-order mark before a CSV header", () => {
    expect(detectFormat(`\uFEFF${naa}`)).toBe("naa-csv");
  });

  it("recognises a bare Discovery search response and a single details object", () => {
    expect(
      detectFormat(
        JSON.stringify({ count: 1, records: [{ id: "C1", reference: "KV 2/1", numStartDate: 19400101, title: "X" }] }),
      ),
    ).toBe("discovery-json");
    expect(
      detectFormat(JSON.stringify({ id: "C1", citableReference: "KV 2/1", scopeContent: { description: "<p>X</p>" } })),
    ).toBe("discovery-json");
  });

  it("returns null for markdown, unrelated CSV and unrelated JSON", () => {
    expect(detectFormat("# SOURCES\n\nSome notes.\n")).toBeNull();
    expect(detectFormat("name,age\nAda,36\n")).toBeNull();
    expect(detectFormat('{"hello": "world"}')).toBeNull();
  });

  it("turns an unsupported file into no records and one reject that says why", () => {
    const result = ingestText("# SOURCES\n\nSome notes.\n", "tna-kv/SOURCES.md");
    expect(result.format).toBeNull();
    expect(result.records).toEqual([]);
    expect(result.rejects).toHaveLength(1);
    expect(result.rejects[0]).toMatchObject({ file: "tna-kv/SOURCES.md", line: 1, field: "format" });
    expect(result.rejects[0]!.reason).toContain("not a supported catalogue format");
    expect(result.rejects[0]!.reason).toContain("# SOURCES");
  });

  it("reports an empty file as empty rather than unknown", () => {
    const result = ingestText("  \n", "empty.csv");
    expect(result.format).toBeNull();
    expect(result.rejects[0]!.reason).toContain("is empty");
  });
});
