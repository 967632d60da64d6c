/**
 * The place hierarchy (data/places/places.json, hand-written; see its
 * SOURCE.md): a place people filter by (Scotland, Queensland) and the places
 * inside it that catalogues name instead (Glasgow, Brisbane).
 *
 *   placesIn("scotland")   // → [["aberdeen"], …, ["east", "lothian"], …]
 */
import PLACES from "../../../data/places/places.json";
import { words } from "./fold";

/** Folded parent word → the places inside it, each as its folded words. Null prototype: user words are keys. */
const INSIDE: Record<string, string[][]> = Object.create(null);
for (const [parent, children] of Object.entries(PLACES.places as Record<string, string[]>)) {
  const key = words(parent).join(" ");
  INSIDE[key] = [...(INSIDE[key] ?? []), ...children.map((c) => words(c)).filter((ws) => ws.length > 0)];
}

/** The places inside a place word (one level), or [] when the table does not know it as a parent. */
export function placesIn(word: string): string[][] {
  return INSIDE[word] ?? [];
}
