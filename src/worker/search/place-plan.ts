/**
 * The place-hierarchy rule: a query word naming a place people filter by
 * (Scotland, Queensland; data/places/places.json) also matches records whose
 * place is inside it (Glasgow, Lanarkshire; Brisbane), below the place itself.
 * One level only, so "Australia" reaches its states, not every town in them.
 */
import { RULE_WEIGHTS, type FieldName, type MatchRule } from "../../shared/search-config";
import { placesIn } from "../../shared/text/places";

/** Alternative shape, as engine.ts defines it (a type only, to avoid an import cycle). */
interface Alt {
  terms: Array<{ term: string; fields: FieldName[] }>;
  rule: MatchRule;
  weight: number;
  label: string;
}

/** Fields where a place stands: titles, places and subjects (tags), descriptions. */
const PLACE_NAME_FIELDS: FieldName[] = ["title", "tags", "desc"];

/** The places inside a place word, as alternatives; a multi-word place needs all its words, each worth a share. */
export function placeAlternatives(w: string, rules: ReadonlySet<MatchRule>): Alt[] {
  if (!rules.has("place")) return [];
  return placesIn(w).map((inside) => ({
    terms: inside.map((x) => ({ term: x, fields: PLACE_NAME_FIELDS })),
    rule: "place" as const,
    weight: RULE_WEIGHTS.place / inside.length,
    label: `${inside.join(" ")} (in ${w})`,
  }));
}
