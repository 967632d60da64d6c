/**
 * Snippets: a short window of the record's text around the words the query
 * matched, as parts with the matched catalogue words marked. A word is marked
 * when any rule the query was planned with would have matched it: its folded
 * form, stem, variant key or (for names) sound code, or a thesaurus, typo or
 * nickname term, so "defection" is marked for "defected", "Besedovskiy" for
 * "Besedovsky" and "HELFAND" for "Gelfand".
 */
import { snippetHtml, type SnippetPart } from "../../shared/snippet-parts";
import { stem } from "../../shared/text/stem";
import type { CatalogueRecord } from "../../shared/record";
import type { QueryUnit } from "./engine";
import { variantInitial } from "../../shared/text/variants";
import { formsOf, phoneticOf, variantOf, type WordForms } from "./word-forms";

export { snippetHtml, type SnippetPart };

export interface HighlightTerms {
  literal: Set<string>;
  stems: Set<string>;
  variants: Set<string>;
  /** Sound codes; matched only on capitalised words, since only names are indexed by sound. */
  phonetic: Set<string>;
  /**
   * A quick filter before the sets: per set (literal, stems, variants), a bit for each of its strings' length and
   * first letter (mod 32). A word whose bits are not both set cannot be in the set, and most words of a text are not:
   * the test spares three set lookups for most distinct words of a page's texts.
   */
  sieve: Uint32Array;
  /** This query's stamp on the words it has judged (see `WordForms.stamp`): unique per `highlightTerms` call. */
  stamp: number;
}

/** Stamps of `highlightTerms` calls: a word's verdict (see `WordForms.stamp`) is the stamped query's. */
let stamps = 0;

const WINDOW_WORDS = 28;

/** What to mark for a query: the terms of every alternative its plan holds, each tested by its own rule. */
export function highlightTerms(units: readonly QueryUnit[]): HighlightTerms {
  const t: HighlightTerms = {
    literal: new Set(),
    stems: new Set(),
    variants: new Set(),
    phonetic: new Set(),
    sieve: new Uint32Array(6),
    stamp: ++stamps,
  };
  for (const u of units) {
    for (const w of u.words) t.literal.add(w);
    for (const a of u.alternatives) {
      // An initial's terms after the name are index keys for given names, not words to mark.
      const terms = a.rule === "initial" ? a.terms.slice(0, 1) : a.terms;
      for (const { term } of terms) {
        if (a.rule === "stem") t.stems.add(term);
        else if (a.rule === "variant") t.variants.add(term);
        else if (a.rule === "phonetic") t.phonetic.add(term);
        else if (a.rule === "synonym") {
          // Single-word expansions are planned as stems; marking both forms covers either.
          t.literal.add(term);
          t.stems.add(stem(term));
        } else t.literal.add(term);
      }
    }
  }
  [t.literal, t.stems, t.variants].forEach((set, k) => {
    for (const w of set) {
      t.sieve[2 * k]! |= 1 << (w.length & 31);
      t.sieve[2 * k + 1]! |= 1 << (w.charCodeAt(0) & 31);
    }
  });
  // A word's variant key is sieved by its first letter alone (`variantSieveKey`), which is known without the key:
  // every length passes.
  if (t.variants.size) t.sieve[4] = 0xffffffff;
  return t;
}

/** Whether `w` may be in set `k` of the terms (see `HighlightTerms.sieve`). */
function mayHold(sieve: Uint32Array, k: number, w: string): boolean {
  return mayHoldKey(sieve, k, sieveKey(w));
}

/** What the sieve reads of a word, in 10 bits: its length and its first letter, each mod 32. */
function sieveKey(w: string): number {
  return (w.length & 31) | ((w.charCodeAt(0) & 31) << 5);
}

/**
 * What the variants' sieve reads of a word (see `sieveKey`): the first letter of its variant key, found without the
 * key (`variantInitial`), and a length the sieve passes whatever it is. Most words of a page are then judged without
 * their key, which costs fifteen regular expressions a word.
 */
function variantSieveKey(f: WordForms): number {
  return (variantInitial(f.folded) & 31) << 5;
}

function mayHoldKey(sieve: Uint32Array, k: number, key: number): boolean {
  return ((sieve[2 * k]! >>> (key & 31)) & (sieve[2 * k + 1]! >>> (key >>> 5)) & 1) === 1;
}

/**
 * A text split into word tokens once, with each token's forms: a hit's description is tokenised (regex, folding,
 * stemming, variant key) the first time it is shown and kept beside its record, so a warm isolate showing the same
 * records again pays one set lookup per distinct word, not a regex pass and a memo lookup per token.
 */
interface TextTokens {
  /**
   * Per token, three numbers: its start, then its end shifted left once with the low bit set when it starts with a
   * capital (only names are indexed by sound), then the sieve keys (`sieveKey`) of its folded form, stem and variant
   * key, 10 bits each. One typed array per text, not several: the cache holds hundreds of texts, and each typed array
   * is a JS-heap object of its own (about 100 bytes) beside its bytes. With the keys here, most tokens are judged
   * without reading their word's forms: each is an object somewhere on the heap, and reading it was most of a
   * snippet's time.
   */
  spans: Uint32Array;
  forms: WordForms[];
}

const TOKEN = /[\p{L}\p{N}'’]+/gu;
const CAPITAL = /^\p{Lu}/u;

function tokenise(text: string): TextTokens {
  const spans: number[] = [];
  const forms: WordForms[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const f = formsOf(m[0]);
    spans.push(
      m.index,
      ((m.index + m[0].length) << 1) | (CAPITAL.test(m[0]) ? 1 : 0),
      sieveKey(f.folded) | (sieveKey(f.stem) << 10) | (variantSieveKey(f) << 20),
    );
    forms.push(f);
  }
  return { spans: Uint32Array.from(spans), forms };
}

/**
 * Tokens of texts, remembered by the text: a record's strings are the same objects while the record store keeps
 * the record, so the lookup hashes each string once. Bounded, and emptied when full (as the word memo).
 */
const MAX_TEXTS = 4_000;
const tokensByText = new Map<string, TextTokens>();

function tokensOf(text: string): TextTokens {
  let t = tokensByText.get(text);
  if (!t) {
    if (tokensByText.size >= MAX_TEXTS) tokensByText.clear();
    tokensByText.set(text, (t = tokenise(text)));
  }
  return t;
}

/**
 * Whether a token's word matches the query's terms. Judged once per query and distinct word, and kept on the word's
 * forms (shared by every token of that word): descriptions repeat their vocabulary, and a property read per token
 * cost less than the per-query map of verdicts it replaced. `variantKeyBits`: the token's `variantSieveKey`, as
 * its span holds it.
 */
function isMatch(f: WordForms, capital: number, variantKeyBits: number, terms: HighlightTerms): boolean {
  // Bit 1: judged without sound codes, bit 2: that judgement, bit 4: judged by sound, bit 8: that judgement.
  let m = f.stamp === terms.stamp ? f.verdict : 0;
  if (!(m & 1)) {
    const { sieve } = terms;
    const hit =
      (mayHold(sieve, 0, f.folded) && terms.literal.has(f.folded)) ||
      (mayHold(sieve, 1, f.stem) && terms.stems.has(f.stem)) ||
      (mayHoldKey(sieve, 2, variantKeyBits) && terms.variants.has(variantOf(f)));
    m |= hit ? 3 : 1;
    f.stamp = terms.stamp;
    f.verdict = m;
  }
  if (m & 2) return true;
  if (!capital || terms.phonetic.size === 0) return false;
  if (!(m & 4)) {
    m |= 4 | (phoneticOf(f.folded).some((k) => terms.phonetic.has(k)) ? 8 : 0);
    f.verdict = m;
  }
  return (m & 8) !== 0;
}

/** Appends text to parts, joining it to the last part when both are marked alike. */
function push(parts: SnippetPart[], text: string, marked: boolean): void {
  if (!text) return;
  const last = parts[parts.length - 1];
  if (last && last.marked === marked) last.text += text;
  else parts.push({ text, marked });
}

/** Which tokens of a text matched: one buffer per isolate, filled and read within one `snippetOf` call. */
let marksBuf = new Uint8Array(1024);

/** The best window of `text`, with matched words marked; null when nothing in it matches. */
export function snippetOf(text: string, terms: HighlightTerms): SnippetPart[] | null {
  const { spans, forms } = tokensOf(text);
  const n = forms.length;
  if (!n) return null;
  if (marksBuf.length < n) marksBuf = new Uint8Array(Math.max(n, 2 * marksBuf.length));
  const marks = marksBuf;
  marks.fill(0, 0, n);
  let any = false;
  const { sieve } = terms;
  const sounds = terms.phonetic.size > 0;
  for (let i = 0; i < n; i++) {
    const capital = spans[3 * i + 1]! & 1;
    const keys = spans[3 * i + 2]!;
    // A token none of whose forms passes the sieve matches by sound or not at all: its forms are not read (the
    // verdict `isMatch` would give).
    if (
      !(capital && sounds) &&
      !mayHoldKey(sieve, 0, keys & 1023) &&
      !mayHoldKey(sieve, 1, (keys >>> 10) & 1023) &&
      !mayHoldKey(sieve, 2, keys >>> 20)
    )
      continue;
    if (isMatch(forms[i]!, capital, keys >>> 20, terms)) {
      marks[i] = 1;
      any = true;
    }
  }
  if (!any) return null;
  // Slide a window to the span with the most matched words.
  let best = 0,
    bestCount = -1,
    count = 0;
  for (let i = 0; i < n; i++) {
    if (marks[i]) count++;
    if (i >= WINDOW_WORDS && marks[i - WINDOW_WORDS]) count--;
    if (count > bestCount) {
      bestCount = count;
      best = Math.max(0, i - WINDOW_WORDS + 1);
    }
  }
  const first = best;
  const last = Math.min(n - 1, best + WINDOW_WORDS - 1);
  const end = spans[3 * last + 1]! >>> 1;
  const parts: SnippetPart[] = [];
  if (first > 0) push(parts, "… ", false);
  let pos = spans[3 * first]!;
  for (let i = first; i <= last; i++) {
    const s = spans[3 * i]!,
      e = spans[3 * i + 1]! >>> 1;
    push(parts, text.slice(pos, s), false);
    push(parts, text.slice(s, e), marks[i] === 1);
    pos = e;
  }
  push(parts, text.slice(pos, end), false);
  if (end < text.length) push(parts, " …", false);
  return parts;
}

/**
 * A hit's snippet: from the description where a matched word is in it, else
 * from the title, the people or the subjects, places and bodies (a name found
 * only among a record's people is shown there, marked), else the description's
 * opening, unmarked.
 */
export function snippetFor(r: CatalogueRecord, terms: HighlightTerms): SnippetPart[] {
  return (
    snippetOf(r.description, terms) ??
    snippetOf(r.title, terms) ??
    snippetOf(joined(r).people, terms) ??
    snippetOf(joined(r).others, terms) ??
    leadOf(r.description || r.title)
  );
}

/**
 * A record's people, and its subjects, places and bodies, each as one text, made once per record object (the record
 * store keeps a record while it is read again): a name query's snippets come from the people, and a text joined
 * afresh for each query was a new string to build and hash before its tokens could be looked up.
 */
const joinedTexts = new WeakMap<CatalogueRecord, { people: string; others: string }>();

function joined(r: CatalogueRecord): { people: string; others: string } {
  let j = joinedTexts.get(r);
  if (!j) {
    j = { people: r.people.join("; "), others: [...r.subjects, ...r.places, ...r.corporateNames].join("; ") };
    joinedTexts.set(r, j);
  }
  return j;
}

/** A plain opening of the text when no word matched. */
export function leadOf(text: string, maxChars = 200): SnippetPart[] {
  if (text.length <= maxChars) return [{ text, marked: false }];
  const cut = text.lastIndexOf(" ", maxChars);
  return [{ text: text.slice(0, cut > 0 ? cut : maxChars) + " …", marked: false }];
}
