/**
 * Each doc's indexed terms, as the plan numbered them, in a binary scratch file the search shards read back a
 * block of docs at a time. A doc is one run of 32-bit numbers: its fields' term counts (FIELD_NAMES order), then
 * the fields' terms. As JSON Lines the same numbers cost a stringify per doc in the plan and a parse per doc in
 * the shards, with an array per field in between; here a shard reads a view onto the bytes it read.
 */
import { closeSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { Lines } from "./doc-file";

/** A doc's terms: field counts, then the fields' term numbers (see packDocTerms). */
export type PackedDocTerms = Uint32Array;

/** Packs one doc's terms, field by field, as the terms file holds them. */
export function packDocTerms(fields: readonly (readonly number[])[]): PackedDocTerms {
  let total = fields.length;
  for (const list of fields) total += list.length;
  const out = new Uint32Array(total);
  let at = fields.length;
  for (let f = 0; f < fields.length; f++) {
    const list = fields[f]!;
    out[f] = list.length;
    for (let i = 0; i < list.length; i++) out[at++] = list[i]!;
  }
  return out;
}

/** Bytes gathered before a write, and read at a time. */
const IO_BYTES = 4 * 1024 * 1024;

export class TermsFile implements Lines<PackedDocTerms> {
  private constructor(
    readonly path: string,
    /** Each doc's first number's index in the file, and the file's length in numbers last. */
    private readonly starts: Float64Array,
  ) {}

  get length(): number {
    return this.starts.length - 1;
  }

  /** Writes `docs` (in doc order) to `path`; `count` is how many there must be. */
  static write(path: string, docs: Iterable<PackedDocTerms>, count: number): TermsFile {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(path, "w");
    const starts = new Float64Array(count + 1);
    let buf = new Uint32Array(IO_BYTES / 4);
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
        if (pending + terms.length > buf.length) {
          flush();
          if (terms.length > buf.length) buf = new Uint32Array(terms.length);
        }
        starts[doc++] = written + pending;
        buf.set(terms, pending);
        pending += terms.length;
      }
      flush();
    } finally {
      closeSync(fd);
    }
    if (doc !== count) throw new Error(`terms-file: ${doc} docs written, ${count} expected`);
    starts[count] = written;
    return new TermsFile(path, starts);
  }

  /** Docs `from` to `to - 1`, each a view that stays valid until the next is read. */
  *range(from: number, to: number): Generator<PackedDocTerms> {
    if (from >= to) return;
    const fd = openSync(this.path, "r");
    try {
      let buf = new Uint32Array(IO_BYTES / 4);
      for (let doc = from; doc < to; ) {
        let end = doc + 1;
        while (end < to && this.starts[end + 1]! - this.starts[doc]! <= buf.length) end++;
        const numbers = this.starts[end]! - this.starts[doc]!;
        if (numbers > buf.length) buf = new Uint32Array(numbers);
        const bytes = new Uint8Array(buf.buffer, 0, numbers * 4);
        for (let got = 0; got < bytes.length; ) {
          const n = readSync(fd, bytes, got, bytes.length - got, this.starts[doc]! * 4 + got);
          if (n === 0) throw new Error(`terms-file: ${this.path} ended early`);
          got += n;
        }
        const base = this.starts[doc]!;
        for (let d = doc; d < end; d++) yield buf.subarray(this.starts[d]! - base, this.starts[d + 1]! - base);
        doc = end;
      }
    } finally {
      closeSync(fd);
    }
  }

  [Symbol.iterator](): Iterator<PackedDocTerms> {
    return this.range(0, this.length);
  }
}
