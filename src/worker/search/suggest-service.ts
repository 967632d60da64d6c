/**
 * Typeahead over the suggest partitions: a prefix reads the one partition
 * whose key is the longest prefix of it, and returns the heaviest entries.
 * Names are found in whatever spelling they have through two more key spaces
 * of the same partitions (variant keys, surname sound codes: see
 * suggest-assets.ts), read only when the spelling as typed finds too few.
 */
import {
  SUGGEST_PHONETIC,
  SUGGEST_RANKED_MIN,
  SUGGEST_VARIANT,
  decodeSuggestPartition,
  suggestEntryId,
  suggestionIdentity,
  suggestOrder,
  type SearchManifest,
  type SuggestEntry as Entry,
  type SuggestList,
} from "../../shared/index-format";
import { phoneticKeys } from "../../shared/text/phonetic";
import { searchMeta } from "./search-index";
import { words } from "../../shared/text/fold";
import { referenceToId } from "../../shared/reference";
import type { AssetStore } from "../asset-store";
import { variantKey } from "../../shared/text/variants";
import { memoised } from "../../shared/text/memo";
import type { z } from "@hono/zod-openapi";
import type { SuggestionSchema } from "../../shared/api-schemas";

/**
 * Words and variant keys of suggestion texts, remembered per isolate: a short prefix's partition holds many
 * entries, and every keystroke re-read their words to merge spellings and to match sound-alikes.
 */
const textWords = memoised(words, 20_000);
const wordVariant = memoised(variantKey, 20_000);

/** One suggestion, as the API schema declares it; a title carries its record's `reference` beside its `id`. */
export type Suggestion = z.infer<typeof SuggestionSchema>;

/** A person suggestion already shown: where, and what later spellings of them are compared by. */
interface Shown {
  at: number;
  surname: string;
  /** Folded given names ("j", "b" for initials), and whether they are initials only. */
  given: string[];
  initialsOnly: boolean;
  fullness: number;
}

/**
 * Whether a later spelling is a person already shown, beyond what the name authority links: the same surname by
 * variant key, and given names absent on one side ("Bessedovsky"), agreeing by variant key, or initials that
 * begin the other's given names. An initial never equates two full given names (Jane and John Smithers are two).
 */
function samePerson(p: Shown, me: Shown): boolean {
  if (p.surname !== me.surname) return false;
  if (!p.given.length || !me.given.length) return true;
  if (p.initialsOnly || me.initialsOnly) {
    const [short, long] = p.given.length <= me.given.length ? [p.given, me.given] : [me.given, p.given];
    return short.every((g, i) => long[i]![0] === g[0]);
  }
  return wordVariant(p.given[0]!) === wordVariant(me.given[0]!);
}

/**
 * Each tier's entries in `order` (ties kept in stored order, as a stable sort keeps them), one tier after another,
 * produced lazily: a short prefix matches thousands of entries and a keystroke shows a handful, so the tier is
 * heapified (linear) and popped as far as the caller reads rather than sorted whole. Hand-written for that
 * reason; `inOrder(tiers, order)` equals `tiers.flatMap((t) => [...t].sort(order))` (a test holds it to that).
 */
export function* inOrder<T>(tiers: readonly (readonly T[])[], order: (a: T, b: T) => number): Generator<T> {
  for (const tier of tiers) {
    const n = tier.length;
    if (n < 2) {
      yield* tier;
      continue;
    }
    // Indices into the tier, as a binary min-heap under (order, stored position).
    const heap = new Int32Array(n);
    for (let i = 0; i < n; i++) heap[i] = i;
    const before = (x: number, y: number) => {
      const c = order(tier[x]!, tier[y]!);
      return c < 0 || (c === 0 && x < y);
    };
    const sift = (from: number, size: number) => {
      let i = from;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) return;
        const r = l + 1;
        const m = r < size && before(heap[r]!, heap[l]!) ? r : l;
        if (!before(heap[m]!, heap[i]!)) return;
        const t = heap[i]!;
        heap[i] = heap[m]!;
        heap[m] = t;
        i = m;
      }
    };
    for (let i = (n >> 1) - 1; i >= 0; i--) sift(i, n);
    for (let size = n; size > 0; size--) {
      yield tier[heap[0]!]!;
      heap[0] = heap[size - 1]!;
      sift(0, size - 1);
    }
  }
}

/**
 * Entries by position, sorted by key: a decoded partition (`SuggestList`, which makes each entry as it is first
 * read) or entries in hand. `ranking`, where given, is every position in `suggestOrder`, ties by position.
 */
export interface EntryList {
  readonly length: number;
  entry(i: number): Entry;
  ranking?(): ArrayLike<number>;
}

/** A list over entries in hand. */
export const listOf = (entries: readonly Entry[]): EntryList => ({
  length: entries.length,
  entry: (i) => entries[i]!,
});

/** A lookup's matches, not copied out: the entries at positions [lo, hi) of `list` that `keep`. */
export interface Matches {
  list: EntryList;
  lo: number;
  hi: number;
  keep: (e: Entry) => boolean;
}

const matchesOf = (entries: readonly Entry[]): Matches => ({
  list: listOf(entries),
  lo: 0,
  hi: entries.length,
  keep: () => true,
});

/** The matches themselves, in stored order. */
function entriesOf(m: Matches): Entry[] {
  const out: Entry[] = [];
  for (let i = m.lo; i < m.hi; i++) {
    const e = m.list.entry(i);
    if (m.keep(e)) out.push(e);
  }
  return out;
}

/** How many entries match, counting no further than `enough`. */
function countOf(m: Matches, enough: number): number {
  let n = 0;
  for (let i = m.lo; i < m.hi && n < enough; i++) if (m.keep(m.list.entry(i))) n++;
  return n;
}

/**
 * Matches in `suggestOrder`, ties in stored order, as a stable sort of `entriesOf(m)` gives them (a test holds
 * it to that). Where the matches are a good share of a partition of more than SUGGEST_RANKED_MIN entries (a
 * short prefix), the partition's ranking is walked and skips the rest, so a keystroke reads about as many
 * entries as it shows; otherwise they are ranked lazily here.
 */
export function* ranked(m: Matches): Generator<Entry> {
  const { list, lo, hi, keep } = m;
  if (list.ranking && list.length > SUGGEST_RANKED_MIN && (hi - lo) * 4 >= list.length) {
    const order = list.ranking();
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      if (i < lo || i >= hi) continue;
      const e = list.entry(i);
      if (keep(e)) yield e;
    }
  } else yield* inOrder([entriesOf(m)], suggestOrder);
}

export class SuggestService {
  constructor(private readonly assets: AssetStore) {}

  /**
   * Exact spelling first; the variant key space only when that finds fewer than `limit`, and a person's
   * sound-alike only when both do, so a keystroke reads one or two partitions (three at most) and
   * spelling-exact matches always rank above variant ones, which rank above sound-alikes.
   */
  async suggest(q: string, limit: number, kinds?: Set<Entry[2]>): Promise<Suggestion[]> {
    const meta = await searchMeta(this.assets);
    const typed = words(q);
    const textKey = typed.join(" ");
    const refKey = referenceToId(q);
    const wholeWord = q.trimEnd().length < q.length;
    const wanted = kinds ? (e: Entry) => kinds.has(e[2]) : undefined;
    const exact: Matches[] = [];
    for (const key of new Set([textKey, refKey])) if (key) exact.push(await this.lookup(meta, key, wholeWord, wanted));
    // Two keys' matches rank as one tier, the first key's before the second's on a tie.
    const tiers = [exact.length === 1 ? exact[0]! : matchesOf(exact.flatMap(entriesOf))];
    let count = countOf(tiers[0]!, limit);
    if (count < limit && typed.length) {
      tiers.push(await this.lookup(meta, SUGGEST_VARIANT + typed.map(variantKey).join(" "), wholeWord, wanted));
      count += countOf(tiers.at(-1)!, limit);
    }
    if (count < limit && typed.length && (!kinds || kinds.has("person")))
      tiers.push(await this.soundsAlike(meta, typed));

    const seen = new Set<string>();
    const out: Suggestion[] = [];
    // People shown so far, by the name authority's canonical slug (a Map: slugs come from catalogue text).
    const people = new Map<string, Shown>();
    for (const entry of (function* () {
      for (const tier of tiers) yield* ranked(tier);
    })()) {
      const [, text, kind] = entry;
      const id = suggestEntryId(entry);
      if (kind === "person") {
        const ws = textWords(text);
        // The authority's canonical slug was stored beside a spelling filed under another one at build time.
        const canonical = id ? (entry[5] ?? id) : text;
        if (!ws.length) continue;
        const given = ws.slice(0, -1);
        const me: Shown = {
          at: out.length,
          surname: wordVariant(ws.at(-1)!),
          given,
          initialsOnly: given.length > 0 && given.every((g) => g.length === 1),
          // The fullest form: most name words, then the authority's own spelling, then the longest.
          fullness: ws.length * 1000 + (canonical === id ? 500 : 0) + text.length,
        };
        // Variants of one person are one suggestion: spellings the authority links (nicknames included, where it
        // finds them unambiguous), and spellings alike by samePerson, when only one person shown fits.
        const fits = people.get(canonical) ? [] : [...new Set(people.values())].filter((p) => samePerson(p, me));
        const same = people.get(canonical) ?? (fits.length === 1 ? fits[0] : undefined);
        if (same) {
          if (me.fullness > same.fullness) {
            out[same.at] = { text, kind, ...(id ? { slug: id } : {}) };
            if (me.given.length >= same.given.length && !me.initialsOnly)
              Object.assign(same, { given: me.given, initialsOnly: false });
            same.fullness = me.fullness;
          }
          people.set(canonical, same);
          continue;
        }
        people.set(canonical, me);
        out.push({ text, kind, ...(id ? { slug: id } : {}) });
      } else {
        const k = suggestionIdentity(entry, textWords);
        if (seen.has(k)) continue;
        seen.add(k);
        // A title's reference was stored beside it at build time: no record shard is read here.
        const reference = entry.length > 5 ? entry[5] : undefined;
        out.push(id ? { text, kind, id, ...(reference ? { reference } : {}) } : { text, kind });
      }
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * People whose surname sounds like the last typed word (its first Daitch–Mokotoff code, whole words of four
   * letters or more: a prefix's code says little), and whose other words start the words typed before it. Not
   * copied out: a code's partition holds a thousand names or more, and its ranking is walked as far as needed.
   */
  private async soundsAlike(meta: SearchManifest, typed: string[]): Promise<Matches> {
    const last = typed.at(-1)!;
    const code = last.length >= 4 ? phoneticKeys(last)[0] : undefined;
    if (!code) return matchesOf([]);
    const before = typed.slice(0, -1).map(variantKey);
    const m = await this.lookup(meta, SUGGEST_PHONETIC + code, true);
    const { keep } = m;
    return {
      ...m,
      keep: (e) => {
        if (e[2] !== "person" || !keep(e)) return false;
        // One word typed: nothing before it to compare.
        if (!before.length) return true;
        const have = textWords(e[1]).map(wordVariant);
        return before.every((w) => have.some((h) => h.startsWith(w)));
      },
    };
  }

  /**
   * The entries whose key starts with `key` (with `wholeWord`, is `key` or goes on with a space), found down the
   * directory's splits from one character: a split prefix ("ab*" in the directory: the heaviest few under it)
   * sends a longer key on to the next character, and the first prefix not split is the key's partition (or none
   * is: no key starts with it, and nothing deeper is in the directory). A split prefix may also be a partition of
   * its own, holding the keys that are the prefix whole. Splits go as deep as a build needs (a build once stopped
   * at 6, and looking up from 6 down found the same partitions), so a lookup costs a directory lookup or two a
   * character.
   */
  private async lookup(
    meta: SearchManifest,
    key: string,
    wholeWord: boolean,
    wanted?: (e: Entry) => boolean,
  ): Promise<Matches> {
    // A trailing space means the last word is complete: "kim " should not offer "kimber".
    const whole = (e: Entry) => e[0].length === key.length || e[0][key.length] === " ";
    const keep = wholeWord ? (wanted ? (e: Entry) => whole(e) && wanted(e) : whole) : (wanted ?? (() => true));
    for (let n = 1; n <= key.length; n++) {
      const prefix = key.slice(0, n);
      // The directory is a paged table out of the manifest root; its lookups take own keys only.
      const top = await this.assets.tableGet<string>(meta.suggest, `${prefix}*`);
      if (top && n < key.length) continue;
      // The key's partition; at a split prefix, the prefix's own, read only for a whole word (see below).
      const path = !top || wholeWord ? await this.assets.tableGet<string>(meta.suggest, prefix) : undefined;
      const own = path
        ? this.range(await this.assets.json<SuggestList>(path, decodeSuggestPartition), key, keep)
        : null;
      if (!top) return own ?? matchesOf([]);
      // The key is a split prefix. A whole word: the key itself, then the keys going on with a space, which are
      // under the split; otherwise the heaviest under the split, the key's own partition among them.
      if (wholeWord) {
        const on = await this.lookup(meta, `${key} `, false, wanted);
        return own ? matchesOf([...entriesOf(own), ...entriesOf(on)]) : on;
      }
      const list = await this.assets.json<SuggestList>(top, decodeSuggestPartition);
      return {
        list: listOf(Array.from({ length: list.length }, (_, i) => list.entry(i))),
        lo: 0,
        hi: list.length,
        keep: (e) => e[0].startsWith(key) && (!wanted || wanted(e)),
      };
    }
    return matchesOf([]);
  }

  /**
   * The entries of a partition whose key starts with `key`: the first key at or after it, then the first after
   * those starting with it. Two binary searches, so a lookup makes O(log n) keys of a partition, not one a match.
   */
  private range(list: SuggestList, key: string, keep: (e: Entry) => boolean): Matches {
    let lo = 0,
      hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list.key(mid) < key) lo = mid + 1;
      else hi = mid;
    }
    let end = list.length;
    for (let from = lo; from < end; ) {
      const mid = (from + end) >> 1;
      if (list.key(mid).startsWith(key)) from = mid + 1;
      else end = mid;
    }
    return { list, lo, hi: end, keep };
  }
}
