/**
 * Typeahead partitions stay small however many keys share a prefix and however many records share a key: a
 * prefix splits at any depth (a build once stopped splitting at six characters, and at 10M records "activi" was
 * one 38.9 MB partition, past the 25 MiB asset limit), and a key keeps its best SUGGEST_KEY_KIND_MAX entries of
 * each kind. Lookups walk the deeper splits and answer as a scan of every record would.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stageCatalogue } from "../../src/indexer/build-catalogue";
import { AssetWriter } from "../../src/indexer/content-hash";
import { DocFile } from "../../src/indexer/doc-file";
import { buildSuggest, SUGGEST_KEY_KIND_MAX } from "../../src/indexer/suggest-assets";
import { decodeSuggestPartition, type SuggestPartitionFile } from "../../src/shared/index-format";
import type { CatalogueRecord } from "../../src/shared/record";
import { CHUNKING } from "../../src/shared/search-config";
import { SuggestService } from "../../src/worker/search/suggest-service";
import { testRecord } from "../record-fixture";
import { diskAssets } from "./local-index";

const root = mkdtempSync(join(tmpdir(), "dossier-suggest-partitions-"));
afterAll(() => rmSync(root, { recursive: true, force: true }), 30_000);

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
/** A made-up surname for `i`: three letters from it, so 26³ stay distinct. */
const nameOf = (i: number) =>
  `${LETTERS[i % 26]}${LETTERS[Math.floor(i / 26) % 26]}${LETTERS[Math.floor(i / 676) % 26]}ovitch`;

/**
 * Titles sharing their first 20 characters ("Activities of agent "), 3,000 of them, more than a partition holds;
 * and 1,200 titles with one four-word key ("minutes of the meeting"), more than a key keeps.
 */
const AGENTS = 3000;
const MEETINGS = 1200;
const records: CatalogueRecord[] = [
  ...Array.from({ length: AGENTS }, (_, i) =>
    testRecord({
      id: `kv-2-${i + 1}`,
      reference: `KV 2/${i + 1}`,
      title: `Activities of agent ${nameOf(i)}`,
      series: "KV 2",
    }),
  ),
  ...Array.from({ length: MEETINGS }, (_, i) =>
    testRecord({
      id: `cab-1-${i + 1}`,
      reference: `CAB 1/${i + 1}`,
      title: `Minutes of the meeting no. ${i + 1}`,
      series: "CAB 1",
    }),
  ),
];

describe("typeahead partitions", () => {
  let dir: Record<string, string>;
  let files: Map<string, string | Uint8Array>;
  beforeAll(() => {
    const docs = DocFile.write(join(root, "docs.jsonl"), records, records.length);
    const out = new AssetWriter();
    dir = buildSuggest(docs, out);
    files = out.files;
    docs.remove();
  });
  const partition = (path: string) =>
    decodeSuggestPartition(JSON.parse(String(files.get(path))) as SuggestPartitionFile);

  it("split past six characters, so no partition holds more than the cap unless its keys are one key", () => {
    expect(Object.keys(dir).some((k) => k.endsWith("*") && k.length > 7)).toBe(true);
    let largest = 0;
    for (const [prefix, path] of Object.entries(dir)) {
      if (prefix.endsWith("*")) continue;
      const list = partition(path);
      const keys = new Set(Array.from({ length: list.length }, (_, j) => list.key(j)));
      if (keys.size > 1) expect(list.length, prefix).toBeLessThanOrEqual(CHUNKING.suggestPartitionMax);
      largest = Math.max(largest, list.length);
    }
    expect(largest).toBeLessThanOrEqual(4 * SUGGEST_KEY_KIND_MAX);
  });

  it("keep a key's best entries of a kind, shortest first where they weigh the same, and drop the rest", () => {
    const key = "minutes of the meeting";
    const path = Object.entries(dir).find(([p]) => !p.endsWith("*") && key.startsWith(p))?.[1];
    const list = partition(path!);
    const texts: string[] = [];
    for (let j = 0; j < list.length; j++) if (list.key(j) === key) texts.push(list.entry(j)[1]);
    expect(texts).toHaveLength(SUGGEST_KEY_KIND_MAX);
    // The 1,000 shortest are meetings 1 to 999 and one of the four-digit ones: 1000, first seen of them.
    expect(new Set(texts)).toEqual(
      new Set(Array.from({ length: SUGGEST_KEY_KIND_MAX }, (_, i) => `Minutes of the meeting no. ${i + 1}`)),
    );
  });
});

describe("typeahead over partitions split deep", () => {
  let suggest: SuggestService;
  beforeAll(() => {
    const data = join(root, "data");
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, "records.jsonl"), records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const out = join(root, "assets");
    stageCatalogue({ dataDirs: [data], outDir: out }).publish();
    suggest = new SuggestService(diskAssets(out));
  }, 120_000);

  /**
   * Every title whose words start with the typed words, as a scan ranks them: shortest first, then by key (its
   * first four words), then in catalogue order.
   */
  const scanned = (typed: string, limit: number) => {
    const keyOf = (t: string) => t.toLowerCase().split(" ").slice(0, 4).join(" ");
    return records
      .map((r, i) => [r.title, keyOf(r.title), i] as const)
      .filter(([t]) => t.toLowerCase().startsWith(typed))
      .sort((a, b) => a[0].length - b[0].length || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] - b[2]))
      .slice(0, limit)
      .map(([t]) => t);
  };

  it("find every title under a prefix split many characters deep", async () => {
    for (const typed of [
      "activities of agent b",
      "activities of agent bc",
      "activities of agent bcd",
      "activities of agent",
    ]) {
      const got = await suggest.suggest(typed, 20, new Set(["title"]));
      expect(
        got.map((s) => s.text),
        typed,
      ).toEqual(scanned(typed, 20));
    }
  });

  it("take a trailing space at a split prefix as a whole word: the word's keys, never longer words", async () => {
    // "activities of agent" is split (3,000 keys under it): its keys going on with a space are under the split.
    const whole = await suggest.suggest("activities of agent ", 20, new Set(["title"]));
    expect(whole.map((s) => s.text)).toEqual(scanned("activities of agent ", 20));
    expect(await suggest.suggest("activities of agen ", 20, new Set(["title"]))).toEqual([]);
  });

  it("rank a key's kept entries first, as if none had been dropped", async () => {
    // Within a length the key's entries tie, in the build's own record order: the texts must be of the lengths a
    // scan gives, each a different meeting.
    const typed = "minutes of the meeting";
    const got = (await suggest.suggest(typed, 20, new Set(["title"]))).map((s) => s.text);
    expect(got.map((t) => t.length)).toEqual(scanned(typed, 20).map((t) => t.length));
    expect(new Set(got).size).toBe(20);
    for (const t of got) expect(t.toLowerCase().startsWith(typed), t).toBe(true);
  });
});
