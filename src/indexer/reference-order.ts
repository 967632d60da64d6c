/**
 * Sorting a whole catalogue by reference, as compareReferences (shared/reference.ts) orders them. That comparator
 * splits a reference into runs through a cache of 200,000 references (the Worker shares it, so it is bounded):
 * sorting more references than that split most of them again at every comparison, O(n log n) splits with a
 * Unicode normalisation each. Here each reference is split once and the runs compared as compareReferences
 * compares them (held equal by test/build/reference-order.node.test.ts).
 */
import { referenceRuns } from "../shared/reference";
import type { PackedStrings } from "./packed-strings";

/** compareReferences over references already split by referenceRuns. */
export function compareReferenceRuns(ra: readonly string[], rb: readonly string[]): number {
  const n = Math.min(ra.length, rb.length);
  for (let i = 0; i < n; i++) {
    const x = ra[i]!;
    const y = rb[i]!;
    if (x === y) continue;
    const nx = isDigit(x.charCodeAt(0));
    const ny = isDigit(y.charCodeAt(0));
    if (nx && ny) return Number(x) - Number(y) || x.length - y.length;
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return ra.length - rb.length;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * The indices of `references` in catalogue order (compareReferences), equal references in index order: what
 * `[...references.keys()].sort((a, b) => compareReferences(references[a], references[b]))` gives.
 */
export function referenceOrder(
  references: readonly string[],
  /** An order that comes first (the layout's shard), references then ordering its ties. */
  first?: (a: number, b: number) => number,
): number[] {
  const runs = references.map((r) => referenceRuns(r));
  const order = Array.from(references.keys());
  if (first) order.sort((a, b) => first(a, b) || compareReferenceRuns(runs[a]!, runs[b]!));
  else order.sort((a, b) => compareReferenceRuns(runs[a]!, runs[b]!));
  return order;
}

/**
 * referenceOrder(references, (a, b) => group[a] - group[b]) for `count` references read through `referenceOf`:
 * grouped by `group` (numbers below `groups`), in catalogue order within a group, equal references in index order.
 * Each group's references are split and sorted alone, so memory holds one group's runs at a time: the layout's
 * groups are record shards of a few hundred records, and the whole catalogue's runs did not fit (10M records ran a
 * 1.4 GB build heap out of memory here, 2 December 2026).
 */
export function groupedReferenceOrder(
  count: number,
  referenceOf: (i: number) => string,
  group: Int32Array,
  groups: number,
): Int32Array {
  // A counting sort by group keeps index order within each group, which the sort below keeps for equal references.
  const start = new Int32Array(groups + 1);
  for (let i = 0; i < count; i++) start[group[i]! + 1]!++;
  for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
  const at = start.slice(0, groups);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[at[group[i]!]!++] = i;
  for (let g = 0; g < groups; g++) {
    const members = out.subarray(start[g]!, start[g + 1]!);
    if (members.length < 2) continue;
    const runs = Array.from(members, (i) => referenceRuns(referenceOf(i)));
    const local = Array.from(members.keys()).sort((a, b) => compareReferenceRuns(runs[a]!, runs[b]!) || a - b);
    const sorted = local.map((k) => members[k]!);
    members.set(sorted);
  }
  return out;
}

function ranksBySorting(references: readonly string[]): Uint32Array {
  const ranks = new Uint32Array(references.length);
  referenceOrder(references).forEach((doc, rank) => {
    ranks[doc] = rank;
  });
  return ranks;
}

/**
 * Each doc's rank in catalogue order (what `referenceOrder(references)` gives, inverted), for docs already in
 * catalogue order within each run `runStart` begins (the layout's record shards): a merge of the runs, so only the
 * runs' heads are split at any time, not every reference of the catalogue at once. Equal references rank by doc
 * number. Docs not in order within a run (a layout made by hand, as some tests make) are ranked by sorting them all.
 */
export function catalogueRanks(list: readonly string[] | PackedStrings, runStart: readonly number[]): Uint32Array {
  const n = list.length;
  const reference = Array.isArray(list)
    ? (i: number) => (list as readonly string[])[i]!
    : (i: number) => (list as PackedStrings).at(i);
  const bySorting = () => ranksBySorting(Array.from({ length: n }, (_, i) => reference(i)));
  const ranks = new Uint32Array(n);
  const starts = runStart.filter((s, k) => s < n && (k === 0 || s > runStart[k - 1]!));
  if (n > 0 && starts[0] !== 0)
    throw new Error(`reference-order: the runs must start at doc 0, not ${JSON.stringify(runStart.slice(0, 3))}`);
  const ends = starts.map((_, k) => starts[k + 1] ?? n);
  // A binary heap of runs by their head doc: its reference's runs, then the doc number.
  const head = starts.slice();
  const headRuns = starts.map((d) => referenceRuns(reference(d)));
  const before = (a: number, b: number) => compareReferenceRuns(headRuns[a]!, headRuns[b]!) || head[a]! - head[b]!;
  const heap = Array.from(starts.keys());
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l]!, heap[m]!) < 0) m = l;
      if (r < heap.length && before(heap[r]!, heap[m]!) < 0) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  for (let rank = 0; rank < n; rank++) {
    const run = heap[0]!;
    const doc = head[run]!;
    ranks[doc] = rank;
    const next = doc + 1;
    if (next < ends[run]!) {
      const nextRuns = referenceRuns(reference(next));
      if (compareReferenceRuns(headRuns[run]!, nextRuns) > 0) return bySorting();
      head[run] = next;
      headRuns[run] = nextRuns;
    } else {
      heap[0] = heap[heap.length - 1]!;
      heap.pop();
    }
    if (heap.length) down(0);
  }
  return ranks;
}
