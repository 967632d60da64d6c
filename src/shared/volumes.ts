/**
 * Volumes of one file: catalogues split a long file into volumes or parts,
 * each its own record ("CPA Interest in the Peace Movement - Volume 1",
 * "A6122, 1 PART 2", the pieces KV 2/1246–1249 all titled "Klaus FUCHS").
 * Search shows such a file once, with its volume count; the build groups
 * the records with this module (indexer/volume-assets.ts) so the Worker
 * needs no record reads to do it.
 */
import type { CatalogueRecord } from "./record";
import { compareReferences } from "./reference";

/** "volume 3", "vol. 2", "Vol.4", "part 2", "Part II" — a volume marker inside a title or reference. */
const VOLUME_MARKER = /[\s,.;:–-]*\b(?:vol(?:ume)?\.?\s*|part\s+)(?:\d+[a-z]?|[ivx]+)\b/gi;
/** Bracketed asides ("[251pp]", "(File is non-sequential with part 1)") differ between volumes of one file. */
const ASIDE = /\s*(?:\[[^\]]*\]|\([^)]*\))/g;
/** A TNA piece reference (`KV 2/1246`): like-titled pieces of one series are the parts of one file. */
const TNA_PIECE = /^[A-Z]{1,4} \d+\/\d+$/;

/**
 * The key every volume of one file shares, or null when the record is not a
 * volume: its series and its title without volume markers and asides. A
 * record is a volume when its title or reference carries a marker, or when it
 * is a TNA piece (whose volumes repeat the title and nothing else).
 */
export function volumeKey(r: Pick<CatalogueRecord, "series" | "title" | "reference">): string | null {
  const marked = VOLUME_MARKER.test(r.title) || VOLUME_MARKER.test(r.reference);
  VOLUME_MARKER.lastIndex = 0;
  if (!marked && !TNA_PIECE.test(r.reference)) return null;
  const title = r.title
    .replace(VOLUME_MARKER, " ")
    .replace(ASIDE, " ")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
  return title ? `${r.series}\u0000${title}` : null;
}

/** Each file of several volumes: its records' doc numbers and ids, in catalogue order. */
export type VolumeGroups = Array<[docs: number[], ids: string[]]>;

export function groupVolumes(
  docs: ReadonlyArray<Pick<CatalogueRecord, "series" | "title" | "reference" | "id">>,
): VolumeGroups {
  const byKey = new Map<string, number[]>();
  for (const [doc, r] of docs.entries()) {
    const key = volumeKey(r);
    if (key === null) continue;
    const list = byKey.get(key);
    if (list) list.push(doc);
    else byKey.set(key, [doc]);
  }
  const groups: VolumeGroups = [];
  for (const list of byKey.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => compareReferences(docs[a]!.reference, docs[b]!.reference));
    groups.push([list, list.map((d) => docs[d]!.id)]);
  }
  return groups;
}
