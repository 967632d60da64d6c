/**
 * Per-isolate cache of query plans: a query's units and their alternatives
 * (stems, variant keys, phonetic codes, thesaurus and typo expansions) depend
 * only on its text, the match options and the build, so a repeated query
 * skips the Bloom-filter probes, the typo vocabulary scan and the phonetic
 * coding. Plans are plain data that nothing downstream writes to.
 */
import type { MatchRule } from "../../shared/search-config";
import type { MatchMode, QueryUnit } from "./engine";
import { parseQuery, type ParsedQuery } from "./query-parser";

/** Plans kept; a plan is a few KB at most. */
const PLANS = 2000;

/**
 * Two generations of plans, not an LRU: a plan found in the older is moved to the newer, and when the newer holds
 * `PLANS` the older is dropped and the newer takes its place. Recently used plans stay, as in an LRU, and a lookup
 * is a map's (an LRU's bookkeeping per lookup was about 1% of a warm query's time, docs/benchmarks-history.md, branch
 * `warm7`).
 */
let plans = new Map<string, Promise<QueryUnit[]>>();
let olderPlans = new Map<string, Promise<QueryUnit[]>>();

function keepPlan(key: string, p: Promise<QueryUnit[]>): void {
  if (plans.size >= PLANS) {
    olderPlans = plans;
    plans = new Map();
  }
  plans.set(key, p);
}

/** Each rule set's part of a plan's key, by the set (requests that name no rules share one set: `effectiveRules`). */
const rulesKeys = new WeakMap<ReadonlySet<MatchRule>, string>();

function rulesKey(rules: ReadonlySet<MatchRule>): string {
  let k = rulesKeys.get(rules);
  if (k === undefined) rulesKeys.set(rules, (k = [...rules].sort().join(",")));
  return k;
}

/** The cached units for this build, query text and options, or `make()`'s (kept only when it succeeds). */
export function cachedPlan(
  build: string,
  q: string,
  mode: MatchMode,
  rules: ReadonlySet<MatchRule>,
  make: () => Promise<QueryUnit[]>,
): Promise<QueryUnit[]> {
  const key = `${build}\u0000${mode}\u0000${rulesKey(rules)}\u0000${q}`;
  let p = plans.get(key);
  if (p) return p;
  p = olderPlans.get(key);
  if (p) olderPlans.delete(key);
  else {
    p = make();
    const made = p;
    made.catch(() => {
      if (plans.get(key) === made) plans.delete(key);
      if (olderPlans.get(key) === made) olderPlans.delete(key);
    });
  }
  keepPlan(key, p);
  return p;
}

/** Parsed queries kept: each a few hundred bytes. */
const PARSED = 2000;

/**
 * Parsed queries by text. Parsing runs a dozen regular expressions and folds every word, about a twentieth of a warm
 * name query's time; a repeated query reads it back. A plain map emptied when full (as the word memos): a lookup
 * costs less than an LRU's bookkeeping. The parse is plain data that nothing downstream writes to.
 */
const parsed = new Map<string, ParsedQuery>();

export function cachedParse(q: string): ParsedQuery {
  let p = parsed.get(q);
  if (!p) {
    if (parsed.size >= PARSED) parsed.clear();
    parsed.set(q, (p = parseQuery(q)));
  }
  return p;
}
