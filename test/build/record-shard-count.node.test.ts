import { describe, expect, it } from "vitest";
import { recordShardCount } from "../../src/indexer/catalogue-assets";
import {
  MAX_PACKED_RECORD_SHARDS,
  MAX_RECORD_SHARD_FILES,
  PACKED_SHARD_MAX_RECORDS,
  RECORD_SHARD_TARGET_BYTES,
} from "../../src/shared/manifest";

// A synthetic record counts about 1.1 KB toward the layout (recordLayoutBytes).
const bytesOf = (records: number) => records * 1100;

describe("how many record shards a catalogue gets", () => {
  it("aims each shard at the target bytes while a catalogue is small, packed or not", () => {
    const records = 100_000;
    const expected = Math.ceil(bytesOf(records) / RECORD_SHARD_TARGET_BYTES);
    expect(recordShardCount(bytesOf(records), records, {})).toBe(expected);
    expect(recordShardCount(bytesOf(records), records, { packed: true })).toBe(expected);
  });

  it("gives a million records the same shards packed or not: the file cap keeps them small enough", () => {
    const records = 1_000_000;
    const unpacked = recordShardCount(bytesOf(records), records, {});
    expect(unpacked).toBeLessThanOrEqual(MAX_RECORD_SHARD_FILES);
    expect(recordShardCount(bytesOf(records), records, { packed: true })).toBe(unpacked);
  });

  it("keeps an unpacked build of ten million records within the file cap, in shards of over 300 records", () => {
    const records = 10_000_000;
    const shards = recordShardCount(bytesOf(records), records, {});
    expect(shards).toBeLessThanOrEqual(MAX_RECORD_SHARD_FILES);
    expect(records / shards).toBeGreaterThan(300);
  });

  it("stops a packed build's shards growing at the most records a shard holds, while the shard table allows", () => {
    const tenMillion = recordShardCount(bytesOf(10_000_000), 10_000_000, { packed: true });
    expect(tenMillion).toBe(Math.ceil(10_000_000 / PACKED_SHARD_MAX_RECORDS));
    const hundredMillion = recordShardCount(bytesOf(100_000_000), 100_000_000, { packed: true });
    expect(hundredMillion).toBe(MAX_PACKED_RECORD_SHARDS);
  });

  it("takes a forced count as given", () => {
    expect(recordShardCount(bytesOf(1_000_000), 1_000_000, { recordShards: 7, packed: true })).toBe(7);
  });
});
