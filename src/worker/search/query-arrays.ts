/**
 * The per-doc arrays one query scores a shard with, shard-sized and kept per isolate (see `QueryArrays`), and the
 * layout of a doc's numbers in them. Split from scoring.ts: the ranking model and its top-k passes read and write
 * these, and nothing else does.
 */
import type { TermPostings } from "./search-index";
import { searchStats } from "./search-stats";

/**
 * A list of docs (local indexes) in a typed array of the shard's size, kept per isolate with the query arrays and
 * emptied by its length. A shard's docs enter each list at most once, so it never fills. Hand-written rather than a
 * growing `number[]`: a common word's list of tens of thousands of docs outgrew V8's regular heap objects at every
 * doubling (copied into large-object space, garbage for a full GC), which cost more than scoring the docs.
 */
export class DocList {
  readonly items: Int32Array;
  length = 0;

  constructor(size: number) {
    this.items = new Int32Array(size);
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

  constructor(readonly size: number) {
    this.altTouched = new DocList(size);
    this.s = new Float64Array(2 * size);
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
  /** The closeness tie-breaker added to the score, and its alternative + 1 (0 = none): only in units that have one. */
  readonly bonus: Float64Array;
  readonly bonusAlt: Uint8Array;
  readonly touched: DocList;

  constructor(size: number) {
    this.alt = new Uint8Array(size);
    this.s = new Float64Array(2 * size);
    this.bonus = new Float64Array(size);
    this.bonusAlt = new Uint8Array(size);
    this.touched = new DocList(size);
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
 * A pool rather than one set, since a query awaiting a record read may let
 * another query in.
 */
export class QueryArrays {
  readonly x: Scratch;
  /** Text score, reference boost, final score and flags per doc, at stride `Q` (see `Q`). */
  readonly f: Float64Array;
  /** The same bytes: units matched at `16i + MATCHED`, text units matched at `16i + TEXT_MATCHED`. */
  readonly h: Uint16Array;
  readonly seen: Uint8Array;
  readonly mark: Uint8Array;
  /** Docs a second restricted pass may touch (`mark` holds the first's). */
  readonly mark2: Uint8Array;
  /** Docs the exact count has seen (zero between uses: the count clears what it set). */
  readonly counted: Uint8Array;
  /** Proximity bonus (several units only). */
  readonly proximity: Float64Array;
  readonly units: UnitArrays[] = [];
  readonly touched: DocList;
  /** The candidates a filtered query's docs leave (unfiltered, they are `touched`). */
  readonly candidates: DocList;
  /** Set when a pass wrote to docs outside `touched` (a filter-only query walks the whole shard). */
  wroteAll = false;
  /** Set when proximity was written (several units). */
  wroteProximity = false;

  constructor(readonly size: number) {
    this.x = new Scratch(size);
    this.touched = new DocList(size);
    this.candidates = new DocList(size);
    this.f = new Float64Array(Q * size);
    this.h = new Uint16Array(this.f.buffer);
    this.seen = new Uint8Array(size);
    this.mark = new Uint8Array(size);
    this.mark2 = new Uint8Array(size);
    this.counted = new Uint8Array(size);
    this.proximity = new Float64Array(size);
  }

  unit(k: number): UnitArrays {
    while (this.units.length <= k) this.units.push(new UnitArrays(this.size));
    return this.units[k]!;
  }

  /** The bytes of every array held (see `queryArrayBytes`). */
  bytes(): number {
    const own = [this.x.s, this.x.altTouched.items, this.f, this.proximity, this.seen, this.mark, this.mark2];
    own.push(this.counted, this.touched.items, this.candidates.items);
    let n = 0;
    for (const b of own) n += b.byteLength;
    for (const u of this.units) for (const b of [u.alt, u.s, u.bonus, u.bonusAlt, u.touched.items]) n += b.byteLength;
    return n;
  }

  clear(): void {
    const f = this.f;
    if (this.wroteAll) {
      f.fill(0);
      this.proximity.fill(0);
      this.seen.fill(0);
      this.mark.fill(0);
      this.mark2.fill(0);
    } else {
      const { items, length } = this.touched;
      const prox = this.wroteProximity ? this.proximity : null;
      for (let t = 0; t < length; t++) {
        const i = items[t]!;
        // `total` is written for every candidate before it is read; the flags double zeroes both counts.
        f[Q * i + TEXT] = 0;
        f[Q * i + REF] = 0;
        f[Q * i + FLAGS] = 0;
        if (prox) prox[i] = 0;
        this.seen[i] = 0;
        this.mark[i] = 0;
        this.mark2[i] = 0;
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
    this.candidates.length = 0;
    this.wroteAll = false;
    this.wroteProximity = false;
  }
}

/**
 * The query arrays kept for reuse: one set, the largest given back. A set serves any shard of at most its size, since
 * scoring indexes it by a shard's local doc numbers and clears only what a query touched; kept per size, a ten-million
 * record build's shards of 55,866 and 55,865 docs held two sets of 10 MiB each in one isolate (a heap snapshot of one
 * shard object, BENCHMARKS.md).
 */
let kept: QueryArrays | null = null;

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

/** A cleared set of query arrays for a shard of `docs` docs: the kept set when it is big enough, else a new one. */
export function takeArrays(docs: number): QueryArrays {
  if (kept && kept.size >= docs) {
    const a = kept;
    kept = null;
    return a;
  }
  const st = searchStats();
  if (st) st.arraysMade++;
  return new QueryArrays(docs);
}

export function giveArrays(a: QueryArrays): void {
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
