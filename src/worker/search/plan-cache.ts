/**
 * Per-isolate cache of query plans: a query's units and their alternatives
 * (stems, variant keys, phonetic codes, thesaurus and typo expansions) depend
 * only on its text, the match options and the build, so a repeated query
 * skips the Bloom-filter probes, the typo vocabulary scan and the phonetic
 * coding. Plans are plain data that nothing downstream writes to.
 */
import { lruByCount } from "../../shared/lru";
import type { MatchRule } from "../../shared/search-config";
import type { MatchMode, QueryUnit } from "./engine";
import { parseQuery, type ParsedQuery } from "./query-parser";

/** Plans kept; a plan is a few KB at most. */
const PLANS = 2000;

const plans = lruByCount<string, Promise<QueryUnit[]>>(PLANS);

/** The cached units for this build, query text and options, or `make()`'s (kept only when it succeeds). */
export function cachedPlan(
  build: string,
  q: string,
  mode: MatchMode,
  rules: ReadonlySet<MatchRule>,
  make: () => Promise<QueryUnit[]>,
): Promise<QueryUnit[]> {
  const key = `${build}\u0000${mode}\u0000${[...rules].sort().join(",")}\u0000${q}`;
  let p = plans.get(key);
  if (!p) {
    p = make();
    plans.set(key, p);
    p.catch(() => plans.delete(key));
  }
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
