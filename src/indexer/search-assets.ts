/**
 * Builds the chunked FlexSearch index and the search side files.
 *
 * FlexSearch's strict tokenizer defines the terms and their position slots
 * (FLEX_OPTIONS); the build makes the same postings directly (`strictSlots`,
 * held equal to a FlexSearch index's export by a test) and encodes them as binary term chunks (see
 * shared/index-format/term-chunk.ts), split into buckets by a hash of the term,
 * so a query loads only the chunks of its own terms and ranking equals that of
 * the single index. Terms with very long posting lists get chunks of their
 * own, so one common word never makes every query that shares its bucket pay
 * for it.
 *
 * When the index is too big for one isolate, it is also split by doc range
 * into search shards, each with its own chunks and filter columns; chunks then
 * carry catalogue-wide document frequencies so every shard scores as the
 * whole index would.
 */
import { createHash } from "node:crypto";
import { Index, Encoder } from "flexsearch";
import type { CatalogueRecord } from "../shared/record";
import { fnv1a32 } from "../shared/hash";
import { buildBloomPages, LEXICON_FILTER } from "../shared/bloom";
import { compareReferences } from "../shared/reference";
import { MAX_FANOUT } from "../shared/shard-groups";
import { CHUNKING, FIELD_NAMES, FLEX_OPTIONS, type FieldName } from "../shared/search-config";
import {
  INDEX_FORMAT,
  MAX_SERIES,
  configFingerprint,
  encodeFilterColumns,
  encodeTermChunk,
  newFilterColumns,
  type FieldPostingsInput,
  type SearchManifest,
  type VocabPartition,
  type VocabRange,
  VOCAB_PREFIX_FILTER,
  vocabPrefixKey,
  type SearchShardManifest,
  type ShardTermTable,
  type TermInput,
  termBucketKey,
} from "../shared/index-format";
import type { AssetWriter } from "./content-hash";
import { hashOfPath, type CatalogueLayout } from "./catalogue-assets";
import { buildSuggest } from "./suggest-assets";
import { buildRelated } from "./related-records";
import { buildPeople } from "./people-assets";
import { compileThesaurus } from "./thesaurus-assets";
import { buildVolumes } from "./volume-assets";
import { hierarchyContext } from "./hierarchy-context";
import { LargeMap } from "./large-map";
import { writePagedTable } from "./paged-table-assets";
import { arrayDocs, LineWriter, passFields, type Docs, type Lines, type PassRecord } from "./doc-file";
import { REF_FIELD, TermNumbers, type TermFamilyTable } from "./plan-terms";
import { grownTo, TERM_ARRAY_GROWTH } from "./typed-array-growth";
import { PackedStrings } from "./packed-strings";
import { PackedNumberMap } from "./packed-string-map";
import { catalogueRanks } from "./reference-order";
import { DocRanks } from "./doc-ranks";
import {
  DOC_HEADER,
  docEndYear,
  docSeries,
  docStartYear,
  packDocTerms,
  TermsFile,
  WRITTEN_OUT,
  writtenTerms,
  type PackedDocTerms,
} from "./terms-file";
import { runsPathNear, SpilledRuns } from "./sorted-runs";
import { TitleTags } from "./title-tags";
import { collectGarbage } from "./collect-garbage";

/**
 * Raw bytes of term chunks one search shard may hold. An isolate loads chunks
 * lazily and evicts them under the asset store's budget, so this is not what
 * it holds at once; it bounds how much one query's fan-out leg must scan and
 * how many distinct chunks one isolate keeps cycling through.
 */
export const SHARD_TARGET_BYTES = 64 * 1024 * 1024;

/**
 * Estimated index bytes up to which the whole catalogue is one search shard, scored in the Worker's own isolate.
 * Past one shard the coordinator fans out to Durable Objects: a subrequest per object on every query (locally
 * about a millisecond; deployed, a hop to wherever the object lives), which a catalogue this small does not repay
 * with parallel scoring. At 100k synthetic records (about 100 MiB estimated) one isolate held 11.4 MiB of heap
 * after 20 queries, well inside Workers' 128 MB.
 */
export const SINGLE_SHARD_MAX_BYTES = 2 * SHARD_TARGET_BYTES;

/** The search shards a catalogue of `docs` records and `indexBytes` estimated index bytes is built in. */
export function searchShardCount(indexBytes: number, docs: number): number {
  const wanted = indexBytes <= SINGLE_SHARD_MAX_BYTES ? 1 : Math.ceil(indexBytes / SHARD_TARGET_BYTES);
  return Math.max(1, Math.min(docs, wanted));
}

/**
 * A fresh options object each time: FlexSearch's constructor mutates what it is given. The encoder's cache is off:
 * FlexSearch empties it from a 50 ms timer that holds the encoder, and a build never yields to the event loop, so
 * every index's cache (up to 200,000 words each) stayed in memory until the build ended: 16 MB per 9,500 docs
 * indexed, measured. Caching only saves re-encoding a word, so the index is the same without it.
 */
export function flexIndex(): Index {
  return new Index({
    tokenize: FLEX_OPTIONS.tokenize,
    resolution: FLEX_OPTIONS.resolution,
    encoder: new Encoder({ ...FLEX_OPTIONS.encoder, cache: false }),
  });
}

/** FlexSearch's exported term map: per term, per position slot (0 = earliest), the doc ids there. */
type Slots = Array<Array<number | string> | null | undefined>;
/**
 * A shard's postings, every (term, field) list side by side in two flat arrays, doc-ordered within a list:
 * list `[from, to)` is the docs `docs[from..to)` at the slots `slots[from..to)`. A shard holds millions of
 * lists, most of one or two postings; an array each, grown by pushes, was most of what a shard's build gave the
 * collector, and lived long enough (the whole shard) to need full collections of the build's whole heap.
 */
interface ShardPostings {
  docs: Uint32Array;
  slots: Uint8Array;
}
/** A term's lists per field: the field's index and where its list is in the shard's postings. */
type TermEntries = Array<{ field: number; from: number; to: number }>;
/** Slots are below FLEX_OPTIONS.resolution (9); docs below 2^28 (268 million), so a packed posting fits 32 bits. */
const SLOT_SPAN = 16;

function yearOf(date: string | null): number {
  return date ? Number(date.slice(0, 4)) : 0;
}

/**
 * First and last year of a record for the date filter; 0 when undated. When
 * only one bound is known (NAA rows with only an end year), it is both: an
 * unknown start must not read as "since forever".
 */
export function yearBounds(r: CatalogueRecord): [number, number] {
  const s = yearOf(r.startDate),
    e = yearOf(r.endDate);
  return [s || e, e || s];
}

export interface SearchBuildOptions {
  thesaurus: unknown;
  /** Force this many search shards; default: as many as the measured index bytes need. */
  shards?: number;
  /** Docs indexed per FlexSearch block (default INDEX_BLOCK_DOCS); tests force tiny blocks. */
  blockDocs?: number;
}

/**
 * What every search shard's build needs from the whole catalogue (pass 1):
 * document frequencies, the typo vocabulary, related-record features, the
 * shard bounds, series names and catalogue order. Deterministic, so separate
 * shard jobs (`npm run build -- --shard i/N`) and the merge all agree on it.
 */
export interface SearchPlan {
  docs: Docs;
  /** A hash of every doc's id in doc order (see catalogueKey). */
  idsDigest: string;
  /**
   * Every term by its number: the fields' terms the plan counts, then any piece of one (a term with spaces, split
   * as FlexSearch splits it) that only a shard indexes. Shards and the terms file hold the numbers. Packed (the
   * families' list), as the vocabulary and `asideNumbers` are: at 10M records a plan held 452 MB of heap once made
   * with them as strings, and 16 MB packed (docs/benchmarks-history.md, "Ten million records within 3.0 GiB").
   */
  termList: PackedStrings;
  /**
   * Per term number, its catalogue-wide document frequency: the largest of its fields'; 0 for a piece no field
   * holds as a term of its own (a shard scores it by its own count, as it did when it found no frequency for it).
   */
  termDf: Uint32Array;
  /** How many terms have a frequency: the lexicon's size (the numbered ones and `loneTerms`). */
  countedTerms: number;
  /**
   * Reference terms the plan held aside (TermNumbers' `refAside`) that got a number in the end, because more than one
   * doc holds them or some other field does: the terms file writes these out in the docs it met them in first.
   * Packed (packed-string-map.ts): held through every shard.
   */
  asideNumbers: PackedNumberMap;
  /**
   * The terms held aside that one doc alone holds, in its reference field (most are a record's own id terms): no
   * number, no table; the terms file writes them out in their doc, and a shard scores them by its own count (1),
   * which is their catalogue-wide frequency. Read for the lexicon.
   */
  loneTerms: () => Iterable<string>;
  /**
   * The typo vocabulary: its words as term numbers, in order of first sight, and each one's count of docs. Numbers,
   * not a map of strings: a map's keys would keep the vocabulary's strings alive beside the packed term list
   * through every shard.
   */
  vocab: { ids: Uint32Array; counts: Uint32Array };
  titleTags: TitleTags;
  indexBytes: number;
  shardCount: number;
  bounds: number[];
  seriesNames: string[];
  /**
   * Each doc's catalogue rank, for a shard's order column and the record store's series listings: in a scratch
   * file when the plan was given `ranksPath`, held otherwise.
   */
  catalogueOrder: DocRanks;
  /**
   * Each doc's terms, field by field in FIELD_NAMES order, as numbers into termList: a field's distinct terms in
   * the order FlexSearch's strict tokenizer slots them (`strictTerms`), packed as terms-file.ts holds them.
   * Shards index these.
   */
  terms: Lines<PackedDocTerms>;
  /**
   * Each doc's PassRecord fields (doc-file.ts), written by the plan when it was given `passFieldsPath`: what the
   * passes after it read instead of the docs. Otherwise the docs themselves.
   */
  passDocs: Lines<PassRecord>;
  /** Every term's word family by number, for the term chunks (see TermFamilyTable). */
  families: TermFamilyTable;
  /**
   * Each series' index into seriesNames, by the number the plan gave it on first sight: what a doc's terms carry
   * (with its years, see DocFilterValues) for its shard's filter columns.
   */
  seriesRank: Uint32Array;
  /** Docs indexed per FlexSearch block (see INDEX_BLOCK_DOCS). */
  blockDocs: number;
}

export function buildSearchAssets(layout: CatalogueLayout, out: AssetWriter, options: SearchBuildOptions) {
  const plan = planSearch(layout, options);
  const shards = Array.from({ length: plan.shardCount }, (_, k) => buildSearchShard(plan, k, out));
  return finishSearch(plan, shards, out, options);
}

/** Title-tag files made by this process so far: two builds in one process (tests) must not share one. */
let titleTagFiles = 0;

/** Pass 1, catalogue-wide (see SearchPlan). */
export function planSearch(
  layout: CatalogueLayout & { noHierarchy?: boolean },
  options: Pick<SearchBuildOptions, "shards" | "blockDocs"> & {
    /**
     * Where the docs' terms go for the shards to index (a scratch file the caller removes); without it they are
     * held in memory. Deriving them is a fifth of a build: done once, here, and read back per shard.
     */
    termsPath?: string;
    /** Where each doc's PassRecord fields go (a scratch file the caller removes); without it, none are written. */
    passFieldsPath?: string;
    /** Where each doc's catalogue rank goes (a scratch file the caller removes); without it, they are held. */
    ranksPath?: string;
    /** Distinct reference terms held aside in memory before a sorted run of them is spilled (tests force tiny ones). */
    asideBlockTerms?: number;
    /** Whether reference terms not yet numbered are held aside (see TermNumbers); tests compare the plan without. */
    refAside?: boolean;
    /** A term's count in a field from which it is held in a map, not 16 bits (default 65,535; tests force tiny ones). */
    dfOverAt?: number;
  },
): SearchPlan {
  const { docs } = layout;
  const n = docs.length;
  const context = layout.noHierarchy ? new LargeMap<number, string>() : hierarchyContext(docs);

  // Every distinct term gets a number on first sight (plan-terms.ts), and what is counted per term sits in typed
  // arrays by that number rather than in an object per term and a Set per doc and field (a third of the plan's
  // time, and most of its heap). The numbers also stand for the terms in the terms file and in a shard's postings:
  // a shard looks up numbers, not strings.
  const numbers = new TermNumbers(options.refAside ?? true);
  // Reference terms held aside (see TermNumbers), counted by docs in sorted runs on disk, SPIMI-style: at the end,
  // a term more than one doc holds (or that got a number meanwhile) is numbered; the rest stay strings in their doc.
  const aside = new SpilledRuns<[number]>(
    runsPathNear(options.termsPath ?? null, "aside-terms"),
    options.asideBlockTerms ?? ASIDE_BLOCK_TERMS,
    (into, more) => {
      into[0] += more[0];
    },
  );

  let countedTerms = 0;
  const termOf = (id: number) => numbers.term(id);
  /** Per term, 1 once it is counted as some field's term (it is in the lexicon and has a frequency). */
  let counted = new Uint8Array(1 << 16);
  const fields = FIELD_NAMES.length;
  /**
   * Per term and field, its document frequency: 16 bits, with the few counts past them in `dfOver`; 18 bytes a term
   * in nine fields, where 32 bits each were 36 (ten million records number some millions of terms).
   */
  let fieldDf = new Uint16Array((1 << 16) * fields);
  const dfOver = new Map<number, number>();
  const over = Math.min(DF_OVER, options.dfOverAt ?? DF_OVER);
  const addDf = (at: number, by: number) => {
    const v = fieldDf[at]!;
    if (v !== over && v + by < over) fieldDf[at] = v + by;
    else {
      dfOver.set(at, (v === over ? dfOver.get(at)! : v) + by);
      fieldDf[at] = over;
    }
  };
  const dfAt = (at: number) => (fieldDf[at] === over ? dfOver.get(at)! : fieldDf[at]!);
  /**
   * Per term, the last (doc, field) it was counted in, as `doc * fields + field + 1` (negated once `firstOfEach`
   * took it); and its last vocab doc, as `doc + 1`. 32 bits, not 64: 8 bytes a term saved.
   */
  if (n * fields + 1 > MAX_STAMP)
    throw new Error(
      `search-assets: ${n} docs are more than one plan counts (at most ${Math.floor((MAX_STAMP - 1) / fields)}); split the catalogue`,
    );
  let seenAt = new Int32Array(1 << 16);
  let vocabAt = new Uint32Array(1 << 16);
  /** Per term: 1 when it may be a typo suggestion (4+ letters, no digit), 2 when not, 0 not yet known. */
  let vocabWord = new Uint8Array(1 << 16);
  /** Per term, the docs it is a typo suggestion in; and the terms counted so, in order of first sight. */
  let vocabCount = new Uint32Array(1 << 16);
  const vocabOrder: number[] = [];
  /** Per term, 1 when a shard indexes it as it is (not empty, not over-long, no space: see strictTerms), 2 when not. */
  let plainTerm = new Uint8Array(1 << 16);
  const vocabField = FIELD_NAMES.map((f) => VOCAB_FIELDS.has(f));
  const titleField = FIELD_NAMES.indexOf("title");
  const tagsField = FIELD_NAMES.indexOf("tags");
  // Beside the docs' terms (the build's scratch folder), or in the temporary folder for a catalogue held in memory.
  const titleTags = new TitleTags(`${runsPathNear(options.termsPath ?? null, `title-tags-${++titleTagFiles}`)}.jsonl`);
  let indexBytes = 0;
  const idBytes = String(n).length + 1;
  const series = new Map<string, number>();
  const references = new PackedStrings();
  const ids = createHash("sha256");
  // Ids hashed some thousands at a time: one update a doc cost a call into the hash each (the same digest).
  let idsPending = "";
  let doc = 0;
  // Read front to back by every pass after the plan, so without line offsets (8 bytes a record).
  const passWriter = options.passFieldsPath
    ? new LineWriter<PassRecord>(options.passFieldsPath, { indexed: false })
    : null;
  function* each(): Generator<Uint32Array> {
    for (const r of docs) {
      passWriter?.append(JSON.stringify(passFields(r)));
      yield plan(r);
    }
  }
  /** The per-term arrays grown to hold every term numbered so far. */
  const makeRoom = () => {
    if (numbers.size <= counted.length) return;
    let room = counted.length;
    while (room < numbers.size) room = Math.ceil(room * TERM_ARRAY_GROWTH);
    fieldDf = grownTo(fieldDf, room * fields);
    counted = grownTo(counted, room);
    // The docs' pass is over once its own arrays are let go (empty): they stay so.
    if (!seenAt.length) return;
    seenAt = grownTo(seenAt, room);
    vocabAt = grownTo(vocabAt, room);
    vocabWord = grownTo(vocabWord, room);
    vocabCount = grownTo(vocabCount, room);
    plainTerm = grownTo(plainTerm, room);
  };
  /** A field's terms as a shard indexes them (strictTerms, by number): `list` itself when it is that already. */
  const strictIds = (list: number[]): number[] => {
    let plain = list.length <= PLAIN_LIST_MAX;
    for (let i = 0; plain && i < list.length; i++) {
      const id = list[i]!;
      if (plainTerm[id] === 0) {
        const w = numbers.term(id);
        plainTerm[id] = !w || w.length > FLEX_MAX_TERM || w.includes(" ") ? 2 : 1;
      }
      if (plainTerm[id] === 2) plain = false;
      else for (let j = 0; j < i; j++) if (list[j] === id) plain = false;
    }
    if (plain) return list;
    const kept = strictTerms(list.map((id) => numbers.term(id))).map((t) => numbers.intern(t));
    makeRoom();
    return kept;
  };
  /** `list`'s terms at their first place, all of which the counting loop stamped `stamp` (marked -stamp here). */
  const firstOfEach = (list: number[], stamp: number): number[] => {
    const kept: number[] = [];
    for (const id of list)
      if (seenAt[id] === stamp) {
        seenAt[id] = -stamp;
        kept.push(id);
      }
    return kept;
  };
  const plan = (r: CatalogueRecord): Uint32Array => {
    let seriesId = series.get(r.series);
    if (seriesId === undefined) {
      if (series.size === MAX_SERIES)
        throw new Error(
          `search-assets: record ${r.reference} names series ${JSON.stringify(r.series)}, one past the ` +
            `${MAX_SERIES} series a search index can number (its filter columns hold a series in 16 bits)`,
        );
      series.set(r.series, (seriesId = series.size));
    }
    const [start, end] = yearBounds(r);
    references.push(r.reference);
    idsPending += `${r.id}\n`;
    if (idsPending.length >= 1 << 16) {
      ids.update(idsPending);
      idsPending = "";
    }
    const terms = numbers.docTerms(r, context.get(doc));
    makeRoom();
    const indexed: number[][] = [];
    const held = numbers.aside;
    for (let field = 0; field < fields; field++) {
      const stamp = doc * fields + field + 1;
      const list = terms[field]!;
      if (field === REF_FIELD && held.length) {
        // A reference field with terms held aside: all its terms are plain (docTerms holds none aside otherwise),
        // so a shard indexes its distinct terms in order.
        const kept: number[] = [];
        for (const id of list) {
          if (kept.includes(id)) continue;
          kept.push(id);
          indexBytes += idBytes;
          if (id < 0) {
            const t = held[-1 - id]!;
            const count = aside.held(t);
            if (count) count[0]++;
            else aside.addNew(t, [1]);
            continue;
          }
          if (counted[id] === 0) {
            counted[id] = 1;
            countedTerms++;
            indexBytes += numbers.term(id).length + 8;
          }
          seenAt[id] = stamp;
          addDf(id * fields + field, 1);
        }
        indexed.push(kept);
        continue;
      }
      // Whether every term is indexed as it is, and whether one repeats: then the field's strict terms are its
      // distinct terms in order, found by number here rather than by strictTerms over strings (most descriptions).
      let plainAll = true;
      let repeats = false;
      for (let i = 0; i < list.length; i++) {
        const id = list[i]!;
        // Each decoded once per term, where it is first counted (a new string each: see TermNumbers).
        let w: string | undefined;
        if (counted[id] === 0) {
          w = numbers.term(id);
          counted[id] = 1;
          countedTerms++;
          indexBytes += w.length + 8;
        }
        if (plainTerm[id] === 0) {
          w ??= numbers.term(id);
          plainTerm[id] = !w || w.length > FLEX_MAX_TERM || w.includes(" ") ? 2 : 1;
        }
        if (plainTerm[id] === 2) plainAll = false;
        if (seenAt[id] === stamp) {
          repeats = true;
          continue;
        }
        seenAt[id] = stamp;
        addDf(id * fields + field, 1);
        indexBytes += idBytes;
        if (!vocabField[field]) continue;
        if (vocabWord[id] === 0) {
          const t = w ?? numbers.term(id);
          vocabWord[id] = t.length >= 4 && !/\d/.test(t) ? 1 : 2;
        }
        if (vocabWord[id] === 1 && vocabAt[id] !== doc + 1) {
          vocabAt[id] = doc + 1;
          if (vocabCount[id]!++ === 0) vocabOrder.push(id);
        }
      }
      indexed.push(!plainAll ? strictIds(list) : repeats ? firstOfEach(list, stamp) : list);
    }
    titleTags.pushIds(terms[titleField]!, terms[tagsField]!, termOf);
    doc++;
    return packDocTerms({ start, end, series: seriesId }, indexed, held);
  };
  let terms: Lines<PackedDocTerms>;
  try {
    terms = options.termsPath ? TermsFile.write(options.termsPath, each(), n) : arrayDocs([...each()]);
  } catch (e) {
    passWriter?.abort();
    titleTags.abort();
    aside.remove();
    throw e;
  }
  const passDocs: Lines<PassRecord> = passWriter ? passWriter.finish() : docs;
  // What only the docs' pass counts with goes before the terms held aside are numbered, which may grow the
  // per-term arrays once more (holding the old and the new at once): 18 bytes a term of room, 45 MB at 3M records.
  // Terms numbered from now on are reference terms, never typo suggestions: the vocabulary's counts are final.
  const vocab = { ids: Uint32Array.from(vocabOrder), counts: new Uint32Array(vocabOrder.length) };
  vocab.ids.forEach((id, i) => {
    vocab.counts[i] = vocabCount[id]!;
  });
  vocabOrder.length = 0;
  seenAt = new Int32Array(0);
  vocabCount = vocabAt = new Uint32Array(0);
  vocabWord = plainTerm = new Uint8Array(0);
  numbers.docsRead();
  collectGarbage();
  // The terms held aside, settled: numbered where more than one doc holds one or it has a number already (then its
  // aside docs join its counts), left a string where one doc alone holds it.
  const asideNumbers = new PackedNumberMap();
  function* settle(): Generator<string> {
    for (const [t, [docCount]] of aside.sorted()) {
      let id = numbers.numberOf(t);
      if (id === undefined && docCount > 1) {
        id = numbers.intern(t);
        makeRoom();
      }
      if (id === undefined) {
        countedTerms++;
        indexBytes += t.length + 8;
        yield t;
        continue;
      }
      if (counted[id] === 0) {
        counted[id] = 1;
        countedTerms++;
        indexBytes += t.length + 8;
      }
      addDf(id * fields + REF_FIELD, docCount);
      asideNumbers.set(t, id);
    }
  }
  let loneTerms: () => Iterable<string>;
  if (terms instanceof TermsFile) {
    terms.writeTail(settle());
    loneTerms = loneTermsOf(terms);
  } else loneTerms = loneTermsOf([...settle()]);
  asideNumbers.trim();
  titleTags.finish();
  // One document frequency per term, the largest of its fields' (see writeShard).
  const termDf = new Uint32Array(numbers.size);
  for (let id = 0; id < termDf.length; id++) {
    let max = 0;
    for (let f = 0; f < fields; f++) max = Math.max(max, dfAt(id * fields + f));
    termDf[id] = max;
  }
  // The fields' counts (18 bytes a term) go before families() copies the per-term arrays it keeps (14 bytes a
  // term), so the copies take room the counts gave back. Settling read every reference term held aside back from
  // its runs (as JSON): that garbage goes too, before the ranks are worked out, so it never piles up beside what
  // they allocate.
  fieldDf = new Uint16Array(0);
  counted = new Uint8Array(0);
  dfOver.clear();
  collectGarbage();
  const families = numbers.families();
  collectGarbage();
  const shardCount = Math.max(1, Math.min(n, options.shards ?? searchShardCount(indexBytes, n)));
  const bounds = Array.from({ length: shardCount + 1 }, (_, k) => Math.round((k * n) / shardCount));

  const seriesNames = [...series.keys()].sort(compareReferences);
  const seriesRank = new Uint32Array(series.size);
  seriesNames.forEach((name, rank) => {
    seriesRank[series.get(name)!] = rank;
  });
  // Docs are in catalogue order within each record shard (the layout's sort): merged, not sorted again.
  const ranks = catalogueRanks(references, Array.from(layout.shardStarts));
  const catalogueOrder = options.ranksPath ? DocRanks.spilled(options.ranksPath, ranks) : DocRanks.held(ranks);
  const blockDocs = options.blockDocs ?? INDEX_BLOCK_DOCS;
  return {
    docs,
    idsDigest: ids.update(idsPending).digest("hex"),
    termList: families.list,
    termDf,
    countedTerms,
    asideNumbers,
    loneTerms,
    vocab,
    titleTags,
    indexBytes,
    shardCount,
    bounds,
    seriesNames,
    catalogueOrder,
    terms,
    passDocs,
    families,
    seriesRank,
    blockDocs,
  };
}

/**
 * The plan's lone terms, read again by `finishSearch`. Made here, not inside `planSearch`: a closure made there
 * would keep its whole scope alive (V8 holds one context per scope for all its closures), and with it the plan's
 * per-term counting arrays (53 bytes a term with their growth room: 10 MiB at 200,000 terms) through every shard.
 */
function loneTermsOf(terms: TermsFile | readonly string[]): () => Iterable<string> {
  return terms instanceof TermsFile ? () => terms.tail() : () => terms;
}

/** Pass 2 for search shard `k`: index only its docs, so memory is bounded by a shard, not the catalogue. */
export function buildSearchShard(plan: SearchPlan, k: number, out: AssetWriter): SearchShardManifest {
  const { bounds, shardCount } = plan;
  const start = bounds[k]!,
    end = bounds[k + 1]!;
  const cols = newFilterColumns(start, end - start);
  cols.order.set(plan.catalogueOrder.range(start, end));
  // Terms the terms file writes out get their number here: the plan's, or one of this shard's own past the plan's
  // (a term one doc alone holds is in no other shard).
  const base = plan.termList.length;
  const own: string[] = [];
  const numberOf = (t: string) => plan.asideNumbers.get(t) ?? base + own.push(t) - 1;
  const termOf = (id: number) => (id < base ? plan.termList.at(id) : own[id - base]!);
  const { byTerm, postings } = indexRange(plan.terms, start, end, plan.blockDocs, numberOf, (i, packed) => {
    cols.start[i] = docStartYear(packed);
    cols.end[i] = docEndYear(packed);
    cols.series[i] = plan.seriesRank[docSeries(packed)]!;
  });
  return writeShard(k, start, end, byTerm, postings, plan, termOf, shardCount > 1 ? plan.termDf : null, cols, out);
}

/**
 * The search files that need the records but not the index: people, typeahead and volumes, each a pass over the
 * docs. A build may make them on a worker thread while the index is built (catalogue-wide-worker.ts).
 */
export interface RecordPassParts {
  people: SearchManifest["people"];
  suggest: SearchManifest["suggest"];
  volumeIndex: SearchManifest["volumeIndex"];
}

export function buildRecordPassParts(
  docs: Docs,
  out: AssetWriter,
  /** The docs' PassRecord fields, if written apart (SearchPlan.passDocs): people and typeahead read those. */
  passDocs: Lines<PassRecord> = docs,
): RecordPassParts {
  // People first: a person's typeahead entries carry the authority's canonical slug.
  const { chunks, canonical } = buildPeople(passDocs, out);
  // Paged by a key's first two characters: a typed prefix's longest-match probes then read at most two pages.
  const suggest = writePagedTable(
    out,
    "search/suggest-dir",
    "page",
    Object.entries(buildSuggest(passDocs, out, canonical)),
    undefined,
    SUGGEST_DIR_KEY_CHARS,
  );
  const people = {
    count: chunks.length,
    chunks: writePagedTable(
      out,
      "search/people-dir",
      "page",
      chunks.map((path, i): [string, string] => [String(i), path]),
    ),
  };
  return { people, suggest, volumeIndex: buildVolumes(docs, out) };
}

/**
 * The catalogue-wide search files (lexicon, vocabulary, typeahead, people, related) and the search manifest.
 * `made`: the record passes' parts and related records, when a worker thread made them already.
 */
export function finishSearch(
  plan: SearchPlan,
  shards: SearchShardManifest[],
  out: AssetWriter,
  options: Pick<SearchBuildOptions, "thesaurus">,
  made?: RecordPassParts,
) {
  const { docs, termList, termDf } = plan;
  // The vocabulary's words decoded once, for its files and the lexicon's prefix filter.
  const vocabWords = Array.from(plan.vocab.ids, (id) => termList.at(id));
  const vocabFiles = buildVocab(
    vocabWords.map((w, i): [string, number] => [w, plan.vocab.counts[i]!]),
    out,
  );
  const vocab = writePagedTable(out, "search/vocab-dir", "page", Object.entries(vocabFiles.paths));
  // Paged by the key's two letters: one word's ranges at every length are on one page.
  const vocabRanges = writePagedTable(out, "search/vocab-ranges", "page", vocabFiles.ranges, undefined, 2);
  const { lexicon, vocabPrefixes } = buildLexicon(
    (visit) => {
      for (let id = 0; id < termList.length; id++) if (termDf[id]! > 0) visit(termList.at(id));
      for (const t of plan.loneTerms()) visit(t);
    },
    plan.countedTerms,
    vocabWords,
    out,
  );
  // Done with (the terms' packed strings go with the families): the rest of the build holds the plan, and full
  // collections mark what it holds.
  plan.vocab = { ids: new Uint32Array(0), counts: new Uint32Array(0) };
  plan.families.release();
  const thesaurus = compileThesaurus(options.thesaurus, out);
  const { people, suggest, volumeIndex } = made ?? buildRecordPassParts(docs, out, plan.passDocs);
  const related = made ? null : buildRelated(plan.passDocs, plan.titleTags);
  // Related records were its only reader (the worker's, when it made them, has read its copy by now).
  plan.titleTags.remove();

  const manifest: SearchManifest = {
    format: INDEX_FORMAT,
    fingerprint: configFingerprint(),
    docs: docs.length,
    // Both grow with the catalogue: out of the manifest root (see SearchShardList).
    shards: {
      count: shards.length,
      table: writePagedTable(
        out,
        "search/shard-dir",
        "page",
        shards.map((s, k): [string, SearchShardManifest] => [String(k), s]),
      ),
    },
    seriesNames: out.addJson("search", "series-names", plan.seriesNames),
    lexicon,
    vocab,
    vocabRanges,
    vocabPrefixes,
    suggest,
    thesaurus: thesaurus?.path ?? null,
    thesaurusVersion: thesaurus?.version ?? null,
    people,
    volumeIndex,
  };
  return { manifest, related, indexBytes: plan.indexBytes };
}

/** A 16-bit document frequency that stands for a count held in the plan's `dfOver` map (see planSearch). */
const DF_OVER = 0xffff;

/** The largest (doc, field) stamp the plan's Int32Array can hold (see planSearch). */
const MAX_STAMP = 2 ** 31 - 1;

/** Characters of a typeahead key that choose its directory page. */
const SUGGEST_DIR_KEY_CHARS = 2;

/**
 * Distinct reference terms held aside in the plan's memory before they are spilled as a sorted run (see planSearch):
 * a Map entry and a short string each, some 80 bytes, so about 40 MB at most.
 */
const ASIDE_BLOCK_TERMS = 1 << 19;

/** Fields whose words typo correction may suggest. */
const VOCAB_FIELDS = new Set<FieldName>(["title", "people", "tags", "desc", "names"]);

/**
 * Docs whose terms are read from the terms file at a time while a shard is indexed (when the index was a
 * FlexSearch index per block, this bounded its memory; the output is the same for any size).
 */
export const INDEX_BLOCK_DOCS = 8192;

/**
 * The postings of docs `[start, end)`, term by term, field by field, a block of docs read at a time: each
 * occurrence is noted in flat arrays, then a counting sort by (term, field) lays every list out at once, each in
 * doc order (the sort is stable, and docs are read in order). Terms come in the order the lists were first seen
 * field by field (the first field's terms first), as a Map per field gave them.
 *
 * Hand-written rather than through a FlexSearch index per block: this is what FlexSearch's strict tokenizer with
 * FLEX_OPTIONS gives (`strictSlots`; test/build/direct-postings.node.test.ts holds the two equal), without
 * building an index and its export to read it back, which cost two thirds of a shard's build.
 */
function indexRange(
  terms: Lines<PackedDocTerms>,
  start: number,
  end: number,
  blockDocs: number,
  /** The number of a term the terms file writes out. */
  numberOf: (term: string) => number,
  /** Called with each doc's place in the range and its packed terms, whose header (DOC_HEADER) is its own. */
  eachDoc: (i: number, packed: PackedDocTerms) => void,
): { byTerm: Map<number, TermEntries>; postings: ShardPostings } {
  const fields = FIELD_NAMES.length;
  // The shard's terms numbered from 0 on first sight (a list's key is `local * fields + field`).
  const localOf = new Map<number, number>();
  let termOfLocal = new Uint32Array(1 << 12);
  let count = new Uint32Array((1 << 12) * fields);
  let firstKeys = new Uint32Array(1 << 12);
  let keys = 0;
  let occKey = new Uint32Array(1 << 16);
  let occDoc = new Uint32Array(1 << 16);
  let occSlot = new Uint8Array(1 << 16);
  let occ = 0;
  for (let from = start; from < end; from += blockDocs) {
    const to = Math.min(end, from + blockDocs);
    let doc = from;
    for (const packed of terms.range(from, to)) {
      eachDoc(doc - start, packed);
      let written: string[] | null = null;
      let at = DOC_HEADER + fields;
      for (let field = 0; field < fields; field++) {
        // The plan kept each field's terms as strictSlots does: only their slots are left to work out here.
        const n = packed[DOC_HEADER + field]!;
        for (let i = 0; i < n; i++) {
          let id = packed[at + i]!;
          if (id >= WRITTEN_OUT) {
            written ??= writtenTerms(packed, fields);
            id = numberOf(written[id - WRITTEN_OUT]!);
          }
          let local = localOf.get(id);
          if (local === undefined) {
            local = localOf.size;
            localOf.set(id, local);
            if (local === termOfLocal.length) {
              termOfLocal = grownTo(termOfLocal, 2 * local);
              count = grownTo(count, 2 * local * fields);
            }
            termOfLocal[local] = id;
          }
          const key = local * fields + field;
          const seen = count[key]!;
          count[key] = seen + 1;
          if (seen === 0) {
            if (keys === firstKeys.length) firstKeys = grownTo(firstKeys, 2 * keys);
            firstKeys[keys++] = key;
          }
          if (occ === occKey.length) {
            occKey = grownTo(occKey, 2 * occ);
            occDoc = grownTo(occDoc, 2 * occ);
            occSlot = grownTo(occSlot, 2 * occ);
          }
          occKey[occ] = key;
          occDoc[occ] = doc;
          occSlot[occ++] = strictSlot(i, n);
        }
        at += n;
      }
      doc++;
    }
  }
  // Where each list starts, lists in key order; then every occurrence into its list's next place.
  const lists = localOf.size * fields;
  const startOf = new Uint32Array(lists + 1);
  for (let key = 0; key < lists; key++) startOf[key + 1] = startOf[key]! + count[key]!;
  const next = startOf.slice(0, lists);
  const docs = new Uint32Array(occ);
  const slots = new Uint8Array(occ);
  for (let o = 0; o < occ; o++) {
    const key = occKey[o]!;
    const p = next[key]!;
    next[key] = p + 1;
    docs[p] = occDoc[o]!;
    slots[p] = occSlot[o]!;
  }
  const byTerm = new Map<number, TermEntries>();
  for (let field = 0; field < fields; field++)
    for (let j = 0; j < keys; j++) {
      const key = firstKeys[j]!;
      if (key % fields !== field) continue;
      const id = termOfLocal[(key - field) / fields]!;
      let entries = byTerm.get(id);
      if (!entries) byTerm.set(id, (entries = []));
      entries.push({ field, from: startOf[key]!, to: startOf[key + 1]! });
    }
  return { byTerm, postings: { docs, slots } };
}

/** FlexSearch's longest term (its Encoder's default `maxlength`): longer ones are not indexed. */
const FLEX_MAX_TERM = 1024;

/**
 * A field's terms as FlexSearch's strict tokenizer indexes them under FLEX_OPTIONS (no normalising, split on
 * spaces, each distinct term once at its first place): each term with its position slot, as FlexSearch's
 * `get_score` gives it for `resolution` slots.
 */
export function strictSlots(list: readonly string[], each: (term: string, slot: number) => void): void {
  const kept = strictTerms(list);
  const n = kept.length;
  for (let i = 0; i < n; i++) each(kept[i]!, strictSlot(i, n));
}

/** The slot of the `i`th of a field's `n` distinct terms, as FlexSearch's `get_score` gives it for `resolution` slots. */
function strictSlot(i: number, n: number): number {
  const resolution = FLEX_OPTIONS.resolution;
  return i && resolution > 1 ? (n <= resolution ? i : (((resolution - 1) / n) * i + 1) | 0) : 0;
}

/**
 * A field's terms as FlexSearch's strict tokenizer keeps them under FLEX_OPTIONS (split on spaces, empty and
 * over-long ones dropped, each distinct term once at its first place): `list` itself when it is that already.
 */
export function strictTerms(list: readonly string[]): readonly string[] {
  let kept: readonly string[] = list;
  // Most lists are already distinct single words: then they are indexed as given, without the split and the set.
  let plain = list.length <= PLAIN_LIST_MAX;
  for (let i = 0; plain && i < list.length; i++) {
    const w = list[i]!;
    if (!w || w.length > FLEX_MAX_TERM || w.includes(" ")) plain = false;
    else for (let j = 0; j < i; j++) if (list[j] === w) plain = false;
  }
  if (!plain) {
    const seen = new Set<string>();
    const words: string[] = [];
    for (const w of list.join(" ").split(" ")) {
      if (!w || w.length > FLEX_MAX_TERM || seen.has(w)) continue;
      seen.add(w);
      words.push(w);
    }
    kept = words;
  }
  return kept;
}

/** Lists up to this long are checked for repeats pair by pair (cheaper than a set); longer ones go through one. */
const PLAIN_LIST_MAX = 24;

/**
 * The postings FlexSearch itself gives for `docs` (a field's terms per doc, numbered from `from`), through an
 * index and its public `export()`: what `indexRange` must equal, for tests.
 */
export function flexSearchPostings(docs: readonly string[][], from = 0): Map<string, number[]> {
  const index = flexIndex();
  docs.forEach((list, i) => {
    if (list.length) index.add(from + i, list.join(" "));
  });
  const out = new Map<string, number[]>();
  for (const [term, slots] of exportedTermMap(index)) {
    const list: number[] = [];
    appendDocOrdered(slots, list);
    out.set(term, list);
  }
  return out;
}

/** `strictSlots` over `docs` as packed postings, in FlexSearch's term order (first sight), for tests. */
export function directPostings(docs: readonly string[][], from = 0): Map<string, number[]> {
  const out = new Map<string, number[]>();
  docs.forEach((list, i) => {
    strictSlots(list, (term, slot) => {
      let postings = out.get(term);
      if (!postings) out.set(term, (postings = []));
      postings.push((from + i) * SLOT_SPAN + slot);
    });
  });
  return out;
}

/**
 * The term map of a FlexSearch index, through its public `export()`: the
 * "map" parts are `[term, slots]` pairs (ids are numbers with `numeric: false`
 * refs kept as given, so they are normalised here).
 */
function exportedTermMap(index: Index): Array<[string, Slots]> {
  const out: Array<[string, Slots]> = [];
  // With a callback that returns nothing, export() runs synchronously.
  index.export((key: string, data: string) => {
    if (key.endsWith("map")) for (const pair of JSON.parse(data) as Array<[string, Slots]>) out.push(pair);
  });
  return out;
}

/** Appends slots as doc-ordered packed postings with the earliest slot of each doc (a block's docs follow the last's). */
function appendDocOrdered(slots: Slots, out: number[]): void {
  const slotOf = new Map<number, number>();
  slots.forEach((list, s) => {
    if (s >= SLOT_SPAN) throw new Error(`search-assets: slot ${s} does not fit a packed posting`);
    for (const id of list ?? []) {
      const doc = Number(id);
      if (!slotOf.has(doc)) slotOf.set(doc, s);
    }
  });
  for (const doc of Uint32Array.from(slotOf.keys()).sort()) out.push(doc * SLOT_SPAN + slotOf.get(doc)!);
}

/** Writes one search shard: its term chunks (solo or bucketed) and its filter columns. */
function writeShard(
  k: number,
  start: number,
  end: number,
  byTerm: Map<number, TermEntries>,
  postings: ShardPostings,
  plan: Pick<SearchPlan, "families" | "shardCount">,
  /** Each term by its number (the plan's, and the shard's own past them). */
  termOf: (id: number) => string,
  /** Catalogue-wide frequencies by term number (see SearchPlan.termDf), in a sharded index. */
  globalDf: Uint32Array | null,
  cols: ReturnType<typeof newFilterColumns>,
  out: AssetWriter,
): SearchShardManifest {
  const { families } = plan;
  const dir = globalDf ? `search/s${k}/terms` : "search/terms";
  const solo: Record<string, string> = {};
  /** A term of this shard: its number, its bucket key's hash (termBucketHash), and where its lists are. */
  type Item = { id: number; term: string; df: number; entries: TermEntries; size: number; hash: number };
  // A list reaches the encoder as views onto the shard's postings, made as its chunk is encoded.
  const bucketed: Item[] = [];
  const termInput = (term: string, df: number, entries: TermEntries): TermInput => ({
    term,
    fields: entries.map(
      (e): FieldPostingsInput => ({
        field: e.field,
        docs: postings.docs.subarray(e.from, e.to),
        slots: postings.slots.subarray(e.from, e.to),
        df,
      }),
    ),
  });
  const encode = (items: Item[]) =>
    encodeTermChunk(
      items.map((t) => termInput(t.term, t.df, t.entries)),
      families.familiesOf(
        items.map((t) => t.id),
        termOf,
      ),
    );
  let bucketBytes = 0;
  let bytes = 0;
  // Terms go to chunks by family (their stem, see term-family.ts), so a stem's derived postings can be given by
  // its words' literal ones in the same chunk. A family whose postings exceed soloTermBytes gets a chunk of its
  // own, every member of it listed in the term table. A family is keyed by its stem (the plan derived each numbered
  // term's stem once: its number's term; otherwise the stem itself).
  const byFamily = new Map<string, Item[]>();
  for (const [id, entries] of byTerm) {
    const term = termOf(id);
    // One document frequency per term, the largest of its fields': a word rare in titles but common in
    // descriptions is a common word, and must not score as a rare one because it sits in a title.
    // Catalogue-wide in a sharded index, so every shard scores as the whole index would.
    const df = globalDf?.[id] || Math.max(...entries.map((e) => e.to - e.from));
    // Estimated encoded size: about two bytes per posting plus the directory.
    const size = entries.reduce((n, e) => n + 2 * (e.to - e.from) + 16, term.length + 8);
    const stemId = families.stemOf(id);
    const key = stemId >= 0 ? termOf(stemId) : termBucketKey(term);
    let family = byFamily.get(key);
    if (!family) byFamily.set(key, (family = []));
    family.push({ id, term, df, entries, size, hash: 0 });
  }
  byTerm.clear();
  for (const [key, family] of byFamily) {
    const size = family.reduce((n, t) => n + t.size, 0);
    const hash = fnv1a32(key);
    if (size > CHUNKING.soloTermBytes) {
      const chunk = encode(family);
      bytes += chunk.byteLength;
      const path = out.add(dir, `solo-${hash.toString(36)}`, "bin", chunk);
      for (const t of family) solo[t.term] = path;
    } else {
      for (const t of family) {
        t.hash = hash;
        bucketed.push(t);
      }
      bucketBytes += size;
    }
  }
  byFamily.clear();
  const bucketCount = termBucketCount(bucketBytes, plan.shardCount);
  const buckets: Item[][] = Array.from({ length: bucketCount }, () => []);
  // termBucketHash(term) is fnv1a32 of the term's bucket key (its stem): the family's hash.
  for (const item of bucketed) buckets[item.hash % bucketCount]!.push(item);
  bucketed.length = 0;
  const bucketHashes = buckets
    .map((items, b) => {
      const chunk = encode(items);
      buckets[b] = [];
      bytes += chunk.byteLength;
      return hashOfPath(out.add(dir, String(b), "bin", chunk));
    })
    .join("");

  const filters = out.add(globalDf ? `search/s${k}` : "search", "filters", "bin", encodeFilterColumns(cols));
  const table: ShardTermTable = { buckets: bucketHashes, solo };
  const terms = out.addJson(globalDf ? `search/s${k}` : "search", "term-table", table);
  return { start, end, dir: `/${dir}`, bucketCount, terms, filters, bytes };
}

/**
 * How many term buckets a shard of `bucketBytes` (estimated) splits into: about `CHUNKING.bucketTargetBytes` each.
 * Where a Durable Object scores a group of several shards (more shards than MAX_FANOUT), the count is rounded to a
 * power of two (chunks of 0.71 to 1.41 times the target). Neighbouring shards then almost always have the same
 * count, so a term's bucket is the same in each, and the packer lays those chunks side by side (pack-assets.ts
 * `packLayoutKey`): the object reads a term's chunks for its whole group in one range, not one read a shard. Where
 * two counts differ, the larger's buckets nest in the smaller's (`h % 2n` is `h % n` or `h % n + n`), so the
 * chunks stay within a chunk of each other. Deployed, an invocation holds six storage requests open at once and
 * queues the rest: a 10M-record object's cold three-word query made 132 term reads, one a shard and bucket.
 */
export function termBucketCount(bucketBytes: number, shardCount: number): number {
  const count = Math.max(1, Math.ceil(bucketBytes / CHUNKING.bucketTargetBytes));
  return shardCount > MAX_FANOUT ? 2 ** Math.round(Math.log2(count)) : count;
}

/**
 * Every indexed term, for "is this word spelt as the catalogue spells it?" without loading postings, and the prefix
 * rule's filter over the vocabulary (see `vocabPrefixFilter`), side by side in the same pages (shared/bloom.ts): a
 * word's page answers both. `terms` visits each term once per call; `count` is how many it visits.
 */
export function buildLexicon(
  terms: (visit: (term: string) => void) => void,
  count: number,
  vocabWords: Iterable<string>,
  out: AssetWriter,
): Pick<SearchManifest, "lexicon" | "vocabPrefixes"> {
  const prefixes = vocabPrefixFilter(vocabWords);
  const { minPrefix, maxExtra, bitsPerKey, hashes } = VOCAB_PREFIX_FILTER;
  const pages = buildBloomPages(
    [
      { keys: terms, ...LEXICON_FILTER },
      { keys: prefixes.keys, bitsPerKey, hashes },
    ],
    [count, prefixes.count],
  );
  const hashesOfPages = pages.map((page, p) => hashOfPath(out.add("search/lexicon", String(p), "bin", page))).join("");
  return {
    lexicon: { pages: hashesOfPages, hashes: LEXICON_FILTER.hashes },
    vocabPrefixes: { hashes, minPrefix, maxExtra },
  };
}

/**
 * The keys of the prefix rule's filter over the vocabulary's words (see `VOCAB_PREFIX_FILTER`): each word's
 * prefixes of `minPrefix` letters or more and at most `maxExtra` letters shorter, keyed with the word's length.
 */
export function vocabPrefixFilter(words: Iterable<string>): {
  keys: (visit: (key: string) => void) => void;
  count: number;
} {
  const { minPrefix, maxExtra } = VOCAB_PREFIX_FILTER;
  // Each length's words sorted: a word's prefix of n letters is a new key exactly where it shares fewer than n
  // letters with the word before it, so the distinct keys are counted (to size the filter) and added without a set
  // of them, which held 1.2 million strings at a million records and grows with the vocabulary.
  const byLength = new Map<number, string[]>();
  for (const t of words) {
    if (t.length <= minPrefix) continue;
    const list = byLength.get(t.length);
    if (list) list.push(t);
    else byLength.set(t.length, [t]);
  }
  const keys = (visit: (key: string) => void) => {
    for (const [length, list] of byLength) {
      const from = Math.max(minPrefix, length - maxExtra);
      for (let i = 0; i < list.length; i++) {
        const word = list[i]!;
        for (let n = Math.max(from, i ? sharedPrefix(list[i - 1]!, word) + 1 : 0); n < length; n++)
          visit(vocabPrefixKey(word.slice(0, n), length));
      }
    }
  };
  for (const list of byLength.values()) list.sort();
  let count = 0;
  keys(() => count++);
  return { keys, count };
}

/** How many leading letters `a` and `b` share. */
function sharedPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/**
 * Words of 4+ letters by length, with document frequency, for typo correction; and, for the prefix rule, where
 * in each length's file the words beginning with each two letters are (see `VocabRange`), so a prefix reads a
 * few kilobytes of one file instead of parsing all of it.
 */
export function buildVocab(
  df: Iterable<[string, number]>,
  out: AssetWriter,
): { paths: Record<string, string>; ranges: Array<[string, VocabRange]> } {
  const byLength = new Map<number, VocabPartition>();
  for (const [t, c] of df) {
    let list = byLength.get(t.length);
    if (!list) byLength.set(t.length, (list = []));
    list.push([t, c]);
  }
  const paths: Record<string, string> = {};
  const ranges: Array<[string, VocabRange]> = [];
  for (const [len, list] of byLength) {
    list.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    // Written as JSON.stringify(list) would write it, entry by entry, counting UTF-8 bytes on the way.
    const parts = list.map((e) => JSON.stringify(e));
    let offset = 1;
    for (let i = 0; i < list.length; ) {
      const key = list[i]![0].slice(0, 2);
      const from = offset;
      let j = i;
      for (; j < list.length && list[j]![0].startsWith(key); j++) offset += Buffer.byteLength(parts[j]!) + 1;
      ranges.push([`${key}${len}`, [from, offset - 1 - from]]);
      i = j;
    }
    paths[String(len)] = out.add("search/vocab", String(len), "json", `[${parts.join(",")}]`);
  }
  return { paths, ranges };
}

export type { CatalogueRecord };
