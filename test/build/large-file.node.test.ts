import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ingestLargeFile } from "../../src/indexer/build-catalogue";
import { ingestText } from "../../src/indexer/ingest/index";

const line = (i: number) =>
  JSON.stringify({
    citableReference: `KV 2/${i}`,
    title: `Григорий БЕСЕДОВСКИЙ ${i}`,
    description: "Übersetzung — “quoted” ✓",
    coveringDates: "1926-1929",
    startDate: "1926-01-01",
    endDate: "1929-12-31",
    department: "KV",
    series: "KV 2",
    heldBy: ["The National Archives, Kew"],
    people: [],
    corporateNames: [],
    places: [],
    subjects: [],
  });

describe("reading a catalogue file too large for one string", () => {
  it("gives the same records, rejects and line numbers as reading it whole, even when pieces split characters", () => {
    const dir = mkdtempSync(join(tmpdir(), "dossier-large-"));
    try {
      const lines = Array.from({ length: 400 }, (_, i) =>
        i === 137 ? '{"citableReference": "KV 2/x", "title": ' : line(i + 1),
      );
      const file = join(dir, "big.jsonl");
      writeFileSync(file, lines.join("\n") + "\n");
      const whole = ingestText(readFileSync(file, "utf8"), "big.jsonl");
      // 997 bytes: pieces end mid-line and, with multi-byte text, mid-character.
      const pieces = ingestLargeFile(file, "big.jsonl", 997);
      expect(pieces.records).toEqual(whole.records);
      expect(pieces.rejects).toEqual(whole.rejects);
      expect(pieces.origins).toEqual(whole.origins);
      expect(pieces.rejects[0]?.line).toBe(138);
      expect(pieces.records[0]!.title).toBe("Григорий БЕСЕДОВСКИЙ 1");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
