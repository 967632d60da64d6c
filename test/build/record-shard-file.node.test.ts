import { deflateSync, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { layoutRecords, writeRecordStore } from "../../src/indexer/catalogue-assets";
import { AssetWriter } from "../../src/indexer/content-hash";
import { decodeRecordShard, encodeRecordShard } from "../../src/indexer/record-shard-file";
import { catalogueRanks } from "../../src/indexer/reference-order";
import {
  RECORD_SHARD_EXT,
  recordShardPath,
  recordTablePagePath,
  type RecordShardTablePage,
  type RecordTablePages,
} from "../../src/shared/manifest";
import { testRecord } from "../record-fixture";

const records = Array.from({ length: 30 }, (_, i) =>
  testRecord({
    id: `r${i}`,
    reference: `KV 2/${i}`,
    title: `Personal file of agent ${i}, an officer of the OGPU in Paris`,
    description: "Correspondence with the Security Service about his movements in Paris and Berlin. ".repeat(4),
    series: "KV 2",
  }),
);

function built() {
  const layout = layoutRecords(records, { recordShards: 4 });
  const docs = [...layout.docs];
  const out = new AssetWriter();
  const catalogueOrder = catalogueRanks(
    docs.map((r) => r.reference),
    Array.from(layout.shardStarts),
  );
  const manifest = writeRecordStore(layout, { of: (doc) => (doc === 0 ? [[1, "same people"]] : undefined) }, out, {
    catalogueOrder,
  });
  const page = JSON.parse(
    out.files.get(recordTablePagePath(manifest.recordShards.pageList as RecordTablePages, 0)) as string,
  ) as RecordShardTablePage;
  return { docs, out, page };
}

describe("record shard files", () => {
  it("hold each shard's records, related lists included, as zlib-deflated JSON named by their bytes' hash", () => {
    const { docs, out, page } = built();
    const read = page.starts.flatMap((_, i) => {
      const path = recordShardPath(page, page.first + i);
      expect(path).toMatch(new RegExp(`^/records/${i}\\.[0-9a-f]{12}\\.${RECORD_SHARD_EXT}$`));
      const bytes = out.files.get(path) as Uint8Array;
      // zlib's format, not raw deflate or gzip: a header whose check bits make it a multiple of 31.
      expect(((bytes[0]! << 8) | bytes[1]!) % 31).toBe(0);
      const items = decodeRecordShard(path, bytes);
      expect(JSON.parse(inflateSync(bytes).toString())).toEqual(items);
      return items;
    });
    expect(read.map((x) => x.record)).toEqual(docs);
    expect(read[0]!.related).toEqual([[1, "same people"]]);
  });

  it("are smaller than their JSON", () => {
    const items = records.map((record) => ({ record }));
    expect(encodeRecordShard(items).byteLength).toBeLessThan(JSON.stringify(items).length / 3);
  });

  it("refuse cut or damaged bytes, naming the file", () => {
    const bytes = encodeRecordShard(records.slice(0, 3).map((record) => ({ record })));
    expect(() => decodeRecordShard("/records/0.abc.jsonz", bytes.subarray(0, bytes.length - 5))).toThrow(
      /\/records\/0\.abc\.jsonz is not a whole deflated shard/,
    );
    const damaged = Uint8Array.from(bytes);
    damaged[damaged.length - 1]! ^= 0xff;
    expect(() => decodeRecordShard("/records/0.abc.jsonz", damaged)).toThrow(/is not a whole deflated shard/);
    expect(() => decodeRecordShard("/records/0.abc.jsonz", new TextEncoder().encode("[]"))).toThrow(
      /not a whole deflated shard/,
    );
    expect(() => decodeRecordShard("/records/0.abc.jsonz", deflateSync("[{"))).toThrow(
      /\/records\/0\.abc\.jsonz inflates to text that is not JSON/,
    );
    expect(() => decodeRecordShard("/records/0.abc.jsonz", deflateSync("{}"))).toThrow(/does not hold a list/);
  });
});
