/**
 * The name authority: people named in the records, with spellings grouped.
 * Two names are one person when
 * - their surnames and first given names agree by variant key ("Grigoriy
 *   Besedovskiy" / "Grigory Bessedovsky"), or a one-word name agrees with
 *   another by variant key;
 * - one record lists both, their surnames are one edit apart and their given
 *   names agree ("Leon Helfland" / "Leon Helfand");
 * - their given names are nickname and full name of each other ("Bill" /
 *   "William") under one surname, and each is the other's only such match
 *   there (with "Fred Smith" also present, "Bill Smith" stays apart);
 * - one gives initials only ("J. B. Smithers", "Smithers, J.") and exactly
 *   one person of that surname has given names starting with them.
 * An initial alone never merges two full names: "Jane Smithers" and "John
 * Brian Smithers" stay two people. The commonest spelling is the canonical name.
 */
import type { CatalogueRecord } from "../shared/record";
import { words } from "../shared/text/fold";
import { variantKey } from "../shared/text/variants";
import { memoised } from "../shared/text/memo";
import { editsWithin } from "../shared/text/typo";
import { nicknamesOf } from "../shared/text/names";
import { shardOf } from "../shared/hash";
import type { AssetWriter } from "./content-hash";
import { encodePeopleChunk, type PersonEntry } from "../shared/index-format";
import { threadId } from "node:worker_threads";
import { DocFile } from "./doc-file";
import { readJsonLines, ScratchLines, UnionFind } from "./people-partitions";
import { runsPathNear, SpilledRuns } from "./sorted-runs";
import { PackedStringMap } from "./packed-string-map";

export function slugOf(name: string): string {
  return words(name).join("-");
}

/** People per chunk; a `/api/people/:slug` read loads one chunk. */
const PEOPLE_PER_CHUNK = 200;

/** Variant keys of name words, remembered: a catalogue repeats its given names and surnames thousands of times. */
const vkey = memoised(variantKey, 200_000);

/** A personal name as the authority compares it. */
interface NameParts {
  /** Variant key of the surname. */
  surname: string;
  /** Folded given names, initials as single letters, in order. */
  given: string[];
  /** True when every given name is an initial ("J. B. Smithers"). */
  initialsOnly: boolean;
}

/** Generational suffixes after a surname: never the surname themselves. */
const SUFFIXES = new Set(["jr", "sr", "junior", "senior", "ii", "iii", "iv"]);

/** Splits a name into surname and given names: "Smithers, J. B." surname first, otherwise the surname last. */
export function nameParts(name: string): NameParts | null {
  const comma = name.indexOf(",");
  let ws: string[];
  let surname: string | undefined;
  if (comma > 0 && words(name.slice(0, comma)).length) {
    const before = words(name.slice(0, comma)).filter((w) => /^\p{L}/u.test(w) && !SUFFIXES.has(w));
    surname = before.at(-1);
    ws = words(name.slice(comma + 1)).filter((w) => /^\p{L}/u.test(w) && !SUFFIXES.has(w));
  } else return partsOfWords(words(name));
  if (!surname) return null;
  return { surname: vkey(surname), given: ws, initialsOnly: ws.length > 0 && ws.every((w) => w.length === 1) };
}

/** The parts of a name without a comma, from its words: what every comma-less spelling of a slug gives. */
function partsOfWords(nameWords: readonly string[]): NameParts | null {
  const all = nameWords.filter((w) => /^\p{L}/u.test(w));
  // "William F. Roemer Jr.": the surname is before the generational suffix.
  while (all.length > 1 && SUFFIXES.has(all.at(-1)!)) all.pop();
  const surname = all.at(-1);
  if (!surname) return null;
  const ws = all.slice(0, -1);
  return { surname: vkey(surname), given: ws, initialsOnly: ws.length > 0 && ws.every((w) => w.length === 1) };
}

/** Whether two first given names agree: by variant key, or as nickname and full name of each other. */
function givenAgree(a: string, b: string): boolean {
  return vkey(a) === vkey(b) || nicknamesOf(a).includes(b) || nicknamesOf(b).includes(a);
}

/** Whether initials ("j", "b") begin the given names of a fuller name, in order. */
function initialsFit(initials: string[], given: string[]): boolean {
  return initials.length <= given.length && initials.every((l, i) => given[i]![0] === l);
}

/**
 * A spelling (a slug) as the authority gathers it: its name parts (as its last occurrence gave them), its display
 * forms in order of first sight with their counts, its docs, ascending, each once, and its first and last name
 * occurrences (counted across the catalogue, in doc order). One object with arrays a spelling, not three maps'
 * entries and a Map and a Set of its own: a million records name about as many spellings.
 */
export interface Spelling {
  parts: NameParts;
  forms: string[];
  counts: number[];
  docs: number[];
  first: number;
  last: number;
}

/** A name as read: its slug and parts (null: not a personal name the authority files). */
interface ParsedName {
  slug: string;
  parts: NameParts | null;
}

/**
 * Each spelling parsed once while it is in the memo: catalogues repeat a person's name across their files. One
 * memo a build, bounded, and let go with it (a module's memo would hold its names for the rest of the build).
 */
const nameParser = () => memoised((p: string): ParsedName => ({ slug: slugOf(p), parts: nameParts(p) }), 50_000);

/**
 * The spellings whose surnames fall in one partition (all of them, with one partition), grouped by the rules
 * that need nothing outside it: variant keys (rule 1) and the links of two spellings one record lists (rule 2)
 * where both are here.
 */
class Partition {
  readonly spellings = new Map<string, Spelling>();
  readonly groups = new UnionFind();
  private readonly byKey = new Map<string, string>();
  /**
   * Spellings another partition may hold too or link to: true where a record links it to one elsewhere (rule 2
   * across partitions), false where some spelling of its slug puts the surname elsewhere (see buildPeople).
   */
  readonly marked = new Map<string, boolean>();

  occurrence(seq: number, doc: number, p: string, slug: string, parts: NameParts): void {
    const seen = this.spellings.get(slug);
    if (!seen) this.spellings.set(slug, { parts, forms: [p], counts: [1], docs: [doc], first: seq, last: seq });
    else {
      const f = seen.forms.indexOf(p);
      if (f >= 0) seen.counts[f]!++;
      else {
        seen.forms.push(p);
        seen.counts.push(1);
      }
      // Docs come in order: a repeat is the last one pushed.
      if (seen.docs[seen.docs.length - 1] !== doc) seen.docs.push(doc);
      seen.parts = parts;
      seen.last = seq;
    }
    // Initials alone are attached by personLinks, only where they point at one person.
    if (parts.initialsOnly) return;
    const k = `${parts.given.length ? vkey(parts.given[0]!) : ""}|${parts.surname}`;
    const first = this.byKey.get(k);
    if (first !== undefined) this.groups.union(slug, first);
    else this.byKey.set(k, slug);
  }

  link(a: string, b: string): void {
    this.groups.union(a, b);
  }

  mark(slug: string, linked: boolean): void {
    if (linked || !this.marked.has(slug)) this.marked.set(slug, linked);
  }

  /** The variant keys are not asked once every occurrence is in. */
  read(): this {
    this.byKey.clear();
    return this;
  }
}

/** Where the docs' name occurrences go as they are read: into one partition in memory, or into scratch files. */
interface OccurrenceSink {
  occurrence(
    partition: number,
    seq: number,
    doc: number,
    p: string,
    slug: string,
    parts: NameParts,
    moved: boolean,
  ): void;
  /** Rule 2's link of two spellings whose surnames are in one partition. */
  link(partition: number, a: string, b: string): void;
  /** Rule 2's link across partitions. */
  crossLink(a: string, partitionA: number, b: string, partitionB: number): void;
  /** `slug`'s comma-less spellings would be in `partition`; a spelling with a comma put it elsewhere. */
  moved(partition: number, slug: string): void;
}

/**
 * One pass over the docs: every name occurrence, in order, to the partition of its surname's variant key, and
 * rule 2's links. Rules 1, 3 and 4 join only spellings of one surname key, so they see one partition each.
 */
function scanDocs(
  peopleOf: Iterable<readonly string[]>,
  partitions: number,
  parseName: (p: string) => ParsedName,
  sink: OccurrenceSink,
): void {
  let doc = -1;
  let seq = 0;
  for (const names of peopleOf) {
    doc++;
    const named: Array<{ p: string; slug: string; parts: NameParts; at: number }> = [];
    for (const p of names) {
      const { slug, parts } = parseName(p);
      if (slug && parts) named.push({ p, slug, parts, at: shardOf(parts.surname, partitions) });
    }
    for (const { p, slug, parts, at } of named) {
      // "Smithers, John" and "Smithers John" are one slug with two surnames: each spelling goes where its own
      // surname says, and the partition of the comma-less reading is told, so a slug split between two is found.
      let moved = false;
      if (partitions > 1 && p.includes(",")) {
        const plain = partsOfWords(slug.split("-"));
        const home = plain ? shardOf(plain.surname, partitions) : at;
        if (home !== at) {
          moved = true;
          sink.moved(home, slug);
        }
      }
      sink.occurrence(at, seq++, doc, p, slug, parts, moved);
    }
    // One record listing two spellings: surnames one edit apart, given names agreeing (or absent on one side).
    for (let i = 0; i < named.length; i++) {
      for (let j = i + 1; j < named.length; j++) {
        const a = named[i]!.parts,
          b = named[j]!.parts;
        const ga = a.given[0],
          gb = b.given[0];
        const givenOk = !ga || !gb || (a.initialsOnly || b.initialsOnly ? ga[0] === gb[0] : givenAgree(ga, gb));
        if (givenOk && a.surname.length >= 4 && editsWithin(a.surname, b.surname, 1) <= 1) {
          if (named[i]!.at === named[j]!.at) sink.link(named[i]!.at, named[i]!.slug, named[j]!.slug);
          else sink.crossLink(named[i]!.slug, named[i]!.at, named[j]!.slug, named[j]!.at);
        }
      }
    }
  }
}

/**
 * Rules 3 and 4 over one partition's spellings, by the groups rules 1 and 2 formed (`groupOf`, across the whole
 * catalogue): the links they add, applied only once all are found. Work is per group and per distinct given
 * name, not per pair of spellings: a common surname has hundreds of spellings. `elsewhere`: spellings whose
 * last occurrence, and so whose parts, another partition holds.
 */
function personLinks(
  spellings: Map<string, Spelling>,
  groupOf: (slug: string) => string,
  elsewhere: (slug: string) => boolean = () => false,
): Array<[string, string]> {
  const bySurname = new Map<string, string[]>();
  const partsOf = { get: (slug: string) => spellings.get(slug)?.parts };
  for (const [slug, { parts }] of spellings)
    if (!elsewhere(slug))
      (bySurname.get(parts.surname) ?? bySurname.set(parts.surname, []).get(parts.surname)!).push(slug);
  const links: Array<[string, string]> = [];
  for (const slugs of bySurname.values()) {
    if (slugs.length < 2) continue;
    const full = slugs.filter((s) => partsOf.get(s)!.given.length && !partsOf.get(s)!.initialsOnly);
    // Groups by each first given name and by its variant key; and each group's first given names.
    const groupsBy = new Map<string, Set<string>>();
    const givenOf = new Map<string, Set<string>>();
    for (const t of full) {
      const g = partsOf.get(t)!.given[0]!;
      const root = groupOf(t);
      for (const k of [g, `~${vkey(g)}`]) (groupsBy.get(k) ?? groupsBy.set(k, new Set()).get(k)!).add(root);
      (givenOf.get(root) ?? givenOf.set(root, new Set()).get(root)!).add(g);
    }
    // Nickname and full name: each group's only nickname-related group under this surname, both ways.
    const relatedOf = new Map<string, Set<string>>();
    for (const [root, givens] of givenOf) {
      const rel = new Set<string>();
      for (const g of givens)
        for (const k of [`~${vkey(g)}`, ...nicknamesOf(g)])
          for (const other of groupsBy.get(k) ?? []) if (other !== root) rel.add(other);
      relatedOf.set(root, rel);
    }
    for (const [group, rel] of relatedOf) {
      if (rel.size !== 1) continue;
      const other = [...rel][0]!;
      const back = relatedOf.get(other);
      if (back?.size === 1 && back.has(group) && group < other) links.push([group, other]);
    }
    // Initials: attached to the one group whose given names they begin, if there is exactly one.
    const initialsOnly = slugs.filter((s) => partsOf.get(s)!.initialsOnly);
    if (!initialsOnly.length) continue;
    for (const s of initialsOnly) {
      const given = partsOf.get(s)!.given;
      const fits = new Set(full.filter((t) => initialsFit(given, partsOf.get(t)!.given)).map((t) => groupOf(t)));
      if (fits.size === 1) links.push([s, [...fits][0]!]);
    }
  }
  return links;
}

/**
 * Groups the spellings of each person in memory, as one partition: every slug → its group's representative.
 * buildPeople runs the same rules partition by partition.
 */
export function clusterPeople(peopleOf: Iterable<readonly string[]>): {
  find: (slug: string) => string;
  /** Every spelling by slug, in order of first sight. */
  spellings: Map<string, Spelling>;
} {
  const part = new Partition();
  scanDocs(peopleOf, 1, nameParser(), {
    occurrence: (_, seq, doc, p, slug, parts) => part.occurrence(seq, doc, p, slug, parts),
    link: (_, a, b) => part.link(a, b),
    crossLink: () => {
      throw new Error("people-assets: a link across partitions with one partition");
    },
    moved: () => {},
  });
  part.read();
  for (const [a, b] of personLinks(part.spellings, (s) => part.groups.find(s))) part.groups.union(a, b);
  return { find: (s) => part.groups.find(s), spellings: part.spellings };
}

/** The name authority's chunks, and every spelling's canonical slug where it is not its own (what typeahead merges by). */
export interface BuiltPeople {
  chunks: string[];
  /**
   * Large: a national catalogue's people have tens of millions of spellings. Packed (packed-string-map.ts), as the
   * typeahead holds it through its whole pass.
   */
  canonical: PackedStringMap;
}

/** Records per partition by default: some 110,000 spellings, a few tens of MB of heap, at about two names a record. */
const DOCS_PER_PARTITION = 100_000;

/** Entries held per block while pieces of people and chunk entries are sorted on disk (sorted-runs.ts). */
const BLOCK_ENTRIES = 50_000;

export interface PeopleOptions {
  /** How many partitions the spellings are spread over by surname; default: one per DOCS_PER_PARTITION records. */
  partitions?: number;
  /** Entries per sorted block (tests force small ones). */
  blockEntries?: number;
  /** Scratch path prefix; default: beside the docs file (runsPathNear). */
  scratch?: string;
  /** Called where the authority holds the most (a partition grouped, a block of entries sorted): measuring scripts. */
  probe?: (stage: string) => void;
}

/**
 * A partition file's lines: an occurrence (with its slug and parts, so a partition read twice does not parse its
 * names again; `flags`: 1 initials only, 2 moved), rule 2's link, or a mark (see Partition.marked).
 */
type PartitionLine =
  | [seq: number, doc: number, p: string, slug: string, surname: string, given: string[], flags: number]
  | [a: string, b: string]
  | [slug: string]
  | [slug: string, linked: 1];

/** A spelling's slice in one partition, where its person may reach past it: [partition, last, group, linked]. */
type Piece = [partition: number, last: number, group: string, linked: 0 | 1];

/** Part of a person gathered in one partition: [first occurrence, [form, count] pairs, docs ascending]. */
type PersonPart = [first: number, counts: Array<[string, number]>, docs: number[]];

/**
 * The people and their chunks, in bounded memory (a partition's spellings, one block of a sort, and what reaches
 * across partitions). The spellings are spread over partitions by surname key in one pass over the docs (rules 1,
 * 3 and 4 join only spellings of one surname key), and each partition is grouped alone. What reaches past a
 * partition is few (rule 2 links between surnames in two partitions: 6 at a million synthetic records; a slug
 * whose spellings put its surname in two) and is joined in a union-find of its own; the few partitions whose
 * grouping that changes are grouped again (see `group`). A person within one partition is finished there; the
 * parts of one reaching past it are merged by a sort on disk. The people are then counted, and their entries
 * sorted into chunks on disk. With one partition the same code runs.
 */
export function buildPeople(
  docs: Iterable<Pick<CatalogueRecord, "people">>,
  out: AssetWriter,
  options: PeopleOptions = {},
): BuiltPeople {
  const records = (docs as { length?: number }).length ?? 0;
  const partitions = options.partitions ?? Math.max(1, Math.ceil(records / DOCS_PER_PARTITION));
  if (!(Number.isInteger(partitions) && partitions >= 1))
    throw new Error(`people-assets: ${partitions} partitions is not a positive whole number`);
  const blockEntries = options.blockEntries ?? BLOCK_ENTRIES;
  // The thread in the name: two threads of one process (a build's worker, a test pool's) share its pid.
  const scratch = options.scratch ?? runsPathNear(docs instanceof DocFile ? docs.path : null, `people-${threadId}`);
  const parseName = nameParser();
  const files: ScratchLines[] = [];
  const scratchFile = (name: string) => {
    const f = new ScratchLines(`${scratch}-${name}.jsonl`);
    files.push(f);
    return f;
  };
  const sorts: Array<SpilledRuns<unknown>> = [];
  const spilled = <V>(name: string, combine: (into: V, more: V) => void) => {
    const runs = new SpilledRuns<V>(`${scratch}-${name}`, blockEntries, combine);
    sorts.push(runs as SpilledRuns<unknown>);
    return runs;
  };
  try {
    const partFiles = Array.from({ length: partitions }, (_, i) => scratchFile(`part-${i}`));
    const crossFile = scratchFile("cross");
    options.probe?.("start");
    scanDocs(
      (function* () {
        for (const r of docs) yield r.people;
      })(),
      partitions,
      parseName,
      {
        occurrence: (at, seq, doc, p, slug, parts, moved) =>
          partFiles[at]!.line(
            JSON.stringify([
              seq,
              doc,
              p,
              slug,
              parts.surname,
              parts.given,
              (parts.initialsOnly ? 1 : 0) | (moved ? 2 : 0),
            ]),
          ),
        link: (at, a, b) => partFiles[at]!.line(JSON.stringify([a, b])),
        crossLink: (a, atA, b, atB) => {
          crossFile.line(JSON.stringify([a, b]));
          partFiles[atA]!.line(JSON.stringify([a, 1]));
          partFiles[atB]!.line(JSON.stringify([b, 1]));
        },
        moved: (at, slug) => {
          partFiles[at]!.line(JSON.stringify([slug]));
        },
      },
    );
    for (const f of files) f.close();
    options.probe?.("docs read");

    const load = (k: number) => {
      const part = new Partition();
      for (const line of readJsonLines<PartitionLine>(partFiles[k]!.path)) {
        if (typeof line[0] === "number") {
          const [seq, doc, p, slug, surname, given, flags] = line as Extract<PartitionLine, [number, ...unknown[]]>;
          part.occurrence(seq, doc, p, slug, { surname, given, initialsOnly: (flags & 1) !== 0 });
          if (flags & 2) part.mark(slug, false);
        } else if (typeof line[1] === "string") part.link(line[0], line[1]);
        else part.mark(line[0], line.length === 2);
      }
      return part.read();
    };

    /** The name and the other forms of a person, by their forms' counts: the commonest first. */
    const person = (counts: Map<string, number>): [string, string[]] => {
      const ranked = [...counts].sort((a, b) => b[1] - a[1] || b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1));
      return [ranked[0]![0], ranked.slice(1).map((x) => x[0])];
    };
    /** People written whole, by partition and round (2k + round). */
    const counted = new Float64Array(2 * partitions);
    // Each partition is grouped once as if nothing reached past it, and any person that might (a spelling marked:
    // linked by rule 2 to another partition, or its slug read with a surname elsewhere) is set aside in parts.
    // `across` then joins each spelling reaching past its partition to its group there (by rules 1 and 2), and the
    // groups rule 2 links across partitions; `owner`: a slug several partitions hold → the one holding its last
    // occurrence, whose parts it has. A partition whose grouping that changes (two of its groups joined elsewhere,
    // or a slug whose parts another holds) is grouped again, and what it gave the first time is dropped.
    const across = new UnionFind();
    const owner = new Map<string, number>();
    const pieces = spilled<Piece[]>("pieces", (into, more) => {
      into.push(...more);
    });
    const peopleFile = scratchFile("people");
    const partsFile = scratchFile("person-parts");
    const linksFile = scratchFile("reaching-links");
    /** Each line of the three files above starts [partition, round]. */
    const group = (k: number, round: 0 | 1) => {
      const part = load(k);
      options.probe?.(`round ${round}`);
      const { spellings, groups } = part;
      let reaching: (root: string) => boolean;
      if (round === 0) {
        const marked = new Set<string>();
        for (const [slug, linked] of part.marked) {
          const s = spellings.get(slug);
          if (!s) continue;
          const root = groups.find(slug);
          marked.add(root);
          pieces.add(slug, [[k, s.last, root, linked ? 1 : 0]]);
        }
        reaching = (root) => marked.has(root);
      } else reaching = (root) => across.has(root);
      const groupOf = (slug: string) => {
        const local = groups.find(slug);
        return across.has(local) ? across.find(local) : local;
      };
      const links = personLinks(spellings, groupOf, (slug) => {
        const o = owner.get(slug);
        return o !== undefined && o !== k;
      });
      // A group reaching past the partition keeps its name (by `across` once known); one within it is joined here.
      const outward: Array<[string, string]> = [];
      for (const [a, b] of links) {
        const x = spellings.has(a) ? groupOf(a) : a;
        const y = spellings.has(b) ? groupOf(b) : b;
        if (reaching(x) || reaching(y)) outward.push([x, y]);
        else groups.union(x, y);
      }
      const reached = new Set<string>();
      for (const [x, y] of outward) {
        const [ex, ey] = [x, y].map((g) => {
          if (reaching(g)) return g;
          const root = groups.find(g);
          reached.add(root);
          return root;
        });
        linksFile.line(JSON.stringify([k, round, ex, ey]));
      }
      const members = new Map<string, string[]>();
      for (const slug of spellings.keys()) {
        const root = groups.find(slug);
        (members.get(root) ?? members.set(root, []).get(root)!).push(slug);
      }
      options.probe?.(`round ${round} grouped`);
      for (const [root, slugs] of members) {
        const counts = new Map<string, number>();
        let first = Number.POSITIVE_INFINITY;
        for (const s of slugs) {
          const { forms, counts: times } = spellings.get(s)!;
          forms.forEach((form, f) => {
            counts.set(form, (counts.get(form) ?? 0) + times[f]!);
          });
          first = Math.min(first, spellings.get(s)!.first);
        }
        let docs: number[];
        if (slugs.length === 1) docs = spellings.get(slugs[0]!)!.docs;
        else {
          const docsOf = new Set<number>();
          for (const s of slugs) for (const d of spellings.get(s)!.docs) docsOf.add(d);
          docs = [...docsOf].sort((a, b) => a - b);
        }
        if (reaching(root) || reached.has(root))
          partsFile.line(JSON.stringify([k, round, root, first, [...counts], docs]));
        else {
          peopleFile.line(JSON.stringify([k, round, ...person(counts), first, docs]));
          counted[2 * k + round]!++;
        }
      }
    };
    for (let k = 0; k < partitions; k++) group(k, 0);
    const again = new Set<number>();
    /** Per partition, its groups `across` holds. */
    const joined = new Map<number, string[]>();
    for (const [slug, held] of pieces.sorted()) {
      if (held.length > 1) {
        let last = held[0]!;
        for (const piece of held) if (piece[1] > last[1]) last = piece;
        owner.set(slug, last[0]);
        for (const [k] of held) if (k !== last[0]) again.add(k);
      }
      for (const [k, , root, linked] of held)
        if (linked || held.length > 1) {
          across.union(slug, root);
          (joined.get(k) ?? joined.set(k, []).get(k)!).push(root);
        }
    }
    let crossLinks = 0;
    for (const [a, b] of readJsonLines<[string, string]>(crossFile.path)) {
      across.union(a, b);
      crossLinks++;
    }
    for (const [k, roots] of joined) {
      const seen = new Map<string, string>();
      for (const root of roots) {
        const person = across.find(root);
        if (seen.has(person) && seen.get(person) !== root) again.add(k);
        seen.set(person, root);
      }
    }
    joined.clear();
    for (const k of [...again].sort((a, b) => a - b)) group(k, 1);
    for (const f of [peopleFile, partsFile, linksFile]) f.close();
    const kept = (k: number, round: number) => round === 1 || !again.has(k);
    let count = 0;
    for (let k = 0; k < partitions; k++) count += again.has(k) ? counted[2 * k + 1]! : counted[2 * k]!;

    for (const [k, round, x, y] of readJsonLines<[number, number, string, string]>(linksFile.path))
      if (kept(k, round)) across.union(x, y);
    // People reaching past a partition: their parts merged by person.
    const merged = spilled<PersonPart>("person-parts", (into, more) => {
      into[0] = Math.min(into[0], more[0]);
      into[1].push(...more[1]);
      into[2].push(...more[2]);
    });
    for (const [k, round, root, first, counts, docs] of readJsonLines<[number, number, string, ...PersonPart]>(
      partsFile.path,
    ))
      if (kept(k, round)) merged.add(across.find(root), [first, counts, docs]);
    const mergedFile = scratchFile("people-merged");
    for (const [, [first, pairs, docs]] of merged.sorted()) {
      const counts = new Map<string, number>();
      for (const [form, n] of pairs) counts.set(form, (counts.get(form) ?? 0) + n);
      mergedFile.line(JSON.stringify([-1, 0, ...person(counts), first, [...new Set(docs)].sort((a, b) => a - b)]));
      count++;
    }
    mergedFile.close();

    // Chunks: a person's entry and their other spellings' pointers, each in the chunk its slug hashes to, in the
    // order of the people's first sight (then of their variants), sorted on disk by chunk.
    const chunkCount = Math.max(1, Math.ceil(count / PEOPLE_PER_CHUNK));
    const digits = (n: number, width: number) => String(n).padStart(width, "0");
    const entries = spilled<PersonEntry>("people-chunks", (_, more) => {
      throw new Error(`people-assets: two chunk entries for ${more.slug}`);
    });
    const canonical = new PackedStringMap();
    type PersonLine = [
      partition: number,
      round: number,
      name: string,
      variants: string[],
      first: number,
      docs: number[],
    ];
    for (const [k, round, name, variants, first, docs] of (function* () {
      yield* readJsonLines<PersonLine>(peopleFile.path);
      yield* readJsonLines<PersonLine>(mergedFile.path);
    })()) {
      if (!kept(k, round)) continue;
      const slug = slugOf(name);
      entries.add(`${digits(shardOf(slug, chunkCount), 9)}0${digits(first, 16)}`, { slug, name, variants, docs });
      // A spelling belongs to one person, so only this person's own slugs can repeat here.
      const placed = new Set([slug]);
      variants.forEach((v, i) => {
        const see = slugOf(v);
        if (placed.has(see)) return;
        placed.add(see);
        entries.add(`${digits(shardOf(see, chunkCount), 9)}1${digits(first, 16)}${digits(i, 9)}`, {
          slug: see,
          see: slug,
        });
        // Every other spelling's slug points at its person, so /api/people/leon-helfand finds Leon Helfland.
        canonical.set(see, slug);
      });
    }
    // Held by the typeahead's whole pass, so without growth room.
    canonical.trim();
    const chunks: string[] = [];
    let chunk: PersonEntry[] = [];
    const flushTo = (next: number) => {
      while (chunks.length < next) {
        chunks.push(out.addJson("search/people", String(chunks.length), encodePeopleChunk(chunk)));
        chunk = [];
      }
    };
    options.probe?.("chunk entries");
    for (const [key, entry] of entries.sorted()) {
      flushTo(Number(key.slice(0, 9)));
      chunk.push(entry);
    }
    flushTo(chunkCount);
    lastRun = {
      partitions,
      crossLinks,
      again: again.size,
      reaching: across.size,
      owned: owner.size,
      people: count,
      canonical: canonical.size,
    };
    return { chunks, canonical };
  } finally {
    for (const f of files) f.remove();
    for (const runs of sorts) runs.remove();
  }
}

/** What the last buildPeople spread and joined, for measuring scripts. */
export let lastRun: Record<string, number> = {};
