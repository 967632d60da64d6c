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
  range(from: number, to: number, readBytes?: number): Iterable<T>;
}

/** Records in doc order: what every build step over the whole catalogue reads. */
export type Docs = Lines<CatalogueRecord>;

/**
 * What the passes after the plan read of a record (people, typeahead, related records): the plan, which parses
 * every record anyway, writes these fields of each beside the docs, so those passes parse a few names and titles a
 * record instead of its whole JSON (most of it the description) again each.
 */
export type PassRecord = Pick<
  CatalogueRecord,
  "id" | "reference" | "title" | "people" | "subjects" | "corporateNames" | "places"
>;

/** A record's PassRecord fields. */
export function passFields(r: CatalogueRecord): PassRecord {
  return {
    id: r.id,
    reference: r.reference,
    title: r.title,
    people: r.people,
    subjects: r.subjects,
    corporateNames: r.corporateNames,
    places: r.places,
  };
}

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

/** A DocFile as another thread opens it again (`DocFile.open`): its path, line count and line offsets, if any. */
export interface DocFileHandle {
  path: string;
  count: number;
  offsets: Float64Array | null;
}

/**
 * Items (records; a doc's terms) as JSON Lines in a scratch file, with each line's byte offset so a step can start
 * at any doc (a search shard reads only its range). The file is the build's own scratch, never served: `remove()`
 * deletes it.
 */
export class DocFile<T = CatalogueRecord> implements Lines<T> {
  private constructor(
    readonly path: string,
    /**
     * Byte offset of each doc's line, and the file's length last; null for a file only ever read front to back
     * (`LineWriter`'s `indexed: false`), which needs none.
     */
    private readonly offsets: Float64Array | null,
    readonly length: number,
  ) {}

  /** Writes `records` (in doc order) to `path`. */
  static write<T>(path: string, records: Iterable<T>, count: number): DocFile<T> {
    const writer = new LineWriter<T>(path);
    try {
      for (const r of records) writer.append(JSON.stringify(r));
    } catch (e) {
      writer.abort();
      throw e;
    }
    if (writer.length !== count) {
      writer.abort();
      throw new Error(`doc-file: ${writer.length} records written, ${count} expected`);
    }
    return writer.finish();
  }

  /** What `open` opens this file again from, on another thread: its path, line count, and offsets if it has them. */
  handle(): DocFileHandle {
    return { path: this.path, count: this.length, offsets: this.offsets };
  }

  /** The file a `handle()` describes. */
  static open<T>(handle: DocFileHandle): DocFile<T> {
    return handle.offsets
      ? DocFile.of<T>(handle.path, handle.offsets)
      : DocFile.frontToBack<T>(handle.path, handle.count);
  }

  /** @internal LineWriter's result. */
  static of<T>(path: string, offsets: Float64Array): DocFile<T> {
    return new DocFile<T>(path, offsets, offsets.length - 1);
  }

  /** @internal LineWriter's result for a file written without line offsets. */
  static frontToBack<T>(path: string, count: number): DocFile<T> {
    return new DocFile<T>(path, null, count);
  }

  /** The line offsets, which a file written without them cannot give. */
  private indexed(): Float64Array {
    if (!this.offsets) throw new Error(`doc-file: ${this.path} was written to be read front to back only`);
    return this.offsets;
  }

  /** Doc `doc`'s line as written (its JSON, without the newline), for a caller that copies or parses it itself. */
  lineReader(): { line(doc: number): string; close(): void } {
    // Let go on close: a reader kept by its caller's scope must not keep the file's offsets (8 bytes a line).
    let offsets: Float64Array | null = this.indexed();
    const fd = openSync(this.path, "r");
    let buf = Buffer.alloc(64 * 1024);
    const path = this.path;
    return {
      line: (doc) => {
        if (!offsets) throw new Error(`doc-file: ${path} is read after its reader was closed`);
        const at = offsets[doc]!;
        const bytes = offsets[doc + 1]! - at - 1;
        if (bytes > buf.length) buf = Buffer.alloc(bytes);
        for (let got = 0; got < bytes; ) {
          const n = readSync(fd, buf, got, bytes - got, at + got);
          if (n === 0) throw new Error(`doc-file: ${path} ended early`);
          got += n;
        }
        return buf.toString("utf8", 0, bytes);
      },
      close: () => {
        offsets = null;
        buf = Buffer.alloc(0);
        closeSync(fd);
      },
    };
  }

  /** `readBytes`: how much to read at a time (a merge reading many files at once reads less). */
  *range(from: number, to: number, readBytes = READ_BYTES): Generator<T> {
    if (from >= to) return;
    if (!this.offsets) {
      if (from !== 0 || to !== this.length)
        throw new Error(`doc-file: ${this.path} is read front to back only, not from ${from} to ${to}`);
      yield* this.frontToBack(readBytes);
      return;
    }
    const offsets = this.offsets;
    const fd = openSync(this.path, "r");
    try {
      let buf = Buffer.alloc(readBytes);
      for (let doc = from; doc < to; ) {
        // As many whole records as fit the buffer, at least one.
        let end = doc + 1;
        while (end < to && offsets[end + 1]! - offsets[doc]! <= buf.length) end++;
        const bytes = offsets[end]! - offsets[doc]!;
        if (bytes > buf.length) buf = Buffer.alloc(bytes);
        let got = 0;
        while (got < bytes) {
          const n = readSync(fd, buf, got, bytes - got, offsets[doc]! + got);
          if (n === 0) throw new Error(`doc-file: ${this.path} ended early`);
          got += n;
        }
        let lineStart = 0;
        for (let d = doc; d < end; d++) {
          const lineEnd = offsets[d + 1]! - offsets[doc]! - 1;
          yield JSON.parse(buf.toString("utf8", lineStart, lineEnd)) as T;
          lineStart = lineEnd + 1;
        }
        doc = end;
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Every line, found by its newline: a buffer at a time, grown for a line longer than it. */
  private *frontToBack(readBytes: number): Generator<T> {
    const fd = openSync(this.path, "r");
    try {
      let buf = Buffer.alloc(readBytes);
      let held = 0;
      let at = 0;
      let lines = 0;
      for (;;) {
        if (held === buf.length) {
          const grown = Buffer.alloc(2 * buf.length);
          buf.copy(grown, 0, 0, held);
          buf = grown;
        }
        const n = readSync(fd, buf, held, buf.length - held, at);
        at += n;
        held += n;
        let start = 0;
        // A newline byte is never part of a longer UTF-8 sequence, so lines split on it whole.
        for (let nl = buf.indexOf(10, start); nl !== -1 && nl < held; nl = buf.indexOf(10, start)) {
          yield JSON.parse(buf.toString("utf8", start, nl)) as T;
          lines++;
          start = nl + 1;
        }
        if (n === 0) {
          if (start < held || lines !== this.length)
            throw new Error(`doc-file: ${this.path} ended early (${lines} of ${this.length} lines)`);
          return;
        }
        buf.copy(buf, 0, start, held);
        held -= start;
      }
    } finally {
      closeSync(fd);
    }
  }

  [Symbol.iterator](): Iterator<T> {
    return this.range(0, this.length);
  }

  /**
   * Reads docs by number, a read-ahead buffer at a time when asked in doc order (a pass over the docs reads the file
   * once through), from anywhere otherwise (a file without line offsets reads on to it, or again from its start);
   * `close()` ends it.
   */
  inOrder(): { at(doc: number): T; close(): void } {
    let reading: Iterator<T> | null = null;
    let next = 0;
    return {
      at: (doc) => {
        if (doc !== next || !reading) {
          if (!reading || doc < next || this.offsets) {
            reading?.return?.();
            next = this.offsets ? doc : 0;
            reading = this.range(next, this.length)[Symbol.iterator]();
          }
          while (next < doc && !reading.next().done) next++;
        }
        const got = reading.next();
        next++;
        if (got.done) throw new Error(`doc-file: no doc ${doc} among ${this.length} in ${this.path}`);
        return got.value;
      },
      close: () => {
        reading?.return?.();
        reading = null;
      },
    };
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}

/**
 * Appends JSON lines to a scratch file as they come, noting each line's offset, and gives the DocFile at the end:
 * for items produced one at a time (records as ingest reads them) rather than from an iterable.
 */
export class LineWriter<T = CatalogueRecord> {
  private readonly fd: number;
  private offsets: Float64Array | null;
  private count = 0;
  /** Lines encoded straight into one buffer, written when it holds WRITE_BYTES: one UTF-8 encoding per line. */
  private buf = Buffer.allocUnsafe(2 * WRITE_BYTES);
  private pendingBytes = 0;
  private at = 0;
  private done = false;

  /**
   * @param indexed whether to note each line's offset, so a reader can start at any line. A file only ever read
   *   front to back (sorted runs, the typeahead's sorted entries) goes without: 8 bytes a line, and at 10M records
   *   the typeahead alone writes over a hundred million lines.
   */
  constructor(
    readonly path: string,
    { indexed = true }: { indexed?: boolean } = {},
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "w");
    this.offsets = indexed ? new Float64Array(1024) : null;
  }

  get length(): number {
    return this.count;
  }

  /** Appends one item's JSON (no newline in it: JSON.stringify never writes one). */
  append(json: string): void {
    if (this.done) throw new Error(`doc-file: ${this.path} is finished; nothing is appended after finish()`);
    if (this.offsets && this.count + 1 >= this.offsets.length) {
      const grown = new Float64Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    // At most 3 bytes of UTF-8 per UTF-16 code unit, and the newline.
    const most = 3 * json.length + 1;
    if (this.pendingBytes + most > this.buf.length) {
      this.flush();
      if (most > this.buf.length) this.buf = Buffer.allocUnsafe(most);
    }
    if (this.offsets) this.offsets[this.count] = this.at + this.pendingBytes;
    this.count++;
    this.pendingBytes += this.buf.write(json, this.pendingBytes, "utf8");
    this.buf[this.pendingBytes++] = 10;
    if (this.pendingBytes >= WRITE_BYTES) this.flush();
  }

  private flush(): void {
    const bytes = this.pendingBytes;
    for (let done = 0; done < bytes; ) done += writeSync(this.fd, this.buf, done, bytes - done);
    this.at += bytes;
    this.pendingBytes = 0;
  }

  finish(): DocFile<T> {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
    const offsets = this.offsets;
    this.release();
    if (!offsets) return DocFile.frontToBack<T>(this.path, this.count);
    offsets[this.count] = this.at;
    return DocFile.of<T>(this.path, offsets.slice(0, this.count + 1));
  }

  /** Closes and deletes the file (a failed write). */
  abort(): void {
    this.release();
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.path, { force: true });
  }

  /**
   * Lets go of the buffer and the offsets (with their growth room: 134 MB at ten million lines). A writer is often
   * kept, finished, by the scope that made it: at 1M records the ingest's held 16 MiB so (a heap snapshot).
   */
  private release(): void {
    this.done = true;
    this.offsets = null;
    this.buf = Buffer.alloc(0);
  }
}
