/**
 * A build's chunks bound for packs are appended to one scratch file per writer (content-hash.ts), the worker
 * thread's too: the main thread adopts what the worker handed over and packs it with its own.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AssetWriter } from "../../src/indexer/content-hash";

const root = mkdtempSync(join(tmpdir(), "dossier-asset-writer-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const packable = (path: string) => path.startsWith("/records/");
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

describe("chunks appended by one writer and adopted by another", () => {
  it("are read, listed, counted and removed by the writer that adopts them", () => {
    // A build's staging folder, which exists before any chunk is written.
    const dir = join(root, "one");
    mkdirSync(dir);
    const worker = new AssetWriter(dir, { path: join(dir, ".worker.bin"), packable });
    const main = new AssetWriter(dir, { path: join(dir, ".main.bin"), packable });
    const a = worker.add("records", "0", "json", '["first"]');
    const b = worker.add("records", "1", "json", '["second"]');
    const table = worker.add("search", "table", "json", "{}");
    const first = worker.handOver()!;
    // Appends go on after a hand-over, and the next hand-over carries only them.
    const c = worker.add("records", "2", "json", '["third"]');
    const second = worker.handOver()!;
    worker.closeAppended();
    expect(first.chunks.map(([path]) => path)).toEqual([a, b]);
    expect(second.chunks.map(([path]) => path)).toEqual([c]);
    // What is not bound for packs is a file of its own, as before.
    expect(worker.spilled.has(table)).toBe(true);

    const own = main.add("records", "3", "json", '["fourth"]');
    main.adopt(first);
    main.adopt(second);
    expect([...main.appendedChunks()].map(([path]) => path).sort()).toEqual([a, b, c, own].sort());
    expect(main.size).toBe(4);
    expect(main.totalBytes()).toBe('["first"]["second"]["third"]["fourth"]'.length);
    expect(text(main.readAppended(b))).toBe('["second"]');
    expect(text(main.readAppended(c))).toBe('["third"]');
    expect(text(main.readAppended(own))).toBe('["fourth"]');

    main.removeAppended();
    expect(existsSync(join(dir, ".worker.bin"))).toBe(false);
    expect(existsSync(join(dir, ".main.bin"))).toBe(false);
    expect([...main.appendedChunks()]).toEqual([]);
    expect(() => main.readAppended(a)).toThrow(/was not appended/);
  });

  it("hand over nothing when the writer does not append", () => {
    const writer = new AssetWriter(join(root, "two"));
    writer.add("records", "0", "json", "[]");
    expect(writer.handOver()).toBeNull();
  });
});
