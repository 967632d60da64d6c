/**
 * The typeahead index: small sorted partitions keyed by folded prefix, so a
 * cold typeahead reads one chunk of a few KB rather than the search index.
 * A partition that grows past its cap is split on one more character, and the
 * parent keeps a short list of its best entries for one-letter queries.
 */
import type { CatalogueRecord } from "../shared/record";
import { CHUNKING } from "../shared/search-config";
import { words } from "../shared/text/fold";
import { slugOf } from "./people-assets";
import type { AssetWriter } from "./content-hash";
import {
  SUGGEST_KEY_WORDS,
  SUGGEST_PHONETIC,
  SUGGEST_VARIANT,
  compactSuggestEntry,
  encodeSuggestPartition,
  type SuggestEntry,
} from "../shared/index-format";
import { variantKey } from "../shared/text/variants";
import { phoneticKeys } from "../shared/text/phonetic";

const MAX_PREFIX = 6;
const TOP_PER_SPLIT = 20;
const MAX_TEXT = 90;

/**
 * @param canonical a spelling's slug → its person's canonical slug, where they differ (from `buildPeople`): stored
 *   in the person's entries, so a keystroke merges spellings of one person without reading the name authority.
 */
export function buildSuggest(
  docs: Iterable<CatalogueRecord>,
  out: AssetWriter,
  canonical: ReadonlyMap<string, string> = new Map(),
): Record<string, string> {
  const entries = new Map<string, SuggestEntry>();
  const add = (
    text: string,
    kind: SuggestEntry[2],
    id: string | null,
    weight: number,
    keys: string[],
    extra?: string,
  ) => {
    for (const key of keys) {
      if (!key) continue;
      const k = `${key}\u0000${kind}\u0000${id ?? text}`;
      const e = entries.get(k);
      if (e) e[4] += weight;
      else
        entries.set(
          k,
          id !== null && extra !== undefined ? [key, text, kind, id, weight, extra] : [key, text, kind, id, weight],
        );
    }
  };
  /**
   * A text is found from the start of its first few words (a surname typed
   * alone finds "Grigoriy Besedovskiy"). Keys stop at SUGGEST_KEY_WORDS words: typeahead
   * only ever sees a few, and long titles would otherwise dominate the index.
   */
  const wordKeys = (text: string, starts: number) => {
    const ws = words(text);
    return ws.slice(0, starts).map((_, i) => ws.slice(i, i + SUGGEST_KEY_WORDS).join(" "));
  };
  /**
   * The same keys by the variant key of each word, in their own key space (so "Besedovsky" finds
   * "Besedovskiy" while a spelling-exact prefix still ranks first). A person's keys are all repeated there, so
   * one read of that space answers a variant query. A title's only where the key starts with a word of a name
   * the record lists and its variant key differs from its spelling: the variant rules are for names, and every
   * title key repeated would make the typeahead half as large again (6 of 19 MB on the shared corpora).
   */
  const variantKeys = (keys: string[], always: boolean, nameWords?: Set<string>) =>
    keys.flatMap((k) => {
      const ws = k.split(" ");
      if (nameWords && !nameWords.has(ws[0]!)) return [];
      const v = ws.map(variantKey).join(" ");
      return v === k && !always ? [] : [SUGGEST_VARIANT + v];
    });
  /**
   * Sound-alike keys of a person's surname ("Gelfand" finds "Helfand"), matched whole-word at query time.
   * Surnames only: given names' codes are short and shared ("John" would offer "Jimmy" and "Jomo"), and
   * ordinary words' codes would drown typeahead in noise.
   */
  const phoneticWordKeys = (name: string) => {
    const surname = words(name).at(-1);
    return surname && surname.length >= 4 ? phoneticKeys(surname).map((c) => SUGGEST_PHONETIC + c) : [];
  };
  const shown = (text: string) =>
    text.length > MAX_TEXT
      ? `${text.slice(0, text.lastIndexOf(" ", MAX_TEXT) > 0 ? text.lastIndexOf(" ", MAX_TEXT) : MAX_TEXT)} …`
      : text;
  for (const r of docs) {
    add(r.reference, "reference", r.id, 1, [r.id]);
    const titleKeys = wordKeys(r.title, 3);
    const nameWords = new Set(r.people.flatMap((p) => words(p)));
    add(shown(r.title), "title", r.id, 1, [...titleKeys, ...variantKeys(titleKeys, false, nameWords)], r.reference);
    for (const p of r.people) {
      const keys = wordKeys(p, 4);
      const slug = slugOf(p);
      add(p, "person", slug, 2, [...keys, ...variantKeys(keys, true), ...phoneticWordKeys(p)], canonical.get(slug));
    }
    for (const s of [...r.subjects, ...r.corporateNames]) add(s, "subject", null, 1, wordKeys(s, 3));
  }
  const all = [...entries.values()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : b[4] - a[4]))
    .map(compactSuggestEntry);
  entries.clear();

  const partitions: Record<string, string> = {};
  /**
   * Partitions `all[from, to)` (entries sharing their first `depth - 1` characters) by their first `depth`. `all` is
   * sorted by key, so each group is a run of it: walked in place rather than copied into a map per level, and its
   * best entries chosen without sorting it (the whole typeahead was re-sorted at every level: a quarter of a build).
   */
  const place = (from: number, to: number, depth: number) => {
    for (let lo = from; lo < to; ) {
      const prefix = all[lo]![0].slice(0, depth);
      let hi = lo + 1;
      let longer = all[lo]![0].length > depth;
      // A key shorter than `depth` is its own prefix: only the same key joins it.
      const same = prefix.length < depth ? (key: string) => key === prefix : (key: string) => key.startsWith(prefix);
      for (; hi < to && same(all[hi]![0]); hi++) longer ||= all[hi]![0].length > depth;
      if (hi - lo > CHUNKING.suggestPartitionMax && depth < MAX_PREFIX && longer) {
        const topFile = encodeSuggestPartition(prefix, heaviest(all, lo, hi, TOP_PER_SPLIT));
        partitions[`${prefix}*`] = out.addJson("search/suggest", `top-${encodeKey(prefix)}`, topFile);
        place(lo, hi, depth + 1);
      } else {
        const group = all.slice(lo, hi);
        partitions[prefix] = out.addJson("search/suggest", encodeKey(prefix), encodeSuggestPartition(prefix, group));
      }
      lo = hi;
    }
  };
  place(0, all.length, 1);
  return partitions;
}

/**
 * The `k` heaviest of `list[from, to)`, heaviest first, ties in list order: what a stable sort by weight then
 * `slice(0, k)` gives, in one pass with a k-long sorted buffer.
 */
export function heaviest(list: readonly SuggestEntry[], from: number, to: number, k: number): SuggestEntry[] {
  const top: SuggestEntry[] = [];
  for (let i = from; i < to; i++) {
    const e = list[i]!;
    if (top.length === k && e[4] <= top[k - 1]![4]) continue;
    // After every entry at least as heavy: an equal weight met later ranks later, as in a stable sort.
    let at = top.length;
    while (at > 0 && top[at - 1]![4] < e[4]) at--;
    top.splice(at, 0, e);
    if (top.length > k) top.pop();
  }
  return top;
}

/** File-name-safe form of a prefix (folded text may hold any letter). */
function encodeKey(prefix: string): string {
  return [...prefix].map((c) => (/[a-z0-9]/.test(c) ? c : `_${c.codePointAt(0)!.toString(16)}`)).join("") || "_";
}
