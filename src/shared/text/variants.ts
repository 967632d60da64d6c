/**
 * Transliteration variant keys for names. Two spellings that one romanisation
 * scheme or a clerk's ear would produce from the same name get the same key:
 * Besedovsky / Besedovskiy / Bessedovsky / Беседовский → "besedovski",
 * Kutepov / Kutepoff → "kutepov", Milanow / Milanov → "milanov".
 * Rules are ordered: endings first (they are the most reliable signal), then
 * letter families, then doubled letters.
 */

const ENDINGS: Array<[RegExp, string]> = [
  [/(?:skiy|skii|skij|skyi|skyj|sky|ski)$/, "ski"],
  [/(?:ckiy|ckii|cki|cky)$/, "cki"],
  [/(?:iev|ieff|ief|yev|yeff|yef|jev|jeff|jef)$/, "iev"],
  [/(?:off|ow|of)$/, "ov"],
  [/(?:eff|ew|ef)$/, "ev"],
  [/(?:ina|ine)$/, "ina"],
];

// Scottish and Irish "son of": MacDonald, McDonald and M'Donald (folded "mdonald") are one name.
const PREFIXES: Array<[RegExp, string]> = [
  [/^mac(?=[a-z]{3})/, "mc"],
  [/^m(?=[bdfgklnpqrstvz][aeiouy])/, "mc"],
];

/** Each family with the strings it can match, one of which a word must hold for its replace to change it. */
const FAMILIES: Array<[RegExp, string, string[]]> = [
  [/x/g, "ks", ["x"]],
  [/zh/g, "j", ["zh"]],
  [/(?:kh|ch)/g, "h", ["kh", "ch"]],
  [/(?:tz|tc)/g, "ts", ["tz", "tc"]],
  [/w/g, "v", ["w"]],
  [/ph/g, "f", ["ph"]],
  [/[jy]/g, "i", ["j", "y"]],
];

/**
 * Letters an ending of `ENDINGS[k]` can finish with: a pattern anchored at the word's end can only match when the
 * word's last letter is one of them, so the others are not tried.
 */
const ENDING_LAST: string[] = ["yij", "yi", "vf", "fw", "fw", "ae"];
const ANY_ENDING_LAST = "yijvfwae";

/**
 * The variant key of one folded word; words under 3 letters or with digits are returned unchanged.
 *
 * Hand-written guards before each rule: snippets key every distinct word of a cold page's texts (some 500), and the
 * sixteen regular expressions run on every word were the largest part of a cold search's snippet time. Each guard
 * tests exactly what its rule needs to match, so a skipped rule is one that would have left the word as it is.
 */
export function variantKey(word: string): string {
  if (word.length < 3 || hasDigit(word)) return word;
  let w = word;
  const last = w[w.length - 1]!;
  if (ANY_ENDING_LAST.includes(last))
    for (let k = 0; k < ENDINGS.length; k++) {
      if (!ENDING_LAST[k]!.includes(last)) continue;
      const [re, to] = ENDINGS[k]!;
      if (re.test(w)) {
        w = w.replace(re, to);
        break;
      }
    }
  for (const [re, to, needles] of FAMILIES)
    for (const n of needles)
      if (w.includes(n)) {
        w = w.replace(re, to);
        break;
      }
  // After the letter families, so "M'Pherson" (mpherson → mferson) is seen with its vowel.
  if (w.charCodeAt(0) === 109) for (const [re, to] of PREFIXES) w = w.replace(re, to);
  return hasRepeat(w) ? w.replace(/(.)\1+/g, "$1") : w;
}

/** `/\d/` (ASCII digits, as that pattern without the u flag matches). */
function hasDigit(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/** Whether `/(.)\1+/` matches: a UTF-16 unit repeated, other than a line terminator (which `.` does not match). */
function hasRepeat(w: string): boolean {
  for (let i = 1; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c === w.charCodeAt(i - 1) && c !== 10 && c !== 13 && c !== 0x2028 && c !== 0x2029) return true;
  }
  return false;
}
