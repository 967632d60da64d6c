/**
 * Related records, computed at build time: records that share people,
 * organisations, places or rare title and subject words, scored by how rare
 * the shared thing is (inverse document frequency) and by its kind.
 */
import type { CatalogueRecord } from "../shared/record";
import { words } from "../shared/text/fold";
import type { TitleTags } from "./title-tags";
import { DocFile, LineWriter } from "./doc-file";
import { runsPathNear, SpilledRuns } from "./sorted-runs";
import { LargeMap } from "./large-map";

const RELATED_PER_RECORD = 8;
/** A feature shared by more records than this says little about any two of them. */
const MAX_FEATURE_DF = 60;
const KIND_WEIGHT = { person: 3, organisation: 2, place: 1, term: 1 } as const;

/** Related lists files made by this process so far. */
let relatedLists = 0;

/** Features a block of the first pass gathers before it is sorted and spilled as a run. */
const RELATED_BLOCK_ENTRIES = 250_000;

/**
 * `titleTags.of(doc)`: the doc's title and subject/organisation/place words, as indexed. The features (a person,
 * organisation, place or word, with the docs that have it) are gathered in sorted runs spilled to disk
 * (sorted-runs.ts), and only those shared by 2 to MAX_FEATURE_DF docs are kept, as numbers: most features are one
 * record's, and a map of every feature was the largest thing this step held.
 */
export function buildRelated(
  docs: Iterable<Pick<CatalogueRecord, "people" | "corporateNames" | "places">> & { length: number },
  titleTags: Pick<TitleTags, "of">,
  blockEntries = RELATED_BLOCK_ENTRIES,
) {
  /** A feature's label (as first seen), then its docs, at most MAX_FEATURE_DF + 1 of them: past that it is not used. */
  type Feature = [string, ...number[]];
  const runs = new SpilledRuns<Feature>(
    runsPathNear(docs instanceof DocFile ? docs.path : null, "related"),
    blockEntries,
    (into, more) => {
      // A doc's features may straddle two blocks: it is counted once.
      for (let i = 1; i < more.length && into.length <= MAX_FEATURE_DF + 1; i++)
        if (into[into.length - 1] !== more[i]) into.push(more[i] as number);
    },
  );
  const add = (key: string, doc: number, shown: string) => {
    const f = runs.held(key);
    if (!f) runs.addNew(key, [shown, doc]);
    else if (f.length <= MAX_FEATURE_DF + 1 && f[f.length - 1] !== doc) f.push(doc);
  };
  let doc = 0;
  for (const r of docs) {
    for (const p of r.people) add(`person:${words(p).join(" ")}`, doc, `person: ${p}`);
    for (const o of r.corporateNames) add(`organisation:${words(o).join(" ")}`, doc, `organisation: ${o}`);
    for (const p of r.places) add(`place:${words(p).join(" ")}`, doc, `place: ${p}`);
    for (const t of new Set(titleTags.of(doc)))
      if (t.length > 3 && !/^\d+$/.test(t)) add(`term:${t}`, doc, `shared word: ${t}`);
    doc++;
  }
  // The features two records can share, numbered: their docs in one flat array.
  const kept = new LargeMap<string, number>();
  const labels: string[] = [];
  const starts: number[] = [0];
  let flat = new Uint32Array(1 << 16);
  let used = 0;
  for (const [key, [shown, ...list]] of runs.sorted()) {
    if (list.length < 2 || list.length > MAX_FEATURE_DF) continue;
    kept.set(key, labels.length);
    labels.push(shown);
    if (used + list.length > flat.length) {
      const grown = new Uint32Array(flat.length * 2);
      grown.set(flat);
      flat = grown;
    }
    for (const d of list as number[]) flat[used++] = d;
    starts.push(used);
  }
  const features = {
    get: (key: string) => {
      const id = kept.get(key);
      return id === undefined ? undefined : flat.subarray(starts[id]!, starts[id + 1]!);
    },
  };
  const label = { get: (key: string) => labels[kept.get(key)!] };
  const n = docs.length;
  const related = new RelatedByDoc(
    // Numbered: two builds in one process (tests) must not share a file.
    `${runsPathNear(docs instanceof DocFile ? docs.path : null, `related-lists-${++relatedLists}`)}.jsonl`,
  );
  try {
    const scores = new Map<number, { s: number; why: string; best: number }>();
    doc = 0;
    for (const r of docs) {
      scores.clear();
      const keys = new Set<string>();
      for (const p of r.people) keys.add(`person:${words(p).join(" ")}`);
      for (const o of r.corporateNames) keys.add(`organisation:${words(o).join(" ")}`);
      for (const p of r.places) keys.add(`place:${words(p).join(" ")}`);
      for (const t of titleTags.of(doc)) keys.add(`term:${t}`);
      for (const key of keys) {
        const list = features.get(key);
        if (!list || list.length < 2 || list.length > MAX_FEATURE_DF) continue;
        const kind = key.slice(0, key.indexOf(":")) as keyof typeof KIND_WEIGHT;
        const w = KIND_WEIGHT[kind] * Math.log(1 + n / list.length);
        for (const other of list) {
          if (other === doc) continue;
          const s = scores.get(other) ?? { s: 0, why: "", best: 0 };
          s.s += w;
          if (w > s.best) {
            s.best = w;
            s.why = label.get(key)!;
          }
          scores.set(other, s);
        }
      }
      const top = [...scores].sort((a, b) => b[1].s - a[1].s || a[0] - b[0]).slice(0, RELATED_PER_RECORD);
      related.push(top.map(([d, s]) => [d, s.why]));
      doc++;
    }
  } catch (e) {
    related.abort();
    throw e;
  }
  return related.finish();
}

/** A doc's related records, best first: the other doc and why. */
type RelatedList = Array<[number, string]>;

/**
 * Each doc's related records, written a line a doc to a scratch file as they are found and read back by doc (the
 * record store, the pass after, reads them in doc order, so reading is sequential). Held as numbers they took 64
 * bytes a record: 640 MB at ten million records, beside everything else the worker thread holds.
 */
export class RelatedByDoc {
  private readonly writer: LineWriter<RelatedList | null>;
  private file: DocFile<RelatedList | null> | null = null;
  private reading: ReturnType<DocFile<RelatedList | null>["inOrder"]> | null = null;

  constructor(path: string) {
    // Read once, in doc order: no line offsets (8 bytes a record, and twice that while they grow).
    this.writer = new LineWriter(path, { indexed: false });
  }

  /** Appends the next doc's list. */
  push(list: RelatedList): void {
    this.writer.append(JSON.stringify(list.length ? list : null));
  }

  /** Every doc's list is in: `of` may read them. */
  finish(): this {
    this.file = this.writer.finish();
    return this;
  }

  /** Stops writing (a build that failed) and deletes the file. */
  abort(): void {
    this.writer.abort();
  }

  /** Doc `doc`'s related records, best first, or undefined when it has none. */
  of(doc: number): RelatedList | undefined {
    if (!this.file) throw new Error("related-records: lists are read once every doc's is written (finish)");
    this.reading ??= this.file.inOrder();
    return this.reading.at(doc) ?? undefined;
  }

  /** Deletes the scratch file once the lists are read. */
  remove(): void {
    this.reading?.close();
    this.reading = null;
    this.file?.remove();
  }
}
