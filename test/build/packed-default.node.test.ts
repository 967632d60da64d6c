/**
 * `npm run build` packs its chunks by default, so a catalogue's file count grows slowly with it; `--no-packs`
 * writes every chunk as a file of its own. The default memory budget applies to data big enough to need one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildOutput } from "./build-output";
import {
  BUDGET_MIN_DATA_BYTES,
  DEFAULT_MEMORY_MB,
  MEMORY_PER_DATA_BYTE,
  defaultBudget,
} from "../../scripts/lib/build-memory";
import { walk } from "../../src/indexer/build-catalogue";
import { builtRecordShardPaths, readBuiltManifest, readBuiltRecordShard } from "../../src/indexer/build-folders";
import { isPackedPath } from "../../src/shared/pack-index";

const root = mkdtempSync(join(tmpdir(), "dossier-packed-default-"));
afterAll(() => rmSync(root, { recursive: true, force: true }), 30_000);

function build(...args: string[]): Promise<string> {
  return buildOutput("--data", "test/fixtures/ingest", ...args);
}

describe("npm run build", () => {
  it("packs the chunks by default, and every record shard reads back through the pack directory", async () => {
    const out = join(root, "packed");
    await build("--out", out);
    const m = readBuiltManifest(out)!;
    expect(m.packs).toBeDefined();
    // What stays a file of its own in the packed folders is only what isPackedPath keeps out of packs.
    const files = walk(out).map((f) => f.slice(out.length));
    const inPackedDirs = files.filter((f) => /^\/(records|search|series)\//.test(f));
    expect(inPackedDirs.length).toBeGreaterThan(0);
    expect(inPackedDirs.filter((f) => isPackedPath(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".pack")).length).toBeGreaterThan(0);
    const shards = builtRecordShardPaths(out, m);
    const records = shards.flatMap((p) => readBuiltRecordShard(out, m, p));
    expect(records).toHaveLength(m.records);
  }, 120_000);

  it("writes every chunk as a file of its own with --no-packs", async () => {
    const out = join(root, "unpacked");
    await build("--out", out, "--no-packs");
    const m = readBuiltManifest(out)!;
    expect(m.packs).toBeUndefined();
    expect(walk(out).some((f) => f.slice(out.length).startsWith("/records/"))).toBe(true);
  }, 120_000);
});

describe("the default memory budget", () => {
  it("is none for small data, 2,048 MB for data up to its share, and the data's estimated need past that", () => {
    expect(defaultBudget(BUDGET_MIN_DATA_BYTES - 1)).toBeNull();
    expect(defaultBudget(100 * 2 ** 20)?.mb).toBe(DEFAULT_MEMORY_MB);
    expect(defaultBudget(2 ** 30)?.mb).toBe(DEFAULT_MEMORY_MB);
    expect(defaultBudget(4 * 2 ** 30)?.mb).toBe(4096 * MEMORY_PER_DATA_BYTE);
  });
});
