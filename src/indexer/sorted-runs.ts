/**
 * Values gathered by a string key across the whole catalogue without holding them all: a block of keys is combined
 * in a Map until it holds `blockEntries` of them, then sorted and spilled to a scratch file as a run; `sorted()`
 * merges the runs back in key order, combining a key's values run by run. This is the sort-based half of SPIMI
 * (single-pass in-memory indexing): memory holds one block and one read buffer per run, not the catalogue.
 */
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type DocFile, LineWriter } from "./doc-file";

/**
 * Bytes of read buffers a merge holds, shared by its runs: a merge reads from every run at once, so each run's share
 * shrinks as their number grows (within the bounds below). Sixteen MiB is what 64 runs of 256 KiB held before.
 */
const MERGE_READ_BYTES = 16 * 1024 * 1024;
const RUN_READ_BYTES_MIN = 32 * 1024;
const RUN_READ_BYTES_MAX = 256 * 1024;

/**
 * Runs read by one merge at most. No run is merged before the end: there, if more than `FAN_IN` runs were spilled,
 * the fewest, oldest runs are merged first that bring the final merge down to `FAN_IN` (see `premerges`). Merging in
 * tiers as runs were spilled, 64 at a time, as this once did, rewrote nearly every entry of a 10M catalogue's
 * typeahead (553 runs) and people (about 210) once more as JSON; with 512, people's runs take one merge, and the
 * typeahead's one more of its oldest 42 first. Node raises its open-file limit to the hard
 * limit at start (a soft limit of 1,024 let it open 3,000 files here), so 512 open runs fit.
 */
const FAN_IN = 512;

/**
 * The merges that bring `runs` runs (oldest first) down to at most `fanIn` for the final merge, rewriting as few as
 * can: groups of contiguous runs (combining order is kept), each merged into one in place, as `[from, to)` ranges
 * over the runs of that round. A round reduces the count by the sum of (group size - 1); groups are as large as
 * `fanIn` allows, so their number, and the runs they rewrite (the reduction plus one a group), are least. More than
 * `fanIn` squared runs take further rounds, each over the runs the last left.
 */
export function premerges(runs: number, fanIn: number): Array<Array<[from: number, to: number]>> {
  if (!(Number.isInteger(fanIn) && fanIn >= 2)) throw new Error(`sorted-runs: a fan-in of ${fanIn} merges nothing`);
  const rounds: Array<Array<[number, number]>> = [];
  while (runs > fanIn) {
    const groups: Array<[number, number]> = [];
    let need = runs - fanIn;
    let at = 0;
    while (need > 0 && runs - at >= 2) {
      const size = Math.min(fanIn, need + 1, runs - at);
      groups.push([at, at + size]);
      at += size;
      need -= size - 1;
    }
    rounds.push(groups);
    runs = fanIn + need;
  }
  return rounds;
}

export class SpilledRuns<V> {
  private block = new Map<string, V>();
  /** Oldest first. */
  private runs: Array<DocFile<[string, V]>> = [];
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
    this.runs.push(this.write(sortedBlock(this.block)));
    this.block = new Map();
  }

  /** Runs spilled and on disk (for tests: none is merged before the end). */
  get runCount(): number {
    return this.runs.length;
  }

  /** Merges runs in place, as `premerges` plans, until the final merge reads at most `fanIn` of them. */
  private premerge(): void {
    for (const round of premerges(this.runs.length, this.fanIn)) {
      const next: Array<DocFile<[string, V]>> = [];
      let at = 0;
      for (const [from, to] of round) {
        next.push(...this.runs.slice(at, from));
        const group = this.runs.slice(from, to);
        next.push(this.write(this.merge(readers(group))));
        for (const file of group) file.remove();
        at = to;
      }
      next.push(...this.runs.slice(at));
      this.runs = next;
    }
  }

  /**
   * Every key once, in ascending code-unit order (as `<` compares strings), with its values combined in the order
   * they were added. Reading it removes the runs.
   */
  *sorted(): Generator<[string, V]> {
    try {
      this.premerge();
      const sources: Array<Iterable<[string, V]>> = readers(this.runs);
      // The block still held is the latest run.
      sources.push(sortedBlock(this.block));
      this.block = new Map();
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
    for (const file of this.runs) file.remove();
    this.runs = [];
  }
}

/** Each run read front to back, sharing MERGE_READ_BYTES of buffers. */
function readers<T>(runs: Array<DocFile<T>>): Array<Iterable<T>> {
  const bytes = Math.min(
    RUN_READ_BYTES_MAX,
    Math.max(RUN_READ_BYTES_MIN, Math.floor(MERGE_READ_BYTES / Math.max(1, runs.length))),
  );
  return runs.map((file) => file.range(0, file.length, bytes));
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
