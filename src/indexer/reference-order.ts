/**
 * Sorting a whole catalogue by reference, as compareReferences (shared/reference.ts) orders them. That comparator
 * splits a reference into runs through a cache of 200,000 references (the Worker shares it, so it is bounded):
 * sorting more references than that split most of them again at every comparison, O(n log n) splits with a
 * Unicode normalisation each. Here each reference is split once and the runs compared as compareReferences
 * compares them (held equal by test/build/reference-order.node.test.ts).
 */
import { referenceRuns } from "../shared/reference";

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
