/**
 * Reads a search answer's total. The engine's total is a number today and
 * becomes `{ value, relation: "eq" | "gte" }` (Elasticsearch's form) when it
 * stops counting exactly; everything outside the engine reads it here, so
 * that change touches one function.
 */
export type SearchTotal = number | { value: number; relation: "eq" | "gte" };

/** The number of matches, exact or a lower bound. */
export function totalValue(total: SearchTotal): number {
  return typeof total === "number" ? total : total.value;
}

/** Whether the total is exact ("eq") or a lower bound ("gte"). */
export function totalRelation(total: SearchTotal): "eq" | "gte" {
  return typeof total === "number" ? "eq" : total.relation;
}
