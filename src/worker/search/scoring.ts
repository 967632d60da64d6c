/**
 * Scoring: the ranking model and top-k query processing over one search shard.
 *
 *   unit score(doc) = max over the unit's alternatives of
 *                     rule weight × Σ over fields holding the term of
 *                     field weight × idf of the term in that field × position factor(slot)
 *   score(doc)      = (Σ unit scores + proximity bonus) × coordination(matched units)
 *                     + reference boost + date boost
 *
 * BM25F-style: each field has its own weight and idf, and each rule its
 * confidence (exact > stem > variant > synonym > phonetic > typo), so an exact
 * rare surname outweighs sound-alike matches on common words. Coordination is
 * soft: a doc missing one of the query's units loses a share of its score
 * (`SEARCH_DEFAULTS.coordination`), so matching more words helps without
 * ranking a weak match on every word above a strong match on some.
 *
 * Every unit's contribution has an upper bound (its best alternative at the
 * field's lowest slot, read from the term directory without decoding
 * postings), and coordination only scales down, so the score of a doc never
 * exceeds its partial score plus the bounds of the units not yet scored. Top-k
 * uses that (MaxScore, term at a time): units are scored in order of their
 * bounds; once the bounds of the rest cannot lift a doc not yet seen above
 * the current k-th best, no new doc can enter the top k, and the remaining
 * units are scored only for the docs that still can, decoding only the
 * postings blocks that hold them. The total is then a lower bound
 * (`exact: false`), and facets cover the best candidates only.
 *
 * Several words (with no reference in the query) go a finer way, a list at a
 * time: a list is one field of one alternative (a stem, a sound code, a typo
 * carry their rule weight in its bound). Given the k-th best so far, MaxScore
 * splits the lists into non-essential ones (a doc found only in them cannot
 * reach it, under coordination) and essential ones; each round scores, in
 * full, the docs of the shortest essential lists not seen yet, which raises
 * the k-th best and makes more lists non-essential. A doc found only in lists
 * never walked is never scored: a common word's long fields and the weak
 * expansions are only looked up for the candidates.
 *
 * One very common word, once warm, is answered from its alternatives' top
 * lists (top-k-term-lists.ts), merged best first until the best 1,000 (the
 * facet candidates) are proven: O(k), not O(matches) (`topListAnswer`).
 */
import { FIELDS, type FieldName, type MatchRule } from "../../shared/search-config";
import { words } from "../../shared/text/fold";
import { BLOCK_SIZE, type DocArray } from "../../shared/index-format";
import { LITERAL_FIELDS, SEARCH_DEFAULTS, type QueryPlan, type QueryUnit } from "./engine";
import type { FieldPostings, FilterColumns, SearchIndex, TermPostings } from "./search-index";
import { COMMON_TERM_DEFAULTS, commonTermCandidates, type CommonTermOptions } from "./common-term-answers";
import { searchStats } from "./search-stats";
import { bestOf, deepenTermTop, kthLargest, termTop, TOP_LIST_DEFAULTS, type TermTop } from "./top-k-term-lists";

export interface UnitMatch {
  unit: string;
  rule: MatchRule;
  via: string;
  field?: FieldName;
  score: number;
}

export interface ScoredDoc {
  doc: number;
  score: number;
  matched: number;
  /** Catalogue order, the last tie-break. */
  order: number;
  parts: UnitMatch[];
}

/** What one shard answers: its best hits, its share of the total and facets. */
export interface ShardResult {
  total: number;
  /** False when top-k stopped early: `total` is then a lower bound. */
  totalExact: boolean;
  /** Matches before the query's own date range was applied (decides filter vs boost). */
  undated: number;
  top: ScoredDoc[];
  facets: { series: Record<string, number>; decade: Record<string, number> };
  /** False when facets count only the best `SEARCH_DEFAULTS.facetCandidates` candidates. */
  facetsExact: boolean;
}

/** Reads records by doc number, for phrase checks. */
export type RecordTexts = (docs: number[]) => Promise<string[]>;

export interface ScoreOptions {
  /** Score every match (exact totals and facets) when the query's postings number at most this. */
  exhaustiveBelow?: number;
  /** Restrict common words to the docs rarer words found, then prove the top k (default on). */
  speculate?: boolean;
  /**
   * Below `exhaustiveBelow`, count the matches (exact total and facets) in a pass of their own and rank by top-k,
   * rather than scoring every match (default on; off scores every match, as the tests' reference does).
   */
  countApart?: boolean;
  /** Several words: MaxScore a list at a time (default on; off takes the unit-at-a-time path). */
  listFirst?: boolean;
  /** List at a time: a round takes lists this short (default `ROUND_POSTINGS`; the tests scale it down). */
  roundPostings?: number;
  /** List at a time: a round may take lists holding up to 1/this of the postings left (default `ROUND_SHARE`). */
  roundShare?: number;
  /** List at a time, the last round scores every doc not seen when its lists hold 1/this of what is left. */
  fullPassShare?: number;
  /** When top-k stops early, facets count this many best candidates (default `SEARCH_DEFAULTS.facetCandidates`). */
  facetCandidates?: number;
  /** Answer one-word queries of very common words from their alternatives' top lists (default on, `TOP_LIST_DEFAULTS`). */
  topLists?: typeof TOP_LIST_DEFAULTS | false;
  /** Answer one-word queries of very common words from their fields' leaders (default on, `COMMON_TERM_DEFAULTS`). */
  commonTerms?: CommonTermOptions | false;
  /**
   * Answer a shard where no list of the plan has a posting at once, without reading or decoding its filter
   * columns (default on; off scores it as any other, as the tests' reference does).
   */
  skipEmpty?: boolean;
}

/** How often each shortcut answered, for tests that must see it taken (never read on the query path). */
export const scoringCounters = {
  commonTermAnswers: 0,
  topListAnswers: 0,
  countedApart: 0,
  essentialLists: 0,
  listFirst: 0,
  listFirstFullPass: 0,
  /** Shards answered empty without their filter columns: no list of the plan has a posting there. */
  shardsWithoutCandidates: 0,
  /** Facets counted from the filter columns, the shard's facet column not made yet (`FACET_COLUMN_SHARE`). */
  facetsWithoutColumn: 0,
};

/** Rounds of list-at-a-time MaxScore before the essential lists left are taken together. */
const LIST_ROUNDS = 8;
/**
 * A round takes one list while it is this short: each round looks its docs up in every list, so rounds pay while
 * they are few docs that raise the k-th best; a long list is taken with the other essential lists, in one pass.
 */
const ROUND_POSTINGS = 512;
/**
 * When no essential list is within `ROUND_POSTINGS`, a round may take lists holding up to 1/this of the postings
 * left, and at most `ROUND_POSTINGS_MAX_SHARE` × `ROUND_POSTINGS`: at 100k, a place's titles (a few hundred docs)
 * beside common words' lists of thousands set a k-th best that leaves most of those lists non-essential, where a
 * full pass scored every doc of them. (Past that cap, rounds of a very common word's lists cost more than they save.)
 */
const ROUND_SHARE = 16;
const ROUND_POSTINGS_MAX_SHARE = 4;
/** The last round scores every doc not seen when its essential lists hold this share (inverse) of what is left. */
const FULL_PASS_SHARE = 2;
/** Speculate when the units left hold this many times more postings than the docs seen. */
const SPECULATE_RATIO = 4;
/** A restricted pass finds its docs by galloping search when the list is this many times longer. */
const GALLOP_RATIO = 8;

const FIELD_INDEX = new Map<FieldName, number>(Object.keys(FIELDS).map((f, i) => [f as FieldName, i]));
const FIELD_BY_INDEX = Object.keys(FIELDS) as FieldName[];
const FIELD_WEIGHT = Float64Array.from(FIELD_BY_INDEX, (f) => FIELDS[f].weight);

/**
 * A list of docs (local indexes) in a typed array of the shard's size, kept per isolate with the query arrays and
 * emptied by its length. A shard's docs enter each list at most once, so it never fills. Hand-written rather than a
 * growing `number[]`: a common word's list of tens of thousands of docs outgrew V8's regular heap objects at every
 * doubling (copied into large-object space, garbage for a full GC), which cost more than scoring the docs.
 */
class DocList {
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
class Scratch {
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
class UnitArrays {
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
const Q = 4;
const TEXT = 0;
const REF = 1;
const TOTAL = 2;
/** The last double of a doc's numbers: its counts, zeroed together. */
const FLAGS = 3;
/** Indexes of the counts in a 16-bit view (bytes 24 and 26 of a doc's numbers). */
const MATCHED = 12;
const TEXT_MATCHED = 13;

/**
 * Every per-doc array one query on one shard needs, kept per isolate and
 * handed back zeroed: allocating (and zeroing) a dozen shard-sized arrays
 * per query cost more than scoring a rare word. Cleared through the touched
 * lists, so a query pays for the docs it touched, not for the shard's size.
 * A pool rather than one set, since a query awaiting a record read may let
 * another query in.
 */
class QueryArrays {
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

/** Free query arrays by shard size (one isolate may score several shards, as Durable Objects or in tests). */
const freeArrays = new Map<number, QueryArrays[]>();

/**
 * Bytes of one set of query arrays for a shard of `docs` docs and a query of `units` units: 72 bytes a doc, and 30
 * more a unit. isolate-memory.ts leaves room for one set at the largest shard a build makes.
 */
export function queryArrayBytes(docs: number, units: number): number {
  return (72 + 30 * units) * docs;
}

/** Bytes of the query arrays kept for reuse now, summed from the arrays themselves (those in use are not counted). */
export function scoringArrayBytes(): number {
  let n = 0;
  for (const list of freeArrays.values()) for (const a of list) n += a.bytes();
  return n;
}

function takeArrays(size: number): QueryArrays {
  const free = freeArrays.get(size)?.pop();
  if (free) return free;
  const st = searchStats();
  if (st) st.arraysMade++;
  return new QueryArrays(size);
}

function giveArrays(a: QueryArrays): void {
  a.clear();
  const list = freeArrays.get(a.size) ?? freeArrays.set(a.size, []).get(a.size)!;
  // One per size: scoring runs in one synchronous span (see `scoreShard`), so one set serves every shard of the
  // isolate; a phrase query awaiting records makes a set of its own, dropped after. A second kept set was up to
  // 16 MiB at 100k docs a shard, held for that rare case (see isolate-memory.ts).
  if (list.length < 1) list.push(a);
}

/** Docs a restricted scoring pass may touch: sorted global doc numbers, and a mark per local index. */
interface Only {
  docs: Uint32Array;
  mark: Uint8Array;
}

/** Postings of a unit: per alternative, per term. */
type UnitPostings = TermPostings[][];

/** Doc numbers as a typed array, ascending (a typed array's numeric sort, not a comparator's). */
function sortedDocs(local: number[]): Uint32Array {
  const out = Uint32Array.from(local);
  out.sort();
  return out;
}

/**
 * Slots a posting can hold: format 9 codes a slot in one of 16 codes (FlexSearch's resolution keeps slots under
 * that). Only these are filled per field (all 256 of a byte were, a sixteenth of the work); the table stays a
 * byte's length, so a slot beyond them would read 0, never past the table.
 */
const SLOT_CODES = 16;
const slotTable = new Float64Array(256);

/** A field's contribution at each slot, `w × (1 − slotDecay × slot)`: filled per field, read per posting. */
function slotScores(w: number): Float64Array {
  for (let s = 0; s < SLOT_CODES; s++) slotTable[s] = w * (1 - SEARCH_DEFAULTS.slotDecay * s);
  return slotTable;
}

function fieldWeight(f: FieldName, df: number, n: number): number {
  return FIELDS[f].weight * Math.log(1 + n / df);
}

/**
 * Adds one term's score, over the given fields, into the alternative scratch.
 * Each field contributes weight × idf within that field × position factor:
 * a word rare in titles counts for more there even if descriptions use it
 * often. With `only`, just the blocks holding those docs are decoded.
 */
function addTerm(
  p: TermPostings,
  fields: FieldName[],
  n: number,
  restrict: FieldName[] | undefined,
  x: Scratch,
  termNo: number,
  only: Only | null,
  /** Docs to leave out (already scored for this unit). */
  skip: Uint8Array | null = null,
): void {
  for (const f of fields) {
    if (restrict && !restrict.includes(f)) continue;
    const fp = p.fields[f];
    if (!fp) continue;
    const w = fieldWeight(f, fp.df, n);
    const fi = FIELD_INDEX.get(f)!;
    const fw = FIELDS[f].weight;
    const { s: xs, altTouched } = x;
    // Each slot's contribution, computed as the loop did per posting (the same products, so the same floats).
    const bySlot = slotScores(w);
    const onlyMark = only ? only.mark : null;
    const all = fp.decodeAll();
    if (!only) {
      visitPostings(all.docs, all.slots, 0, all.docs.length, xs, altTouched, bySlot, termNo, fi, fw, null, skip);
      continue;
    }
    if (only.docs.length * GALLOP_RATIO < all.docs.length) {
      // Few candidates in a long list: find each by a galloping search rather than walking every block.
      const docs = all.docs,
        m = docs.length;
      for (let c = 0, at = 0; c < only.docs.length && at < m; c++) {
        const target = only.docs[c]!;
        if (docs[at]! < target) {
          let lo = at + 1,
            hi = at + 1;
          for (let step = 1; hi < m && docs[hi]! < target; step *= 2) {
            lo = hi + 1;
            hi += step;
          }
          hi = Math.min(hi, m);
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (docs[mid]! < target) lo = mid + 1;
            else hi = mid;
          }
          at = lo;
        }
        if (at < m && docs[at] === target)
          visitPostings(docs, all.slots, at, at + 1, xs, altTouched, bySlot, termNo, fi, fw, onlyMark, skip);
      }
      continue;
    }
    // Walk the sorted candidates and the blocks together; decode a block only if a candidate falls in it.
    let c = 0;
    for (let b = 0, first = 0; b < fp.blocks && c < only.docs.length; b++) {
      const last = fp.lastDoc(b);
      if (only.docs[c]! > last) {
        first = last + 1;
        continue;
      }
      // Decoded postings are whole arrays in blocks of BLOCK_SIZE: the block is visited in place, not copied.
      if (only.docs[c]! >= first)
        visitPostings(
          all.docs,
          all.slots,
          b * BLOCK_SIZE,
          Math.min(all.docs.length, (b + 1) * BLOCK_SIZE),
          xs,
          altTouched,
          bySlot,
          termNo,
          fi,
          fw,
          onlyMark,
          skip,
        );
      while (c < only.docs.length && only.docs[c]! <= last) c++;
      first = last + 1;
    }
  }
}

/**
 * Adds postings `[from, to)` of one field (`fi`, weight `fw`, each slot's score in `bySlot`) of term `termNo` into the
 * alternative scratch `xs` (see `Scratch`). The hot loop of every search: typed arrays and locals only, no
 * per-posting object lookups; a function of its own, not a closure made per field.
 */
function visitPostings(
  docs: DocArray,
  slots: Uint8Array,
  from: number,
  to: number,
  xs: Float64Array,
  altTouched: DocList,
  bySlot: Float64Array,
  termNo: number,
  fi: number,
  fw: number,
  onlyMark: Uint8Array | null,
  skip: Uint8Array | null,
): void {
  for (let j = from; j < to; j++) {
    const i = docs[j]!;
    if ((onlyMark !== null && !onlyMark[i]) || skip?.[i]) continue;
    const s = slots[j]!;
    const add = bySlot[s]!;
    const at = 2 * i;
    const meta = xs[at + 1]!;
    const c = meta & 255;
    if (c === termNo) {
      // First field of this term for this doc: count the term once.
      if (termNo === 0) altTouched.push(i);
      xs[at + 1] =
        termNo === 0 || fw > FIELD_WEIGHT[(meta >> 8) & 255]!
          ? termNo + 1 + fi * 256 + s * 65536
          : (meta & ~255) + termNo + 1;
      xs[at]! += add;
    } else if (c === termNo + 1) {
      xs[at]! += add;
      if (fw > FIELD_WEIGHT[(meta >> 8) & 255]!) xs[at + 1] = c + fi * 256 + s * 65536;
    }
  }
}

/**
 * What a one-word query needs to stop early inside its unit: the filters, the reference boosts, and how many
 * docs it keeps. (With one word, a doc's score is its best alternative's plus its reference boost.)
 */
interface OneWordPruning {
  passes: (i: number) => boolean;
  /** The query's per-doc numbers: the reference boost of doc `i` is at `Q * i + REF`. */
  f: Float64Array;
  /** Docs touched by reference matches before the unit is scored. */
  refDocs: DocList;
  /** The largest reference boost of any doc. */
  refMax: number;
  keep: number;
  mark: Uint8Array;
}

/**
 * Scores a unit's alternatives into `u`: a doc's unit score is its best alternative's. With `prune` (one-word
 * queries), MaxScore runs over the alternatives (combined by max) and, inside a one-term alternative, over its
 * fields (summed, in the term's own field order so every doc's sum adds up exactly as exhaustive scoring
 * does): once nothing left (the rest of this alternative's fields, or a later alternative) can lift a doc not
 * yet seen to the k-th best, the rest of this alternative is scored only for docs that can still reach it, and
 * later alternatives not at all. Returns true when it stopped early.
 */
function scoreUnit(
  unit: QueryUnit,
  postings: UnitPostings,
  n: number,
  x: Scratch,
  only: Only | null,
  u: UnitArrays,
  prune?: OneWordPruning,
  skip: Uint8Array | null = null,
): boolean {
  const bounds = prune ? altBounds(unit, postings, n) : null;
  // Tie-breakers (closeness) after every alternative that can match: they add only to docs already matched.
  const order = unit.alternatives.map((_, ai) => ai).filter((ai) => !unit.alternatives[ai]!.bonus);
  if (bounds) order.sort((a, b) => bounds[b]! - bounds[a]! || a - b);
  unit.alternatives.forEach((a, ai) => {
    if (a.bonus) order.push(ai);
  });
  const touchedBefore = u.touched.length;
  const tieBreakers = order.length > 0 && unit.alternatives[order[order.length - 1]!]!.bonus === true;
  let stopped = false;
  // The most any doc scored so far can have, before its reference boost: the k-th best is no higher, so while
  // what is left can reach this, the k-th best (a pass over every doc seen) need not be computed.
  let seenBest = 0;
  const refMax = prune?.refMax ?? 0;
  for (let step = 0; step < order.length && !stopped; step++) {
    const ai = order[step]!;
    const alt = unit.alternatives[ai]!;
    const restAlts = bounds && step + 1 < order.length ? bounds[order[step + 1]!]! : 0;
    x.clearAlt();
    if (prune && alt.terms.length === 1) {
      const t = alt.terms[0]!;
      const p = postings[ai]![0]!;
      const fields = t.fields.filter((f) => (!unit.fields || unit.fields.includes(f)) && p.fields[f]);
      const fb = fields.map((f) => fieldBound(f, p.fields[f]!, n) * alt.weight);
      let restricted: Only | null = null;
      let doneFields = 0;
      for (let j = 0; j < fields.length; j++) {
        if (!restricted && j > 0) {
          let restFields = 0;
          for (let m = j; m < fields.length; m++) restFields += fb[m]!;
          const left = Math.max(restFields, restAlts);
          if (left < Math.max(seenBest, doneFields) + refMax) {
            const bar = pruneBar(prune, u, x, alt.weight);
            if (left < bar) {
              restricted = alive(prune, u, x, alt.weight, restFields, bar);
              stopped = true;
            }
          }
        }
        addTerm(p, [fields[j]!], n, undefined, x, 0, restricted);
        doneFields += fb[j]!;
      }
    } else {
      alt.terms.forEach((t, ti) => {
        addTerm(postings[ai]![ti]!, t.fields, n, unit.fields, x, ti, only, skip);
      });
    }
    const need = alt.terms.length;
    if (alt.bonus) {
      // The closest catalogue word a matched doc holds counts; a bonus never makes a match.
      for (let at = 0; at < x.altTouched.length; at++) {
        const i = x.altTouched.items[at]!;
        if (x.count(i) !== need || !u.alt[i]) continue;
        const sc = x.score(i) * alt.weight;
        if (sc > u.bonus[i]!) {
          u.bonus[i] = sc;
          u.bonusAlt[i] = ai + 1;
        }
      }
      // Only to docs this pass matched first: a unit scored in several restricted passes has the others' already.
      if (step + 1 === order.length)
        for (let t = touchedBefore; t < u.touched.length; t++)
          u.s[2 * u.touched.items[t]!]! += u.bonus[u.touched.items[t]!]!;
      continue;
    }
    const us = u.s;
    for (let at = 0; at < x.altTouched.length; at++) {
      const i = x.altTouched.items[at]!;
      const meta = x.s[2 * i + 1]!;
      if ((meta & 255) !== need) continue; // a multi-word expansion needs all its words
      const sc = x.s[2 * i]! * alt.weight;
      const was = u.alt[i]!;
      if (was === 0) {
        // A doc's first match in this unit starts it afresh: only `alt` is cleared between queries. Its tie-breaker
        // only in a unit that has one (read only then): two fewer shard-sized arrays touched a doc.
        u.touched.push(i);
        if (tieBreakers) {
          u.bonus[i] = 0;
          u.bonusAlt[i] = 0;
        }
      }
      // Ties go to the alternative planned first, whatever order they are scored in.
      if (was === 0 || sc > us[2 * i]! || (sc === us[2 * i] && ai + 1 < was)) {
        us[2 * i] = sc;
        u.alt[i] = ai + 1;
        // The scratch's field and slot, as they are (its count bits dropped).
        us[2 * i + 1] = meta >> 8;
      }
    }
    if (bounds) seenBest = Math.max(seenBest, bounds[ai]!);
    // Between alternatives: the later ones' best bound against the k-th best so far.
    if (
      prune &&
      !stopped &&
      step + 1 < order.length &&
      restAlts < seenBest + refMax &&
      restAlts < pruneBar(prune, u, x, 0)
    )
      stopped = true;
  }
  x.clearAlt();
  return stopped;
}

/**
 * A one-word query answered from its alternatives' top lists (top-k-term-lists.ts), each best first: the lists are
 * walked together from their heads, the highest weighted score next (ties to the alternative planned first), so a
 * doc is met first at its unit score (its best alternative's, as `scoreUnit` merges them); the walk stops past the
 * `need`-th doc, once the next score is below it. Exact when every list walked to its end left out only docs scoring
 * below that `need`-th best (its frontier times the rule weight): a doc met later or never cannot then change the top
 * `need`, nor their scores, fields and slots. Fills `u` and returns a lower bound of the matches; null (with `u` left
 * empty) when a list is cold, a list too shallow (it is derived deeper on its next use), or the unit has a
 * tie-breaker or an expansion of several words (the general path answers).
 */
function topListAnswer(
  unit: QueryUnit,
  postings: UnitPostings,
  n: number,
  x: Scratch,
  u: UnitArrays,
  need: number,
  order: Uint32Array,
  opts: typeof TOP_LIST_DEFAULTS,
  fc: Uint16Array,
): { matchesAtLeast: number; inOrder: boolean; facetRows: Uint16Array } | null {
  const alts = unit.alternatives;
  if (alts.some((a) => a.bonus || a.terms.length !== 1)) return null;
  // Only very common words: a field of an alternative longer than `minPostings`.
  let common = false;
  for (let ai = 0; ai < alts.length && !common; ai++)
    for (const fp of Object.values(postings[ai]![0]!.fields)) if (fp && fp.count > opts.minPostings) common = true;
  if (!common) return null;
  const ais: number[] = [];
  const fieldsOf: FieldName[][] = [];
  const tops: TermTop[] = [];
  let cold = false;
  for (let ai = 0; ai < alts.length; ai++) {
    const t = alts[ai]!.terms[0]!;
    const p = postings[ai]![0]!;
    const fields = t.fields.filter((f) => (!unit.fields || unit.fields.includes(f)) && p.fields[f]);
    if (!fields.length) continue;
    const top = termTop(
      p,
      fields,
      n,
      order,
      () => {
        x.clearAlt();
        addTerm(p, fields, n, undefined, x, 0, null);
        const { items, length } = x.altTouched;
        return { touched: items, length, scratch: x.s };
      },
      () => x.clearAlt(),
      opts,
    );
    // Every alternative is asked, so each cold one is remembered on this use.
    if (!top) cold = true;
    else {
      ais.push(ai);
      fieldsOf.push(fields);
      tops.push(top);
    }
  }
  if (cold || !tops.length) return null;
  const L = tops.length;
  const weights = ais.map((ai) => alts[ai]!.weight);
  const pos = new Int32Array(L);
  const rowsOf = tops.map((t) => facetRowsOf(t, fc));
  if (answerFacetRows.length < 3 * need) answerFacetRows = new Uint16Array(3 * need);
  const facetRows = answerFacetRows;
  let found = 0;
  let theta = -Infinity,
    thetaOrder = -1;
  /**
   * Whether the docs were found best first by score then catalogue order, as `TopK` ranks them: the merge takes
   * each list's head in that order, but a weight's rounding can tie two scores a list holds apart.
   */
  let inOrder = true;
  while (found < need) {
    let best = -1,
      v = -Infinity,
      o = 0;
    // Best score, then catalogue order; lists are in plan order, so a doc's tie goes to the alternative planned first.
    for (let l = 0; l < L; l++) {
      const top = tops[l]!;
      const j = pos[l]!;
      if (j >= top.docs.length) continue;
      const s = top.scores[j]! * weights[l]!;
      if (s > v || (s === v && top.orders[j]! < o)) {
        v = s;
        o = top.orders[j]!;
        best = l;
      }
    }
    if (best < 0) break;
    const top = tops[best]!;
    const j = pos[best]!++;
    const i = top.docs[j]!;
    // Met before at a score as high (its best alternative): this is a lesser alternative of the same doc.
    if (u.alt[i] !== 0) continue;
    u.touched.push(i);
    u.alt[i] = ais[best]! + 1;
    u.s[2 * i] = v;
    u.s[2 * i + 1] = top.field[j]! + top.slot[j]! * 256;
    // No tie-breaker (the unit has none): `bonus` is not read.
    if (found > 0 && !(v < theta || (v === theta && o > thetaOrder))) inOrder = false;
    const rows = rowsOf[best]!;
    facetRows[3 * found] = rows[3 * j]!;
    facetRows[3 * found + 1] = rows[3 * j + 1]!;
    facetRows[3 * found + 2] = rows[3 * j + 2]!;
    found++;
    theta = v;
    thetaOrder = o;
  }
  // A list walked to its end may have left out docs from its frontier on; one not at its end stopped past `theta`.
  let proven = true;
  let matchesAtLeast = 0;
  for (let l = 0; l < L; l++) {
    const top = tops[l]!;
    matchesAtLeast = Math.max(matchesAtLeast, top.matches);
    if (pos[l]! < top.docs.length || top.complete) continue;
    const f = top.frontier * weights[l]!;
    if (found < need || !(theta > f || (theta === f && top.frontierOrder >= 0 && thetaOrder < top.frontierOrder))) {
      proven = false;
      deepenTermTop(postings[ais[l]!]![0]!, fieldsOf[l]!);
    }
  }
  if (proven) return { matchesAtLeast, inOrder, facetRows };
  for (let t = 0; t < u.touched.length; t++) u.alt[u.touched.items[t]!] = 0;
  u.touched.length = 0;
  return null;
}

/**
 * Scratch for the k-th best of some scores, at least `m` long: one per isolate, grown as needed, so finding a bar
 * allocates nothing. Filled and read within one synchronous call.
 */
let values = new Float64Array(1024);
function valuesFor(m: number): Float64Array {
  if (values.length < m) values = new Float64Array(Math.max(m, 2 * values.length));
  return values;
}

/** A field's bound: its weight and idf at its lowest slot. */
function fieldBound(f: FieldName, fp: FieldPostings, n: number): number {
  return fieldWeight(f, fp.df, n) * (1 - SEARCH_DEFAULTS.slotDecay * fp.minSlot);
}

/**
 * The k-th best score so far of a one-word query, less a hair of slack: every doc's best finished alternative,
 * or the alternative being scored (weight `w`, its fields so far; 0 = none), plus its reference boost.
 */
function pruneBar(prune: OneWordPruning, u: UnitArrays, x: Scratch, w: number): number {
  const lower = valuesFor(u.touched.length + (w ? x.altTouched.length : 0) + prune.refDocs.length);
  let m = 0;
  // With no reference boost at all, every doc's is 0: not read (the query's numbers of a doc are a cache miss).
  const f = prune.refMax > 0 ? prune.f : null;
  for (let at = 0; at < u.touched.length; at++) {
    const i = u.touched.items[at]!;
    if (prune.passes(i)) lower[m++] = Math.max(u.score(i), x.count(i) ? x.score(i) * w : 0) + (f ? f[Q * i + REF]! : 0);
  }
  if (w)
    for (let at = 0; at < x.altTouched.length; at++) {
      const i = x.altTouched.items[at]!;
      if (!u.alt[i] && prune.passes(i)) lower[m++] = x.score(i) * w + (f ? f[Q * i + REF]! : 0);
    }
  for (let at = 0; at < prune.refDocs.length; at++) {
    const i = prune.refDocs.items[at]!;
    if (!u.alt[i] && !x.count(i) && prune.passes(i)) lower[m++] = prune.f[Q * i + REF]!;
  }
  const theta = kthLargest(lower.subarray(0, m), prune.keep);
  return theta - Math.abs(theta) * 1e-9;
}

/** Docs seen so far that can still reach `bar` within the alternative being scored. */
function alive(prune: OneWordPruning, u: UnitArrays, x: Scratch, w: number, restFields: number, bar: number): Only {
  const docs: number[] = [];
  const f = prune.refMax > 0 ? prune.f : null;
  const consider = (i: number) => {
    if (prune.mark[i] || !prune.passes(i)) return;
    if ((x.count(i) ? x.score(i) * w : 0) + restFields + (f ? f[Q * i + REF]! : 0) >= bar) {
      prune.mark[i] = 1;
      docs.push(i);
    }
  };
  for (let at = 0; at < x.altTouched.length; at++) consider(x.altTouched.items[at]!);
  for (let at = 0; at < u.touched.length; at++) consider(u.touched.items[at]!);
  for (let at = 0; at < prune.refDocs.length; at++) consider(prune.refDocs.items[at]!);
  return { docs: sortedDocs(docs), mark: prune.mark };
}

/** The most each alternative of a unit can add to a doc's score: each field at its lowest slot. */
function altBounds(unit: QueryUnit, postings: UnitPostings, n: number): number[] {
  return unit.alternatives.map((alt, ai) => {
    let s = 0;
    alt.terms.forEach((t, ti) => {
      for (const f of t.fields) {
        if (unit.fields && !unit.fields.includes(f)) continue;
        const fp = postings[ai]![ti]!.fields[f];
        if (fp) s += fieldWeight(f, fp.df, n) * (1 - SEARCH_DEFAULTS.slotDecay * fp.minSlot);
      }
    });
    return s * alt.weight;
  });
}

/**
 * The most a unit can add to any doc's score: its best alternative, each field at its lowest slot, plus its best
 * tie-breaker (closeness), which adds to a match.
 */
export function unitBound(unit: QueryUnit, postings: UnitPostings, n: number): number {
  const b = altBounds(unit, postings, n);
  let best = 0,
    bonus = 0;
  unit.alternatives.forEach((a, ai) => {
    if (a.bonus) bonus = Math.max(bonus, b[ai]!);
    else best = Math.max(best, b[ai]!);
  });
  return best + bonus;
}

/**
 * One postings list of the units left, as MaxScore sees it: a single-term alternative's field (bound: rule weight
 * × field weight × idf at the field's lowest slot), or a multi-word expansion whole (bound: the expansion's; docs:
 * its rarest term's, a superset of the docs that match it).
 */
interface BoundedList {
  unit: number;
  alt: number;
  bound: number;
  count: number;
  postings: FieldPostings[];
}

/** The postings lists of some units, with their bounds, and each unit's tie-breaker bound. */
function boundedLists(
  plan: QueryPlan,
  left: number[],
  unitPostings: UnitPostings[],
  n: number,
): { lists: BoundedList[]; bonus: Float64Array } {
  const lists: BoundedList[] = [];
  const bonus = new Float64Array(plan.units.length);
  for (const k of left) {
    const unit = plan.units[k]!;
    const inUnit = (f: FieldName) => !unit.fields || unit.fields.includes(f);
    const altB = altBounds(unit, unitPostings[k]!, n);
    unit.alternatives.forEach((alt, ai) => {
      if (alt.bonus) {
        bonus[k] = Math.max(bonus[k]!, altB[ai]!);
        return;
      }
      const ps = unitPostings[k]![ai]!;
      if (alt.terms.length === 1) {
        for (const f of alt.terms[0]!.fields) {
          const fp = ps[0]!.fields[f];
          if (fp && inUnit(f))
            lists.push({ unit: k, alt: ai, bound: fieldBound(f, fp, n) * alt.weight, count: fp.count, postings: [fp] });
        }
        return;
      }
      let rarest: FieldPostings[] = [];
      let count = Infinity;
      alt.terms.forEach((t, ti) => {
        const fps = t.fields.filter((f) => inUnit(f) && ps[ti]!.fields[f]).map((f) => ps[ti]!.fields[f]!);
        const c = fps.reduce((sum, fp) => sum + fp.count, 0);
        if (c < count) {
          count = c;
          rarest = fps;
        }
      });
      if (count > 0) lists.push({ unit: k, alt: ai, bound: altB[ai]!, count, postings: rarest });
    });
  }
  // Weakest first; of equal bounds, the longest (the most to skip).
  lists.sort((a, b) => a.bound - b.bound || b.count - a.count);
  return { lists, bonus };
}

/**
 * MaxScore's essential lists, at the grain of a field of an alternative: the lists (indexes into `lists`, weakest
 * first) a doc not seen yet must be found in to reach `bar`, when the units `left` are all that can match it and
 * the lists marked `done` hold no such doc. Lists are made non-essential one by one while a doc found in none but
 * them cannot reach `bar`: its unit score is at most, per unit, its best alternative's non-essential fields summed
 * (plus the unit's tie-breaker), and with the proximity of every pair of those units and the coordination of
 * matching all of them, that stays below `bar`. So an expansion (a stem, a sound code, a typo) or a long field
 * that cannot lift a doc into the top k on its own is never walked: only the candidates' postings in it are looked
 * up. With no bar (fewer than k docs seen), every list not done is essential.
 */
function essentialLists(
  plan: QueryPlan,
  left: number[],
  lists: BoundedList[],
  bonus: Float64Array,
  done: Uint8Array,
  bar: number,
): number[] {
  const unitCount = plan.units.length;
  const essential: number[] = [];
  if (!(bar > 0)) {
    for (let j = 0; j < lists.length; j++) if (!done[j]) essential.push(j);
    return essential;
  }
  const unitNe = new Float64Array(unitCount);
  const boundWith = (k: number, value: number) => {
    let sum = 0,
      m = 0;
    for (const j of left) {
      const v = j === k ? value : unitNe[j]!;
      if (v > 0) {
        sum += v + bonus[j]!;
        m++;
      }
    }
    return (sum + (SEARCH_DEFAULTS.proximityBonus * m * (m - 1)) / 2) * coordination(m, unitCount);
  };
  /** The essential lists when lists are made non-essential in the order `seq` (each in turn, while the bound holds). */
  const select = (seq: number[]) => {
    // Per unit and alternative, the bounds of its non-essential lists summed.
    const altSum = new Map<number, Float64Array>();
    for (const k of left) altSum.set(k, new Float64Array(plan.units[k]!.alternatives.length));
    unitNe.fill(0);
    const out: number[] = [];
    for (const j of seq) {
      const l = lists[j]!;
      const sums = altSum.get(l.unit)!;
      const next = Math.max(unitNe[l.unit]!, sums[l.alt]! + l.bound);
      if (boundWith(l.unit, next) < bar) {
        sums[l.alt]! += l.bound;
        unitNe[l.unit] = next;
      } else out.push(j);
    }
    return out.sort((a, b) => a - b);
  };
  const open: number[] = [];
  for (let j = 0; j < lists.length; j++) if (!done[j]) open.push(j);
  // Any set whose bound stays below the bar will do; the one to walk is the one with the fewest postings. Two
  // greedy orders: weakest first (MaxScore's), and longest first (a long list of a common word is costly to walk,
  // a rare word's short list is cheap even if strong). The cheaper result is kept.
  const byBound = select(open);
  const byLength = select(open.slice().sort((a, b) => lists[b]!.count - lists[a]!.count || a - b));
  const cost = (xs: number[]) => xs.reduce((c, j) => c + lists[j]!.count, 0);
  return cost(byLength) < cost(byBound) ? byLength : byBound;
}

/**
 * The most each unit can add to a doc not seen: its best alternative's lists not `done` summed (a done list's
 * docs are all seen), plus its tie-breaker.
 */
function unseenUnitBounds(
  plan: QueryPlan,
  lists: BoundedList[],
  bonus: Float64Array,
  done: Uint8Array,
  /** Lists marked done whose docs are being scored now (so not all seen yet). */
  taking: number[] = [],
): Float64Array {
  const sums = plan.units.map((u) => new Float64Array(u.alternatives.length));
  lists.forEach((l, j) => {
    if (!done[j] || taking.includes(j)) sums[l.unit]![l.alt]! += l.bound;
  });
  return Float64Array.from(sums, (alts, k) => {
    const best = Math.max(0, ...alts);
    return best > 0 ? best + bonus[k]! : 0;
  });
}

/** The docs of `lists` not `seen`, passing the filters: local indexes, each once, marked in `mark`. */
function unseenDocs(
  lists: BoundedList[],
  seen: Uint8Array,
  mark: Uint8Array,
  passes: (i: number) => boolean,
): number[] {
  const out: number[] = [];
  for (const l of lists)
    for (const fp of l.postings) {
      const docs = fp.decodeAll().docs;
      for (let j = 0; j < docs.length; j++) {
        const i = docs[j]!;
        if (!mark[i] && !seen[i] && passes(i)) {
          mark[i] = 1;
          out.push(i);
        }
      }
    }
  return out;
}

/**
 * The docs not seen yet that can still enter the top k, when only the units `left` can match them and the k-th
 * best is at least `bar` (see `essentialLists`), marked in `mark`; null when every list is essential.
 */
function essentialCandidates(
  plan: QueryPlan,
  left: number[],
  unitPostings: UnitPostings[],
  n: number,
  bar: number,
  seen: Uint8Array,
  mark: Uint8Array,
  passes: (i: number) => boolean,
): number[] | null {
  if (!(bar > 0)) return null;
  const { lists, bonus } = boundedLists(plan, left, unitPostings, n);
  const essential = essentialLists(plan, left, lists, bonus, new Uint8Array(lists.length), bar);
  if (essential.length === lists.length) return null;
  return unseenDocs(
    essential.map((j) => lists[j]!),
    seen,
    mark,
    passes,
  );
}

/** Docs a probe of the strongest lists scores in full, at most, per list probed. */
const PROBE_DOCS = 32;
/** Lists probed per unit left. */
const PROBE_LISTS = 2;

/**
 * Docs likely to score well among those not seen yet: from each unit left, its strongest lists' docs at the
 * list's best slot (single-term alternatives only, so each doc matches the unit). Local indexes, each once, marked
 * in `mark`; a heuristic only (scored in full, they can only raise the k-th best, never change the answer).
 */
function probeDocs(
  plan: QueryPlan,
  left: number[],
  unitPostings: UnitPostings[],
  n: number,
  seen: Uint8Array,
  mark: Uint8Array,
  passes: (i: number) => boolean,
): number[] {
  const out: number[] = [];
  for (const k of left) {
    const unit = plan.units[k]!;
    const lists: Array<{ bound: number; fp: FieldPostings }> = [];
    unit.alternatives.forEach((alt, ai) => {
      if (alt.bonus || alt.terms.length !== 1) return;
      for (const f of alt.terms[0]!.fields) {
        const fp = unitPostings[k]![ai]![0]!.fields[f];
        if (fp && (!unit.fields || unit.fields.includes(f)))
          lists.push({ bound: fieldBound(f, fp, n) * alt.weight, fp });
      }
    });
    lists.sort((a, b) => b.bound - a.bound);
    for (const { fp } of lists.slice(0, PROBE_LISTS)) {
      const { docs, slots } = fp.decodeAll();
      for (let j = 0, taken = 0; j < docs.length && taken < PROBE_DOCS; j++) {
        const i = docs[j]!;
        if (slots[j] !== fp.minSlot || seen[i] || mark[i] || !passes(i)) continue;
        mark[i] = 1;
        out.push(i);
        taken++;
      }
    }
  }
  return out;
}

/** Postings a unit's alternatives hold in total: the cost of scoring it exhaustively. */
function unitPostingCount(unit: QueryUnit, postings: UnitPostings): number {
  let count = 0;
  unit.alternatives.forEach((alt, ai) => {
    alt.terms.forEach((t, ti) => {
      for (const f of t.fields) count += postings[ai]![ti]!.fields[f]?.count ?? 0;
    });
  });
  return count;
}

/** An empty mark array: a query with no excluded word allocates none. */
const NO_DOCS = new Uint8Array(0);

/** `coordination(m, units)` for m = 0 … units + 1, by the number of units: made once per isolate, not per query. */
const coordinationTables: Float64Array[] = [];

function coordinationTable(units: number): Float64Array {
  let t = coordinationTables[units];
  if (!t) {
    t = new Float64Array(units + 2);
    for (let m = 0; m < t.length; m++) t[m] = coordination(m, units);
    coordinationTables[units] = t;
  }
  return t;
}

/** Soft coordination: the share of a doc's score kept when it matches `matched` of `units` query units. */
export function coordination(matched: number, units: number): number {
  return units ? 1 - (SEARCH_DEFAULTS.coordination * (units - Math.min(matched, units))) / units : 1;
}

/**
 * Keeps the best `k` docs of a stream, by score then catalogue order, as a binary min-heap (worst on top). Reads
 * the score and order columns directly rather than through a comparison closure: it sees every candidate.
 */
class TopK {
  private readonly heap: number[] = [];
  constructor(
    private readonly k: number,
    /** Doc `i`'s final score is at `f[stride * i + off]` (see `Scores`). */
    private readonly f: Float64Array,
    private readonly stride: number,
    private readonly off: number,
    private readonly order: Uint32Array,
  ) {}

  /** Whether doc `a` ranks above doc `b`. */
  private better(a: number, b: number): boolean {
    const sa = this.f[this.stride * a + this.off]!,
      sb = this.f[this.stride * b + this.off]!;
    return sa > sb || (sa === sb && this.order[a]! < this.order[b]!);
  }

  offer(i: number): void {
    const h = this.heap;
    if (h.length < this.k) {
      h.push(i);
      for (let c = h.length - 1; c > 0; ) {
        const p = (c - 1) >> 1;
        if (this.better(h[p]!, h[c]!)) {
          const t = h[p]!;
          h[p] = h[c]!;
          h[c] = t;
          c = p;
        } else break;
      }
    } else if (this.k > 0 && this.better(i, h[0]!)) {
      h[0] = i;
      for (let p = 0; ; ) {
        const l = 2 * p + 1,
          r = l + 1;
        let w = p;
        if (l < h.length && this.better(h[w]!, h[l]!)) w = l;
        if (r < h.length && this.better(h[w]!, h[r]!)) w = r;
        if (w === p) break;
        const t = h[p]!;
        h[p] = h[w]!;
        h[w] = t;
        p = w;
      }
    }
  }

  /** Offers every doc of `docs`; one scoring below the k-th best kept is passed over here, without a call. */
  offerAll(docs: ArrayLike<number>): void {
    const { f, heap, k, stride, off } = this;
    for (let j = 0; j < docs.length; j++) {
      const i = docs[j]!;
      if (k > 0 && heap.length === k && f[stride * i + off]! < f[stride * heap[0]! + off]!) continue;
      this.offer(i);
    }
  }

  /** The score of the k-th best doc kept; -Infinity while fewer than k are. */
  kthScore(): number {
    return this.k > 0 && this.heap.length === this.k ? this.f[this.stride * this.heap[0]! + this.off]! : -Infinity;
  }

  /** Best first. */
  sorted(): number[] {
    return [...this.heap].sort((a, b) => (this.better(a, b) ? -1 : this.better(b, a) ? 1 : 0));
  }
}

/**
 * The best `k` of `docs` by `score` then catalogue `order`, in no order: the set a `TopK` of `k` keeps (see
 * `bestOf`). Scores are read at `score[stride * i + off]`.
 */
export function bestSet(
  docs: ArrayLike<number>,
  k: number,
  score: Float64Array,
  order: Uint32Array,
  stride = 1,
  off = 0,
): number[] {
  return bestOf(docs, docs.length, k, score, stride, off, order).kept;
}

/** Scores a plan on one search shard: match, filter, facet, and keep the best `plan.keep`. */
export async function scoreShard(
  index: SearchIndex,
  plan: QueryPlan,
  seriesNames: string[],
  recordTexts: RecordTexts,
  options: ScoreOptions = {},
): Promise<ShardResult> {
  const st = searchStats();
  const t0 = st ? performance.now() : 0;
  // A warm shard holds every list the query names: taken as they are, with no promise a term.
  // The cold path: every chunk the query needs, fetched in one parallel batch.
  const held = heldFor(index, plan);
  const [unitPostings, refPostings, exclPostings] =
    held ??
    (await Promise.all([
      Promise.all(
        plan.units.map((u) =>
          Promise.all(u.alternatives.map((a) => Promise.all(a.terms.map((t) => index.postings(t.term))))),
        ),
      ),
      Promise.all(plan.referenceIds.map((r) => index.postings(r.id))),
      Promise.all(plan.exclude.flatMap((t) => words(t)).map((w) => index.postings(w))),
    ]));
  // A shard none of whose lists has a posting matches nothing: answered without its filter columns, so a shard
  // whose columns the isolate let go (they are under a budget shared by every shard it serves: ten million records
  // have 179) does not read and decode them again (290 KB each) to answer a rare name with nothing.
  if (options.skipEmpty !== false && !mayMatch(plan, unitPostings, refPostings)) {
    scoringCounters.shardsWithoutCandidates++;
    if (st) {
      st.shards++;
      if (held) st.shardsHeld++;
      st.waitMs += performance.now() - t0;
    }
    return noMatches();
  }
  // A cold isolate's warm-up (`SearchIndex.prefetch`) has read and decoded them beside the postings, while it waited
  // for reads: decoding them here instead, after the postings, made a cold 100k search 10 ms slower. Held, they are
  // taken without a promise, as the postings are (`heldFor`).
  const cols = index.cachedFilters() ?? (await index.filters());
  const arrays = takeArrays(cols.order.length);
  const t1 = st ? performance.now() : 0;
  if (st) {
    st.shards++;
    if (held) st.shardsHeld++;
    st.waitMs += t1 - t0;
  }
  // Scored in one synchronous span unless a phrase needs records read: the arrays go back to the pool before any
  // other shard of this isolate (a Durable Object beside it, a sibling of `LocalShards`) takes a set, so one set
  // per shard size serves them all. Awaiting the scoring, as before, let every shard scored at once take a set of
  // its own: megabytes each, made and zeroed per query (at 300k records in five shards, a third of a warm query's
  // time and most of its GC).
  try {
    const run = scoreWith(arrays, plan, cols, seriesNames, options, unitPostings, refPostings, exclPostings);
    let step = run.next();
    while (!step.done) step = run.next(await recordTexts(step.value));
    return step.value;
  } finally {
    giveArrays(arrays);
    if (st) st.scoreMs += performance.now() - t1;
  }
}

/**
 * Whether any doc of the shard can match: a list of the plan has a posting in a field it is read for, or the plan
 * has no words and no references (filters alone: every doc is a candidate).
 */
function mayMatch(plan: QueryPlan, unitPostings: UnitPostings[], refPostings: TermPostings[]): boolean {
  if (plan.units.length === 0 && plan.referenceIds.length === 0) return true;
  for (let k = 0; k < plan.units.length; k++) if (unitPostingCount(plan.units[k]!, unitPostings[k]!) > 0) return true;
  return refPostings.some((p) => (p.fields.ref?.count ?? 0) > 0);
}

/** A shard's answer when nothing in it matches, as scoring every doc would give it. */
function noMatches(): ShardResult {
  return {
    total: 0,
    totalExact: true,
    undated: 0,
    top: [],
    facets: { series: {}, decade: {} },
    facetsExact: true,
  };
}

/** What `scoreShard` reads for `plan`, if the shard holds all of its postings decoded now; else undefined. */
function heldFor(index: SearchIndex, plan: QueryPlan): [UnitPostings[], TermPostings[], TermPostings[]] | undefined {
  const units: UnitPostings[] = [];
  for (const u of plan.units) {
    const alts: TermPostings[][] = [];
    for (const a of u.alternatives) {
      const terms: TermPostings[] = [];
      for (const t of a.terms) {
        const p = index.cachedPostings(t.term);
        if (!p) return undefined;
        terms.push(p);
      }
      alts.push(terms);
    }
    units.push(alts);
  }
  const refs: TermPostings[] = [];
  for (const r of plan.referenceIds) {
    const p = index.cachedPostings(r.id);
    if (!p) return undefined;
    refs.push(p);
  }
  const excl: TermPostings[] = [];
  for (const t of plan.exclude)
    for (const w of words(t)) {
      const p = index.cachedPostings(w);
      if (!p) return undefined;
      excl.push(p);
    }
  return [units, refs, excl];
}

/**
 * Scores a plan on a shard's arrays: a generator that yields the docs whose record texts a phrase check needs (global
 * numbers) and is resumed with those texts; without phrases it never yields, so it runs in one synchronous span.
 */
function* scoreWith(
  arrays: QueryArrays,
  plan: QueryPlan,
  cols: FilterColumns,
  seriesNames: string[],
  options: ScoreOptions,
  unitPostings: UnitPostings[],
  refPostings: TermPostings[],
  exclPostings: TermPostings[],
): Generator<number[], ShardResult, string[]> {
  const n = plan.docs;
  // Postings hold shard-local doc numbers (term-chunk.ts, `docStart`), which index the scratch arrays as they are;
  // `docBase` makes the answer's catalogue numbers.
  const docBase = cols.base;
  const size = arrays.size;
  // A doc's text score, reference boost and final score at `Q * i + TEXT`, `REF`, `TOTAL`; its counts in `h`.
  const { x, f, h, seen, proximity, touched } = arrays;
  /** A scored unit's docs, from the `from`-th it touched, into the query's text scores and match counts. */
  const addUnit = (u: UnitArrays, from = 0) => {
    const { items, length } = u.touched;
    const us = u.s;
    for (let at = from; at < length; at++) {
      const i = items[at]!;
      if (!seen[i]) {
        seen[i] = 1;
        touched.push(i);
      }
      f[Q * i + TEXT]! += us[2 * i]!;
      h[Q * 4 * i + MATCHED]!++;
      h[Q * 4 * i + TEXT_MATCHED]!++;
    }
  };

  // Filters: series, explicit years, exclusions, and the query's own years when they filter.
  const seriesOk = plan.series.length
    ? new Set(plan.series.map((s) => seriesNames.indexOf(s)).filter((k) => k >= 0))
    : null;
  const overlaps = (i: number, from?: number, to?: number) => {
    // Before the columns are read: a doc's dates are a cache miss of their own.
    if (from === undefined && to === undefined) return true;
    const s = cols.start[i]!,
      e = cols.end[i]!;
    if (!s && !e) return false;
    return (to === undefined || s <= to) && (from === undefined || e >= from);
  };
  const excluded = exclPostings.length ? new Uint8Array(size) : NO_DOCS;
  // A word excluded is one of the record's own: inherited context (ctx) does not exclude.
  for (const p of exclPostings)
    for (const f of LITERAL_FIELDS)
      if (f !== "ctx") for (const doc of p.fields[f]?.decodeAll().docs ?? []) excluded[doc] = 1;
  const passesUndated = (i: number) =>
    (!seriesOk || seriesOk.has(cols.series[i]!)) && !excluded[i] && overlaps(i, plan.from, plan.to);
  const dateFilter = plan.dates?.mode === "filter" ? plan.dates : null;
  const yearUnit = plan.dates?.yearUnit;
  const yearWord = (i: number) => yearUnit !== undefined && Boolean(units[yearUnit]?.alt[i]);
  // Naming the year lets a record past the year filter only beside another query word: a year alone is no match.
  const namesYear = (i: number) => yearWord(i) && h[Q * 4 * i + TEXT_MATCHED]! > 1;
  /** Whether any filter can leave a doc out (else `passes` is true of every doc). */
  const filtersDocs =
    seriesOk !== null || exclPostings.length > 0 || plan.from !== undefined || plan.to !== undefined || !!dateFilter;
  const passes = filtersDocs
    ? (i: number) => passesUndated(i) && (!dateFilter || overlaps(i, dateFilter.from, dateFilter.to) || namesYear(i))
    : () => true;
  /**
   * One word and nothing else (no reference, filter, date or phrase): a doc's final score is its unit score (times a
   * coordination of 1, plus no boost: the same float), and its docs are the candidates. The unit's arrays are then
   * read as the answer's, and the query's own (text, totals, counts) are never written: a median query's docs were
   * each a cache miss there, and again to clear it.
   */
  const direct =
    plan.units.length === 1 &&
    plan.referenceIds.length === 0 &&
    !filtersDocs &&
    !plan.dates &&
    plan.phrases.length === 0;

  const refHits = new Map<number, Array<{ id: string; ref: string }>>();
  plan.referenceIds.forEach((r, k) => {
    for (const doc of refPostings[k]!.fields.ref?.decodeAll().docs ?? []) {
      const i = doc;
      if (!seen[i]) {
        seen[i] = 1;
        touched.push(i);
      }
      f[Q * i + REF]! += SEARCH_DEFAULTS.referenceBoost;
      h[Q * 4 * i + MATCHED]!++;
      (refHits.get(i) ?? refHits.set(i, []).get(i)!).push(r);
    }
  });

  const unitCount = plan.units.length;
  const units: Array<UnitArrays | null> = plan.units.map(() => null);
  const bounds = plan.units.map((u, k) => unitBound(u, unitPostings[k]!, n));
  const postingCount = plan.units.reduce((c, u, k) => c + unitPostingCount(u, unitPostings[k]!), 0);
  const onlyFilters = unitCount === 0 && plan.referenceIds.length === 0;
  const small = postingCount <= (options.exhaustiveBelow ?? SEARCH_DEFAULTS.exactTotalPostings);
  // Few enough postings for exact totals and facets: with nothing but a word (no filter, reference, phrase, date or
  // expansion of several words), a doc matches when it holds any posting the plan reads, so the matches are counted
  // by marking those postings' docs, and only the top k is scored.
  const countApart =
    small &&
    options.countApart !== false &&
    !plan.exact &&
    !filtersDocs &&
    // One word: several words' few postings were scored whole about as fast as ranked by MaxScore plus a count
    // (measured again with the list-at-a-time MaxScore below: two-word names faster, misspelt three words slower).
    unitCount === 1 &&
    plan.referenceIds.length === 0 &&
    plan.phrases.length === 0 &&
    !plan.dates &&
    plan.units.every((u) => u.alternatives.every((a) => a.bonus || a.terms.length === 1));
  const scoreAll =
    Boolean(plan.exact) ||
    (small && !countApart) ||
    plan.phrases.length > 0 ||
    plan.dates?.mode === "boost" ||
    yearUnit !== undefined ||
    onlyFilters;
  const exhaustive = scoreAll || unitCount < 2;
  // Proximity adds at most one bonus per pair of units.
  const proximityBound = (SEARCH_DEFAULTS.proximityBonus * (unitCount * (unitCount - 1))) / 2;

  // Units in order of their bounds, the strongest first (MaxScore's order).
  const order = plan.units.map((_, k) => k).sort((a, b) => bounds[b]! - bounds[a]! || a - b);
  let refMax = 0;
  for (const i of refHits.keys()) refMax = Math.max(refMax, f[Q * i + REF]!);
  const unitPostingCounts = plan.units.map((u, k) => unitPostingCount(u, unitPostings[k]!));
  const restPostings = (step: number) => order.slice(step).reduce((c, k) => c + unitPostingCounts[k]!, 0);
  /** What the units from `step` on can add: their bounds summed. */
  const restBoundsFrom = (step: number) => order.slice(step).reduce((s, j) => s + bounds[j]!, 0);
  /**
   * The most a doc not seen yet can score when only the units from `step` on are left: their bounds, the proximity
   * of pairs among them, and at best the coordination of matching just those.
   */
  const unseenBound = (step: number) => {
    const left = order.length - step;
    return (
      (restBoundsFrom(step) + (SEARCH_DEFAULTS.proximityBonus * left * (left - 1)) / 2) * coordination(left, unitCount)
    );
  };
  /**
   * The k-th best score of the docs seen so far (a pass over every one), less a hair of slack so float rounding
   * between summation orders never prunes a tie.
   */
  const kthBestBar = () => {
    const lower = valuesFor(touched.length);
    let m = 0;
    for (let at = 0; at < touched.length; at++) {
      const i = touched.items[at]!;
      if (passes(i))
        lower[m++] = f[Q * i + TEXT]! * coordination(h[Q * 4 * i + TEXT_MATCHED]!, unitCount) + f[Q * i + REF]!;
    }
    const theta = kthLargest(lower.subarray(0, m), plan.keep);
    return theta - Math.abs(theta) * 1e-9;
  };
  /** The bound of every unseen doc when scoring was restricted to the docs seen before the top k was proven. */
  let speculative = -Infinity;
  let specStep = 0;
  let pruned = false;
  let only: Only | null = null;
  let scoredBounds = 0;
  /** A lower bound of the matches, beside the candidates counted (the common-word answer scores a few only). */
  let matchesAtLeast = 0;
  const commonOpts = options.commonTerms === false ? null : (options.commonTerms ?? COMMON_TERM_DEFAULTS);
  const listOpts = options.topLists === false ? null : (options.topLists ?? TOP_LIST_DEFAULTS);
  const facetCandidates = options.facetCandidates ?? SEARCH_DEFAULTS.facetCandidates;
  const oneWordShortcut = unitCount === 1 && !scoreAll && !filtersDocs && plan.referenceIds.length === 0 && !small;
  const fromLists =
    listOpts && oneWordShortcut && Math.max(plan.keep, facetCandidates) <= listOpts.maxDepth
      ? topListAnswer(
          plan.units[0]!,
          unitPostings[0]!,
          n,
          x,
          arrays.unit(0),
          Math.max(plan.keep, facetCandidates),
          cols.order,
          listOpts,
          facetColumnsOf(cols),
        )
      : null;
  if (fromLists) {
    // A very common word, answered from its alternatives' top lists (see topListAnswer for why that is exact).
    scoringCounters.topListAnswers++;
    pruned = true;
    matchesAtLeast = fromLists.matchesAtLeast;
    const u = arrays.unit(0);
    units[0] = u;
    if (!direct) addUnit(u);
  }
  const common =
    !fromLists &&
    commonOpts &&
    unitCount === 1 &&
    !scoreAll &&
    !filtersDocs &&
    plan.referenceIds.length === 0 &&
    plan.keep <= commonOpts.leaders
      ? commonTermCandidates(plan.units[0]!, unitPostings[0]!, commonOpts, cols.order, arrays.mark)
      : null;
  if (common) {
    // A very common word: score its candidates only (see common-term-answers.ts for why that is exact).
    scoringCounters.commonTermAnswers++;
    pruned = true;
    matchesAtLeast = common.matchesAtLeast;
    const mark = arrays.mark;
    for (const doc of common.docs) mark[doc] = 1;
    const u = arrays.unit(0);
    scoreUnit(plan.units[0]!, unitPostings[0]!, n, x, { docs: common.docs, mark }, u);
    units[0] = u;
    if (!direct) addUnit(u);
    // Candidates a multi-word expansion did not match are not touched: their marks are cleared here.
    for (const doc of common.docs) mark[doc] = 0;
  }
  // Several words, nothing but words: MaxScore list by list (below), instead of unit by unit.
  const listFirst =
    !exhaustive &&
    !common &&
    !fromLists &&
    options.listFirst !== false &&
    unitCount > 1 &&
    plan.referenceIds.length === 0;
  for (let step = 0; step < (common || fromLists || listFirst ? 0 : order.length); step++) {
    const k = order[step]!;
    if (step > 0) scoredBounds += bounds[order[step - 1]!]!;
    if (!exhaustive && !only && step > 0) {
      const rest = restBoundsFrom(step) + proximityBound;
      // A doc not seen yet can match only the units left (a rare word scored first thus cuts common ones short).
      const unseen = unseenBound(step);
      // No doc seen scores above the bounds of the units scored (coordination only scales down), so unless the
      // unseen bound is below that, the k-th best (a pass over every doc seen) cannot be above it either.
      if (unseen < scoredBounds + refMax) {
        const bar = kthBestBar();
        if (unseen < bar) {
          // No doc unseen so far can reach the k-th best: score the rest only for docs that still can.
          pruned = true;
          const alive = touched.where((i) => passes(i) && f[Q * i + TEXT]! + f[Q * i + REF]! + rest >= bar);
          const mark = arrays.mark;
          for (const i of alive) mark[i] = 1;
          only = { docs: sortedDocs(alive), mark };
        } else if (
          options.speculate !== false &&
          // Counted apart, the postings are few: a failed speculation would score them all twice.
          !countApart &&
          SPECULATE_RATIO * touched.length < restPostings(step)
        ) {
          // The units left are common words, and the docs seen few: score the rest for these docs only, and
          // check at the end that their k-th best final score beats every unseen doc's bound (if not, the rest
          // is then scored for the other docs). In MaxScore a doc's full score raises the bar at once; term at
          // a time, partial scores under coordination would keep it low until every common word was scored.
          pruned = true;
          speculative = unseen;
          specStep = step;
          const seenDocs = touched.where(passes);
          const mark = arrays.mark;
          for (const i of seenDocs) mark[i] = 1;
          only = { docs: sortedDocs(seenDocs), mark };
        }
      }
    }
    const u = arrays.unit(k);
    const prune: OneWordPruning | undefined =
      // A unit with tie-breakers is scored whole: they add to docs after the alternatives pruning orders.
      unitCount === 1 && !scoreAll && !plan.units[k]!.alternatives.some((a) => a.bonus)
        ? { passes, f, refDocs: touched, refMax, keep: plan.keep, mark: arrays.mark }
        : undefined;
    if (scoreUnit(plan.units[k]!, unitPostings[k]!, n, x, only, u, prune)) pruned = true;
    units[k] = u;
    if (!direct) addUnit(u);
  }

  // The same numbers `coordination` gives, looked up per doc.
  const coord = coordinationTable(unitCount);
  /**
   * Candidates (docs that pass every filter) and their final scores. With `fresh` (a round of the list-at-a-time
   * path, where each doc is scored once) and no filter, only those docs' final scores are computed: the others'
   * are as an earlier call left them.
   */
  const finish = (fresh?: ArrayLike<number>) => {
    let candidates: Int32Array;
    let undated = 0;
    if (direct) {
      // The unit's docs and scores are the answer's (see `direct`).
      candidates = units[0]!.touched.view();
      return { candidates, undated: candidates.length, dateBonus: new Map<number, number>() };
    }
    const everyDoc = onlyFilters && (plan.dates || plan.from !== undefined || plan.to !== undefined || seriesOk);
    if (everyDoc) arrays.wroteAll = true;
    if (!everyDoc && !filtersDocs) {
      // No filter at all (most queries): every doc touched is a candidate.
      candidates = touched.view();
      undated = candidates.length;
    } else {
      const cands = arrays.candidates;
      cands.length = 0;
      // A filter-only query's pool is every doc of the shard, else the docs touched.
      const poolSize = everyDoc ? size : touched.length;
      for (let at = 0; at < poolSize; at++) {
        const i = everyDoc ? at : touched.items[at]!;
        if (!passesUndated(i)) continue;
        undated++;
        if (!dateFilter || overlaps(i, dateFilter.from, dateFilter.to) || namesYear(i)) cands.push(i);
      }
      candidates = cands.view();
    }

    // Final scores, summed in plan order so every path (and every shard) adds the same numbers.
    const dateBonus = new Map<number, number>();
    const boost = plan.dates?.mode === "boost" ? plan.dates : null;
    const only0 = unitCount === 1 && yearUnit === undefined && !boost ? units[0] : null;
    const incremental = fresh !== undefined && !everyDoc && !filtersDocs && yearUnit === undefined && !boost;
    const docs = incremental ? fresh : candidates;
    for (let at = 0; at < docs.length; at++) {
      const i = docs[at]!;
      // A fresh doc no unit matched is not a candidate (not touched).
      if (incremental && !seen[i]) continue;
      if (only0) {
        // One word: its score, its reference boost (the loop below, with nothing to add).
        const s0 = only0.alt[i] ? 0 + only0.s[2 * i]! : 0;
        f[Q * i + TOTAL] = s0 * coord[h[Q * 4 * i + TEXT_MATCHED]!]! + f[Q * i + REF]!;
        continue;
      }
      let sum = 0;
      for (let a = 0; a < unitCount; a++) if (units[a]?.alt[i]) sum += units[a]!.score(i);
      // Filtering by a year some titles name: every candidate is dated then or names it, so the year counts as
      // matched for all and adds nothing: a title naming the year neither outranks a record dated then nor is hidden.
      if (yearUnit !== undefined && dateFilter) {
        if (yearWord(i)) sum -= units[yearUnit]!.score(i);
        else h[Q * 4 * i + TEXT_MATCHED]!++;
      }
      const tm = h[Q * 4 * i + TEXT_MATCHED]!;
      if (unitCount > 1 && tm >= 2) {
        let close = 0;
        for (let a = 0; a < unitCount; a++) {
          const ua = units[a]!;
          if (!ua.alt[i]) continue;
          for (let b = a + 1; b < unitCount; b++) {
            const ub = units[b]!;
            if (ub.alt[i] && ua.field(i) === ub.field(i) && Math.abs(ua.slot(i) - ub.slot(i)) <= 1) close++;
          }
        }
        proximity[i] = close * SEARCH_DEFAULTS.proximityBonus;
        arrays.wroteProximity = true;
        sum += proximity[i]!;
      }
      f[Q * i + TOTAL] = sum * (tm <= unitCount ? coord[tm]! : coordination(tm, unitCount)) + f[Q * i + REF]!;
      if (boost) {
        const { from, to } = boost;
        const s = cols.start[i]!,
          e = cols.end[i]! || s;
        if (s) {
          const bonus = SEARCH_DEFAULTS.dateBoost * 0.5 ** (Math.max(0, s - to, from - e) / 10);
          f[Q * i + TOTAL]! += bonus;
          dateBonus.set(i, bonus);
        }
      }
    }
    return { candidates, undated, dateBonus };
  };
  let { candidates, undated, dateBonus } = finish();
  /** The k-th best final score of the candidates (every doc touched has every unit scored when this is read). */
  const kth = () => {
    const scores = valuesFor(candidates.length).subarray(0, candidates.length);
    for (let j = 0; j < candidates.length; j++) scores[j] = f[Q * candidates[j]! + TOTAL]!;
    return kthLargest(scores, plan.keep);
  };
  /**
   * Scores the units `left` for `docs` (local indexes, marked in `mark2`; none of them scored for those units
   * yet), then moves their marks to `mark`, the docs seen. With `bar`, the units go strongest first and a doc
   * whose score so far plus the bounds `ub` of the units left cannot reach `bar` is dropped before the next unit:
   * it cannot enter the top k, so its score may stay partial (a lower bound, which is all the k-th best reads).
   */
  const scoreUnitsFor = (left: number[], docs: number[], bar = Number.NaN, ub: ArrayLike<number> = bounds) => {
    const seq = bar > 0 ? left.slice().sort((a, b) => ub[b]! - ub[a]! || a - b) : left;
    let live = docs;
    let only: Only = { docs: sortedDocs(live), mark: arrays.mark2 };
    for (let s = 0; s < seq.length; s++) {
      const k = seq[s]!;
      const u = units[k] ?? (units[k] = arrays.unit(k));
      const before = u.touched.length;
      scoreUnit(plan.units[k]!, unitPostings[k]!, n, x, only, u);
      addUnit(u, before);
      if (bar > 0 && s + 1 < seq.length) {
        let rest = proximityBound,
          more = 0;
        for (let r = s + 1; r < seq.length; r++) {
          rest += ub[seq[r]!]!;
          if (ub[seq[r]!]! > 0) more++;
        }
        // At best every unit left matches too: the coordination of that many units matched, at most 1.
        const keep = live.filter(
          (i) =>
            (f[Q * i + TEXT]! + rest) *
              coordination(Math.min(unitCount, h[Q * 4 * i + TEXT_MATCHED]! + more), unitCount) >=
            bar,
        );
        if (keep.length < live.length) {
          for (const i of live) arrays.mark2[i] = 0;
          for (const i of keep) arrays.mark2[i] = 1;
          live = keep;
          only = { docs: sortedDocs(live), mark: arrays.mark2 };
        }
      }
    }
    for (const i of docs) {
      arrays.mark2[i] = 0;
      // Marks are cleared through the touched docs: one a multi-word expansion's rarest term found but no unit
      // matched stays unmarked (never read as seen again: it matches nothing).
      if (seen[i]) arrays.mark[i] = 1;
    }
  };

  if (listFirst) {
    // MaxScore, a list at a time: the shortest essential lists' docs not seen yet are scored in full (every unit),
    // which raises the k-th best; with it, more of the weak lists (long fields, expansions) become non-essential, and
    // a rare word's lists, once done, no longer lift the docs not seen. Once no list is essential, no doc not seen
    // can enter the top k. Each doc is scored once, so its score is the exhaustive one.
    const all = plan.units.map((_, k) => k);
    const { lists, bonus } = boundedLists(plan, all, unitPostings, n);
    const done = new Uint8Array(lists.length);
    const roundPostings = options.roundPostings ?? ROUND_POSTINGS;
    // The best `keep` so far, kept as rounds add docs (each scored once, so its score no longer changes): the k-th
    // best is its worst, where a pass over every candidate found it each round.
    const roundTop = new TopK(plan.keep, f, Q, TOTAL, cols.order);
    for (let round = 0; ; round++) {
      const theta = round ? roundTop.kthScore() : -Infinity;
      const bar = theta - Math.abs(theta) * 1e-9;
      const essential = essentialLists(plan, all, lists, bonus, done, bar);
      if (!essential.length) break;
      const byCount = essential.slice().sort((a, b) => lists[a]!.count - lists[b]!.count);
      let take = byCount;
      let left = 0;
      for (let j = 0; j < lists.length; j++) if (!done[j]) left += lists[j]!.count;
      // A round is short in absolute terms or, when no list is, against what is left: a place's few hundred titles
      // among tens of thousands of postings of common words are the docs that set the k-th best.
      const shortest = lists[byCount[0]!]!.count;
      const roundCap =
        shortest <= roundPostings
          ? roundPostings
          : Math.min(left / (options.roundShare ?? ROUND_SHARE), ROUND_POSTINGS_MAX_SHARE * roundPostings);
      if (round < LIST_ROUNDS && shortest <= roundCap) {
        let sum = 0,
          m = 0;
        while (m < byCount.length && sum + lists[byCount[m]!]!.count <= roundCap) sum += lists[byCount[m++]!]!.count;
        take = byCount.slice(0, m);
      } else {
        // The last round: every essential list left. When they hold much of what is left, every unit is scored for
        // every doc not seen instead, as exhaustive scoring would: no lookups, and the total and facets are exact.
        let taken = 0;
        for (const j of take) taken += lists[j]!.count;
        if (taken * (options.fullPassShare ?? FULL_PASS_SHARE) >= left) {
          scoringCounters.listFirstFullPass++;
          for (const k of all) {
            const u = units[k] ?? (units[k] = arrays.unit(k));
            const before = u.touched.length;
            scoreUnit(plan.units[k]!, unitPostings[k]!, n, x, null, u, undefined, arrays.mark);
            addUnit(u, before);
          }
          done.fill(1);
          ({ candidates, undated, dateBonus } = finish());
          break;
        }
      }
      const fresh = unseenDocs(
        take.map((j) => lists[j]!),
        arrays.mark,
        arrays.mark2,
        passes,
      );
      for (const j of take) done[j] = 1;
      // Lists of one word's forms often hold the same docs: a list whose docs were all seen costs nothing more.
      if (!fresh.length) continue;
      scoreUnitsFor(all, fresh, bar, unseenUnitBounds(plan, lists, bonus, done, take));
      ({ candidates, undated, dateBonus } = finish(fresh));
      for (const i of fresh) if (seen[i]) roundTop.offer(i);
      if (take.length === essential.length && take.length > 1) break;
    }
    scoringCounters.listFirst++;
    // Lists never walked may hold matches not counted: the total is then a lower bound.
    pruned = done.some((d) => !d);
  }

  if (speculative > -Infinity) {
    let theta = kth();
    const proven = () => speculative < theta - Math.abs(theta) * 1e-9;
    const seenDocs = arrays.mark;
    const left = order.slice(specStep);
    if (!proven()) {
      // The seed (the rarest word's docs) may hold few good docs: probe the best docs of the strongest lists left
      // (scored in full, they are real scores), which raises the k-th best an unseen doc must reach.
      const probe = probeDocs(plan, left, unitPostings, n, seenDocs, arrays.mark2, passes);
      if (probe.length) {
        scoreUnitsFor(left, probe);
        ({ candidates, undated, dateBonus } = finish());
        theta = kth();
      }
    }
    if (!proven()) {
      // Not proven: an unseen doc might still enter the top k. The seen docs' k-th best bounds what it must reach:
      // only the lists that can lift one that far on their own are walked, and the units left are scored for the
      // docs found in them.
      const cands = essentialCandidates(
        plan,
        left,
        unitPostings,
        n,
        theta - Math.abs(theta) * 1e-9,
        seenDocs,
        arrays.mark2,
        passes,
      );
      if (cands) {
        scoringCounters.essentialLists++;
        scoreUnitsFor(left, cands);
      } else {
        // Every list is essential: score the units left for every other doc too (the docs seen have theirs), so
        // every unit is scored in full, as exhaustive scoring would. Seen docs have every unit scored now, so the
        // k-th best is their true one: MaxScore goes on from it.
        let rest: Only | null = null;
        for (let step = specStep; step < order.length; step++) {
          const k = order[step]!;
          if (step > specStep && !rest) {
            const restBounds = restBoundsFrom(step);
            const unseen = unseenBound(step);
            const bar = kthBestBar();
            if (unseen < bar) {
              const upper = restBounds + proximityBound;
              const alive = touched.where(
                (i) => !seenDocs[i] && passes(i) && f[Q * i + TEXT]! + f[Q * i + REF]! + upper >= bar,
              );
              for (const i of alive) arrays.mark2[i] = 1;
              rest = { docs: sortedDocs(alive), mark: arrays.mark2 };
            }
          }
          const u = units[k]!;
          const before = u.touched.length;
          scoreUnit(plan.units[k]!, unitPostings[k]!, n, x, rest, u, undefined, rest ? null : seenDocs);
          addUnit(u, before);
        }
        pruned = rest !== null;
      }
      ({ candidates, undated, dateBonus } = finish());
    }
  }

  // Where the final scores are: the query's totals, or one word's unit scores (see `direct`).
  const [scores, stride, off] = direct ? [units[0]!.s, 2, 0] : [f, Q, TOTAL];
  let facetSet: ArrayLike<number> = candidates;
  /** With `facetSet` the docs of a top-list answer, their facet entries in a row (see `facetRowsOf`). */
  let facetRows: Uint16Array | null = null;
  let best: number[];
  if (plan.phrases.length) {
    const top = new TopK(SEARCH_DEFAULTS.phraseCheckLimit, scores, stride, off, cols.order);
    top.offerAll(candidates);
    const checked = top.sorted();
    const texts: string[] = yield checked.map((i) => i + docBase);
    const holding = checked.filter((_, j) => {
      const t = ` ${words(texts[j]!).join(" ")} `;
      return plan.phrases.every((p) => t.includes(` ${p.join(" ")} `));
    });
    facetSet = holding;
    best = holding.slice(0, plan.keep);
  } else if (direct && fromLists?.inOrder) {
    // One word from its top lists: the unit's docs are the candidates, found best first (see topListAnswer), at
    // most as many as facets count. The best `keep` are their first; no selection is needed.
    facetSet = candidates;
    facetRows = fromLists.facetRows;
    best = Array.from(candidates.subarray(0, Math.min(plan.keep, candidates.length)));
  } else if (pruned && !countApart) {
    // Facets need the set, not its order: only the best `keep` are sorted.
    const items = bestSet(candidates, Math.max(plan.keep, facetCandidates), scores, cols.order, stride, off);
    facetSet = items;
    const head = new TopK(plan.keep, scores, stride, off, cols.order);
    head.offerAll(items);
    best = head.sorted();
  } else {
    // Not pruned, or counted apart (facets then come from the count below, not from the candidates).
    const top = new TopK(plan.keep, scores, stride, off, cols.order);
    top.offerAll(candidates);
    best = top.sorted();
  }

  const topDocs = best.map((i): ScoredDoc => {
    const parts: UnitMatch[] = [];
    if (plan.explain) {
      plan.units.forEach((unit, u) => {
        const a = units[u]!.alt[i]!;
        const tie = unit.alternatives.some((x) => x.bonus);
        if (a) {
          const alt = unit.alternatives[a - 1]!;
          parts.push({
            unit: unit.text,
            rule: alt.rule,
            via: alt.label,
            field: FIELD_BY_INDEX[units[u]!.field(i)]!,
            // A year the query filters by is counted, not scored (see the final scores).
            score: u === yearUnit && dateFilter ? 0 : round(units[u]!.score(i) - (tie ? units[u]!.bonus[i]! : 0)),
          });
          // A unit's tie-breaker arrays are written only when it has tie-breakers (see scoreUnit).
          const b = tie ? units[u]!.bonusAlt[i]! : 0;
          if (b) {
            const bonus = unit.alternatives[b - 1]!;
            parts.push({ unit: unit.text, rule: bonus.rule, via: bonus.label, score: round(units[u]!.bonus[i]!) });
          }
        }
      });
      if (unitCount > 1 && proximity[i])
        parts.push({
          unit: "proximity",
          rule: "exact",
          via: `${proximity[i]! / SEARCH_DEFAULTS.proximityBonus} close pair(s)`,
          score: round(proximity[i]!),
        });
      const tm = h[Q * 4 * i + TEXT_MATCHED]!;
      if (unitCount > 1 && tm < unitCount) {
        parts.push({
          unit: "coordination",
          rule: "exact",
          via: `${tm} of ${unitCount} words matched: × ${round(coordination(tm, unitCount))}`,
          score: 0,
        });
      }
      for (const r of refHits.get(i) ?? [])
        parts.push({ unit: r.ref, rule: "exact", via: `reference ${r.id}`, score: SEARCH_DEFAULTS.referenceBoost });
      const bonus = dateBonus.get(i);
      if (bonus !== undefined && plan.dates)
        parts.push({
          unit: `${plan.dates.from}-${plan.dates.to}`,
          rule: "exact",
          via: "date boost",
          score: round(bonus),
        });
    }
    return {
      doc: i + docBase,
      score: scores[stride * i + off]!,
      matched: direct ? 1 : h[Q * 4 * i + MATCHED]!,
      order: cols.order[i]!,
      parts,
    };
  });
  // When top-k scored every match after all (nothing pruned), its own count is exact: no second pass.
  if (countApart && pruned) {
    scoringCounters.countedApart++;
    const matches = matchingDocs(plan, unitPostings, arrays.counted);
    return {
      total: matches.length,
      totalExact: true,
      undated: matches.length,
      top: topDocs,
      facets: facetsOf(matches, cols, seriesNames),
      facetsExact: true,
    };
  }
  return {
    total: pruned ? Math.max(candidates.length, matchesAtLeast) : facetSet.length,
    totalExact: !pruned,
    undated,
    top: topDocs,
    facets: facetRows ? facetsOfRows(facetRows, facetSet.length, seriesNames) : facetsOf(facetSet, cols, seriesNames),
    facetsExact: !pruned,
  };
}

/**
 * Every doc that matches a plan of single-term alternatives, without filters (local indexes, each once): the docs
 * of every posting the plan reads (tie-breakers never make a match). What exhaustive scoring would count.
 * @param seen scratch of the shard's size, all zero; left zero.
 */
function matchingDocs(plan: QueryPlan, unitPostings: UnitPostings[], seen: Uint8Array): number[] {
  const out: number[] = [];
  plan.units.forEach((unit, k) => {
    unit.alternatives.forEach((alt, ai) => {
      if (alt.bonus) return;
      const t = alt.terms[0]!;
      const p = unitPostings[k]![ai]![0]!;
      for (const f of t.fields) {
        if (unit.fields && !unit.fields.includes(f)) continue;
        const docs = p.fields[f]?.decodeAll().docs;
        if (!docs) continue;
        for (let j = 0; j < docs.length; j++) {
          const i = docs[j]!;
          if (!seen[i]) {
            seen[i] = 1;
            out.push(i);
          }
        }
      }
    });
  });
  for (const i of out) seen[i] = 0;
  return out;
}

/** The global hit order: score, then catalogue order. */
export function compareHits(a: ScoredDoc, b: ScoredDoc): number {
  return b.score - a.score || a.order - b.order;
}

/** Decades counted in typed arrays: years 0–2999, which covers every archive date. */
const DECADE_SLOTS = 300;
/** Each decade's facet key, made once. */
const DECADE_LABELS = Array.from({ length: DECADE_SLOTS }, (_, d) => String(d * 10));
/**
 * A doc with no date at all spans `[UNDATED, UNDATED + 1)`, a slot past the decades: counted like a decade, so the
 * facet loop has no branch (a mispredicted one after each doc's cache miss cost more than the counting).
 */
const UNDATED = DECADE_SLOTS + 1;

/**
 * What facets read of each doc, side by side at `3i`: its series, and its decades as a span `[first, last + 1)`
 * (an empty span for dates past the slots or ending before they start; `UNDATED` first for no date). Derived once
 * per isolate and shard from the filter columns (held while they are, see search-index.ts `heldColumns`): a doc's facets are then one
 * cache line and two writes to a difference array, where a series column, two year columns, a division and a
 * loop over decades were three scattered reads.
 */
const facetColumns = new WeakMap<ArrayBufferLike, Uint16Array>();

function facetColumnsOf(cols: FilterColumns): Uint16Array {
  // By the columns' buffer: while a shard's columns are held, each query gets the same decoded columns
  // (search-index.ts `heldColumns`), and the facet column goes with them when they are let go.
  let fc = facetColumns.get(cols.start.buffer);
  if (fc) return fc;
  fc = new Uint16Array(3 * cols.start.length);
  for (let i = 0; i < cols.start.length; i++) facetEntry(cols, i, fc, 3 * i);
  facetColumns.set(cols.start.buffer, fc);
  return fc;
}

/** Doc `i`'s facet entry (series, first decade, last decade + 1: see `facetColumnsOf`) into `out` at `at`. */
function facetEntry(cols: FilterColumns, i: number, out: Uint16Array, at: number): void {
  out[at] = cols.series[i]!;
  const s = cols.start[i]!,
    e = cols.end[i]! || s;
  if (s <= 0) {
    out[at + 1] = UNDATED;
    out[at + 2] = UNDATED + 1;
    return;
  }
  const first = Math.floor(s / 10),
    stop = Math.min(Math.floor(e / 10), DECADE_SLOTS - 1) + 1;
  // An empty span stays [0, 0): it adds and takes away the same count.
  out[at + 1] = stop > first ? first : 0;
  out[at + 2] = stop > first ? stop : 0;
}

/**
 * Matches at most this share (inverse) of a shard have their facets read from the filter columns directly, unless
 * the facet column is made already: making it walks every doc of the shard, 6–7 ms of a cold 100k-record search's
 * CPU in Node profiles for a rare name's few matches (and again in each of 16 shards at a million records).
 */
const FACET_COLUMN_SHARE = 16;
/** Those matches' facet entries, made and counted within one `facetsOf` call. */
let directRows = new Uint16Array(3 * 1024);

/**
 * Each top list's docs' facet entries, in the list's order (three a doc, as in the facet column), by the list's
 * docs: made on a list's first answer, so a common word's answer reads its docs' facets in a row, where reading the
 * facet column was a cache miss a doc (the largest single line of those answers, docs/benchmarks-history.md, branch `warm7`).
 */
const topFacetRows = new WeakMap<Uint32Array, Uint16Array>();

function facetRowsOf(top: TermTop, fc: Uint16Array): Uint16Array {
  let rows = topFacetRows.get(top.docs);
  if (!rows) {
    const { docs } = top;
    rows = new Uint16Array(3 * docs.length);
    for (let j = 0; j < docs.length; j++) {
      const at = 3 * docs[j]!;
      rows[3 * j] = fc[at]!;
      rows[3 * j + 1] = fc[at + 1]!;
      rows[3 * j + 2] = fc[at + 2]!;
    }
    topFacetRows.set(top.docs, rows);
  }
  return rows;
}

/** The facet entries of a top-list answer's docs, in the order found: one per isolate, grown as needed. */
let answerFacetRows = new Uint16Array(3 * 1024);

/**
 * Facet counting's scratch, one per isolate and left zeroed: a few hundred counters, where allocating typed arrays
 * per query cost more than counting a rare word's docs. Read and cleared within one synchronous call.
 */
let seriesScratch = new Uint32Array(64);
const deltaScratch = new Int32Array(UNDATED + 2);

function facetsOf(docs: ArrayLike<number>, cols: FilterColumns, seriesNames: string[]): ShardResult["facets"] {
  if (seriesScratch.length < seriesNames.length) seriesScratch = new Uint32Array(seriesNames.length);
  const seriesCounts = seriesScratch;
  // Decade counts as differences: +1 at a doc's first decade, -1 past its last; summed in order below. Docs with
  // no date add at `UNDATED`, past the decades summed.
  const delta = deltaScratch;
  const made = facetColumns.get(cols.start.buffer);
  if (!made && docs.length * FACET_COLUMN_SHARE < cols.start.length) {
    scoringCounters.facetsWithoutColumn++;
    if (directRows.length < 3 * docs.length) directRows = new Uint16Array(3 * docs.length);
    for (let k = 0; k < docs.length; k++) facetEntry(cols, docs[k]!, directRows, 3 * k);
    return facetsOfRows(directRows, docs.length, seriesNames);
  }
  const fc = made ?? facetColumnsOf(cols);
  for (let k = 0; k < docs.length; k++) {
    const at = 3 * docs[k]!;
    seriesCounts[fc[at]!]!++;
    // A record counts once in every decade its covering dates touch.
    delta[fc[at + 1]!]!++;
    delta[fc[at + 2]!]!--;
  }
  return countedFacets(seriesNames);
}

/** The facets of `count` docs whose facet entries are `rows` (three each, as in the facet column), in a row. */
function facetsOfRows(rows: Uint16Array, count: number, seriesNames: string[]): ShardResult["facets"] {
  if (seriesScratch.length < seriesNames.length) seriesScratch = new Uint32Array(seriesNames.length);
  const seriesCounts = seriesScratch;
  const delta = deltaScratch;
  for (let at = 0; at < 3 * count; at += 3) {
    seriesCounts[rows[at]!]!++;
    delta[rows[at + 1]!]!++;
    delta[rows[at + 2]!]!--;
  }
  return countedFacets(seriesNames);
}

/** The facets the scratch counters hold, which it leaves zeroed. */
function countedFacets(seriesNames: string[]): ShardResult["facets"] {
  const seriesCounts = seriesScratch;
  const delta = deltaScratch;
  const undated = delta[UNDATED]!;
  // Pairs, then `Object.fromEntries`: series names are catalogue text, and one named "__proto__" must be a key.
  const series: Array<[string, number]> = [];
  for (let k = 0; k < seriesNames.length; k++) if (seriesCounts[k]) series.push([seriesNames[k]!, seriesCounts[k]!]);
  // Decade keys are this module's own (numbers and "undated"): set directly.
  const decade: Record<string, number> = {};
  for (let d = 0, count = 0; d < DECADE_SLOTS; d++) {
    count += delta[d]!;
    if (count) decade[DECADE_LABELS[d]!] = count;
  }
  // Records with no date at all: a facet value of their own, so a date filter's exclusions are visible.
  if (undated) decade.undated = undated;
  seriesCounts.fill(0, 0, seriesNames.length);
  delta.fill(0);
  return { series: Object.fromEntries(series), decade };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
