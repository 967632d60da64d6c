/**
 * The build's memory: its chunks go to disk as they are made (only names and sizes stay in memory), and
 * `npm run build -- --memory MB` runs it under a heap limit derived from that budget.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AssetWriter } from "../../src/indexer/content-hash";
import { heapLimitMb, semiSpaceMb, threadHeapsMb, WORKER_SEMI_SPACE_MB } from "../../scripts/lib/build-memory";
import { buildCommand } from "../../scripts/lib/build-command";
import { buildOutput } from "./build-output";

const root = mkdtempSync(join(tmpdir(), "dossier-build-memory-"));
afterAll(() => rmSync(root, { recursive: true, force: true }), 30_000);

describe("a spilling asset writer", () => {
  it("writes each chunk whole under its content-hashed name and keeps only its size", () => {
    const out = new AssetWriter(join(root, "spill"));
    const path = out.addJson("records", "0", [{ id: "kv-2-1", title: "Ünïcode" }]);
    expect(out.files.size).toBe(0);
    expect(out.spilled.get(path)).toBe(Buffer.byteLength(readFileSync(join(root, "spill", path))));
    expect(JSON.parse(readFileSync(join(root, "spill", path), "utf8"))).toEqual([{ id: "kv-2-1", title: "Ünïcode" }]);
    expect(out.paths()).toEqual([path]);
    expect(out.totalBytes()).toBe(out.spilled.get(path));
  });
});

describe("npm run build -- --memory", () => {
  it("runs the build under the heap limit its budget gives, and says so", async () => {
    const output = await buildOutput("--data", "test/fixtures/ingest", "--out", join(root, "out"), "--memory", "512");
    expect(output).toMatch(new RegExp(`--memory 512 MB, old space ${heapLimitMb(512)} MB`));
    // Relaunched with a collection to call between its big steps (collect-garbage.ts).
    expect(output).toMatch(/\(heap limit \d+ MB\), collected between steps, peak RSS/);
  }, 120_000);

  it("splits the budget's heap between the two threads of a threaded build", async () => {
    const heaps = threadHeapsMb(512);
    expect(heaps.main + heaps.worker).toBeLessThanOrEqual(512);
    const output = await buildOutput(
      ...["--data", "test/fixtures/ingest", "--out", join(root, "threads"), "--memory", "512", "--threads"],
    );
    expect(output).toMatch(new RegExp(`--memory 512 MB, old space ${heaps.main} MB`));
    // V8's heap limit is the old generation's plus the young generation's.
    const worker = Number(/worker heap limit (\d+) MB/.exec(output)?.[1]);
    expect(worker).toBeGreaterThanOrEqual(heaps.worker);
    expect(worker).toBeLessThan(heaps.worker + 128);
  }, 120_000);

  it("gives the worker thread a young generation of V8's default size, smaller than the main thread's", async () => {
    const heaps = threadHeapsMb(1024);
    const output = await buildOutput(
      ...["--data", "test/fixtures/ingest", "--out", join(root, "young"), "--memory", "1024", "--threads"],
    );
    // V8's heap limit is the old generation's plus the young generation's: three semi-spaces.
    const main = /old space (\d+) MB \(heap limit (\d+) MB\)/.exec(output);
    expect(Number(main?.[2]) - Number(main?.[1])).toBe(3 * semiSpaceMb(1024));
    const worker = Number(/worker heap limit (\d+) MB/.exec(output)?.[1]);
    expect(worker - heaps.worker).toBe(3 * WORKER_SEMI_SPACE_MB);
    expect(WORKER_SEMI_SPACE_MB).toBeLessThan(semiSpaceMb(1024));
  }, 120_000);

  it("refuses a budget that is not a whole number of MB", async () => {
    const [node, argv] = buildCommand("--data", "test/fixtures/ingest", "--out", join(root, "bad"), "--memory", "lots");
    const code = await new Promise<number | null>((done) => spawn(node, argv, { stdio: "ignore" }).on("exit", done));
    expect(code).not.toBe(0);
  }, 60_000);
});
