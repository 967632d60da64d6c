/**
 * Snippets: a short window of the record's text around the words the query
 * matched, as parts with the matched catalogue words marked. A word is marked
 * when any rule the query was planned with would have matched it: its folded
 * form, stem, variant key or (for names) sound code, or a thesaurus, typo or
 * nickname term, so "defection" is marked for "defected", "Besedovskiy" for
 * "Besedovsky" and "HELFAND" for "Gelfand".
 */
import { snippetHtml, type SnippetPart } from "../../shared/snippet-parts";
import { stem } from "../../shared/text/stem";
import type { CatalogueRecord } from "../../shared/record";
import type { QueryUnit } from "./engine";
import { formsOf, phoneticOf } from "./word-forms";

export { snippetHtml, type SnippetPart };

export interface HighlightTerms {
  literal: Set<string>;
  stems: Set<string>;
  variants: Set<string>;
  /** Sound codes; matched only on capitalised words, since only names are indexed by sound. */
  phonetic: Set<string>;
  /** Words already judged, shared by every snippet of one query: descriptions repeat their vocabulary. */
  memo?: Map<string, boolean>;
}

const WINDOW_WORDS = 28;

/** What to mark for a query: the terms of every alternative its plan holds, each tested by its own rule. */
export function highlightTerms(units: readonly QueryUnit[]): HighlightTerms {
  const t: HighlightTerms = { literal: new Set(), stems: new Set(), variants: new Set(), phonetic: new Set() };
  for (const u of units) {
    for (const w of u.words) t.literal.add(w);
    for (const a of u.alternatives) {
      // An initial's terms after the name are index keys for given names, not words to mark.
      const terms = a.rule === "initial" ? a.terms.slice(0, 1) : a.terms;
      for (const { term } of terms) {
        if (a.rule === "stem") t.stems.add(term);
        else if (a.rule === "variant") t.variants.add(term);
        else if (a.rule === "phonetic") t.phonetic.add(term);
        else if (a.rule === "synonym") {
          // Single-word expansions are planned as stems; marking both forms covers either.
          t.literal.add(term);
          t.stems.add(stem(term));
        } else t.literal.add(term);
      }
    }
  }
  return t;
}

function isMatch(word: string, terms: HighlightTerms, memo: Map<string, boolean>): boolean {
  let hit = memo.get(word);
  if (hit === undefined) {
    const f = formsOf(word);
    hit =
      terms.literal.has(f.folded) ||
      terms.stems.has(f.stem) ||
      terms.variants.has(f.variant) ||
      (terms.phonetic.size > 0 && /^\p{Lu}/u.test(word) && phoneticOf(f.folded).some((k) => terms.phonetic.has(k)));
    memo.set(word, hit);
  }
  return hit;
}

/** Appends text to parts, joining it to the last part when both are marked alike. */
function push(parts: SnippetPart[], text: string, marked: boolean): void {
  if (!text) return;
  const last = parts[parts.length - 1];
  if (last && last.marked === marked) last.text += text;
  else parts.push({ text, marked });
}

/** The best window of `text`, with matched words marked; null when nothing in it matches. */
export function snippetOf(text: string, terms: HighlightTerms): SnippetPart[] | null {
  const tokens = [...text.matchAll(/[\p{L}\p{N}'’]+/gu)];
  if (!tokens.length) return null;
  const memo = (terms.memo ??= new Map());
  const marks = tokens.map((t) => isMatch(t[0], terms, memo));
  if (!marks.some(Boolean)) return null;
  // Slide a window to the span with the most matched words.
  let best = 0,
    bestCount = -1,
    count = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (marks[i]) count++;
    if (i >= WINDOW_WORDS && marks[i - WINDOW_WORDS]) count--;
    if (count > bestCount) {
      bestCount = count;
      best = Math.max(0, i - WINDOW_WORDS + 1);
    }
  }
  const first = best;
  const last = Math.min(tokens.length - 1, best + WINDOW_WORDS - 1);
  const end = tokens[last]!.index! + tokens[last]![0].length;
  const parts: SnippetPart[] = [];
  if (first > 0) push(parts, "… ", false);
  let pos = tokens[first]!.index!;
  for (let i = first; i <= last; i++) {
    const t = tokens[i]!;
    push(parts, text.slice(pos, t.index!), false);
    push(parts, t[0], marks[i]!);
    pos = t.index! + t[0].length;
  }
  push(parts, text.slice(pos, end), false);
  if (end < text.length) push(parts, " …", false);
  return parts;
}

/**
 * A hit's snippet: from the description where a matched word is in it, else
 * from the title, the people or the subjects, places and bodies (a name found
 * only among a record's people is shown there, marked), else the description's
 * opening, unmarked.
 */
export function snippetFor(r: CatalogueRecord, terms: HighlightTerms): SnippetPart[] {
  return (
    snippetOf(r.description, terms) ??
    snippetOf(r.title, terms) ??
    snippetOf(r.people.join("; "), terms) ??
    snippetOf([...r.subjects, ...r.places, ...r.corporateNames].join("; "), terms) ??
    leadOf(r.description || r.title)
  );
}

/** A plain opening of the text when no word matched. */
export function leadOf(text: string, maxChars = 200): SnippetPart[] {
  if (text.length <= maxChars) return [{ text, marked: false }];
  const cut = text.lastIndexOf(" ", maxChars);
  return [{ text: text.slice(0, cut > 0 ? cut : maxChars) + " …", marked: false }];
}
