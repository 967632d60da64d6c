/**
 * Each doc's catalogue rank (reference-order.ts `catalogueRanks`), held, or in a scratch file read by range. A
 * search shard reads its docs' ranks for its order column, and the record store reads them all once: a build
 * that holds them in a file holds none of them between (4 bytes a record, 40 MB at ten million records, on the
 * main thread through every shard).
 *
 * @example
 *   const ranks = DocRanks.spilled(path, catalogueRanks(references, starts));
 *   ranks.range(100, 200); // docs 100 to 199's ranks, read from the file
 */
import { closeSync, openSync, readSync, writeFileSync } from "node:fs";

export class DocRanks {
  private constructor(
    /** How many docs are ranked. */
    readonly length: number,
    private readonly held: Uint32Array | null,
    private readonly path: string | null,
  ) {}

  /** The ranks, held in memory (a catalogue built in memory, tests). */
  static held(ranks: Uint32Array): DocRanks {
    return new DocRanks(ranks.length, ranks, null);
  }

  /** The ranks, written to `path` (a scratch file its caller removes): nothing of them is held. */
  static spilled(path: string, ranks: Uint32Array): DocRanks {
    // Written in the platform's byte order, as it is read back: the file never leaves the build.
    writeFileSync(path, new Uint8Array(ranks.buffer, ranks.byteOffset, ranks.byteLength));
    return new DocRanks(ranks.length, null, path);
  }

  /** Docs `from` to `to - 1`'s ranks, in a new array. */
  range(from: number, to: number): Uint32Array<ArrayBuffer> {
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to <= this.length))
      throw new Error(`doc-ranks: no docs ${from} to ${to} of ${this.length}`);
    if (this.held) return this.held.slice(from, to);
    const out = new Uint32Array(to - from);
    const bytes = new Uint8Array(out.buffer);
    const fd = openSync(this.path!, "r");
    try {
      for (let at = 0; at < bytes.length; ) {
        const read = readSync(fd, bytes, at, bytes.length - at, from * 4 + at);
        if (read === 0) throw new Error(`doc-ranks: ${this.path} ends before doc ${from + Math.floor(at / 4)}`);
        at += read;
      }
    } finally {
      closeSync(fd);
    }
    return out;
  }

  /** Every doc's rank, in a new array (the record store's series listings). */
  all(): Uint32Array<ArrayBuffer> {
    return this.range(0, this.length);
  }
}
