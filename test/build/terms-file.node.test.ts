/**
 * The terms file: each doc's packed terms framed by their length, with a place noted every 64 docs, read back a
 * range at a time by the search shards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TermsFile } from "../../src/indexer/terms-file";

const root = mkdtempSync(join(tmpdir(), "dossier-terms-file-"));
afterAll(() => rmSync(root, { recursive: true, force: true }), 30_000);

/** Docs of every length from none to past a tiny read buffer, their numbers telling doc and place apart. */
function docsOfManyLengths(count: number): Uint32Array[] {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: count }, (_, d) => {
    const length = d % 97 === 5 ? 300 : next() % 40;
    return Uint32Array.from({ length }, (_, i) => d * 1000 + i);
  });
}

const asArrays = (docs: Iterable<Uint32Array>) => Array.from(docs, (d) => [...d]);

describe("the terms file", () => {
  const docs = docsOfManyLengths(700);
  // 64 bytes gathered and read at a time: 16 numbers, so most docs straddle a read and some are larger than it.
  const file = TermsFile.write(join(root, "many.bin"), docs, docs.length, { ioBytes: 64 });

  it("reads every doc back as written, front to back", () => {
    expect(file.length).toBe(700);
    expect(asArrays(file)).toEqual(asArrays(docs));
  });

  it("reads any range back from the noted place before it, whatever the read buffer", () => {
    const ranges = [
      [0, 1],
      [1, 2],
      [63, 65],
      [64, 128],
      [5, 6],
      [100, 103],
      [390, 700],
      [699, 700],
      [200, 200],
    ];
    for (const [from, to] of ranges)
      expect(asArrays(file.range(from!, to!)), `docs ${from} to ${to}`).toEqual(asArrays(docs.slice(from, to)));
    const large = TermsFile.write(join(root, "large-buffer.bin"), docs, docs.length);
    expect(asArrays(large.range(63, 300))).toEqual(asArrays(docs.slice(63, 300)));
  });

  it("refuses a range past its docs, naming the file", () => {
    expect(() => [...file.range(690, 701)]).toThrow(/docs 690 to 701 asked of .*many\.bin, which holds 700/);
  });

  it("keeps the strings written after the docs apart from them", () => {
    const withTail = TermsFile.write(join(root, "tail.bin"), docs.slice(0, 130), 130, { ioBytes: 64 });
    withTail.writeTail(["kv-2-2681", "é\nline"]);
    expect([...withTail.tail()]).toEqual(["kv-2-2681", "é\nline"]);
    expect(asArrays(withTail.range(120, 130))).toEqual(asArrays(docs.slice(120, 130)));
  });

  it("refuses fewer docs than it was told to expect", () => {
    expect(() => TermsFile.write(join(root, "short.bin"), docs.slice(0, 3), 4)).toThrow(/3 docs written, 4 expected/);
  });
});
