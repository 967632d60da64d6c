/**
 * Search snippets arrive as HTML-escaped text with `<mark>` around matched
 * words. Only that one tag is honoured: the rest is unescaped into plain text
 * so a record can never inject markup into a host page.
 */
import type { SnippetPart } from "../shared/snippet-parts";
import { decodeEntities } from "../shared/text/html-entities";

/** The snippet's escaped text as plain text; invalid numeric references stay as written. */
export function unescapeText(s: string): string {
  return decodeEntities(s);
}

/** Splits a snippet on `<mark>`/`</mark>`; unbalanced tags simply toggle, never nest. */
export function parseSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let marked = false;
  for (const piece of snippet.split(/(<\/?mark>)/i)) {
    const tag = piece.toLowerCase();
    if (tag === "<mark>") marked = true;
    else if (tag === "</mark>") marked = false;
    else if (piece) parts.push({ text: unescapeText(piece), marked });
  }
  return parts;
}
