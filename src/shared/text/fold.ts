/**
 * Folding: the one normal form every indexed and queried word passes through.
 * Lowercase, diacritics stripped, Cyrillic romanised, so "Беседовский",
 * "BESEDOVSKIY" and "Besedovskíy" meet before any variant rule runs.
 */

// Hand-written because it is data, not logic: a scholarly-leaning
// romanisation (BGN/PCGN-like) whose output the variant rules then fold,
// so the choice between "iy" and "ii" for "ий" does not matter.
const CYRILLIC: Record<string, string> = {
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  д: "d",
  е: "e",
  ё: "e",
  ж: "zh",
  з: "z",
  и: "i",
  й: "y",
  к: "k",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ф: "f",
  х: "kh",
  ц: "ts",
  ч: "ch",
  ш: "sh",
  щ: "shch",
  ъ: "",
  ы: "y",
  ь: "",
  э: "e",
  ю: "yu",
  я: "ya",
  і: "i",
  ї: "yi",
  є: "ye",
  ґ: "g",
  ў: "u",
};

const HAS_CYRILLIC = /[\u0400-\u04ff]/;

/** Romanises Cyrillic letters and leaves everything else alone. */
export function romanise(text: string): string {
  if (!HAS_CYRILLIC.test(text)) return text;
  let out = "";
  for (const ch of text.toLowerCase()) out += CYRILLIC[ch] ?? ch;
  return out;
}

/**
 * Text of ASCII characters only: its fold is its lowercase (NFKD leaves ASCII as it is, and no other rule applies),
 * and its words are runs of a-z and 0-9. Most catalogue text is ASCII, and the build folds every record's texts
 * several times: this skips the normalisation and the Unicode property pattern for it.
 */
const ASCII = /^[\x00-\x7f]*$/;

/** Lowercase, no diacritics, Cyrillic romanised; other scripts pass through. */
export function fold(text: string): string {
  if (ASCII.test(text)) return text.toLowerCase();
  return romanise(text)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ß/g, "ss")
    .replace(/[æ]/g, "ae")
    .replace(/[ø]/g, "o")
    .toLowerCase();
}

/**
 * Words of a text, folded. Apostrophes join ("O'Brien" → "obrien"); any other
 * non-letter, non-digit character separates. Letters of every script count,
 * so a Greek or Hebrew query still produces words rather than nothing.
 */
export function words(text: string): string[] {
  // Apostrophes join, as below; past them, ASCII's letters and digits are a-z and 0-9 once lowercased.
  if (ASCII.test(text))
    return (
      text
        .toLowerCase()
        .replace(/['`]/g, "")
        .match(/[a-z0-9]+/g) ?? []
    );
  return (
    fold(text)
      .replace(/['’`]/g, "")
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** English function words: never indexed, never required of a hit. */
export const STOPWORDS = new Set(
  (
    "a an and are as at be but by for from had has have he her his in into is it its of on or she " +
    "that the their them they this to was were which who whom with within without what when where " +
    "how did do does about after before during over under between via than then there these those " +
    "also any all not no nor so such can could would should will may might one two"
  ).split(" "),
);
