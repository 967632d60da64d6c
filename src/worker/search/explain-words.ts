/**
 * `explain=1` in a researcher's words: for each matched part, the record
 * field that matched and the catalogue's own word ("Lindsay"), not the
 * index term behind it (the sound code "864000", the stem "defect").
 */
import type { CatalogueRecord } from "../../shared/record";
import type { MatchRule } from "../../shared/search-config";
import { fold } from "../../shared/text/fold";
import { phoneticKeys } from "../../shared/text/phonetic";
import { stem } from "../../shared/text/stem";
import { variantKey } from "../../shared/text/variants";

/** Where a part matched: the record field and the word as the catalogue spells it. */
export interface MatchedWord {
  field: string;
  word: string;
}

type Part = { unit: string; rule: MatchRule | string; via: string };

/** Record fields in the order a researcher reads them; the first holding a matching word is named. */
function fieldsOf(r: CatalogueRecord): Array<[string, string]> {
  return [
    ["title", r.title],
    ["people", r.people.join(" ; ")],
    ["description", r.description],
    ["subjects", [...r.subjects, ...r.corporateNames, ...r.places].join(" ; ")],
    ["reference", r.reference],
  ];
}

/** The test a catalogue word (folded) must pass to be the one this part matched. */
function testFor(part: Part): ((w: string) => boolean) | null {
  const term = part.via.split(" ")[0]!;
  switch (part.rule) {
    case "exact":
      return (w) => w === term || w === fold(part.unit);
    case "stem":
      return (w) => stem(w) === term;
    case "variant":
      return (w) => variantKey(w) === term;
    case "phonetic":
      return (w) => phoneticKeys(w).includes(term);
    case "typo":
    case "closeness":
    case "place":
    case "prefix":
    case "nickname":
    case "synonym":
      return (w) => w === term || stem(w) === stem(term);
    case "initial":
      return (w) => w.length > 1 && w[0] === fold(part.unit)[0];
    default:
      return null;
  }
}

/** The field and catalogue word behind one explained part, or null when none is found (references, bonuses). */
export function matchedWord(r: CatalogueRecord, part: Part): MatchedWord | null {
  const test = testFor(part);
  if (!test) return null;
  for (const [field, text] of fieldsOf(r)) {
    for (const raw of text.match(/[\p{L}\p{N}'’]+/gu) ?? []) {
      const w = fold(raw).replace(/['’]/g, "");
      if (w && test(w)) return { field, word: raw };
    }
  }
  return null;
}
