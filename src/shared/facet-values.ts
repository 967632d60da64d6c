/**
 * The order facet values are shown in, the same in the server-rendered pages
 * and the widget: by count, then name; a selected value always shows, with a
 * count of 0 when the current results hold none of it.
 */
export function facetValues(counts: Record<string, number>, selected: readonly string[]): Array<[string, number]> {
  const values = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const s of selected) if (!values.some(([v]) => v === s)) values.unshift([s, 0]);
  return values;
}
