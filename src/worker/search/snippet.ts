/**
 * Snippets: a short window of the record's text around the words the query
 * matched, HTML-escaped, with only the matched words wrapped in `<mark>`.
 * A word matches when its folded form, stem or variant key is one the query
 * matched with, so "defection" is marked for a query "defected".
 */
import { formsOf } from "./word-forms";

export interface HighlightTerms {
  literal: Set<string>;
  stems: Set<string>;
  variants: Set<string>;
  /** Words already judged, shared by every snippet of one query: descriptions repeat their vocabulary. */
  memo?: Map<string, boolean>;
}

const WINDOW_WORDS = 28;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function isMatch(word: string, terms: HighlightTerms, memo: Map<string, boolean>): boolean {
  let hit = memo.get(word);
  if (hit === undefined) {
    const f = formsOf(word);
    hit = terms.literal.has(f.folded) || terms.stems.has(f.stem) || terms.variants.has(f.variant);
    memo.set(word, hit);
  }
  return hit;
}

/** The best window of `text`, escaped, with matched words marked; null when nothing in it matches. */
export function snippetOf(text: string, terms: HighlightTerms): string | null {
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
  const start = tokens[first]!.index!;
  const end = tokens[last]!.index! + tokens[last]![0].length;
  let out = first > 0 ? "… " : "";
  let pos = start;
  for (let i = first; i <= last; i++) {
    const t = tokens[i]!;
    out += escapeHtml(text.slice(pos, t.index!));
    out += marks[i] ? `<mark>${escapeHtml(t[0])}</mark>` : escapeHtml(t[0]);
    pos = t.index! + t[0].length;
  }
  out += escapeHtml(text.slice(pos, end));
  if (end < text.length) out += " …";
  return out;
}

/** A plain, escaped opening of the text when no word matched. */
export function leadOf(text: string, maxChars = 200): string {
  if (text.length <= maxChars) return escapeHtml(text);
  const cut = text.lastIndexOf(" ", maxChars);
  return escapeHtml(text.slice(0, cut > 0 ? cut : maxChars)) + " …";
}
