/**
 * Answers for very common words: a one-word query whose word (or one of its
 * forms) is in a large share of a shard costs about O(k), not O(matches).
 *
 * For every field's postings longer than `minPostings`, its leaders are kept:
 * the `k` docs that field ranks first on its own (lowest slot, then catalogue
 * order), derived once per isolate when the postings are used a second time,
 * beside the decoded postings (so they cost no index bytes and go when the
 * postings are evicted; derived at run time rather than stored by the build). A field's contribution to a doc depends only on its slot, so
 * any doc outside the leaders ranks, within that field, below all `k` of them.
 *
 * A one-word query is then answered from a candidate set: the leaders of each
 * alternative's long field, plus every doc of its short fields (and of
 * multi-word expansions). Why that is exact, when each single-word alternative
 * has at most one long field: a doc outside the candidates matches only
 * through long fields, so its unit score is `weight × field score` of one
 * alternative's one long field, and each of that field's `k` leaders (all
 * candidates, scored in full) scores at least as much through the same
 * alternative, with ties going to the leader by catalogue order. So `k` docs
 * rank above it: with `k` at least the docs the shard must return (and the
 * facet candidates), the top of the candidates is the top of the shard.
 * (An alternative with two long fields could sum them past every leader: the
 * query then takes the general MaxScore path.)
 */
import type { FieldName } from "../../shared/search-config";
import type { QueryUnit } from "./engine";
import type { FieldPostings, TermPostings } from "./search-index";

/** Defaults: leaders kept per long field (the facet candidates, so facets match), and what makes a field long. */
export const COMMON_TERM_DEFAULTS = { leaders: 1000, minPostings: 5000 };

export interface CommonTermOptions {
  leaders: number;
  minPostings: number;
}

/** Leaders by postings object, and the leader count they were taken for. */
const leadersOf = new WeakMap<FieldPostings, { k: number; docs: Uint32Array }>();
/**
 * Long fields a query has used once. Leaders are taken on a field's second use: sorting a long field costs a cold
 * isolate's first query more than the general path does (about 10 ms a shard for "soviet" at 100k), and a word
 * asked once gains nothing from them.
 */
const usedOnce = new WeakSet<FieldPostings>();

/** The field's leaders when it is warm (used before), else null, remembering this use. */
function warmLeaders(fp: FieldPostings, k: number, order: Uint32Array): Uint32Array | null {
  const hit = leadersOf.get(fp);
  if (hit && hit.k === k) return hit.docs;
  if (!usedOnce.has(fp)) {
    usedOnce.add(fp);
    return null;
  }
  return fieldLeaders(fp, k, order);
}

/**
 * The `k` docs (global numbers, ascending) that `fp` ranks first on its own: lowest slot, then lowest catalogue
 * `order` (indexed by `doc`). Counting by slot, then one sort of the slot where the `k`-th falls.
 */
export function fieldLeaders(fp: FieldPostings, k: number, order: Uint32Array): Uint32Array {
  const hit = leadersOf.get(fp);
  if (hit && hit.k === k) return hit.docs;
  const { docs, slots } = fp.decodeAll();
  const perSlot = new Uint32Array(256);
  for (let j = 0; j < slots.length; j++) perSlot[slots[j]!]!++;
  let cut = 0,
    before = 0;
  while (cut < 255 && before + perSlot[cut]! < k) before += perSlot[cut++]!;
  // Docs at the cutting slot, keyed by catalogue order (then position, to read the doc back): the first `k - before`.
  const atCut = new Float64Array(perSlot[cut]!);
  const span = 2 ** 21;
  const out: number[] = [];
  for (let j = 0, c = 0; j < slots.length; j++) {
    const s = slots[j]!;
    if (s < cut) out.push(docs[j]!);
    else if (s === cut) atCut[c++] = order[docs[j]!]! * span + j;
  }
  if (docs.length >= span) throw new Error("common-term-answers: postings longer than the sort key allows");
  atCut.sort();
  for (let c = 0; c < Math.min(k - before, atCut.length); c++) out.push(docs[atCut[c]! % span]!);
  const sorted = Uint32Array.from(out).sort();
  leadersOf.set(fp, { k, docs: sorted });
  return sorted;
}

/**
 * The candidate docs of a one-word query (global numbers, ascending, each once), or null when the shortcut does
 * not apply: no long field, an alternative with two long fields, a multi-word expansion without a short term, or
 * a tie-breaker alternative (it adds to docs the bound above does not see).
 * @param mark scratch of the shard's size, all zero; left zero.
 */
export function commonTermCandidates(
  unit: QueryUnit,
  postings: TermPostings[][],
  opts: CommonTermOptions,
  order: Uint32Array,
  mark: Uint8Array,
): Uint32Array | null {
  if (unit.alternatives.some((a) => a.bonus)) return null;
  // No field of a one-word alternative past `minPostings`: not a common word (the answer below would be null too),
  // told before any list is gathered, as it is of most words.
  let anyLong = false;
  for (let ai = 0; ai < unit.alternatives.length && !anyLong; ai++) {
    const alt = unit.alternatives[ai]!;
    if (alt.terms.length !== 1) continue;
    const p = postings[ai]![0]!;
    for (const f of alt.terms[0]!.fields)
      if ((p.fields[f]?.count ?? 0) > opts.minPostings && (!unit.fields || unit.fields.includes(f))) anyLong = true;
  }
  if (!anyLong) return null;
  const fieldsOf = (t: { fields: FieldName[] }, p: TermPostings) =>
    t.fields.filter((f) => (!unit.fields || unit.fields.includes(f)) && p.fields[f]).map((f) => p.fields[f]!);
  const lists: Array<ArrayLike<number>> = [];
  let longFields = 0;
  let cold = false;
  for (let ai = 0; ai < unit.alternatives.length; ai++) {
    const alt = unit.alternatives[ai]!;
    if (alt.terms.length === 1) {
      const fields = fieldsOf(alt.terms[0]!, postings[ai]![0]!);
      let long = 0;
      for (const fp of fields) {
        if (fp.count > opts.minPostings) {
          long++;
          const leaders = warmLeaders(fp, opts.leaders, order);
          if (leaders) lists.push(leaders);
          else cold = true;
        } else lists.push(fp.decodeAll().docs);
      }
      if (long > 1) return null;
      longFields += long;
    } else {
      // A doc matching a multi-word expansion holds its rarest term: all of that term's docs are candidates.
      let best: FieldPostings[] = [];
      let bestCount = Infinity;
      for (let ti = 0; ti < alt.terms.length; ti++) {
        const fields = fieldsOf(alt.terms[ti]!, postings[ai]![ti]!);
        const count = fields.reduce((c, fp) => c + fp.count, 0);
        if (count < bestCount) {
          best = fields;
          bestCount = count;
        }
      }
      if (bestCount > opts.minPostings) return null;
      for (const fp of best) lists.push(fp.decodeAll().docs);
    }
  }
  if (!longFields || cold) return null;
  const out: number[] = [];
  for (const list of lists)
    for (let j = 0; j < list.length; j++) {
      const i = list[j]!;
      if (!mark[i]) {
        mark[i] = 1;
        out.push(list[j]!);
      }
    }
  for (const doc of out) mark[doc] = 0;
  return Uint32Array.from(out).sort();
}
