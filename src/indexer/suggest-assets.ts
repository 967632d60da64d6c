/**
 * The typeahead index: small sorted partitions keyed by folded prefix, so a
 * cold typeahead reads one chunk of a few KB rather than the search index.
 * A partition that grows past its cap is split on one more character, and the
 * parent keeps a short list of its best entries for one-letter queries.
 */
import type { CatalogueRecord } from "../shared/record";
import { CHUNKING } from "../shared/search-config";
import { words } from "../shared/text/fold";
import type { AssetWriter } from "./content-hash";
import { DocFile, LineWriter } from "./doc-file";
import { runsPathNear, SpilledRuns } from "./sorted-runs";
import {
  SUGGEST_KEY_WORDS,
  SUGGEST_PHONETIC,
  SUGGEST_VARIANT,
  compactSuggestEntry,
  encodeSuggestPartition,
  suggestOrder,
  suggestionIdentity,
  type SuggestEntry,
} from "../shared/index-format";
import { variantKey } from "../shared/text/variants";
import { referenceToId } from "../shared/reference";
import { phoneticKeys } from "../shared/text/phonetic";
import { memoised } from "../shared/text/memo";

// Name words repeat across a catalogue: each word's variant key and sound codes are derived once (see memo.ts).
const variantOf = memoised(variantKey, 200_000);
const soundsOf = memoised(phoneticKeys, 200_000);

const TOP_PER_SPLIT = 20;
/**
 * Suggestions of one kind a key keeps, its first in a lookup's ranking: more are never shown. A keystroke shows
 * at most 20 (the people route asks for 150 people), so only a key matched across a large catalogue reaches it (a
 * common title opening, a common surname's sound code at millions of records): without it, such a key's entries
 * are one partition of tens of MB that no split can shrink. Spellings of one person merged into one suggestion,
 * or a sound-alike's given-name filter, could reach past it; at a thousand that takes a surname shared by more
 * people than the typeahead ever lists.
 */
export const SUGGEST_KEY_KIND_MAX = 1000;
const MAX_TEXT = 90;

/**
 * @param canonical a spelling's slug → its person's canonical slug, where they differ (from `buildPeople`): stored
 *   in the person's entries, so a keystroke merges spellings of one person without reading the name authority.
 */
export function buildSuggest(
  docs: Iterable<Pick<CatalogueRecord, "id" | "reference" | "title" | "people" | "subjects" | "corporateNames">>,
  out: AssetWriter,
  canonical: { get(slug: string): string | undefined } = new Map(),
  /** Entries gathered before a block is spilled as a sorted run; tests pass a small one. */
  blockEntries = SUGGEST_BLOCK_ENTRIES,
): Record<string, string> {
  // Gathered in blocks spilled as sorted runs (sorted-runs.ts), so the typeahead's entries (some 15 a record)
  // are never all held: first seen is an entry's base, later sightings add weight. A run holds an entry by its run
  // key (`key \0 kind \0 id or text`) and the rest of it as [first seen, weight, text, stored id, extra?]: the key
  // and kind are not written twice, and the id is stored as the partition stores it (0 where it derives from the
  // entry's other parts, see compactSuggestEntry), worked out once per record instead of once per key.
  type Gathered = [seen: number, weight: number, text: string, id: string | null | 0, extra?: string];
  const runs = new SpilledRuns<Gathered>(
    runsPathNear(docs instanceof DocFile ? docs.path : null, "suggest"),
    blockEntries,
    (into, more) => {
      into[1] += more[1];
    },
  );
  let seen = 0;
  /** `id`: the entry's id as its run key holds it; `stored`: as the partition stores it. */
  const add = (
    text: string,
    kind: SuggestEntry[2],
    id: string | null,
    stored: string | null | 0,
    weight: number,
    keys: string[],
    extra?: string,
  ) => {
    for (const key of keys) {
      if (!key) continue;
      const k = `${key}\u0000${kind}\u0000${id ?? text}`;
      const e = runs.held(k);
      if (e) e[1] += weight;
      else
        runs.addNew(
          k,
          id !== null && extra !== undefined ? [seen++, weight, text, stored, extra] : [seen++, weight, text, stored],
        );
    }
  };
  /**
   * A text is found from the start of its first few words (a surname typed
   * alone finds "Grigoriy Besedovskiy"). Keys stop at SUGGEST_KEY_WORDS words: typeahead
   * only ever sees a few, and long titles would otherwise dominate the index.
   */
  const wordKeys = (ws: readonly string[], starts: number, into: string[] = []) => {
    for (let i = 0; i < starts && i < ws.length; i++) into.push(ws.slice(i, i + SUGGEST_KEY_WORDS).join(" "));
    return into;
  };
  /**
   * The same keys by the variant key of each word, in their own key space (so "Besedovsky" finds
   * "Besedovskiy" while a spelling-exact prefix still ranks first). A person's keys are all repeated there, so
   * one read of that space answers a variant query. A title's only where the key starts with a word of a name
   * the record lists and its variant key differs from its spelling: the variant rules are for names, and every
   * title key repeated would make the typeahead half as large again (6 of 19 MB on the shared corpora).
   * `ws` are the text's words and `keys` its wordKeys: key i is words i to i + SUGGEST_KEY_WORDS - 1 (words
   * hold no spaces), so each word's variant key is derived once, not once per key it is in.
   */
  const variantKeys = (
    ws: readonly string[],
    keys: readonly string[],
    always: boolean,
    into: string[],
    nameWords?: Set<string>,
  ) => {
    const upTo = Math.min(ws.length, keys.length + SUGGEST_KEY_WORDS - 1);
    let vws: string[] | null = null;
    for (let i = 0; i < keys.length; i++) {
      if (nameWords && !nameWords.has(ws[i]!)) continue;
      vws ??= ws.slice(0, upTo).map((w) => variantOf(w));
      const v = vws.slice(i, i + SUGGEST_KEY_WORDS).join(" ");
      if (v !== keys[i] || always) into.push(SUGGEST_VARIANT + v);
    }
    return into;
  };
  /**
   * Sound-alike keys of a person's surname ("Gelfand" finds "Helfand"), matched whole-word at query time.
   * Surnames only: given names' codes are short and shared ("John" would offer "Jimmy" and "Jomo"), and
   * ordinary words' codes would drown typeahead in noise.
   */
  const phoneticWordKeys = (ws: readonly string[], into: string[]) => {
    const surname = ws.at(-1);
    if (surname && surname.length >= 4) for (const c of soundsOf(surname)) into.push(SUGGEST_PHONETIC + c);
    return into;
  };
  const shown = (text: string) =>
    text.length > MAX_TEXT
      ? `${text.slice(0, text.lastIndexOf(" ", MAX_TEXT) > 0 ? text.lastIndexOf(" ", MAX_TEXT) : MAX_TEXT)} …`
      : text;
  for (const r of docs) {
    // A reference's key is its id, and a person's slug is the words of its text: both derive (stored as 0).
    add(r.reference, "reference", r.id, 0, 1, [r.id]);
    // Each name's words split once: its keys, slug and surname, and the title's name words, all come from them.
    const peopleWords = r.people.map((p) => words(p));
    const nameWords = new Set<string>();
    for (const ws of peopleWords) for (const w of ws) nameWords.add(w);
    const titleWords = words(r.title);
    const titleKeys = wordKeys(titleWords, 3);
    add(
      shown(r.title),
      "title",
      r.id,
      referenceToId(r.reference) === r.id ? 0 : r.id,
      1,
      variantKeys(titleWords, titleKeys, false, [...titleKeys], nameWords),
      r.reference,
    );
    r.people.forEach((p, i) => {
      const ws = peopleWords[i]!;
      const keys = wordKeys(ws, 4);
      const slug = ws.join("-");
      const keysOf = phoneticWordKeys(ws, variantKeys(ws, keys, true, [...keys]));
      add(p, "person", slug, 0, 2, keysOf, canonical.get(slug));
    });
    for (const s of r.subjects) add(s, "subject", null, null, 1, wordKeys(words(s), 3));
    for (const s of r.corporateNames) add(s, "subject", null, null, 1, wordKeys(words(s), 3));
  }
  // Sorted by key, a key's entries heaviest first, ties in the order first seen; written out once, with the entries
  // under each prefix counted, to decide where partitions split.
  const sorted = new LineWriter<SuggestEntry>(
    runsPathNear(docs instanceof DocFile ? docs.path : null, "suggest.jsonl"),
    { indexed: false },
  );
  // Keys come in order, so the keys under a prefix are consecutive: each prefix is counted while it is open, and
  // only those partitioning splits (over the cap, with a longer key under them) are kept, not a count for every
  // prefix. Any depth may split: a cap on it (there was one, 6) leaves the prefix at the cap as one partition
  // however many keys share it ("activi": 38.9 MB at 10M records, past the asset size limit).
  const splitting = new Set<string>();
  /** Per depth d (from 1): the open prefix's entries, and whether a key under it is longer than d. */
  const openCount: number[] = [];
  const openLonger: boolean[] = [];
  let openKey = "";
  /** Closes the open prefixes deeper than `depth`. */
  const closeDeeper = (depth: number) => {
    for (let d = openKey.length; d > depth; d--)
      if (openCount[d]! > CHUNKING.suggestPartitionMax && openLonger[d]) splitting.add(openKey.slice(0, d));
  };
  /** Counts `entries` entries under `key`'s prefixes. */
  const countPrefixes = (key: string, entries: number) => {
    let same = 0;
    const most = Math.min(key.length, openKey.length);
    while (same < most && key.charCodeAt(same) === openKey.charCodeAt(same)) same++;
    closeDeeper(same);
    for (let d = same + 1; d <= key.length; d++) {
      openCount[d] = 0;
      openLonger[d] = false;
    }
    openKey = key;
    for (let d = 1; d <= key.length; d++) {
      openCount[d]! += entries;
      if (key.length > d) openLonger[d] = true;
    }
  };
  let all: DocFile<SuggestEntry>;
  try {
    let group: Array<[number, SuggestEntry]> = [];
    const flush = () => {
      group.sort((a, b) => b[1][4] - a[1][4] || a[0] - b[0]);
      group = shownOfKey(group, SUGGEST_KEY_KIND_MAX);
      countPrefixes(group[0]![1][0], group.length);
      for (const [, e] of group) sorted.append(JSON.stringify(compactSuggestEntry(e)));
      group = [];
    };
    for (const [k, [first, weight, text, id, extra]] of runs.sorted()) {
      const cut = k.indexOf("\u0000");
      const key = k.slice(0, cut);
      const kind = k.slice(cut + 1, k.indexOf("\u0000", cut + 1)) as SuggestEntry[2];
      if (group.length && group[0]![1][0] !== key) flush();
      group.push([
        first,
        extra !== undefined ? [key, text, kind, id as string | 0, weight, extra] : [key, text, kind, id, weight],
      ]);
    }
    if (group.length) flush();
    closeDeeper(0);
    all = sorted.finish();
  } catch (e) {
    sorted.abort();
    throw e;
  } finally {
    runs.remove();
  }

  /**
   * Partitions the sorted entries by prefix in one pass: a key's partition is its first `depth` characters at the
   * first depth where that prefix holds at most suggestPartitionMax entries, or cannot be split (no key under it
   * is longer); a key shorter than `depth` is its own partition. Each split prefix
   * keeps a short list of its heaviest entries. The partitions, and their order in the directory, are what
   * splitting the whole sorted list level by level gave.
   */
  const partitions: Record<string, string> = {};
  const partitionOf = (key: string): { leaf: string; splits: string[] } => {
    const splits: string[] = [];
    for (let depth = 1; ; depth++) {
      if (key.length < depth) return { leaf: key, splits };
      const prefix = key.slice(0, depth);
      if (splitting.has(prefix)) splits.push(prefix);
      else return { leaf: prefix, splits };
    }
  };
  /** Split prefixes open at the current entry, outermost first, each with its best entries so far. */
  const open: Array<{ prefix: string; top: BestUnderSplit }> = [];
  let leaf: string | null = null;
  let entries: SuggestEntry[] = [];
  /** The entry's place in key order, which a lookup's ranking breaks ties by. */
  let seq = 0;
  const closeLeaf = () => {
    if (leaf === null) return;
    partitions[leaf] = out.addJson("search/suggest", encodeKey(leaf), encodeSuggestPartition(leaf, entries));
    entries = [];
    leaf = null;
  };
  const closeSplit = () => {
    const { prefix, top } = open.pop()!;
    partitions[`${prefix}*`] = out.addJson(
      "search/suggest",
      `top-${encodeKey(prefix)}`,
      encodeSuggestPartition(prefix, top.entries()),
    );
  };
  try {
    for (const e of all) {
      const { leaf: at, splits } = partitionOf(e[0]);
      if (at !== leaf || splits.length !== open.length || splits.some((p, i) => open[i]!.prefix !== p)) {
        closeLeaf();
        let same = 0;
        while (same < open.length && same < splits.length && open[same]!.prefix === splits[same]) same++;
        while (open.length > same) closeSplit();
        // Listed before the partitions under it, as a level-by-level split lists it.
        for (const prefix of splits.slice(same)) {
          partitions[`${prefix}*`] = "";
          open.push({ prefix, top: new BestUnderSplit(TOP_PER_SPLIT) });
        }
        leaf = at;
      }
      entries.push(e);
      for (const split of open) split.top.add(e, seq);
      seq++;
    }
    closeLeaf();
    while (open.length) closeSplit();
  } finally {
    all.remove();
  }
  return partitions;
}

/** Entries a block of the typeahead's gathering holds before it is sorted and spilled as a run. */
const SUGGEST_BLOCK_ENTRIES = 250_000;

/**
 * `group` (one key's entries, in stored order) with only the entries a lookup can show: of each kind, the first
 * of each suggestion (`suggestionIdentity`: a title shared by many files is one), and at most `max` of them, in
 * a lookup's ranking (`suggestOrder`, ties in stored order). What is dropped ranks below what is kept.
 */
function shownOfKey<T extends [number, SuggestEntry]>(group: T[], max: number): T[] {
  if (group.length === 1) return group;
  const byKind = new Map<SuggestEntry[2], number[]>();
  group.forEach(([, e], at) => {
    const list = byKind.get(e[2]);
    if (list) list.push(at);
    else byKind.set(e[2], [at]);
  });
  // Only titles repeat: any other kind's entries have an id or text of their own (the run key holds it).
  const titles = byKind.get("title");
  const identities = titles && titles.length > 1 ? titles.map((at) => suggestionIdentity(group[at]![1])) : [];
  if (new Set(identities).size === identities.length && [...byKind.values()].every((list) => list.length <= max))
    return group;
  const kept = new Uint8Array(group.length);
  for (const [kind, list] of byKind) {
    const identityOf = new Map<number, string>();
    if (kind === "title") for (let j = 0; j < list.length; j++) identityOf.set(list[j]!, identities[j] ?? "");
    if (list.length > 1) list.sort((x, y) => suggestOrder(group[x]![1], group[y]![1]) || x - y);
    const seen = new Set<string>();
    let count = 0;
    for (const at of list) {
      if (count === max) break;
      const identity = identityOf.get(at);
      if (identity !== undefined) {
        if (seen.has(identity)) continue;
        seen.add(identity);
      }
      kept[at] = 1;
      count++;
    }
  }
  return group.filter((_, at) => kept[at]);
}

/**
 * A split prefix's best entries: for each kind, the first `k` suggestions (by `suggestionIdentity`) in a lookup's
 * ranking, `suggestOrder` with ties in key order. A keystroke that stops at a split prefix reads these instead of
 * every partition under it, and shows one suggestion for each identity, of one kind or of all: the first `k` of
 * either are here, however many files share a title. Lists of `k` entries were once kept by weight alone, and a
 * title on a thousand files filled them with itself.
 */
export class BestUnderSplit {
  private readonly byKind = new Map<SuggestEntry[2], Array<{ e: SuggestEntry; seq: number; identity: string }>>();
  constructor(private readonly k: number) {}

  /** Offers `e`, the `seq`-th entry in key order (entries come in that order). */
  add(e: SuggestEntry, seq: number): void {
    let list = this.byKind.get(e[2]);
    if (!list) this.byKind.set(e[2], (list = []));
    const last = list.at(-1);
    // Not better than the k-th kept (a later entry loses a tie): it cannot enter, whatever its identity.
    if (list.length === this.k && suggestOrder(e, last!.e) >= 0) return;
    const identity = suggestionIdentity(e);
    const same = list.findIndex((x) => x.identity === identity);
    if (same >= 0) {
      if (suggestOrder(e, list[same]!.e) >= 0) return;
      list.splice(same, 1);
    }
    let at = list.length;
    while (at > 0 && suggestOrder(e, list[at - 1]!.e) < 0) at--;
    list.splice(at, 0, { e, seq, identity });
    if (list.length > this.k) list.pop();
  }

  /** The kept entries, in key order. */
  entries(): SuggestEntry[] {
    return [...this.byKind.values()]
      .flat()
      .sort((a, b) => a.seq - b.seq)
      .map((x) => x.e);
  }
}

/** File-name-safe form of a prefix (folded text may hold any letter). */
function encodeKey(prefix: string): string {
  return [...prefix].map((c) => (/[a-z0-9]/.test(c) ? c : `_${c.codePointAt(0)!.toString(16)}`)).join("") || "_";
}
