import { describe, expect, it } from "vitest";
import { layoutRecords, shardStartsOf, writeRecordStore } from "../../src/indexer/catalogue-assets";
import { AssetWriter } from "../../src/indexer/content-hash";
import { catalogueRanks } from "../../src/indexer/reference-order";
import { shardOf } from "../../src/shared/hash";
import {
  RECORD_TABLE_ROOT_PAGES,
  recordTablePagePath,
  type RecordShardTablePage,
  type RecordTablePages,
} from "../../src/shared/manifest";
import { testRecord } from "../record-fixture";

/** `records` laid out in `shards` record shards and written as a record store whose table pages hold `perPage`. */
function recordStoreOf(records: ReturnType<typeof testRecord>[], shards: number, perPage: number) {
  const layout = layoutRecords(records, { recordShards: shards });
  const docs = [...layout.docs];
  const out = new AssetWriter();
  const catalogueOrder = catalogueRanks(
    docs.map((r) => r.reference),
    Array.from(layout.shardStarts),
  );
  const manifest = writeRecordStore(layout, { of: () => undefined }, out, { catalogueOrder, perPage });
  return { layout, docs, out, manifest };
}

describe("a layout's record shards, held as where each begins", () => {
  it("starts an empty shard where the next one does, and empty last shards at the doc count", () => {
    const shards = [1, 1, 3, 3, 3, 4];
    expect([...shardStartsOf(shards.length, (d) => shards[d]!, 7)]).toEqual([0, 0, 2, 2, 5, 6, 6, 6]);
    expect([...shardStartsOf(0, () => 0, 2)]).toEqual([0, 0, 0]);
  });

  it("refuses docs that are not shard by shard, naming the doc and its shard", () => {
    const shards = [0, 2, 1];
    expect(() => shardStartsOf(3, (d) => shards[d]!, 3)).toThrow(/doc 2 is in record shard 1, after one in 2/);
    expect(() => shardStartsOf(2, (d) => d * 3, 3)).toThrow(/doc 1 is in record shard 3/);
    expect(() => shardStartsOf(1, () => -1, 3)).toThrow(/doc 0 is in record shard -1/);
  });

  it("gives the record table each record in the shard its id hashes to, with shards left empty", () => {
    const records = Array.from({ length: 40 }, (_, i) =>
      testRecord({ id: `r${i}`, reference: `KV 2/${i}`, title: `File ${i}`, series: "KV 2" }),
    );
    // More shards than records: some are empty, some hold several.
    const { layout, docs, out, manifest } = recordStoreOf(records, 64, 16);
    // 4 pages of 16 shards: few enough for the page list to be in the root.
    const list = manifest.recordShards.pageList as RecordTablePages;
    expect(list.starts.length).toBe(4);
    const starts = list.starts.flatMap(
      (_, p) => (JSON.parse(out.files.get(recordTablePagePath(list, p)) as string) as RecordShardTablePage).starts,
    );
    expect(starts).toEqual([...layout.shardStarts.subarray(0, 64)]);
    expect(starts.some((s, k) => starts[k + 1] === s)).toBe(true);
    docs.forEach((r, doc) => {
      const s = shardOf(r.id, 64);
      expect(doc).toBeGreaterThanOrEqual(layout.shardStarts[s]!);
      expect(doc).toBeLessThan(layout.shardStarts[s + 1]!);
    });
  });

  it("lists the table's pages in a file of their own past the root's share, so the root stays one size", () => {
    const records = Array.from({ length: 80 }, (_, i) =>
      testRecord({ id: `r${i}`, reference: `KV 2/${i}`, title: `File ${i}`, series: "KV 2" }),
    );
    const rootBytes = (pages: number) => {
      const { out, manifest: m } = recordStoreOf(records, pages, 1);
      return { m, out, bytes: JSON.stringify(m.recordShards).length };
    };
    const small = rootBytes(RECORD_TABLE_ROOT_PAGES);
    expect(typeof small.m.recordShards.pageList).toBe("object");
    const big = rootBytes(RECORD_TABLE_ROOT_PAGES + 1);
    const bigger = rootBytes(4 * RECORD_TABLE_ROOT_PAGES);
    expect(big.m.recordShards.pageList).toMatch(/^\/records\/table-pages\.[0-9a-f]{12}\.json$/);
    expect(bigger.bytes).toBe(big.bytes);
    const list = JSON.parse(
      bigger.out.files.get(bigger.m.recordShards.pageList as string) as string,
    ) as RecordTablePages;
    expect(list.starts).toHaveLength(4 * RECORD_TABLE_ROOT_PAGES);
    for (let p = 0; p < list.starts.length; p++) {
      const page = JSON.parse(bigger.out.files.get(recordTablePagePath(list, p)) as string) as RecordShardTablePage;
      expect(page.first).toBe(p);
      expect(page.starts[0]).toBe(list.starts[p]);
    }
  });
});
