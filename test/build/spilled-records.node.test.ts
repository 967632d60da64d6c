/**
 * A build keeps its records in a scratch file once they are laid out and reads them back a pass at a time
 * (src/indexer/doc-file.ts); the typeahead picks each split partition's best entries without sorting it.
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { DocFile, LineWriter } from "../../src/indexer/doc-file";
import { BestUnderSplit } from "../../src/indexer/suggest-assets";
import type { CatalogueRecord } from "../../src/shared/record";
import { suggestionIdentity, suggestOrder, type SuggestEntry } from "../../src/shared/index-format";

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

  it("written without line offsets, reads back front to back across reads, lines longer than a read included", () => {
    // Reads of 64 bytes: most lines span two, the 9 MB one many (the buffer grows for it); the empty file has none.
    const records = Array.from({ length: 40 }, (_, i) => (i === 7 ? record(i, "y".repeat(9 * 2 ** 20)) : record(i)));
    const writer = new LineWriter<CatalogueRecord>(join(root, "front-to-back.jsonl"), { indexed: false });
    for (const r of records) writer.append(JSON.stringify(r));
    const file = writer.finish();
    expect(file.length).toBe(40);
    expect([...file.range(0, 40, 64)]).toEqual(records);
    expect([...file]).toEqual(records);
    // Where it was not written for, it says so rather than guessing.
    expect(() => [...file.range(3, 9)]).toThrow(/read front to back only, not from 3 to 9/);
    expect(file.handle().offsets).toBeNull();
    expect(() => file.lineReader()).toThrow(/front to back only/);
    // A file cut short is an error, not fewer lines.
    truncateSync(file.path, statSync(file.path).size - 5);
    expect(() => [...file]).toThrow(/ended early \(39 of 40 lines\)/);
    file.remove();
    const empty = new LineWriter(join(root, "empty.jsonl"), { indexed: false }).finish();
    expect([...empty]).toEqual([]);
    empty.remove();
  });

  it("written without line offsets, gives docs by number in any order, reading on or starting again", () => {
    const records = Array.from({ length: 30 }, (_, i) => record(i));
    const writer = new LineWriter<CatalogueRecord>(join(root, "by-number.jsonl"), { indexed: false });
    for (const r of records) writer.append(JSON.stringify(r));
    const reading = writer.finish().inOrder();
    expect([0, 1, 2, 10, 11, 29].map((d) => reading.at(d))).toEqual([0, 1, 2, 10, 11, 29].map((d) => records[d]));
    expect([5, 3, 4].map((d) => reading.at(d))).toEqual([5, 3, 4].map((d) => records[d]));
    expect(() => reading.at(30)).toThrow(/no doc 30 among 30/);
    reading.close();
  });

  it("opens again from its handle on another thread, with line offsets or without", () => {
    const records = Array.from({ length: 12 }, (_, i) => record(i));
    const indexed = DocFile.write(join(root, "handle-indexed.jsonl"), records, records.length);
    const writer = new LineWriter<CatalogueRecord>(join(root, "handle-plain.jsonl"), { indexed: false });
    for (const r of records) writer.append(JSON.stringify(r));
    const plain = writer.finish();
    // structuredClone: what postMessage does to a worker's data.
    const [again, plainAgain] = [indexed, plain].map((f) => DocFile.open<CatalogueRecord>(structuredClone(f.handle())));
    expect([...again!.range(4, 7)]).toEqual(records.slice(4, 7));
    expect([...plainAgain!]).toEqual(records);
    expect(plain.handle().offsets).toBeNull();
    expect(() => [...plainAgain!.range(4, 7)]).toThrow(/front to back only/);
  });

  it("lets go of its writer's buffers once finished, and of a closed reader's offsets", () => {
    const writer = new LineWriter<CatalogueRecord>(join(root, "finished.jsonl"));
    writer.append(JSON.stringify(record(1)));
    const file = writer.finish();
    expect(() => writer.append(JSON.stringify(record(2)))).toThrow(/finished\.jsonl is finished/);
    const reader = file.lineReader();
    expect(JSON.parse(reader.line(0))).toEqual(record(1));
    reader.close();
    expect(() => reader.line(0)).toThrow(/read after its reader was closed/);
  });

  it("is gone after a build, and a scratch file a killed build left is removed by the next", () => {
    const out = join(root, "build", "assets");
    // A pid no process has: the build that left this file is gone.
    const dead = Number(execFileSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).trim());
    mkdirSync(join(root, "build"), { recursive: true });
    writeFileSync(join(root, "build", `.dossier-docs-${dead}.jsonl`), "{}\n");
    writeFileSync(join(root, "build", `.dossier-terms-${dead}.jsonl`), "[]\n");
    writeFileSync(join(root, "build", `.dossier-ingest-${dead}.jsonl`), "{}\n");
    writeFileSync(join(root, "build", `.dossier-ranks-${dead}.bin`), "");
    writeFileSync(join(root, "build", `.dossier-runs-${dead}-suggest-3.jsonl`), "[]\n");
    buildCatalogue({ dataDirs: ["test/fixtures/ingest"], outDir: out });
    expect(readdirSync(join(root, "build")).filter((n) => n.startsWith(".dossier-"))).toEqual([]);
  }, 120_000);
});

describe("a split typeahead partition's best entries", () => {
  it("are, for each kind, the first suggestions of a lookup's ranking, one for each title or person", () => {
    // Titles repeating five texts, people with ten canonical slugs, references: weights and lengths tie often.
    const kinds = ["title", "person", "reference"] as const;
    const entries: SuggestEntry[] = Array.from({ length: 600 }, (_, i): SuggestEntry => {
      const kind = kinds[(i * 7) % 3]!;
      const weight = (i * 7919) % 5;
      const key = `k${String(i).padStart(3, "0")}`;
      if (kind === "title") return [key, `Title ${"x".repeat((i * 31) % 4)} ${(i * 13) % 5}`, kind, `t-${i}`, weight];
      if (kind === "person")
        return [key, `Anna Name${i % 4 ? "" : "s"}`, kind, `p-${i}`, weight, `same-${(i * 17) % 10}`];
      return [key, `REF ${i}`, kind, `r-${i}`, weight];
    });
    for (const k of [1, 3, 20, 700]) {
      const best = new BestUnderSplit(k);
      for (let seq = 0; seq < entries.length; seq++) best.add(entries[seq]!, seq);
      // A scan: each kind ranked (ties by position), its first entry of each identity, the first k of those.
      const kept = kinds.flatMap((kind) => {
        const ranked = entries
          .map((e, seq) => ({ e, seq }))
          .filter(({ e }) => e[2] === kind)
          .sort((a, b) => suggestOrder(a.e, b.e) || a.seq - b.seq);
        const seen = new Set<string>();
        return ranked
          .filter(({ e }) => !seen.has(suggestionIdentity(e)) && seen.add(suggestionIdentity(e)))
          .slice(0, k);
      });
      expect(best.entries()).toEqual(kept.sort((a, b) => a.seq - b.seq).map(({ e }) => e));
    }
  });
});
