/**
 * Related records, computed at build time: records that share people,
 * organisations, places or rare title and subject words, scored by how rare
 * the shared thing is (inverse document frequency) and by its kind.
 */
import type { CatalogueRecord } from "../shared/record";
import { words } from "../shared/text/fold";
import type { TitleTags } from "./title-tags";
import { DocFile, LineWriter } from "./doc-file";
import { grownTo } from "./typed-array-growth";
import { runsPathNear, SpilledRuns } from "./sorted-runs";

const RELATED_PER_RECORD = 8;
/** A feature shared by more records than this says little about any two of them. */
const MAX_FEATURE_DF = 60;
const KIND_WEIGHT = { person: 3, organisation: 2, place: 1, term: 1 } as const;

/** Related lists files made by this process so far. */
let relatedLists = 0;

/** Features a block of the first pass gathers before it is sorted and spilled as a run. */
const RELATED_BLOCK_ENTRIES = 250_000;

/**
 * A feature's docs as the first pass notes them: `doc * AT_SPAN + at`, where `at` orders the doc's features as the
 * record gives them (people, organisations, places, then title and tag words), which is the order the scores add
 * up in and the order a tie for the reason shown is settled by. A doc with more features than AT_SPAN shares the
 * last place, its later features then ordered by feature.
 */
const AT_SPAN = 2 ** 16;

/**
 * `titleTags.of(doc)`: the doc's title and subject/organisation/place words, as indexed. The features (a person,
 * organisation, place or word, with the docs that have it) are gathered in sorted runs spilled to disk
 * (sorted-runs.ts), and only those shared by 2 to MAX_FEATURE_DF docs are kept, as numbers: most features are one
 * record's. Each doc's kept features are then found by inverting their doc lists, so scoring reads neither the
 * records nor a map of feature names again: at ten million records, looking features up by name in such a map
 * took this step 383 s and 524 MB of heap, and the inversion 250 s and 290 MB.
 */
export function buildRelated(
  docs: Iterable<Pick<CatalogueRecord, "people" | "corporateNames" | "places">> & { length: number },
  titleTags: Pick<TitleTags, "of">,
  blockEntries = RELATED_BLOCK_ENTRIES,
) {
  /** A feature's label (as first seen), then its docs (see AT_SPAN), at most MAX_FEATURE_DF + 1: past that it is not used. */
  type Feature = [string, ...number[]];
  const docOf = (entry: number) => Math.floor(entry / AT_SPAN);
  const runs = new SpilledRuns<Feature>(
    runsPathNear(docs instanceof DocFile ? docs.path : null, "related"),
    blockEntries,
    (into, more) => {
      // A doc's features may straddle two blocks: it is counted once, at its first place.
      for (let i = 1; i < more.length && into.length <= MAX_FEATURE_DF + 1; i++)
        if (docOf(into[into.length - 1] as number) !== docOf(more[i] as number)) into.push(more[i] as number);
    },
  );
  let doc = 0;
  let at = 0;
  const add = (key: string, shown: string) => {
    const entry = doc * AT_SPAN + Math.min(at++, AT_SPAN - 1);
    const f = runs.held(key);
    if (!f) runs.addNew(key, [shown, entry]);
    else if (f.length <= MAX_FEATURE_DF + 1 && docOf(f[f.length - 1] as number) !== doc) f.push(entry);
  };
  for (const r of docs) {
    at = 0;
    for (const p of r.people) add(`person:${words(p).join(" ")}`, `person: ${p}`);
    for (const o of r.corporateNames) add(`organisation:${words(o).join(" ")}`, `organisation: ${o}`);
    for (const p of r.places) add(`place:${words(p).join(" ")}`, `place: ${p}`);
    for (const t of new Set(titleTags.of(doc)))
      if (t.length > 3 && !/^\d+$/.test(t)) add(`term:${t}`, `shared word: ${t}`);
    doc++;
  }
  const n = docs.length;
  // The features two records can share, numbered in key order: their docs (and each doc's place) in flat arrays.
  const labels: string[] = [];
  /** Per feature, its kind's weight. */
  const weights: number[] = [];
  let starts = new Uint32Array(1 << 12);
  let flatDoc = new Uint32Array(1 << 16);
  let flatAt = new Uint16Array(1 << 16);
  let used = 0;
  const perDoc = new Uint32Array(n + 1);
  for (const [key, [shown, ...list]] of runs.sorted()) {
    if (list.length < 2 || list.length > MAX_FEATURE_DF) continue;
    if (labels.length + 1 >= starts.length) starts = grownTo(starts, 2 * starts.length);
    if (used + list.length > flatDoc.length) {
      const length = Math.max(2 * flatDoc.length, used + list.length);
      flatDoc = grownTo(flatDoc, length);
      flatAt = grownTo(flatAt, length);
    }
    weights.push(KIND_WEIGHT[key.slice(0, key.indexOf(":")) as keyof typeof KIND_WEIGHT]);
    labels.push(shown);
    for (const entry of list as number[]) {
      const d = docOf(entry);
      flatDoc[used] = d;
      flatAt[used++] = entry - d * AT_SPAN;
      perDoc[d + 1]!++;
    }
    starts[labels.length] = used;
  }
  flatDoc = flatDoc.slice(0, used);
  // Inverted: each doc's features, in the order its record gives them.
  for (let d = 0; d < n; d++) perDoc[d + 1]! += perDoc[d]!;
  const docFeature = new Uint32Array(used);
  const docAt = new Uint16Array(used);
  const filled = perDoc.slice(0, n);
  for (let f = 0; f < labels.length; f++)
    for (let u = starts[f]!; u < starts[f + 1]!; u++) {
      const i = filled[flatDoc[u]!]!++;
      docFeature[i] = f;
      docAt[i] = flatAt[u]!;
    }
  flatAt = new Uint16Array(0);
  const related = new RelatedByDoc(
    // Numbered: two builds in one process (tests) must not share a file.
    `${runsPathNear(docs instanceof DocFile ? docs.path : null, `related-lists-${++relatedLists}`)}.jsonl`,
  );
  try {
    const scores = new Map<number, { s: number; why: string; best: number }>();
    const mine: number[] = [];
    for (doc = 0; doc < n; doc++) {
      scores.clear();
      mine.length = 0;
      for (let i = perDoc[doc]!; i < perDoc[doc + 1]!; i++) mine.push(i);
      // In the record's order; places are equal only past AT_SPAN, and feature order settles those.
      mine.sort((a, b) => docAt[a]! - docAt[b]! || docFeature[a]! - docFeature[b]!);
      for (const i of mine) {
        const f = docFeature[i]!;
        const from = starts[f]!;
        const to = starts[f + 1]!;
        const w = weights[f]! * Math.log(1 + n / (to - from));
        for (let u = from; u < to; u++) {
          const other = flatDoc[u]!;
          if (other === doc) continue;
          const s = scores.get(other) ?? { s: 0, why: "", best: 0 };
          s.s += w;
          if (w > s.best) {
            s.best = w;
            s.why = labels[f]!;
          }
          scores.set(other, s);
        }
      }
      const top = [...scores].sort((a, b) => b[1].s - a[1].s || a[0] - b[0]).slice(0, RELATED_PER_RECORD);
      related.push(top.map(([d, s]) => [d, s.why]));
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
