/**
 * Each doc's indexed terms, as the plan numbered them, in a binary scratch file the search shards read back a
 * block of docs at a time. A doc is one run of 32-bit numbers: its filter values (DOC_HEADER), its fields' term
 * counts (FIELD_NAMES order), then the fields' terms, then the terms it wrote out (see packDocTerms). As JSON Lines
 * the same numbers cost a stringify per doc in the plan and a parse per doc in the shards, with an array per field
 * in between; here a shard reads a view onto the bytes it read. After the docs the file may hold a list of strings
 * (`writeTail`).
 */
import { StringDecoder } from "node:string_decoder";
import { closeSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { Lines } from "./doc-file";

/** A doc's filter values, then its terms: field counts, then the fields' term numbers (see packDocTerms). */
export type PackedDocTerms = Uint32Array;

/**
 * What a shard's filter columns take from a doc (filter-columns.ts), carried before its terms: the shard reads them
 * as it reads the terms, so the plan holds no per-doc arrays of them through every shard (12 bytes a doc: 120 MB at
 * ten million records).
 */
export interface DocFilterValues {
  /** First and last year (yearBounds), as the Int32 they are: stored as their 32 bits, read back with `| 0`. */
  start: number;
  end: number;
  /** The doc's series as the plan numbered it on first sight (not yet its rank among the series' names). */
  series: number;
}

/** Numbers before a doc's field counts: its start year, end year and series (DocFilterValues). */
export const DOC_HEADER = 3;

/** A packed doc's filter values (see packDocTerms), read where a shard fills its filter columns. */
export const docStartYear = (packed: PackedDocTerms) => packed[0]! | 0;
export const docEndYear = (packed: PackedDocTerms) => packed[1]! | 0;
export const docSeries = (packed: PackedDocTerms) => packed[2]!;

/** A term given as a string in the doc (its index among them, below this bit), not as a number. */
export const WRITTEN_OUT = 0x80000000;

const utf8 = new TextEncoder();

/**
 * Packs one doc's filter values and terms, field by field, as the terms file holds them: a term number, or for a
 * term without one, `WRITTEN_OUT | i` where `written[i]` is the term, its UTF-8 bytes after the fields' terms (a
 * byte count, then the bytes in whole 32-bit words).
 */
export function packDocTerms(
  values: DocFilterValues,
  fields: readonly (readonly number[])[],
  written: readonly string[] = [],
): PackedDocTerms {
  let total = DOC_HEADER + fields.length;
  for (const list of fields) total += list.length;
  const bytes = written.map((t) => utf8.encode(t));
  for (const b of bytes) total += 1 + Math.ceil(b.length / 4);
  const out = new Uint32Array(total);
  out[0] = values.start;
  out[1] = values.end;
  out[2] = values.series;
  let at = DOC_HEADER + fields.length;
  for (let f = 0; f < fields.length; f++) {
    const list = fields[f]!;
    out[DOC_HEADER + f] = list.length;
    for (let i = 0; i < list.length; i++) {
      const id = list[i]!;
      if (id >= WRITTEN_OUT) throw new Error(`terms-file: term number ${id} is past the ${WRITTEN_OUT} a doc codes`);
      out[at++] = id < 0 ? (WRITTEN_OUT | (-1 - id)) >>> 0 : id;
    }
  }
  const view = new Uint8Array(out.buffer);
  for (const b of bytes) {
    out[at++] = b.length;
    view.set(b, at * 4);
    at += Math.ceil(b.length / 4);
  }
  return out;
}

/** The strings a packed doc writes out (see packDocTerms), in order; `fields` is how many fields it has. */
export function writtenTerms(packed: PackedDocTerms, fields: number): string[] {
  let at = DOC_HEADER + fields;
  for (let f = 0; f < fields; f++) at += packed[DOC_HEADER + f]!;
  const out: string[] = [];
  while (at < packed.length) {
    const length = packed[at++]!;
    out.push(Buffer.from(packed.buffer, packed.byteOffset + at * 4, length).toString("utf8"));
    at += Math.ceil(length / 4);
  }
  return out;
}

/** Bytes gathered before a write, and read at a time. */
const IO_BYTES = 4 * 1024 * 1024;

/**
 * Docs between two noted places in the file. Each doc is framed by its length, so a reader finds any doc from the
 * place before it: one number per 64 docs (1.25 MB at ten million records) where a place per doc was 8 bytes a doc,
 * held through every shard. A shard's range starts at most 63 docs past a noted place.
 */
const SAMPLE_DOCS = 64;

export class TermsFile implements Lines<PackedDocTerms> {
  /** Strings written after the docs (writeTail), when kept in memory (a file not yet written is never). */
  private tailCount = 0;

  private constructor(
    readonly path: string,
    readonly length: number,
    /** Doc `k * SAMPLE_DOCS`'s length word's index in the file (in numbers), and the docs' end last. */
    private readonly places: Float64Array,
    private readonly ioNumbers: number,
  ) {}

  /** Where the docs end and the tail begins, in numbers. */
  private get end(): number {
    return this.places[this.places.length - 1]!;
  }

  /**
   * Writes `docs` (in doc order) to `path`; `count` is how many there must be. `ioBytes` is what is gathered
   * before a write and read at a time (tests force tiny ones).
   */
  static write(
    path: string,
    docs: Iterable<PackedDocTerms>,
    count: number,
    { ioBytes = IO_BYTES }: { ioBytes?: number } = {},
  ): TermsFile {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(path, "w");
    const ioNumbers = Math.max(2, Math.floor(ioBytes / 4));
    const places = new Float64Array(Math.ceil(count / SAMPLE_DOCS) + 1);
    let buf = new Uint32Array(ioNumbers);
    let pending = 0;
    let written = 0;
    let doc = 0;
    const flush = () => {
      const bytes = new Uint8Array(buf.buffer, 0, pending * 4);
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
      written += pending;
      pending = 0;
    };
    try {
      for (const terms of docs) {
        if (doc === count) throw new Error(`terms-file: more than ${count} docs written`);
        if (pending + 1 + terms.length > buf.length) {
          flush();
          if (1 + terms.length > buf.length) buf = new Uint32Array(1 + terms.length);
        }
        if (doc % SAMPLE_DOCS === 0) places[doc / SAMPLE_DOCS] = written + pending;
        doc++;
        buf[pending++] = terms.length;
        buf.set(terms, pending);
        pending += terms.length;
      }
      flush();
    } finally {
      closeSync(fd);
    }
    if (doc !== count) throw new Error(`terms-file: ${doc} docs written, ${count} expected`);
    places[places.length - 1] = written;
    return new TermsFile(path, count, places, ioNumbers);
  }

  /** Docs `from` to `to - 1`, each a view that stays valid until the next is read. */
  *range(from: number, to: number): Generator<PackedDocTerms> {
    if (from >= to) return;
    if (from < 0 || to > this.length)
      throw new Error(`terms-file: docs ${from} to ${to} asked of ${this.path}, which holds ${this.length}`);
    const fd = openSync(this.path, "r");
    try {
      let buf = new Uint32Array(this.ioNumbers);
      /** Numbers in `buf`, read from the file's number `bufAt`. */
      let held = 0;
      let bufAt = 0;
      let doc = from - (from % SAMPLE_DOCS);
      let place = this.places[doc / SAMPLE_DOCS]!;
      /** Reads from `place` on, into a buffer that holds at least `numbers`. */
      const fill = (numbers: number) => {
        if (numbers > buf.length) buf = new Uint32Array(numbers);
        const want = Math.min(buf.length, this.end - place);
        if (want < numbers) throw new Error(`terms-file: ${this.path} ended early`);
        const bytes = new Uint8Array(buf.buffer, 0, want * 4);
        for (let got = 0; got < bytes.length; ) {
          const n = readSync(fd, bytes, got, bytes.length - got, place * 4 + got);
          if (n === 0) throw new Error(`terms-file: ${this.path} ended early`);
          got += n;
        }
        held = want;
        bufAt = place;
      };
      for (; doc < to; doc++) {
        if (place + 1 > bufAt + held) fill(1);
        const length = buf[place - bufAt]!;
        if (place + 1 + length > bufAt + held) fill(1 + length);
        const at = place - bufAt + 1;
        place += 1 + length;
        if (doc >= from) yield buf.subarray(at, at + length);
      }
    } finally {
      closeSync(fd);
    }
  }

  [Symbol.iterator](): Iterator<PackedDocTerms> {
    return this.range(0, this.length);
  }

  /**
   * Appends `strings` after the docs (once), for `tail` to read back: what the plan must keep to the end of the build
   * but need not hold, in the scratch file the build already removes.
   */
  writeTail(strings: Iterable<string>): void {
    if (this.tailCount) throw new Error(`terms-file: ${this.path} has its tail already`);
    const fd = openSync(this.path, "a");
    try {
      let pending: string[] = [];
      let chars = 0;
      const flush = () => {
        const bytes = Buffer.from(pending.join(""));
        for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
        pending = [];
        chars = 0;
      };
      for (const s of strings) {
        // One per line, as JSON: a term never spans a line, whatever it holds.
        const line = `${JSON.stringify(s)}\n`;
        pending.push(line);
        chars += line.length;
        this.tailCount++;
        if (chars >= IO_BYTES / 4) flush();
      }
      flush();
    } finally {
      closeSync(fd);
    }
  }

  /** The strings `writeTail` appended, in order. */
  *tail(): Generator<string> {
    if (!this.tailCount) return;
    const fd = openSync(this.path, "r");
    try {
      const buf = Buffer.alloc(IO_BYTES);
      const decoder = new StringDecoder("utf8");
      let position = this.end * 4;
      let rest = "";
      let read = 0;
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, position);
        if (n === 0) break;
        position += n;
        const lines = (rest + decoder.write(buf.subarray(0, n))).split("\n");
        rest = lines.pop()!;
        for (const line of lines) {
          read++;
          yield JSON.parse(line) as string;
        }
      }
      if (rest || read !== this.tailCount)
        throw new Error(`terms-file: ${this.path}'s tail holds ${read} strings, not ${this.tailCount}`);
    } finally {
      closeSync(fd);
    }
  }
}
