/**
 * MaxScore at the grain of a postings list (one field of one alternative): each list's bound, which lists a doc
 * not seen yet must be found in to reach the k-th best (`essentialLists`), and the docs of those lists; with the
 * soft coordination every bound is scaled by. Used by scoring.ts's list-at-a-time and speculative passes.
 */
import type { FieldName } from "../../shared/search-config";
import { type QueryPlan, type QueryUnit, SEARCH_DEFAULTS } from "./engine";
import type { UnitPostings } from "./query-arrays";
import type { FieldPostings } from "./search-index";
import { altBounds, fieldBound } from "./unit-scoring";

/**
 * One postings list of the units left, as MaxScore sees it: a single-term alternative's field (bound: rule weight
 * × field weight × idf at the field's lowest slot), or a multi-word expansion whole (bound: the expansion's; docs:
 * its rarest term's, a superset of the docs that match it).
 */
export interface BoundedList {
  unit: number;
  alt: number;
  bound: number;
  count: number;
  postings: FieldPostings[];
}

/** The postings lists of some units, with their bounds, and each unit's tie-breaker bound. */
export function boundedLists(
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
export function essentialLists(
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
export function unseenUnitBounds(
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
export function unseenDocs(
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
export function essentialCandidates(
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
export function probeDocs(
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
export function unitPostingCount(unit: QueryUnit, postings: UnitPostings): number {
  let count = 0;
  unit.alternatives.forEach((alt, ai) => {
    alt.terms.forEach((t, ti) => {
      for (const f of t.fields) count += postings[ai]![ti]!.fields[f]?.count ?? 0;
    });
  });
  return count;
}

/**
 * A lower bound of the docs a unit matches, from its lists' counts alone (the term directory's, no decoding): the
 * longest field of a one-word alternative, every posting of which is a doc that matches. A top-k pass that stops
 * early has counted only the docs it looked at: "soviet embassy paris" at 100k records said over 494 of 83,560, and
 * "report" over 3,485 of 97,205, where the top lists answering "report" from its second use on say over 89,323. A
 * tie-breaker alternative matches no doc of its own, and is passed over. A bound of the query's matches only where
 * every posting is a match (any word matches, so the largest unit's bound holds): no filter, exclusion, reference,
 * phrase or years.
 */
export function unitMatchesAtLeast(unit: QueryUnit, postings: UnitPostings): number {
  let most = 0;
  unit.alternatives.forEach((alt, ai) => {
    if (alt.bonus || alt.terms.length !== 1) return;
    const p = postings[ai]![0]!;
    for (const f of alt.terms[0]!.fields)
      if (!unit.fields || unit.fields.includes(f)) most = Math.max(most, p.fields[f]?.count ?? 0);
  });
  return most;
}

/** `coordination(m, units)` for m = 0 … units + 1, by the number of units: made once per isolate, not per query. */
const coordinationTables: Float64Array[] = [];

export function coordinationTable(units: number): Float64Array {
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
