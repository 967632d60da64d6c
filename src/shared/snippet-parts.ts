/**
 * A search snippet as parts: plain text, each piece marked where it is a
 * catalogue word the query matched. The Worker keeps snippets as parts and
 * writes HTML only at its edges (the API's `snippet` string, the pages'
 * templates); the widget parses the API's HTML back into the same parts.
 */
export interface SnippetPart {
  text: string;
  marked: boolean;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** The API's snippet: escaped text with only the marked parts wrapped in `<mark>`. */
export function snippetHtml(parts: readonly SnippetPart[]): string {
  let out = "";
  for (const p of parts) out += p.marked ? `<mark>${escapeHtml(p.text)}</mark>` : escapeHtml(p.text);
  return out;
}
