/**
 * Values gathered by a string key across the whole catalogue without holding them all: a block of keys is combined
 * in a Map until it holds `blockEntries` of them, then sorted and spilled to a scratch file as a run; `sorted()`
 * merges the runs back in key order, combining a key's values run by run. This is the sort-based half of SPIMI
 * (single-pass in-memory indexing): memory holds one block and one read buffer per run, not the catalogue.
 */
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type DocFile, LineWriter } from "./doc-file";

/** Bytes read from each run at a time while merging: small, since a merge reads from every run at once. */
const RUN_READ_BYTES = 256 * 1024;

/**
 * Runs merged at once. Merges are tiered: `FAN_IN` runs of one tier (the blocks spilled are tier 0) are merged into
 * one run of the next, so an entry is rewritten once a tier (two tiers hold 4,096 blocks: a billion entries at
 * 250,000 a block), and the final merge reads fewer than `FAN_IN` runs a tier. Merging every run so far into one,
 * as this once did, rewrote the oldest entries at every merge: at 10M records the typeahead's entries some ten
 * times over.
 */
const FAN_IN = 64;

export class SpilledRuns<V> {
  private block = new Map<string, V>();
  /** Oldest first, each with its tier: a tier's runs are contiguous, higher tiers first. */
  private runs: Array<{ file: DocFile<[string, V]>; tier: number }> = [];
  private written = 0;

  /**
   * @param pathPrefix scratch files are `<pathPrefix>-<n>.jsonl`, removed by `sorted()` once read (or `remove()`)
   * @param combine folds `more` (seen later) into `into` (seen first), which stays the base
   */
  constructor(
    readonly pathPrefix: string,
    private readonly blockEntries: number,
    private readonly combine: (into: V, more: V) => void,
    private readonly fanIn = FAN_IN,
  ) {}

  /** Adds `value` under `key`, or folds it into the value the block holds for it. */
  add(key: string, value: V): void {
    const held = this.block.get(key);
    if (held !== undefined) this.combine(held, value);
    else {
      this.block.set(key, value);
      if (this.block.size >= this.blockEntries) this.spill();
    }
  }

  /** Adds `value` under a `key` the block does not hold (`held` said so): `add` without looking it up again. */
  addNew(key: string, value: V): void {
    this.block.set(key, value);
    if (this.block.size >= this.blockEntries) this.spill();
  }

  /** Looks up `key` in the current block only (a caller may fold into it in place). */
  held(key: string): V | undefined {
    return this.block.get(key);
  }

  private write(pairs: Iterable<[string, V]>): DocFile<[string, V]> {
    // Runs are read front to back only: no line offsets (8 bytes a line, for every entry the runs hold).
    const writer = new LineWriter<[string, V]>(`${this.pathPrefix}-${this.written++}.jsonl`, { indexed: false });
    try {
      for (const pair of pairs) writer.append(JSON.stringify(pair));
    } catch (e) {
      writer.abort();
      throw e;
    }
    return writer.finish();
  }

  private spill(): void {
    this.runs.push({ file: this.write(sortedBlock(this.block)), tier: 0 });
    this.block = new Map();
    for (;;) {
      const tier = this.runs.at(-1)!.tier;
      if (this.runs.length < this.fanIn || this.runs.at(-this.fanIn)!.tier !== tier) break;
      // The last fanIn runs, all of one tier, are the newest: merged, they keep their place in combining order.
      const newest = this.runs.splice(-this.fanIn);
      const merged = this.write(this.merge(newest.map(({ file }) => file.range(0, file.length, RUN_READ_BYTES))));
      for (const { file } of newest) file.remove();
      this.runs.push({ file: merged, tier: tier + 1 });
    }
  }

  /** Runs on disk, by tier (for tests: a merge's fan-in and tiers). */
  tiers(): number[] {
    return this.runs.map((run) => run.tier);
  }

  /**
   * Every key once, in ascending code-unit order (as `<` compares strings), with its values combined in the order
   * they were added. Reading it removes the runs.
   */
  *sorted(): Generator<[string, V]> {
    const sources: Array<Iterable<[string, V]>> = this.runs.map(({ file }) =>
      file.range(0, file.length, RUN_READ_BYTES),
    );
    // The block still held is the latest run.
    sources.push(sortedBlock(this.block));
    this.block = new Map();
    try {
      yield* this.merge(sources);
    } finally {
      this.remove();
    }
  }

  /** Sources each in key order, oldest first, merged into one, a key's values combined oldest first. */
  private *merge(from: Array<Iterable<[string, V]>>): Generator<[string, V]> {
    const sources = from.map((s) => s[Symbol.iterator]());
    // A binary heap of the sources' heads by key, ties by source (earlier runs first: their values came first).
    type Head = { key: string; value: V; source: number };
    const heads: Head[] = [];
    const less = (a: Head, b: Head) => a.key < b.key || (a.key === b.key && a.source < b.source);
    const push = (item: Head) => {
      heads.push(item);
      for (let i = heads.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!less(heads[i]!, heads[parent]!)) break;
        [heads[i], heads[parent]] = [heads[parent]!, heads[i]!];
        i = parent;
      }
    };
    const pop = () => {
      const top = heads[0]!;
      const last = heads.pop()!;
      if (heads.length) {
        heads[0] = last;
        for (let i = 0; ; ) {
          const l = 2 * i + 1,
            r = l + 1;
          let m = i;
          if (l < heads.length && less(heads[l]!, heads[m]!)) m = l;
          if (r < heads.length && less(heads[r]!, heads[m]!)) m = r;
          if (m === i) break;
          [heads[i], heads[m]] = [heads[m]!, heads[i]!];
          i = m;
        }
      }
      return top;
    };
    const advance = (source: number) => {
      const next = sources[source]!.next();
      if (!next.done) push({ key: next.value[0], value: next.value[1], source });
    };
    try {
      for (let s = 0; s < sources.length; s++) advance(s);
      while (heads.length) {
        const first = pop();
        advance(first.source);
        while (heads.length && heads[0]!.key === first.key) {
          const more = pop();
          this.combine(first.value, more.value);
          advance(more.source);
        }
        yield [first.key, first.value];
      }
    } finally {
      // Closes the files of sources not read to their end.
      for (const s of sources) s.return?.();
    }
  }

  /** Deletes the runs' scratch files. */
  remove(): void {
    for (const { file } of this.runs) file.remove();
    this.runs = [];
  }
}

/**
 * The block's pairs in key order. The keys are sorted alone by the default comparison (code units, as `<`
 * compares): V8's built-in string sort runs several times faster than a comparator function over pairs.
 */
function sortedBlock<V>(block: Map<string, V>): Array<[string, V]> {
  return [...block.keys()].sort().map((key) => [key, block.get(key)!]);
}

/** A scratch path prefix for runs beside `nearFile` (the build's other scratch files) or in the temporary folder. */
export function runsPathNear(nearFile: string | null, name: string): string {
  return join(nearFile ? dirname(nearFile) : tmpdir(), `.dossier-runs-${process.pid}-${name}`);
}
