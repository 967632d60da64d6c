/**
 * A build keeps its records in a scratch file once they are laid out and reads them back a pass at a time
 * (src/indexer/doc-file.ts); the typeahead picks each split partition's best entries without sorting it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { DocFile } from "../../src/indexer/doc-file";
import { heaviest } from "../../src/indexer/suggest-assets";
import type { CatalogueRecord } from "../../src/shared/record";
import type { SuggestEntry } from "../../src/shared/index-format";

const root = mkdtempSync(join(tmpdir(), "dossier-spilled-records-"));
afterAll(() => rmSync(root, { recursive: true, force: true }), 30_000);

function record(i: number, description = `Notes on file ${i}: Ærøskøbing, Zürich, 東京 🗂`): CatalogueRecord {
  return {
    id: `kv-2-${i}`,
    reference: `KV 2/${i}`,
    title: `Person ${i} \u2028 "quoted" \\ slash`,
    description,
    series: "KV 2",
    people: [`Person ${i}`],
  } as unknown as CatalogueRecord;
}

describe("the records' scratch file", () => {
  it("reads back every record as it was written, from any doc, including one larger than a whole read", () => {
    // 9 MB: more than the 8 MB the file is read in, so that record is read alone into a larger buffer.
    const records = Array.from({ length: 50 }, (_, i) => (i === 20 ? record(i, "x".repeat(9 * 2 ** 20)) : record(i)));
    const file = DocFile.write(join(root, "docs.jsonl"), records, records.length);
    expect(file.length).toBe(50);
    expect([...file]).toEqual(records);
    expect([...file.range(19, 23)]).toEqual(records.slice(19, 23));
    expect([...file.range(49, 50)]).toEqual([records[49]]);
    expect([...file.range(7, 7)]).toEqual([]);
    file.remove();
    expect(existsSync(join(root, "docs.jsonl"))).toBe(false);
  });

  it("is gone after a build, and a scratch file a killed build left is removed by the next", () => {
    const out = join(root, "build", "assets");
    // A pid no process has: the build that left this file is gone.
    const dead = Number(execFileSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).trim());
    mkdirSync(join(root, "build"), { recursive: true });
    writeFileSync(join(root, "build", `.dossier-docs-${dead}.jsonl`), "{}\n");
    writeFileSync(join(root, "build", `.dossier-terms-${dead}.jsonl`), "[]\n");
    writeFileSync(join(root, "build", `.dossier-ingest-${dead}.jsonl`), "{}\n");
    writeFileSync(join(root, "build", `.dossier-runs-${dead}-suggest-3.jsonl`), "[]\n");
    buildCatalogue({ dataDirs: ["test/fixtures/ingest"], outDir: out });
    expect(readdirSync(join(root, "build")).filter((n) => n.startsWith(".dossier-"))).toEqual([]);
  }, 120_000);
});

describe("a split typeahead partition's best entries", () => {
  it("are those a stable sort by weight gives, ties in list order", () => {
    const entries: SuggestEntry[] = Array.from(
      { length: 500 },
      (_, i): SuggestEntry => [`k${String(i).padStart(3, "0")}`, `t${i}`, "title", null, (i * 7919) % 13],
    );
    for (const k of [1, 5, 20, 499, 600])
      for (const [from, to] of [
        [0, 500],
        [37, 211],
        [100, 101],
      ] as const) {
        const sorted = entries
          .slice(from, to)
          .sort((a, b) => b[4] - a[4])
          .slice(0, k);
        expect(heaviest(entries, from, to, k)).toEqual(sorted);
      }
  });
});
