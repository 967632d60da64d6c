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

const FAMILIES: Array<[RegExp, string]> = [
  [/x/g, "ks"],
  [/zh/g, "j"],
  [/(?:kh|ch)/g, "h"],
  [/(?:tz|tc)/g, "ts"],
  [/w/g, "v"],
  [/ph/g, "f"],
  [/[jy]/g, "i"],
];

/** The variant key of one folded word; words under 3 letters or with digits are returned unchanged. */
export function variantKey(word: string): string {
  if (word.length < 3 || /\d/.test(word)) return word;
  let w = word;
  for (const [re, to] of ENDINGS) {
    if (re.test(w)) {
      w = w.replace(re, to);
      break;
    }
  }
  for (const [re, to] of FAMILIES) w = w.replace(re, to);
  // After the letter families, so "M'Pherson" (mpherson → mferson) is seen with its vowel.
  for (const [re, to] of PREFIXES) w = w.replace(re, to);
  return w.replace(/(.)\1+/g, "$1");
}
