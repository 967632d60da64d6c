/**
 * HTML character references to text, for both sides: the build decodes them
 * in Discovery's markup, the widget in the snippets the API escapes. One
 * decoder; each side says what an invalid or control code point becomes.
 *
 * @example
 * decodeEntities("Smith &amp; Sons &#8211; 1940") // "Smith & Sons – 1940"
 */

/** The named references met in catalogue text and in escaped snippets. */
const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  ndash: "–",
  mdash: "—",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  hellip: "…",
  pound: "£",
  eacute: "é",
};

/** A code point as text, or null (left as written) for one that is not a character. */
export function validCodePoint(code: number): string | null {
  return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : null;
}

/**
 * Decodes `&name;`, `&#123;` and `&#x7b;`. `codePoint` maps a numeric
 * reference to text, null leaving it as written (the default does so for
 * lone surrogates, 0 and out-of-range numbers, which fromCodePoint rejects).
 * Unknown names are left as written.
 */
export function decodeEntities(s: string, codePoint: (code: number) => string | null = validCodePoint): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]+));/gi, (whole, dec: string, hex: string, name: string) => {
    if (dec || hex) return codePoint(dec ? Number(dec) : parseInt(hex, 16)) ?? whole;
    return Object.hasOwn(NAMED, name.toLowerCase()) ? NAMED[name.toLowerCase()]! : whole;
  });
}
