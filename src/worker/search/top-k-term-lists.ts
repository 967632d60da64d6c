/**
 * Top lists of common terms: for a term's postings over a set of fields, the docs that score it best (its
 * alternative score before the rule weight: Σ over the fields of field weight × idf × position factor), with
 * those scores, kept per isolate beside the decoded postings. A one-word query of a very common word is then
 * answered by merging its alternatives' top lists, O(k) rather than O(matches): the threshold algorithm under
 * max aggregation (a doc's unit score is its best alternative's). The merge is exact when its k-th best beats
 * every list's frontier (the best score of a doc the list leaves out) times its rule weight; otherwise the query
 * takes the general path, and the lists that were too shallow are derived deeper on their next use.
 *
 * Derived at run time on a list's second use, not stored by the build: a list costs one pass over the term's
 * postings (what scoring the word once costs), its bytes live outside the JS heap (typed arrays) under a budget of
 * their own (`TOP_LIST_BYTES`), and the index format is unchanged. A word asked once (a cold isolate's first query)
 * pays nothing for it.
 */
import { ISOLATE_MEMORY } from "../isolate-memory";
import type { FieldName } from "../../shared/search-config";
import { lruByCount, lruBySize } from "../../shared/lru";
import type { TermPostings } from "./search-index";

/** Defaults: docs kept per list at first (the facet candidates), the deepest a list may go, and when a list is kept. */
export const TOP_LIST_DEFAULTS = {
  /** First depth of a list: at least the facet candidates, so one list can prove the top 1,000 alone. */
  depth: 1000,
  /** Deepest depth asked for (a list too shallow past it is not kept: the general path answers). */
  maxDepth: 8000,
  /**
   * Lists answer a word only when one of its fields holds more postings than this: below, MaxScore over the
   * alternatives stops early on its own (a name's exact match outranks its sound-alikes) for less than the lists.
   */
  minPostings: 5000,
};

/** The best docs of a term over some fields. */
export interface TermTop {
  /** Global doc numbers, best score first, then catalogue order. */
  docs: Uint32Array;
  /** Each doc's catalogue order (the tie-break). */
  orders: Uint32Array;
  /** Each doc's score over the fields, summed in the fields' order (the same floats scoring adds). */
  scores: Float64Array;
  /** The field index (heaviest matched field) and its slot, as scoring records them for `explain`. */
  field: Uint8Array;
  slot: Uint8Array;
  /** Every doc matching the term is listed. */
  complete: boolean;
  /**
   * The first doc left out, by score then catalogue order: its score, and its order (-1 when several docs left out
   * share that score and any may come first, so a listed doc must score more).
   */
  frontier: number;
  frontierOrder: number;
  /** Docs that hold the term in these fields. */
  matches: number;
}

interface Entry {
  /** The list's key in `kept`. */
  id: number;
  /** Catalogue size the scores were computed for (idf depends on it). */
  n: number;
  /** Depth wanted at the next derivation. */
  want: number;
  /** The depth the list in `kept` was derived at (0: not derived). */
  depth: number;
}

/** Bytes of top lists an isolate keeps, lists of about 20 KB each (see `ISOLATE_MEMORY.topLists`). */
export const TOP_LIST_BYTES = ISOLATE_MEMORY.topLists;
/** Bytes a list holds per doc: doc, score, order, field and slot. */
const BYTES_PER_ENTRY = 4 + 8 + 4 + 1 + 1;

/** Which list a term's fields have, by its postings (so it goes with them), for postings without a key. */
const lists = new WeakMap<TermPostings, Map<string, Entry>>();
/**
 * The same by the postings' key (`TermPostings.key`: a shard's build and term), so a list outlives the decoded
 * postings it was derived from. Where an isolate holds more postings than its budget (a million records, sixteen
 * shards in one isolate), a common word's long lists are the first to be evicted and are decoded again on their next
 * use; its one-word query is then still answered from its lists, and their fields' counts, read from the chunk's
 * directory, without decoding them. Bounded by count: an entry is four numbers.
 */
const listsByKey = lruByCount<string, Map<string, Entry>>(32_768);

function entriesOf(p: TermPostings): Map<string, Entry> {
  let byFields = p.key === undefined ? lists.get(p) : listsByKey.get(p.key);
  if (!byFields) {
    byFields = new Map();
    if (p.key === undefined) lists.set(p, byFields);
    else listsByKey.set(p.key, byFields);
  }
  return byFields;
}
/**
 * The lists themselves, under a byte budget: a term's postings are cached by the bytes they decode to, and its
 * lists would otherwise add to that unbounded. A list evicted here is derived again on its term's next use.
 */
const kept = lruBySize<number, TermTop>(TOP_LIST_BYTES, (t) => 64 + t.docs.length * BYTES_PER_ENTRY);
let nextId = 0;

/** Bytes the top lists hold now, as counted against `TOP_LIST_BYTES`. */
export function topListBytes(): number {
  return kept.calculatedSize;
}

/**
 * The arrays a derivation fills: a full scoring pass of the term over the fields into shard-sized scratch
 * (`touched` docs, local indexes; `score`, `field`, `slot` per local index). The caller clears them after.
 */
export interface ScoredTerm {
  touched: ArrayLike<number>;
  length: number;
  /**
   * Per doc `i`, side by side: its score at `2i`, and at `2i + 1` its best field's index × 2^8 plus that field's
   * slot × 2^16 (plus a count below 2^8), as scoring's scratch holds them (see `Scratch` in scoring.ts).
   */
  scratch: Float64Array;
}

/**
 * The term's top list over `fields`, when warm: null on its first use (remembered), or when it cannot be kept at
 * the depth wanted (past `maxDepth`).
 * @param score a full scoring pass of the term over `fields` (run only when a list is derived)
 */
export function termTop(
  p: TermPostings,
  fields: FieldName[],
  n: number,
  order: Uint32Array,
  score: () => ScoredTerm,
  clear: () => void,
  opts = TOP_LIST_DEFAULTS,
): TermTop | null {
  const byFields = entriesOf(p);
  const key = fields.join(",");
  const entry = byFields.get(key);
  if (!entry || entry.n !== n) {
    byFields.set(key, { id: ++nextId, n, want: opts.depth, depth: 0 });
    return null;
  }
  if (entry.want > opts.maxDepth) return null;
  if (entry.depth === entry.want) {
    const hit = kept.get(entry.id);
    if (hit) return hit;
  }
  const top = selectTop(score(), entry.want, order);
  clear();
  entry.depth = entry.want;
  kept.set(entry.id, top);
  return top;
}

/** Asks for a deeper list at the term's next use (the merge could not prove its top from this one). */
export function deepenTermTop(p: TermPostings, fields: FieldName[]): void {
  const entry = (p.key === undefined ? lists.get(p) : listsByKey.get(p.key))?.get(fields.join(","));
  if (entry && entry.depth === entry.want) {
    entry.want *= 2;
    kept.delete(entry.id);
  }
}

/**
 * The term's `depth` best docs by score, then catalogue order (ties beyond `depth` are cut by catalogue order), best
 * first; the frontier is the first doc left out in that order.
 */
function selectTop(s: ScoredTerm, depth: number, order: Uint32Array): TermTop {
  const m = s.length;
  const { touched, scratch } = s;
  const { kept, frontier, frontierOrder } = bestOf(touched, m, depth, scratch, 2, 0, order);
  kept.sort((a, b) => scratch[2 * b]! - scratch[2 * a]! || order[a]! - order[b]!);
  const top: TermTop = {
    docs: new Uint32Array(kept.length),
    scores: new Float64Array(kept.length),
    orders: new Uint32Array(kept.length),
    field: new Uint8Array(kept.length),
    slot: new Uint8Array(kept.length),
    complete: m <= depth,
    frontier,
    frontierOrder,
    matches: m,
  };
  for (let j = 0; j < kept.length; j++) {
    const i = kept[j]!;
    top.docs[j] = i;
    const meta = scratch[2 * i + 1]!;
    top.scores[j] = scratch[2 * i]!;
    top.orders[j] = order[i]!;
    top.field[j] = (meta >> 8) & 255;
    top.slot[j] = (meta >> 16) & 255;
  }
  return top;
}

/**
 * The best `k` of the first `m` of `docs` (local indexes) by score, read at `score[stride * i + off]`, then catalogue
 * `order`, in no order: found by selecting the k-th best score and taking the docs above it, then those at it in
 * catalogue order. Linear, where a heap paid a few comparisons per doc (a common word's thousands of candidates for
 * 1,000 facet places). Also the first doc left out in that order: its score `frontier` (0 when none is), and its
 * catalogue order `frontierOrder` when it ties the k-th best (-1 otherwise: a doc kept must then score more).
 * Scoring's facet candidates and the top lists' derivation share it.
 */
export function bestOf(
  docs: ArrayLike<number>,
  m: number,
  k: number,
  score: Float64Array,
  stride: number,
  off: number,
  order: Uint32Array,
): { kept: number[]; frontier: number; frontierOrder: number } {
  const kept: number[] = [];
  let frontier = 0;
  let frontierOrder = -1;
  if (m <= k) {
    for (let j = 0; j < m; j++) kept.push(docs[j]!);
    return { kept, frontier, frontierOrder };
  }
  const values = new Float64Array(m);
  for (let j = 0; j < m; j++) values[j] = score[stride * docs[j]! + off]!;
  const cut = kthLargest(values, k);
  const ties: number[] = [];
  for (let j = 0; j < m; j++) {
    const i = docs[j]!;
    const v = score[stride * i + off]!;
    if (v > cut) kept.push(i);
    else if (v === cut) ties.push(i);
    else if (v > frontier) frontier = v;
  }
  // Of the docs at the k-th best score (a common word's thousands share a slot's score), the first in catalogue
  // order: those up to the order of the one needed last, selected like the score (orders are distinct).
  const need = k - kept.length;
  if (ties.length > need) {
    const negOrders = new Float64Array(ties.length);
    for (let t = 0; t < ties.length; t++) negOrders[t] = -order[ties[t]!]!;
    const last = -kthLargest(negOrders, need);
    let next = Infinity;
    for (const i of ties) {
      const o = order[i]!;
      if (o <= last) kept.push(i);
      else if (o < next) next = o;
    }
    frontier = cut;
    frontierOrder = next;
  } else for (const i of ties) kept.push(i);
  return { kept, frontier, frontierOrder };
}

/** The k-th largest value (1-based) of `values`, by quickselect in place; -Infinity when there are fewer. */
export function kthLargest(values: Float64Array, k: number): number {
  const n = values.length;
  if (k <= 0 || n < k) return -Infinity;
  const a = values;
  let lo = 0,
    hi = n - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo,
      j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return a[target]!;
}
