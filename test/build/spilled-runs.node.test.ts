/**
 * What a build gathers over the whole catalogue in sorted runs spilled to disk (sorted-runs.ts) comes out the same
 * whatever the block size: the typeahead and related records, whose entries and features a build never holds all
 * at once.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { syntheticCorpus } from "../../scripts/bench/synthetic-catalogue";
import { AssetWriter } from "../../src/indexer/content-hash";
import { DocFile } from "../../src/indexer/doc-file";
import { buildPeople } from "../../src/indexer/people-assets";
import { buildRelated } from "../../src/indexer/related-records";
import { planSearch } from "../../src/indexer/search-assets";
import { premerges, SpilledRuns } from "../../src/indexer/sorted-runs";
import { buildSuggest } from "../../src/indexer/suggest-assets";
import type { CatalogueRecord } from "../../src/shared/record";
import { CHUNKING } from "../../src/shared/search-config";
import { words } from "../../src/shared/text/fold";

const root = mkdtempSync(join(tmpdir(), "dossier-spilled-runs-"));
afterAll(() => rmSync(root, { recursive: true, force: true }), 30_000);

describe("values gathered in sorted runs", () => {
  it("come back once per key, in key order, combined in the order they were added", () => {
    // Blocks of 3 keys and runs merged 2 at a time: every path (spill, merge of runs, the block last) is taken.
    const runs = new SpilledRuns<string[]>(
      join(root, "runs"),
      3,
      (into, more) => {
        into.push(...more);
      },
      2,
    );
    const keys = ["b", "a", "b", "c", "a", "d", "b", "\u00e9", "a", "Z", "b"];
    for (const [i, k] of keys.entries()) runs.add(k, [`${k}${i}`]);
    expect([...runs.sorted()]).toEqual([
      ["Z", ["Z9"]],
      ["a", ["a1", "a4", "a8"]],
      ["b", ["b0", "b2", "b6", "b10"]],
      ["c", ["c3"]],
      ["d", ["d5"]],
      ["\u00e9", ["\u00e97"]],
    ]);
    expect(readdirSync(root).filter((n) => n.startsWith("runs"))).toEqual([]);
  });

  it("are merged only at the end, and then only as many as bring the final merge to the fan-in", () => {
    // Blocks of 2 keys, 3 runs a merge at most: 40 spills take several rounds of merges before the final one.
    const runs = new SpilledRuns<number[]>(
      join(root, "fan-in"),
      2,
      (into, more) => {
        into.push(...more);
      },
      3,
    );
    const expected = new Map<string, number[]>();
    for (let i = 0; i < 80; i++) {
      const key = `k${(i * 37) % 23}`;
      runs.add(key, [i]);
      expected.set(key, [...(expected.get(key) ?? []), i]);
    }
    expect(runs.runCount).toBe(40);
    expect(readdirSync(root).filter((n) => n.startsWith("fan-in"))).toHaveLength(40);
    expect([...runs.sorted()]).toEqual([...expected].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    expect(readdirSync(root).filter((n) => n.startsWith("fan-in"))).toEqual([]);
  });

  it("plan the fewest merges of the fewest runs that leave at most the fan-in for the last merge", () => {
    expect(premerges(512, 512)).toEqual([]);
    // One run too many: its two oldest merged.
    expect(premerges(513, 512)).toEqual([[[0, 2]]]);
    // A 10M typeahead's 553 runs: the oldest 42 merged into one, not 512 of them.
    expect(premerges(553, 512)).toEqual([[[0, 42]]]);
    // Three times the fan-in: two full merges and a part, then the final merge reads exactly the fan-in.
    expect(premerges(1536, 512)).toEqual([
      [
        [0, 512],
        [512, 1024],
        [1024, 1027],
      ],
    ]);
    // Past the fan-in squared, a second round over what the first left.
    const rounds = premerges(40, 3);
    let runs = 40;
    for (const round of rounds) {
      let at = 0;
      for (const [from, to] of round) {
        expect(from).toBeGreaterThanOrEqual(at);
        expect(to - from).toBeGreaterThanOrEqual(2);
        expect(to - from).toBeLessThanOrEqual(3);
        runs -= to - from - 1;
        at = to;
      }
    }
    expect(rounds.length).toBeGreaterThan(1);
    expect(runs).toBe(3);
    expect(() => premerges(10, 1)).toThrow(/sorted-runs: a fan-in of 1/);
  });
});

describe("the typeahead built from sorted runs", () => {
  it("is the same files and directory for any block size, with partitions split and spilled blocks merged", () => {
    const records = [...syntheticCorpus(1500).records()];
    const docs = DocFile.write(join(root, "docs.jsonl"), records, records.length);
    const build = (blockEntries?: number) => {
      const out = new AssetWriter();
      const { canonical } = buildPeople(docs, new AssetWriter());
      const dir = buildSuggest(docs, out, canonical, blockEntries);
      return { dir, files: [...out.files].sort((a, b) => (a[0] < b[0] ? -1 : 1)) };
    };
    const whole = build();
    // Partitions were split (some over suggestPartitionMax entries), so the split path ran.
    expect(Object.keys(whole.dir).some((k) => k.endsWith("*"))).toBe(true);
    expect(CHUNKING.suggestPartitionMax).toBeLessThan(records.length * 10);
    for (const blockEntries of [97, 5000]) {
      const spilled = build(blockEntries);
      expect(Object.entries(spilled.dir)).toEqual(Object.entries(whole.dir));
      expect(spilled.files).toEqual(whole.files);
    }
    // Runs and the sorted list are scratch: none is left beside the docs.
    expect(readdirSync(root).filter((n) => n.startsWith(".dossier-runs-"))).toEqual([]);
    docs.remove();
  }, 120_000);
});

describe("related records found from features gathered in sorted runs", () => {
  it("are the same for any block size, a doc's features split across blocks counted once", () => {
    const records = [...syntheticCorpus(1200).records()];
    const docs = DocFile.write(join(root, "related-docs.jsonl"), records, records.length);
    const plan = planSearch({ docs, shardStarts: Uint32Array.of(0, records.length), shardCount: 1 }, {});
    const lists = (blockEntries?: number) => {
      const related = buildRelated(docs, plan.titleTags, blockEntries);
      const lists = records.map((_, d) => related.of(d) ?? null);
      related.remove();
      return lists;
    };
    const whole = lists();
    expect(whole.filter(Boolean).length).toBeGreaterThan(records.length / 2);
    for (const blockEntries of [7, 1000]) expect(lists(blockEntries)).toEqual(whole);
    // And they are what every feature in one map gives, ties for the reason shown settled as the record orders them.
    const tags = records.map((_, d) => plan.titleTags.of(d));
    expect(whole).toEqual(relatedByMap(records, tags));
    expect(whole.flat().filter((x) => x?.[1].startsWith("shared word")).length).toBeGreaterThan(100);
    plan.titleTags.remove();
    expect(readdirSync(root).filter((n) => n.startsWith(".dossier-runs-"))).toEqual([]);
    docs.remove();
  }, 120_000);
});

/**
 * Related records the plain way, as buildRelated once found them: every feature in one map, and each doc's features
 * looked up again in the order its record gives them, adding up scores in that order.
 */
function relatedByMap(records: readonly CatalogueRecord[], tags: readonly string[][]) {
  const weight = { person: 3, organisation: 2, place: 1, term: 1 };
  const keysOf = (r: CatalogueRecord, d: number) => {
    const keys = new Map<string, string>();
    const add = (key: string, shown: string) => keys.has(key) || keys.set(key, shown);
    for (const p of r.people) add(`person:${words(p).join(" ")}`, `person: ${p}`);
    for (const o of r.corporateNames) add(`organisation:${words(o).join(" ")}`, `organisation: ${o}`);
    for (const p of r.places) add(`place:${words(p).join(" ")}`, `place: ${p}`);
    for (const t of tags[d]!) if (t.length > 3 && !/^\d+$/.test(t)) add(`term:${t}`, `shared word: ${t}`);
    return keys;
  };
  const features = new Map<string, { shown: string; docs: number[] }>();
  records.forEach((r, d) => {
    for (const [key, shown] of keysOf(r, d)) {
      const f = features.get(key) ?? features.set(key, { shown, docs: [] }).get(key)!;
      f.docs.push(d);
    }
  });
  const n = records.length;
  return records.map((r, d) => {
    const scores = new Map<number, { s: number; why: string; best: number }>();
    for (const key of keysOf(r, d).keys()) {
      const { shown, docs } = features.get(key)!;
      if (docs.length < 2 || docs.length > 60) continue;
      const w = weight[key.slice(0, key.indexOf(":")) as keyof typeof weight] * Math.log(1 + n / docs.length);
      for (const other of docs) {
        if (other === d) continue;
        const s = scores.get(other) ?? { s: 0, why: "", best: 0 };
        s.s += w;
        if (w > s.best) [s.best, s.why] = [w, shown];
        scores.set(other, s);
      }
    }
    const top = [...scores].sort((a, b) => b[1].s - a[1].s || a[0] - b[0]).slice(0, 8);
    return top.length ? top.map(([o, s]) => [o, s.why]) : null;
  });
}
