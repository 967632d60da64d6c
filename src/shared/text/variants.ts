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

/**
 * The first letter of `variantKey(word)` (as a char code), found from the word's first three letters without the
 * rules' fifteen regular expressions. Why: snippets judge every distinct word of a page's texts, and a word whose
 * key's first letter is not one of the query's variant keys' cannot match by variant, so most words never need their
 * key (a cold isolate's first page spent 4–5 ms of CPU on them). Written by hand from the rules above, which only
 * change a word's first letter by the letter families, applied in their order (endings end a word; prefixes keep its
 * "m"; doubled letters keep their first): test/rules/variant-initial.node.test.ts checks it against `variantKey` over
 * the project's data words and 50,000 words made of the letters the rules rewrite.
 */
export function variantInitial(word: string): number {
  const c = word.charCodeAt(0);
  if (word.length < 3 || /\d/.test(word)) return c;
  const next = word.charCodeAt(1);
  const h = next === 104; // "h"
  switch (c) {
    case 120: // x → ks
      return 107;
    case 122: // zh → j → i
      return h ? 105 : c;
    case 107: // kh → h
    case 99: // ch → h
      return h ? 104 : c;
    case 112: {
      // ph → f, and pkh / pch too: "kh" and "ch" become "h" before "ph" becomes "f".
      const third = word.charCodeAt(2);
      return h || ((next === 107 || next === 99) && third === 104) ? 102 : c;
    }
    case 119: // w → v
      return 118;
    case 106: // j → i
    case 121: // y → i
      return 105;
    default:
      return c;
  }
}
