/**
 * Scoring one query unit into the query arrays: a term's postings added field by field (`addTerm`, the hot loop of
 * every search), a unit's alternatives merged by their best (`scoreUnit`, with a one-word query's pruning), and the
 * bounds MaxScore reads (`fieldBound`, `altBounds`, `unitBound`). The model itself is described in scoring.ts.
 */
import { BLOCK_SIZE, type DocArray } from "../../shared/index-format";
import { FIELDS, type FieldName } from "../../shared/search-config";
import { type QueryUnit, SEARCH_DEFAULTS } from "./engine";
import {
  type DocList,
  type Only,
  Q,
  REF,
  type Scratch,
  sortedDocs,
  type UnitArrays,
  type UnitPostings,
} from "./query-arrays";
import type { FieldPostings, TermPostings } from "./search-index";
import { kthLargest } from "./top-k-term-lists";

/** A restricted pass finds its docs by galloping search when the list is this many times longer. */
const GALLOP_RATIO = 8;

const FIELD_INDEX = new Map<FieldName, number>(Object.keys(FIELDS).map((f, i) => [f as FieldName, i]));
export const FIELD_BY_INDEX = Object.keys(FIELDS) as FieldName[];
const FIELD_WEIGHT = Float64Array.from(FIELD_BY_INDEX, (f) => FIELDS[f].weight);

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

export function fieldWeight(f: FieldName, df: number, n: number): number {
  return FIELDS[f].weight * Math.log(1 + n / df);
}

/**
 * Adds one term's score, over the given fields, into the alternative scratch.
 * Each field contributes weight × idf within that field × position factor:
 * a word rare in titles counts for more there even if descriptions use it
 * often. With `only`, just the blocks holding those docs are decoded.
 */
export function addTerm(
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
export interface OneWordPruning {
  passes: (i: number) => boolean;
  /** Passes with its whole score (an undated doc under the query's years keeps a share): what a k-th best counts. */
  passesWhole: (i: number) => boolean;
  /**
   * The query's per-doc numbers: the reference boost of doc `i` is at `Q * i + REF`. Null when the query has none of
   * its own (one word and nothing else: no reference boost to read).
   */
  f: Float64Array | null;
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
export function scoreUnit(
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
  const tie = tieBreakers ? u.tieBreakers() : null;
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
        if (sc > tie!.bonus[i]!) {
          tie!.bonus[i] = sc;
          tie!.bonusAlt[i] = ai + 1;
        }
      }
      // Only to docs this pass matched first: a unit scored in several restricted passes has the others' already.
      if (step + 1 === order.length)
        for (let t = touchedBefore; t < u.touched.length; t++)
          u.s[2 * u.touched.items[t]!]! += tie!.bonus[u.touched.items[t]!]!;
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
        if (tie) {
          tie.bonus[i] = 0;
          tie.bonusAlt[i] = 0;
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
 * Scratch for the k-th best of some scores, at least `m` long: one per isolate, grown as needed, so finding a bar
 * allocates nothing. Filled and read within one synchronous call.
 */
let values = new Float64Array(1024);
export function valuesFor(m: number): Float64Array {
  if (values.length < m) values = new Float64Array(Math.max(m, 2 * values.length));
  return values;
}

/** A field's bound: its weight and idf at its lowest slot. */
export function fieldBound(f: FieldName, fp: FieldPostings, n: number): number {
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
    if (prune.passesWhole(i))
      lower[m++] = Math.max(u.score(i), x.count(i) ? x.score(i) * w : 0) + (f ? f[Q * i + REF]! : 0);
  }
  if (w)
    for (let at = 0; at < x.altTouched.length; at++) {
      const i = x.altTouched.items[at]!;
      if (!u.alt[i] && prune.passesWhole(i)) lower[m++] = x.score(i) * w + (f ? f[Q * i + REF]! : 0);
    }
  for (let at = 0; at < prune.refDocs.length; at++) {
    const i = prune.refDocs.items[at]!;
    // Reference docs exist only in a query with references, which has numbers of its own.
    if (!u.alt[i] && !x.count(i) && prune.passesWhole(i)) lower[m++] = prune.f![Q * i + REF]!;
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
export function altBounds(unit: QueryUnit, postings: UnitPostings, n: number): number[] {
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
