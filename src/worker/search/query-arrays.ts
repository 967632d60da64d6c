/**
 * The per-doc arrays one query scores a shard with, shard-sized and kept per isolate (see `QueryArrays`), and the
 * layout of a doc's numbers in them. Split from scoring.ts: the ranking model and its top-k passes read and write
 * these, and nothing else does.
 */
import type { TermPostings } from "./search-index";
import { searchStats } from "./search-stats";
import { ZeroedArena } from "./zeroed-arena";

/**
 * A list of docs (local indexes) in a typed array, kept per isolate with the query arrays and emptied by its length.
 * A shard's docs enter each list at most once, and only docs of the query's postings enter it, so its capacity is
 * the smaller of the shard's docs and the query's postings (`QueryArrays.reserve`), set before scoring: no bounds
 * check in the hottest loops. Hand-written rather than a growing `number[]`: a common word's list of tens of
 * thousands of docs outgrew V8's regular heap objects at every doubling (copied into large-object space, garbage
 * for a full GC), which cost more than scoring the docs. Not grown as it fills: a typed array that doubled cost
 * the warm mix 3% more CPU (a bounds check in the hottest loops).
 */
export class DocList {
  items: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.items = new Int32Array(capacity);
  }

  /** Makes room for `capacity` docs, when the list is empty (a set of arrays being taken for a query). */
  reserve(capacity: number): void {
    if (this.items.length < capacity) this.items = new Int32Array(capacity);
  }

  /** Whether more docs were pushed than it had room for (their writes were dropped: a bound was wrong). */
  overflowed(): boolean {
    return this.length > this.items.length;
  }

  push(i: number): void {
    this.items[this.length++] = i;
  }

  /** The docs listed, as a view: later pushes do not change it, emptying the list and pushing again does. */
  view(): Int32Array {
    return this.items.subarray(0, this.length);
  }

  /** The docs listed that pass `keep`, as an array of their own. */
  where(keep: (i: number) => boolean): number[] {
    const out: number[] = [];
    for (let t = 0; t < this.length; t++) if (keep(this.items[t]!)) out.push(this.items[t]!);
    return out;
  }
}

/**
 * Per-query scratch space for one alternative, indexed by `doc`. Typed
 * arrays and touched-lists instead of Maps: a common word touches most of a
 * shard, and this is the hot loop of every search.
 *
 * One array, a doc's two numbers side by side (its score so far at `2i`; at `2i + 1` how many of the alternative's
 * terms it matched, plus its best field's index × 2^8 and that field's slot × 2^16): each posting reads and writes
 * one cache line, where four arrays (score, count, field, slot) were four. At 100k docs the scratch is megabytes and
 * a query's docs are scattered over it, so each array touched per doc was a cache miss of its own.
 */
export class Scratch {
  readonly s: Float64Array;
  readonly altTouched: DocList;

  constructor(
    readonly size: number,
    capacity: number,
    arena: ZeroedArena,
  ) {
    this.altTouched = new DocList(capacity);
    this.s = arena.float64(2 * size);
  }

  /** How many of the alternative's terms doc `i` matched (0 = none). */
  count(i: number): number {
    return this.s[2 * i + 1]! & 255;
  }

  /** Doc `i`'s score in the alternative, its terms' fields summed. */
  score(i: number): number {
    return this.s[2 * i]!;
  }

  /** Doc `i`'s best field (index into `FIELDS`) in the alternative. */
  field(i: number): number {
    return (this.s[2 * i + 1]! >> 8) & 255;
  }

  /** The slot of doc `i`'s best field. */
  slot(i: number): number {
    return (this.s[2 * i + 1]! >> 16) & 255;
  }

  clearAlt(): void {
    const { items, length } = this.altTouched;
    const s = this.s;
    for (let t = 0; t < length; t++) {
      const at = 2 * items[t]!;
      s[at] = 0;
      s[at + 1] = 0;
    }
    this.altTouched.length = 0;
  }
}

/**
 * Per-unit results kept for totals, proximity and `explain`. Whether a doc matched (its winning alternative) is an
 * array of a byte a doc: it is asked of many docs that did not (every candidate, for every unit), and a byte array
 * of the shard's size stays in cache. What a matched doc holds, its unit score and its field and slot, sits side by
 * side in `s` (score at `2i`, field + slot × 2^8 at `2i + 1`): one cache line where three arrays were three.
 */
export class UnitArrays {
  /** Index of the winning alternative, +1 (0 = no match). */
  readonly alt: Uint8Array;
  readonly s: Float64Array;
  readonly touched: DocList;
  private bonusArrays: { bonus: Float64Array; bonusAlt: Uint8Array } | null = null;

  constructor(
    readonly size: number,
    capacity: number,
    private readonly arena: ZeroedArena,
  ) {
    this.alt = arena.uint8(size);
    this.s = arena.float64(2 * size);
    this.touched = new DocList(capacity);
  }

  /**
   * The closeness tie-breaker added to a doc's score, and its alternative + 1 (0 = none), at `bonus[i]` and
   * `bonusAlt[i]`: made on first use, since only units that have a tie-breaker read or write them.
   */
  tieBreakers(): { bonus: Float64Array; bonusAlt: Uint8Array } {
    return (this.bonusArrays ??= { bonus: this.arena.float64(this.size), bonusAlt: this.arena.uint8(this.size) });
  }

  /** The arrays made so far (for their bytes). */
  held(): ArrayBufferView[] {
    const own: ArrayBufferView[] = [this.alt, this.s, this.touched.items];
    if (this.bonusArrays) own.push(this.bonusArrays.bonus, this.bonusArrays.bonusAlt);
    return own;
  }

  score(i: number): number {
    return this.s[2 * i]!;
  }

  field(i: number): number {
    return this.s[2 * i + 1]! & 255;
  }

  slot(i: number): number {
    return this.s[2 * i + 1]! >> 8;
  }
}

/**
 * A doc's per-query numbers, side by side in `QueryArrays.f` at a stride of `Q` doubles (32 bytes): its text score,
 * reference boost and final score, then its units matched and text units matched (16 bits each). A query's docs are
 * scattered over shard-sized arrays of megabytes, so each such array touched per doc was a cache miss of its own.
 * Marks stay arrays of a byte a doc: a restricted pass reads them for every posting it walks, and a byte array of
 * the shard's size stays in cache where 32 bytes a doc would not.
 */
export const Q = 4;
export const TEXT = 0;
export const REF = 1;
export const TOTAL = 2;
/** The last double of a doc's numbers: its counts, zeroed together. */
const FLAGS = 3;
/** Indexes of the counts in a 16-bit view (bytes 24 and 26 of a doc's numbers). */
export const MATCHED = 12;
export const TEXT_MATCHED = 13;

/**
 * Every per-doc array one query on one shard needs, kept per isolate and
 * handed back zeroed: allocating (and zeroing) a dozen shard-sized arrays
 * per query cost more than scoring a rare word. Cleared through the touched
 * lists, so a query pays for the docs it touched, not for the shard's size.
 *
 * The arrays only some queries write (the query's numbers `f`, which a one-word query never writes; proximity,
 * second marks, the exact count's marks, a filtered query's candidates) are made on first use, and the shard-sized
 * ones are views of WebAssembly memory (zeroed-arena.ts), whose pages a query pays for when it first writes them.
 * A cold isolate's first query paid for every byte it took: workerd's typed arrays touch their pages when made,
 * 3–5 ms a MiB in a fresh runtime on this machine, whose page faults cost about 11 µs each
 * (scripts/bench/array-memory-cost.ts; what a deployed host's cost is not measured here). At 100k docs a shard the
 * whole set was 10 MiB, 41 ms of a cold search's CPU in workerd (scripts/bench/cold-cpu-workerd.ts); a rare name's
 * 3.5 MiB, made on first use, still cost it 14 ms until the arena.
 */
export class QueryArrays {
  readonly x: Scratch;
  readonly seen: Uint8Array;
  readonly mark: Uint8Array;
  readonly units: UnitArrays[] = [];
  readonly touched: DocList;
  /** Set when a pass wrote to docs outside `touched` (a filter-only query walks the whole shard). */
  wroteAll = false;
  /** Set when proximity was written (several units). */
  wroteProximity = false;
  private numbers: { f: Float64Array; h: Uint16Array } | null = null;
  private proximityArray: Float64Array | null = null;
  private mark2Array: Uint8Array | null = null;
  private countedArray: Uint8Array | null = null;
  private candidateList: DocList | null = null;
  /** Docs each list has room for: see `reserve`. */
  private capacity: number;
  /**
   * Where the shard-sized arrays come from: memory touched when written (see zeroed-arena.ts). The first memory holds
   * a one- or two-word query's set; a second, the rest of what isolate-memory.ts keeps room for (`PLANNED_UNITS`), so
   * the memories of a query of up to that many words come to the plan's figure, not more.
   */
  private readonly arena: ZeroedArena;

  constructor(
    readonly size: number,
    capacity = size,
  ) {
    this.capacity = Math.min(size, capacity);
    const first = queryArrayBytes(size, 0);
    this.arena = new ZeroedArena(first, queryArrayBytes(size, PLANNED_UNITS) - first);
    this.x = new Scratch(size, this.capacity, this.arena);
    this.touched = new DocList(this.capacity);
    this.seen = this.arena.uint8(size);
    this.mark = this.arena.uint8(size);
  }

  /**
   * Makes every doc list (made now or later) hold `capacity` docs, at most the set's size: a query's lists never
   * hold more docs than its postings have (see `listCapacity`). A rare name's first query at 100k docs a shard then
   * makes lists of a few thousand docs where three lists of the shard's size were 1.2 MiB of fresh memory, which a
   * cold isolate pays for by the page (scripts/bench/array-memory-cost.ts).
   */
  reserve(capacity: number): void {
    this.capacity = Math.max(this.capacity, Math.min(this.size, capacity));
    for (const list of this.lists()) list.reserve(this.capacity);
  }

  /** Every doc list made so far. */
  private lists(): DocList[] {
    const out = [this.x.altTouched, this.touched, ...this.units.map((u) => u.touched)];
    if (this.candidateList) out.push(this.candidateList);
    return out;
  }

  /**
   * Throws if a list was given more docs than it had room for: its writes past the end were dropped, so the answer
   * would have missed docs. Never seen; `listCapacity` counts every posting a query reads.
   */
  checkLists(): void {
    for (const list of this.lists())
      if (list.overflowed())
        throw new Error(
          `query-arrays: a doc list of ${list.items.length} docs was given ${list.length}: its capacity was too small`,
        );
  }

  /** Text score, reference boost, final score and flags per doc, at stride `Q` (see `Q`). */
  get f(): Float64Array {
    return this.queryNumbers().f;
  }

  /** The same bytes: units matched at `16i + MATCHED`, text units matched at `16i + TEXT_MATCHED`. */
  get h(): Uint16Array {
    return this.queryNumbers().h;
  }

  /** Docs a second restricted pass may touch (`mark` holds the first's). */
  get mark2(): Uint8Array {
    return (this.mark2Array ??= this.arena.uint8(this.size));
  }

  /** Docs the exact count has seen (zero between uses: the count clears what it set). */
  get counted(): Uint8Array {
    return (this.countedArray ??= this.arena.uint8(this.size));
  }

  /** The candidates a filtered query's docs leave (unfiltered, they are `touched`). */
  get candidates(): DocList {
    return (this.candidateList ??= new DocList(this.capacity));
  }

  /** Proximity bonus (several units only). */
  get proximity(): Float64Array {
    return (this.proximityArray ??= this.arena.float64(this.size));
  }

  private queryNumbers(): { f: Float64Array; h: Uint16Array } {
    if (!this.numbers) {
      const f = this.arena.float64(Q * this.size);
      // The same bytes as `f`: a view of the arena's buffer at `f`'s offset.
      this.numbers = { f, h: new Uint16Array(f.buffer, f.byteOffset, 4 * f.length) };
    }
    return this.numbers;
  }

  unit(k: number): UnitArrays {
    while (this.units.length <= k) this.units.push(new UnitArrays(this.size, this.capacity, this.arena));
    return this.units[k]!;
  }

  /** Bytes of the memories its shard-sized arrays live in (see `scoringMemoryBytes`). */
  memoryBytes(): number {
    return this.arena.reservedBytes;
  }

  /** The bytes of every array held (see `queryArrayBytes`, the most they come to). */
  bytes(): number {
    const held: Array<ArrayBufferView | null | undefined> = [this.x.s, this.x.altTouched.items, this.seen, this.mark];
    held.push(this.touched.items, this.numbers?.f, this.proximityArray, this.mark2Array, this.countedArray);
    held.push(this.candidateList?.items, ...this.units.flatMap((u) => u.held()));
    return held.reduce((n, b) => n + (b?.byteLength ?? 0), 0);
  }

  clear(): void {
    const f = this.numbers?.f;
    const mark2 = this.mark2Array;
    if (this.wroteAll) {
      f?.fill(0);
      this.proximityArray?.fill(0);
      this.seen.fill(0);
      this.mark.fill(0);
      mark2?.fill(0);
    } else {
      const { items, length } = this.touched;
      const prox = this.wroteProximity ? this.proximityArray : null;
      for (let t = 0; t < length; t++) {
        const i = items[t]!;
        // `total` is written for every candidate before it is read; the flags double zeroes both counts.
        if (f) {
          f[Q * i + TEXT] = 0;
          f[Q * i + REF] = 0;
          f[Q * i + FLAGS] = 0;
        }
        if (prox) prox[i] = 0;
        this.seen[i] = 0;
        this.mark[i] = 0;
        if (mark2) mark2[i] = 0;
      }
    }
    const mark = this.mark;
    for (const u of this.units) {
      // The rest (score, field, slot, bonus) is written when `alt` is first set, before it is read. Marks too: a
      // one-word query marks the unit's docs it may still score (`alive`), and leaves the query's `touched` empty.
      const { items, length } = u.touched;
      for (let t = 0; t < length; t++) {
        u.alt[items[t]!] = 0;
        mark[items[t]!] = 0;
      }
      u.touched.length = 0;
    }
    this.x.clearAlt();
    this.touched.length = 0;
    if (this.candidateList) this.candidateList.length = 0;
    this.wroteAll = false;
    this.wroteProximity = false;
  }
}

/**
 * The query arrays kept for reuse: one set, the largest given back. A set serves any shard of at most its size, since
 * scoring indexes it by a shard's local doc numbers and clears only what a query touched; kept per size, a ten-million
 * record build's shards of 55,866 and 55,865 docs held two sets of 10 MiB each in one isolate (a heap snapshot of one
 * shard object, docs/benchmarks-history.md).
 */
let kept: QueryArrays | null = null;

/** Units (words) of the query whose set of arrays isolate-memory.ts keeps room for. */
export const PLANNED_UNITS = 4;

/**
 * Bytes of one set of query arrays for a shard of `docs` docs and a query of `units` units: 72 bytes a doc, and 30
 * more a unit. isolate-memory.ts leaves room for one set at the largest shard a build makes.
 */
export function queryArrayBytes(docs: number, units: number): number {
  return (72 + 30 * units) * docs;
}

/** Bytes of the query arrays kept for reuse now, summed from the arrays themselves (those in use are not counted). */
export function scoringArrayBytes(): number {
  return kept ? kept.bytes() : 0;
}

/**
 * Bytes of the memories the kept set's arrays live in (zeroed-arena.ts), written to or not: what an isolate holds
 * for them, and what a heap probe's array buffers leave out.
 */
export function scoringMemoryBytes(): number {
  return kept ? kept.memoryBytes() : 0;
}

/**
 * A cleared set of query arrays for a shard of `docs` docs whose doc lists hold `listDocs` docs (see
 * `listCapacity`): the kept set when it is big enough (its lists made larger if they must be), else a new one.
 */
export function takeArrays(docs: number, listDocs = docs): QueryArrays {
  if (kept && kept.size >= docs) {
    const a = kept;
    kept = null;
    a.reserve(listDocs);
    return a;
  }
  const st = searchStats();
  if (st) st.arraysMade++;
  return new QueryArrays(docs, listDocs);
}

/**
 * Docs a query's doc lists may have to hold on a shard of `docs` docs: every posting of every field of its terms
 * and references (a doc enters a list only from a posting), or every doc when it has neither (filters alone walk
 * the whole shard). An upper bound: a doc in several lists of the query is counted once for each.
 */
export function listCapacity(docs: number, unitPostings: UnitPostings[], refPostings: TermPostings[]): number {
  if (!unitPostings.length && !refPostings.length) return docs;
  let n = 0;
  const add = (p: TermPostings) => {
    for (const f in p.fields) n += p.fields[f as keyof TermPostings["fields"]]!.count;
  };
  for (const unit of unitPostings) for (const alt of unit) for (const p of alt) add(p);
  for (const p of refPostings) add(p);
  return Math.min(docs, n);
}

export function giveArrays(a: QueryArrays): void {
  a.checkLists();
  a.clear();
  // One set: scoring runs in one synchronous span (see `scoreShard`), so one set serves every shard of the isolate;
  // a phrase query awaiting records makes a set of its own, and the smaller of the two is dropped. A second kept
  // set was up to 16 MiB at 100k docs a shard, held for that rare case (see isolate-memory.ts).
  if (!kept || a.size > kept.size) kept = a;
}

/** Docs a restricted scoring pass may touch: sorted global doc numbers, and a mark per local index. */
export interface Only {
  docs: Uint32Array;
  mark: Uint8Array;
}

/** Postings of a unit: per alternative, per term. */
export type UnitPostings = TermPostings[][];

/** Doc numbers as a typed array, ascending (a typed array's numeric sort, not a comparator's). */
export function sortedDocs(local: number[]): Uint32Array {
  const out = Uint32Array.from(local);
  out.sort();
  return out;
}
