/**
 * The ranking model, unit-tested on a small catalogue built in a temporary
 * directory: match quality beats coordination, coordination still breaks
 * near ties, and every unit's upper bound holds for every doc.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { scoreShard } from "../../src/worker/search/scoring";
import { unitBound } from "../../src/worker/search/unit-scoring";
import type { AssetStore } from "../../src/worker/asset-store";
import { RecordStore } from "../../src/worker/record-store";
import { diskAssets, planFor, shardIndex } from "./local-index";
import { testRecord } from "../record-fixture";

let dir: string;
let assets: AssetStore;

function record(n: number, title: string, people: string[], description = "") {
  return testRecord({
    id: `kv-2-${n}`,
    reference: `KV 2/${n}`,
    title,
    description,
    coveringDates: "1940",
    startDate: "1940-01-01",
    endDate: "1940-12-31",
    series: "KV 2",
    department: "KV",
    heldBy: ["The National Archives, Kew"],
    people,
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dossier-ranking-"));
  const records = [
    // The person asked for: a rare surname, spelt as the query spells it, with another given name.
    record(1, "Semyon ZUKERMAN", ["Semyon Zukerman"], "Trade delegation official."),
    // Someone else whose names only sound like both query words.
    record(2, "Iwan SUKERMANN", ["Iwan Sukermann"], "Seaman."),
    // Two files that differ only in how many query words they match.
    record(3, "Report on Alexei ORLOVSKY", ["Alexei Orlovsky"], "Meeting in Lisbon."),
    record(4, "Report on Boris ORLOVSKY", ["Boris Orlovsky"], "Meeting in Madrid."),
  ];
  // Many Ivans and many files, so "ivan" is a common word and surnames are rare.
  for (let n = 10; n < 70; n++)
    records.push(record(n, `Ivan PETROV ${n}`, [`Ivan Petrov`], "Routine enquiry about a seaman in Lisbon."));
  mkdirSync(join(dir, "data"));
  writeFileSync(join(dir, "data", "records.jsonl"), records.map((r) => JSON.stringify(r)).join("\n"));
  buildCatalogue({ dataDirs: [join(dir, "data")], outDir: join(dir, "out"), searchShards: 1 });
  assets = diskAssets(join(dir, "out"));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Scores `q`; each hit carries the reference of its record. */
async function ranked(q: string) {
  const { index, seriesNames } = await shardIndex(assets);
  const result = await scoreShard(index, await planFor(assets, q, 10), seriesNames, async () => []);
  const records = await new RecordStore(assets).byDocs(result.top.map((d) => d.doc));
  return { ...result, top: result.top.map((d, i) => ({ ...d, ref: records[i]!.reference })) };
}

describe("the ranking model", () => {
  it("ranks an exact rare surname above sound-alike matches on every query word", async () => {
    const { top } = await ranked("Ivan Zukerman");
    expect(top[0]!.ref).toBe("KV 2/1");
    const soundAlike = top.findIndex((d) => d.ref === "KV 2/2");
    expect(soundAlike).toBeGreaterThan(0);
    // The sound-alike file matched both words, the right one only the surname: quality won, not coordination.
    expect(top[soundAlike]!.matched).toBe(2);
    expect(top[0]!.matched).toBe(1);
  });

  it("explains which rule and which field matched each word, and the coordination share", async () => {
    const { top } = await ranked("Ivan Zukerman");
    const parts = top[0]!.parts;
    expect(parts.find((p) => p.unit === "zukerman")).toMatchObject({ rule: "exact", field: "title" });
    expect(parts.find((p) => p.unit === "coordination")?.via).toMatch(/1 of 2 words/);
  });

  it("still prefers the file that matches more query words when match quality is equal", async () => {
    const { top } = await ranked("orlovsky lisbon");
    expect(top[0]!.ref).toBe("KV 2/3");
    expect(top[1]!.ref).toBe("KV 2/4");
  });

  it("never lets a doc's unit score exceed the unit's upper bound", async () => {
    const { index } = await shardIndex(assets);
    for (const q of ["Ivan Zukerman", "orlovsky lisbon", "petrov seaman", "Iwan Sukermann report"]) {
      const plan = await planFor(assets, q, 100);
      const { top } = await scoreShard(index, plan, [], async () => []);
      const postings = await Promise.all(
        plan.units.map((u) =>
          Promise.all(u.alternatives.map((a) => Promise.all(a.terms.map((t) => index.postings(t.term))))),
        ),
      );
      const bounds = plan.units.map((u, k) => unitBound(u, postings[k]!, plan.docs));
      for (const d of top) {
        for (const p of d.parts) {
          const k = plan.units.findIndex((u) => u.text === p.unit);
          if (k >= 0) expect(p.score, `${q}: ${p.unit} in doc ${d.doc}`).toBeLessThanOrEqual(bounds[k]! + 1e-3);
        }
      }
    }
  });
});
