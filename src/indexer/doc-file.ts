/**
 * The catalogue's records in doc order, spilled to a file once they are laid out and read back a run at a time
 * by each step that needs them. Held as objects, records were the largest thing a build kept for its whole
 * length (about 1.7 KB of heap each: 1.7 GB at a million records); on disk they cost a parse per pass instead.
 */
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { CatalogueRecord } from "../shared/record";

/** Items in doc order, read front to back, or from any doc on. */
export interface Lines<T> extends Iterable<T> {
  readonly length: number;
  /** Docs `from` to `to - 1`, in order. */
  range(from: number, to: number): Iterable<T>;
}

/** Records in doc order: what every build step over the whole catalogue reads. */
export type Docs = Lines<CatalogueRecord>;

/** Items already in memory (tests, small callers) as `Lines`. */
export function arrayDocs<T = CatalogueRecord>(items: readonly T[]): Lines<T> {
  return {
    length: items.length,
    range: (from, to) => items.slice(from, to),
    [Symbol.iterator]: () => items[Symbol.iterator](),
  };
}

/** Bytes read from the file at a time (whole records; a larger record is read alone). */
const READ_BYTES = 8 * 1024 * 1024;
/** Bytes collected before a write. */
const WRITE_BYTES = 4 * 1024 * 1024;

/**
 * Items (records; a doc's terms) as JSON Lines in a scratch file, with each line's byte offset so a step can start
 * at any doc (a search shard reads only its range). The file is the build's own scratch, never served: `remove()`
 * deletes it.
 */
export class DocFile<T = CatalogueRecord> implements Lines<T> {
  private constructor(
    readonly path: string,
    /** Byte offset of each doc's line, and the file's length last. */
    private readonly offsets: Float64Array,
  ) {}

  get length(): number {
    return this.offsets.length - 1;
  }

  /** Writes `records` (in doc order) to `path`. */
  static write<T>(path: string, records: Iterable<T>, count: number): DocFile<T> {
    mkdirSync(dirname(path), { recursive: true });
    const offsets = new Float64Array(count + 1);
    const fd = openSync(path, "w");
    try {
      let pending: string[] = [];
      let pendingBytes = 0;
      let at = 0;
      let doc = 0;
      const flush = () => {
        const data = Buffer.from(pending.join(""));
        for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done);
        at += data.length;
        pending = [];
        pendingBytes = 0;
      };
      for (const r of records) {
        const line = `${JSON.stringify(r)}\n`;
        offsets[doc++] = at + pendingBytes;
        pending.push(line);
        pendingBytes += Buffer.byteLength(line);
        if (pendingBytes >= WRITE_BYTES) flush();
      }
      flush();
      if (doc !== count) throw new Error(`doc-file: ${doc} records written, ${count} expected`);
      offsets[count] = at;
    } finally {
      closeSync(fd);
    }
    return new DocFile<T>(path, offsets);
  }

  *range(from: number, to: number): Generator<T> {
    if (from >= to) return;
    const fd = openSync(this.path, "r");
    try {
      let buf = Buffer.alloc(READ_BYTES);
      for (let doc = from; doc < to; ) {
        // As many whole records as fit the buffer, at least one.
        let end = doc + 1;
        while (end < to && this.offsets[end + 1]! - this.offsets[doc]! <= buf.length) end++;
        const bytes = this.offsets[end]! - this.offsets[doc]!;
        if (bytes > buf.length) buf = Buffer.alloc(bytes);
        let got = 0;
        while (got < bytes) {
          const n = readSync(fd, buf, got, bytes - got, this.offsets[doc]! + got);
          if (n === 0) throw new Error(`doc-file: ${this.path} ended early`);
          got += n;
        }
        let lineStart = 0;
        for (let d = doc; d < end; d++) {
          const lineEnd = this.offsets[d + 1]! - this.offsets[doc]! - 1;
          yield JSON.parse(buf.toString("utf8", lineStart, lineEnd)) as T;
          lineStart = lineEnd + 1;
        }
        doc = end;
      }
    } finally {
      closeSync(fd);
    }
  }

  [Symbol.iterator](): Iterator<T> {
    return this.range(0, this.length);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
