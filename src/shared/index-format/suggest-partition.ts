/**
 * The typeahead partition's file layout (SUGGEST_FORMAT 5): columns, with everything one part of an entry gives
 * back left out. An entry's key is the folded words of its text from one word on (or their variant keys, or a
 * reference's id), so a key is stored as one character saying which; a text that is its folded words in
 * lower, capitalised or upper case is stored folded with a letter a word; a weight is stored only where it is
 * not its kind's usual one; and the ranking typeahead walks (`SuggestList.ranking`) is computed once per
 * isolate from weights and text lengths rather than stored. At 100k records this is under half the bytes of
 * format 4's arrays of entries and stored ranking (see docs/benchmarks-history.md).
 *
 * Decoding is lazy: an entry's key and its text are made when a lookup first reads them (a keystroke reads a
 * dozen entries of a partition of up to 2,000), and kept. The build checks that every entry decodes back to
 * itself, and stores what would not (a key or a text) as is.
 */
import { words } from "../text/fold";
import { memoised } from "../text/memo";
import { variantKey } from "../text/variants";
import { referenceToId } from "../reference";
import { SUGGEST_VARIANT, suggestOrder, type SuggestEntry, type SuggestKind } from "./side-assets";

/** A typeahead key is the folded words of its text from one word on, at most this many. */
export const SUGGEST_KEY_WORDS = 4;

/** A typeahead partition (or a split prefix's top list) as written. */
export interface SuggestPartitionFile {
  /** The prefix every key of the file starts with: explicit keys (`e`) are stored without it. */
  p: string;
  /** Each entry's text: its folded words joined by spaces when its case letters (`c`) are not empty, else as is. */
  t: string[];
  /** Each entry's case letters, comma-separated: a letter a word (CASES), none for a text stored as is. */
  c: string;
  /** Two characters an entry: its shape (kind, and whether an id and an extra are stored: SHAPES), its key (KEY_*). */
  k: string;
  /** The keys no rule gives back, in entry order, without `p`. */
  e?: string[];
  /** The ids no rule gives back (`suggestEntryId`'s 0 is not stored), in entry order. */
  i?: Array<string | null>;
  /**
   * The entries' sixth parts, in entry order: a title's reference; a person's canonical slug as the number of
   * its first characters it shares with the entry's own slug (a character, "0" + n), then the rest.
   */
  x?: string[];
  /** `[gap, weight]` pairs, flat, for the entries whose weight is not their kind's DEFAULT_WEIGHT: the gap from
   * the previous such entry's position (from 0 for the first). */
  w?: number[];
}

const KINDS: readonly SuggestKind[] = ["person", "title", "reference", "subject"];
/** A person's entry weighs 2 a mention (see suggest-assets.ts), anything else 1: most entries weigh that. */
const DEFAULT_WEIGHT: readonly number[] = [2, 1, 1, 1];
/** Shape letters: "A" + kind × 4 + (id stored ? 2 : 0) + (extra stored ? 1 : 0). */
const SHAPE_BASE = 65;
/** Key characters: a spelling key from word n is "0" + n, a variant key from word n "a" + n. */
const KEY_SPELLING = 48;
const KEY_VARIANT = 97;
const KEY_REFERENCE = "r";
const KEY_STORED = "*";
/** Up to this many word offsets fit a key character (a key starts within a text's first few words). */
const MAX_WORD_OFFSET = 10;
/** Case letters: the word folded as it is, capitalised, or upper case. */
const CASES = { lower: "l", capital: "c", upper: "u" } as const;

const wordVariant = memoised(variantKey, 20_000);

function cased(word: string, letter: string): string {
  if (letter === CASES.capital) return word.charAt(0).toUpperCase() + word.slice(1);
  return letter === CASES.upper ? word.toUpperCase() : word;
}

/** A text from its folded words and case letters (the decoder's rule, which the build checks against). */
function textOf(stored: string, letters: string): string {
  if (!letters) return stored;
  const ws = stored.split(" ");
  let out = "";
  for (let i = 0; i < ws.length; i++) out += (i ? " " : "") + cased(ws[i]!, letters[i] ?? "");
  return out;
}

/**
 * The stored form of a text: folded words and case letters where that gives the text back, length and all; and
 * the text's folded words. Each word is tried lower, capitalised, then upper case, as `cased` makes them: the
 * decoder's `textOf` then joins exactly the text's space-separated parts back.
 */
function storedText(text: string): [stored: string, letters: string, ws: string[]] {
  const ws = words(text);
  if (!ws.length || ws.length > 64) return [text, "", ws];
  const parts = text.split(" ");
  if (parts.length !== ws.length) return [text, "", ws];
  let letters = "";
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    const part = parts[i]!;
    if (part === w) letters += CASES.lower;
    else if (part === cased(w, CASES.capital)) letters += CASES.capital;
    else if (part === cased(w, CASES.upper)) letters += CASES.upper;
    else return [text, "", ws];
  }
  const stored = ws.join(" ");
  // A ranking reads text lengths from the stored form, so the two must agree.
  return stored.length === text.length ? [stored, letters, ws] : [text, "", ws];
}

/** The key a key character gives for an entry of `kind` whose text has folded words `ws` (null: stored). */
function derivedKey(code: string, kind: SuggestKind, text: string, ws: () => string[]): string | null {
  if (code === KEY_REFERENCE) return kind === "reference" ? referenceToId(text) : null;
  const c = code.charCodeAt(0);
  if (c >= KEY_SPELLING && c < KEY_SPELLING + MAX_WORD_OFFSET)
    return ws()
      .slice(c - KEY_SPELLING, c - KEY_SPELLING + SUGGEST_KEY_WORDS)
      .join(" ");
  if (c >= KEY_VARIANT && c < KEY_VARIANT + MAX_WORD_OFFSET)
    return (
      SUGGEST_VARIANT +
      ws()
        .slice(c - KEY_VARIANT, c - KEY_VARIANT + SUGGEST_KEY_WORDS)
        .map(wordVariant)
        .join(" ")
    );
  return null;
}

/** Whether `key` starts with the whole word(s) `prefix`: then a space or its end. */
function startsWithWords(key: string, prefix: string): boolean {
  return key.startsWith(prefix) && (key.length === prefix.length || key.charCodeAt(prefix.length) === 32);
}

/**
 * The key character for an entry whose key `derivedKey` gives back, or null (the key is stored): the first of the
 * reference code, the spelling codes and (for a key with the variant mark) the variant codes whose derived key is
 * the entry's. A key from word n starts with word n (or its variant key) whole, so `derivedKey` joins the words
 * only for codes that pass that test: a build encodes every typeahead entry (some 15 a record), and deriving every
 * code's key joined a dozen strings for each.
 */
function keyCode(key: string, kind: SuggestKind, text: string, ws: string[]): string | null {
  const wordsOf = () => ws;
  if (kind === "reference" && derivedKey(KEY_REFERENCE, kind, text, wordsOf) === key) return KEY_REFERENCE;
  for (let j = 0; j < MAX_WORD_OFFSET; j++) {
    const code = String.fromCharCode(KEY_SPELLING + j);
    if (startsWithWords(key, ws[j] ?? "") && derivedKey(code, kind, text, wordsOf) === key) return code;
  }
  if (!key.startsWith(SUGGEST_VARIANT)) return null;
  for (let j = 0; j < MAX_WORD_OFFSET; j++) {
    const code = String.fromCharCode(KEY_VARIANT + j);
    const first = SUGGEST_VARIANT + (j < ws.length ? wordVariant(ws[j]!) : "");
    if (startsWithWords(key, first) && derivedKey(code, kind, text, wordsOf) === key) return code;
  }
  return null;
}

/** `to` as the length of its prefix shared with `from` (a character, "0" + n), then the rest. */
function sharedWith(from: string, to: string): string {
  let n = 0;
  while (n < from.length && n < to.length && from[n] === to[n]) n++;
  return String.fromCharCode(KEY_SPELLING + n) + to.slice(n);
}

/** Writes a partition: `entries` sorted by key, every key starting with `prefix`. */
export function encodeSuggestPartition(prefix: string, entries: readonly SuggestEntry[]): SuggestPartitionFile {
  const t: string[] = [];
  const c: string[] = [];
  let k = "";
  const e: string[] = [];
  const i: Array<string | null> = [];
  const x: string[] = [];
  const w: number[] = [];
  let lastWeighed = 0;
  for (let n = 0; n < entries.length; n++) {
    const entry = entries[n]!;
    const [key, text, kind, id, weight] = entry;
    if (!key.startsWith(prefix)) throw new Error(`suggest: key "${key}" outside its partition "${prefix}"`);
    const kindAt = KINDS.indexOf(kind);
    // The folded words are the decoder's `words` of the entry either way: a text stored folded splits back to them.
    const [stored, letters, ws] = storedText(text);
    t.push(stored);
    c.push(letters);
    const hasExtra = entry.length > 5;
    k += String.fromCharCode(SHAPE_BASE + kindAt * 4 + (id !== 0 ? 2 : 0) + (hasExtra ? 1 : 0));
    const code = keyCode(key, kind, text, ws);
    if (code) k += code;
    else {
      k += KEY_STORED;
      e.push(key.slice(prefix.length));
    }
    if (id !== 0) i.push(id);
    if (hasExtra) x.push(kind === "person" ? sharedWith(ws.join("-"), entry[5]!) : entry[5]!);
    if (weight !== DEFAULT_WEIGHT[kindAt]) {
      w.push(n - lastWeighed, weight);
      lastWeighed = n;
    }
  }
  return {
    p: prefix,
    t,
    c: c.join(","),
    k,
    ...(e.length ? { e } : {}),
    ...(i.length ? { i } : {}),
    ...(x.length ? { x } : {}),
    ...(w.length ? { w } : {}),
  };
}

/** Thrown on a file that does not decode: the asset store reports it as a damaged asset. */
function malformed(why: string): never {
  throw new Error(`suggest partition: ${why}`);
}

/**
 * A decoded partition: entries by position, sorted by key, made as they are first read. Hand-written for the
 * laziness (see the module comment): a keystroke reads a few entries of a partition of thousands.
 */
export class SuggestList {
  readonly length: number;
  private readonly keys: Array<string | undefined>;
  private readonly entries: Array<SuggestEntry | undefined>;
  private readonly letters: string[];
  /** Per entry: its kind's index, and where its stored key, id and extra are in `e`, `i` and `x` (-1: none). */
  private readonly kindAt: Uint8Array;
  private readonly keyAt: Int32Array;
  private readonly idAt: Int32Array;
  private readonly extraAt: Int32Array;
  private readonly weights: Float64Array;
  private order?: Int32Array;

  constructor(private readonly file: SuggestPartitionFile) {
    const { t, k } = file;
    if (!Array.isArray(t) || typeof k !== "string" || k.length !== 2 * t.length || typeof file.c !== "string")
      malformed("columns of unequal length");
    const n = t.length;
    this.length = n;
    this.letters = n ? file.c.split(",") : [];
    if (this.letters.length !== n) malformed("case letters for a different number of entries");
    this.keys = new Array(n);
    this.entries = new Array(n);
    this.kindAt = new Uint8Array(n);
    this.keyAt = new Int32Array(n).fill(-1);
    this.idAt = new Int32Array(n).fill(-1);
    this.extraAt = new Int32Array(n).fill(-1);
    this.weights = new Float64Array(n);
    let e = 0,
      i = 0,
      x = 0;
    for (let j = 0; j < n; j++) {
      const shape = k.charCodeAt(2 * j) - SHAPE_BASE;
      if (!(shape >= 0 && shape < 16)) malformed(`entry ${j} has no shape`);
      const kind = shape >> 2;
      this.kindAt[j] = kind;
      this.weights[j] = DEFAULT_WEIGHT[kind]!;
      if (shape & 2) this.idAt[j] = i++;
      if (shape & 1) this.extraAt[j] = x++;
      if (k[2 * j + 1] === KEY_STORED) this.keyAt[j] = e++;
    }
    if (e !== (file.e?.length ?? 0) || i !== (file.i?.length ?? 0) || x !== (file.x?.length ?? 0))
      malformed("stored keys, ids or extras do not match the entries");
    const w = file.w ?? [];
    for (let j = 0, at = 0; j + 1 < w.length; j += 2) {
      at += w[j]!;
      if (!(at >= 0 && at < n)) malformed("a weight for no entry");
      this.weights[at] = w[j + 1]!;
    }
  }

  /** The text as shown, of the entry at `j`. */
  private text(j: number): string {
    return textOf(this.file.t[j]!, this.letters[j]!);
  }

  /** The folded words of the entry at `j`'s text (the encoder's `wordsOf`). */
  private words(j: number): string[] {
    return this.letters[j] ? this.file.t[j]!.split(" ") : words(this.file.t[j]!);
  }

  /** The key of the entry at `j`: what a lookup binary-searches and compares, made once. */
  key(j: number): string {
    let key = this.keys[j];
    if (key === undefined) {
      const at = this.keyAt[j]!;
      if (at >= 0) key = this.file.p + this.file.e![at]!;
      else
        key =
          derivedKey(this.file.k[2 * j + 1]!, KINDS[this.kindAt[j]!]!, this.text(j), () => this.words(j)) ??
          malformed(`entry ${j}'s key`);
      this.keys[j] = key;
    }
    return key;
  }

  /** The sixth part of the entry at `j`, stored at `at` in `x`. */
  private extra(j: number, at: number): string {
    const x = this.file.x![at]!;
    if (this.kindAt[j] !== 0) return x;
    return (
      this.words(j)
        .join("-")
        .slice(0, x.charCodeAt(0) - KEY_SPELLING) + x.slice(1)
    );
  }

  /** The entry at `j`, as format 4 stored it (`[key, text, kind, id, weight, extra?]`), made once. */
  entry(j: number): SuggestEntry {
    let e = this.entries[j];
    if (!e) {
      const idAt = this.idAt[j]!;
      const extraAt = this.extraAt[j]!;
      const id = idAt >= 0 ? this.file.i![idAt]! : 0;
      const base = [this.key(j), this.text(j), KINDS[this.kindAt[j]!]!, id, this.weights[j]!] as const;
      e = (extraAt >= 0 ? [...base, this.extra(j, extraAt)] : [...base]) as SuggestEntry;
      this.entries[j] = e;
    }
    return e;
  }

  /**
   * Every position in `suggestOrder` (heavier first, then shorter text), ties by position: what a short prefix's
   * keystroke walks instead of ranking most of the partition. Computed from weights and text lengths on first
   * use, not stored (format 4 stored it: a fifth of the typeahead's bytes).
   */
  ranking(): Int32Array {
    if (!this.order) {
      const { weights } = this;
      const lengths = Int32Array.from(this.file.t, (s) => s.length);
      const order = new Int32Array(this.length);
      for (let j = 0; j < order.length; j++) order[j] = j;
      this.order = order.sort((x, y) => weights[y]! - weights[x]! || lengths[x]! - lengths[y]! || x - y);
    }
    return this.order;
  }
}

/** The asset store's decoder for a partition file. */
export function decodeSuggestPartition(parsed: unknown): SuggestList {
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) malformed("not a partition object");
  return new SuggestList(parsed as SuggestPartitionFile);
}

/** The ranking `SuggestList.ranking` computes, over entries in hand: for tests and the build's checks. */
export function suggestRanking(entries: readonly SuggestEntry[]): number[] {
  return entries.map((_, i) => i).sort((x, y) => suggestOrder(entries[x]!, entries[y]!) || x - y);
}
