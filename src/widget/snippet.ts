/**
 * Search snippets arrive as HTML-escaped text with `<mark>` around matched
 * words. Only that one tag is honoured: the rest is unescaped into plain text
 * so a record can never inject markup into a host page.
 */
export type SnippetPart = { text: string; mark: boolean };

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", "#39": "'", "#x27": "'", nbsp: "\u00a0" };

export function unescapeText(s: string): string {
  return s.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
    const k = e.toLowerCase();
    if (k in ENTITIES) return ENTITIES[k]!;
    if (k[0] === "#") {
      const n = k[1] === "x" ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10);
      // Lone surrogates and out-of-range numbers would throw in fromCodePoint.
      return n > 0 && n <= 0x10ffff && (n < 0xd800 || n > 0xdfff) ? String.fromCodePoint(n) : m;
    }
    return m;
  });
}

/** Splits a snippet on `<mark>`/`</mark>`; unbalanced tags simply toggle, never nest. */
export function parseSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let mark = false;
  for (const piece of snippet.split(/(<\/?mark>)/i)) {
    const tag = piece.toLowerCase();
    if (tag === "<mark>") mark = true;
    else if (tag === "</mark>") mark = false;
    else if (piece) parts.push({ text: unescapeText(piece), mark });
  }
  return parts;
}
