import { describe, expect, it } from "vitest";
import { SHARD_TARGET_BYTES, SINGLE_SHARD_MAX_BYTES, searchShardCount } from "../../src/indexer/search-assets";

const MiB = 1024 * 1024;

describe("how many search shards a build makes", () => {
  it("keeps a catalogue that fits one isolate in one shard, scored without a Durable Object", () => {
    // About what 100k synthetic records estimate: over one shard target, within the single-shard limit.
    expect(searchShardCount(100 * MiB, 100_000)).toBe(1);
    expect(searchShardCount(SINGLE_SHARD_MAX_BYTES, 125_000)).toBe(1);
  });

  it("splits a larger catalogue into shards of about the target size", () => {
    expect(searchShardCount(SINGLE_SHARD_MAX_BYTES + 1, 130_000)).toBe(3);
    // About what a million synthetic records estimate.
    expect(searchShardCount(1000 * MiB, 1_000_000)).toBe(Math.ceil((1000 * MiB) / SHARD_TARGET_BYTES));
  });

  it("never makes more shards than records, nor fewer than one", () => {
    expect(searchShardCount(10_000 * MiB, 3)).toBe(3);
    expect(searchShardCount(0, 0)).toBe(1);
  });
});
