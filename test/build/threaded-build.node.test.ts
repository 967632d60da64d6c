/**
 * `npm run build` runs the passes over the records that do not need the search index (people, typeahead,
 * volumes, related records, the record store) on a worker thread beside the search index
 * (catalogue-wide-worker.ts). What it publishes must be the one-thread build's, file for file and byte for byte.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { syntheticCorpus, writeJsonl } from "../../scripts/bench/synthetic-catalogue";
import { publishedFileHashes } from "../../scripts/lib/published-files";
import { stageCatalogue, stageCatalogueParallel, type BuildOptions } from "../../src/indexer/build-catalogue";
import { startRecordPasses } from "../../src/indexer/catalogue-wide-worker";
import { AssetWriter } from "../../src/indexer/content-hash";
import { LineWriter } from "../../src/indexer/doc-file";
import type { CatalogueRecord } from "../../src/shared/record";

const root = mkdtempSync(join(tmpdir(), "dossier-threaded-build-"));
afterAll(() => rmSync(root, { recursive: true, force: true }), 30_000);

describe("a build with the record passes on a worker thread", () => {
  it("publishes exactly what the one-thread build publishes, sharded or not, packed or not", async () => {
    const data = join(root, "data");
    await writeJsonl(syntheticCorpus(2500), join(data, "records.jsonl"));
    for (const [name, extra] of [
      ["one-shard", {}],
      ["three-shards", { searchShards: 3, recordShards: 40, packs: false }],
      // The passes after the plan on a fresh worker, the first having ended (as when it is done before the plan).
      ["fresh-worker", { searchShards: 2, afterPlanWorker: "fresh" }],
      ["same-worker", { afterPlanWorker: "same" }],
    ] as Array<[string, Partial<BuildOptions>]>) {
      const options = (out: string): BuildOptions => ({
        dataDirs: [data],
        outDir: join(root, name, out, "assets"),
        packs: true,
        ...extra,
      });
      const serial = stageCatalogue(options("serial"));
      const lines: string[] = [];
      const threaded = await stageCatalogueParallel({ ...options("threaded"), log: (l) => lines.push(l) });
      // The passes did run on the worker, not on this thread.
      const worker = lines.find((l) => l.startsWith("worker thread:")) ?? "";
      expect(worker).toContain("people, typeahead, volumes");
      // Waiting for the plan is a pass of the first worker only when it goes on after the plan itself.
      if (extra.afterPlanWorker) expect(worker.includes("waiting for the plan")).toBe(extra.afterPlanWorker === "same");
      expect(threaded.result.manifest.version).toBe(serial.result.manifest.version);
      const a = publishedFileHashes(serial.publish());
      const b = publishedFileHashes(threaded.publish());
      expect(a.size).toBeGreaterThan(20);
      expect([...b.keys()]).toEqual([...a.keys()]);
      for (const [path, hash] of a) expect(b.get(path), path).toBe(hash);
    }
  }, 300_000);
});

describe("a worker thread that fails", () => {
  it("is heard of between the main thread's shards, with its error, not only when the build waits for it", async () => {
    const dir = join(root, "failing");
    mkdirSync(dir, { recursive: true });
    const writer = new LineWriter<CatalogueRecord>(join(dir, "docs.jsonl"));
    for (const r of syntheticCorpus(50).records()) writer.append(JSON.stringify(r));
    const docs = writer.finish();
    const layout = { docs, shardStarts: Uint32Array.of(0, docs.length), shardCount: 1 };
    // The docs file gone (a full disk or a stray clean-up would do as much): the worker's first read fails.
    docs.remove();
    const passes = startRecordPasses(layout, new AssetWriter(dir));
    let heard: unknown;
    for (let turns = 0; turns < 2_000 && heard === undefined; turns++) {
      await passes.check().catch((e: unknown) => {
        heard = e;
      });
      if (heard === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    expect(String(heard)).toMatch(/ENOENT.*docs\.jsonl/);
    await expect(passes.done()).rejects.toThrow(/ENOENT/);
  }, 60_000);
});

/**
 * A `node` on the PATH other than the project's own (node_modules/.bin, which npm scripts put first): the one a
 * user gets running the build by hand. Null when there is none.
 */
function systemNode(): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir || dir.includes("node_modules")) continue;
    const bin = join(dir, "node");
    if (existsSync(bin)) return bin;
  }
  return null;
}

describe("a threaded build started by hand", () => {
  const node = systemNode();
  it.skipIf(!node)(
    "runs its worker thread under the system's Node too (`node --import tsx scripts/build.ts --threads`)",
    async () => {
      const data = join(root, "by-hand-data");
      const out = join(root, "by-hand", "assets");
      mkdirSync(data, { recursive: true });
      await writeJsonl(syntheticCorpus(200), join(data, "records.jsonl"));
      const run = spawnSync(
        node!,
        ["--import", "tsx", "scripts/build.ts", "--data", data, "--out", out, "--threads", "--quiet"],
        { cwd: resolve(import.meta.dirname, "../.."), encoding: "utf8" },
      );
      const version = spawnSync(node!, ["--version"], { encoding: "utf8" }).stdout.trim();
      expect(run.stderr + run.stdout, `under ${node} ${version}`).not.toMatch(/failed|Unknown file extension/);
      expect(run.status).toBe(0);
      expect(existsSync(join(out, "manifest.json"))).toBe(true);
    },
    120_000,
  );
});
