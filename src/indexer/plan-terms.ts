/**
 * A record's indexed terms as numbers, for the build's plan: every distinct term gets a number on first sight,
 * and the keys derived from a word (its stem, variant key and sound codes) are worked out once per word number and
 * kept in typed arrays by it. recordFieldTerms derives them per occurrence through bounded string memos, which
 * past a few hundred thousand distinct words (a million-record catalogue) were emptied again and again; here a
 * word's keys cost one array read after its first sight. The terms are recordFieldTerms' field by field (held
 * equal by test/build/plan-terms.node.test.ts).
 */
import type { CatalogueRecord } from "../shared/record";
import { isNameWord, recordFieldWords } from "../shared/record-fields";
import { FIELD_NAMES, type FieldName } from "../shared/search-config";
import type { TermFamilies } from "../shared/index-format/term-chunk";
import { phoneticKeys } from "../shared/text/phonetic";
import { stem } from "../shared/text/stem";
import { variantKey } from "../shared/text/variants";
import { PackedKeys } from "./packed-string-map";
import type { PackedStrings } from "./packed-strings";
import { TERM_ARRAY_GROWTH, grownTo } from "./typed-array-growth";

/** No number yet (typed arrays of derived keys start filled with it). */
const NONE = -1;
/** A derived key that is no term of the catalogue (term families only): no chunk can hold it. */
const ABSENT = -2;

const STEM = FIELD_NAMES.indexOf("stem");
const NAMES = FIELD_NAMES.indexOf("names");
const PHON = FIELD_NAMES.indexOf("phon");
const REF = FIELD_NAMES.indexOf("ref");

/** Whether a shard indexes `w` as it is (strictTerms keeps it whole): not empty, not over-long, no space. */
export function isPlainTerm(w: string): boolean {
  return w.length > 0 && w.length <= 1024 && !w.includes(" ");
}

/**
 * Every term's family (shared/index-format/term-family.ts: its stem; for a name word, its variant key and sound
 * codes) as term numbers, worked out once per term for the whole build. The term chunks' encoder asks for a
 * term's family in every shard it is in, and term-family.ts derives it each time through a 20,000-word memo: at a
 * million records, several derivations of each of millions of terms. Only keys that are terms are kept: the
 * encoder looks a key up among its chunk's terms, so a key no chunk holds changes nothing.
 */
export class TermFamilyTable {
  constructor(
    /** Every term by its number, packed: from the plan's end to the last shard the only copy of the terms. */
    readonly list: PackedStrings,
    private stemId: Int32Array,
    private variantId: Int32Array,
    private nameWord: Uint8Array,
    /** A name word's sound codes: `soundCount[id]` of them from `soundPool[soundAt[id]]` (see TermNumbers). */
    private soundAt: Int32Array,
    private soundCount: Uint8Array,
    private soundPool: Int32Array,
  ) {}

  /** Lets the table go once every shard is written: a build keeps its plan to the end. */
  release(): void {
    this.list.clear();
    this.stemId = this.variantId = this.soundAt = this.soundPool = new Int32Array(0);
    this.nameWord = this.soundCount = new Uint8Array(0);
  }

  /**
   * The stem of term `id` as a term number, or -1 when its stem is no numbered term (then bucketed by the string).
   * Numbers past the table's are a shard's own (terms held aside, see TermNumbers): -1.
   */
  stemOf(id: number): number {
    if (id >= this.list.length) return NONE;
    const s = this.stemId[id]!;
    return s >= 0 ? s : NONE;
  }

  /**
   * term-family.ts's termFamilies for the terms numbered `ids` (by term, for encodeTermChunk), keys that are terms.
   * `termOf` names the numbers past the table's: a shard's own, terms one doc alone holds in its reference field
   * (see TermNumbers), given no family. None could matter: the encoder links a derived field's term (stem, names,
   * phon) to members' postings in its source fields (term-chunk.ts DERIVED_SOURCES), and the reference field is
   * neither, so a term only it holds is no member of any family, and no key either (the derived fields' terms are
   * all numbered: docTerms numbers every stem, variant key and sound code). Keys this table leaves out because no
   * numbered term is them are such terms or none at all.
   */
  familiesOf(ids: Iterable<number>, termOf: (id: number) => string = (id) => this.list.at(id)): TermFamilies {
    const idOf = new Map<string, number>();
    for (const id of ids) idOf.set(termOf(id), id);
    return (term) => {
      const id = idOf.get(term);
      if (id === undefined) throw new Error(`plan-terms: "${term}" is not one of the chunk's terms`);
      if (id >= this.list.length) return [];
      const out: Array<readonly [number, string]> = [];
      const s = this.stemId[id]!;
      if (s >= 0) out.push([STEM, this.list.at(s)]);
      if (this.nameWord[id] === 1) {
        const v = this.variantId[id]!;
        if (v >= 0) out.push([NAMES, this.list.at(v)]);
        const at = this.soundAt[id]!;
        for (let i = at; i < at + this.soundCount[id]!; i++) out.push([PHON, this.list.at(this.soundPool[i]!)]);
      }
      return out;
    };
  }
}

/**
 * Numbers every distinct term a doc's fields hold (see docTerms). With `refAside`, a reference field's term not
 * numbered yet is not numbered but held aside for the doc (`aside`): most are a record's own id terms, met once in
 * the whole catalogue (83% of a million records' terms), and a number each cost the plan some 150 bytes a term.
 */
export class TermNumbers {
  /**
   * Every term and its number, packed from first sight (packed-string-map.ts). A `Map` of the strings and a list of
   * them were 320 MB of live heap at 3M synthetic records once the docs were read, under the plan's peak at 10M. At
   * 500k the plan's peak is 118.9 MiB this way, 136.4 MiB that way (docs/benchmarks-history.md, "The plan's terms packed from
   * first sight").
   */
  private readonly keys = new PackedKeys();
  private stemId = new Int32Array(1 << 16).fill(NONE);
  private variantId = new Int32Array(1 << 16).fill(NONE);
  /** 1: a name word (see isNameWord), 2: not, 0: not yet known. */
  private nameWord = new Uint8Array(1 << 16);
  /**
   * A name word's sound codes, derived on first sight: `soundCount[id]` numbers from `soundPool[soundAt[id]]`
   * (NONE: not yet derived). One typed pool, where an array per name word was millions of small objects on the
   * plan's heap (about 70 bytes a term at 200,000 synthetic records), marked by every full collection from the
   * plan to the last shard.
   */
  private soundAt = new Int32Array(1 << 16).fill(NONE);
  private soundCount = new Uint8Array(1 << 16);
  private soundPool = new Int32Array(1 << 16);
  private soundUsed = 0;
  /** Per doc, where a word was last taken as a name word: `named` lists each once. */
  private namedAt = new Int32Array(1 << 16).fill(NONE);
  private doc = 0;
  /** The last doc's reference terms held aside, each once: docTerms gives them as -1 - their index here. */
  readonly aside: string[] = [];

  constructor(private readonly refAside = false) {}

  get size(): number {
    return this.keys.size;
  }

  /** Term `id`, decoded: a new string each time. */
  term(id: number): string {
    return this.keys.at(id);
  }

  /** The number of `t` if it has one. */
  numberOf(t: string): number | undefined {
    const id = this.keys.entryOf(t);
    return id < 0 ? undefined : id;
  }

  /** The number of `t`, given on first sight. */
  intern(t: string): number {
    const size = this.keys.size;
    const id = this.keys.add(t);
    if (id === size) {
      if (id === this.stemId.length) {
        const n = Math.ceil(id * TERM_ARRAY_GROWTH);
        this.stemId = grownTo(this.stemId, n, NONE);
        this.variantId = grownTo(this.variantId, n, NONE);
        if (this.namedAt.length) this.namedAt = grownTo(this.namedAt, n, NONE);
        this.nameWord = grownTo(this.nameWord, n);
        this.soundAt = grownTo(this.soundAt, n, NONE);
        this.soundCount = grownTo(this.soundCount, n);
      }
    }
    return id;
  }

  private internAll(list: readonly string[]): number[] {
    const out = new Array<number>(list.length);
    for (let i = 0; i < list.length; i++) out[i] = this.intern(list[i]!);
    return out;
  }

  private stemOf(id: number): number {
    let s = this.stemId[id]!;
    if (s === NONE) this.stemId[id] = s = this.intern(stem(this.term(id)));
    return s;
  }

  private variantOf(id: number): number {
    let v = this.variantId[id]!;
    if (v === NONE) this.variantId[id] = v = this.intern(variantKey(this.term(id)));
    return v;
  }

  /** Notes `codes` as term `id`'s sound codes, in the pool. */
  private setSounds(id: number, codes: readonly number[]): void {
    if (codes.length > 255) throw new Error(`plan-terms: "${this.term(id)}" has ${codes.length} sound codes`);
    if (this.soundUsed + codes.length > this.soundPool.length)
      this.soundPool = grownTo(
        this.soundPool,
        Math.max(this.soundUsed + codes.length, Math.ceil(this.soundPool.length * TERM_ARRAY_GROWTH)),
      );
    this.soundPool.set(codes, this.soundUsed);
    this.soundAt[id] = this.soundUsed;
    this.soundCount[id] = codes.length;
    this.soundUsed += codes.length;
  }

  /** Where term `id`'s sound codes are in the pool, derived (and their keys numbered) on first sight. */
  private soundsOf(id: number): number {
    if (this.soundAt[id] === NONE) this.setSounds(id, this.internAll(phoneticKeys(this.term(id))));
    return this.soundAt[id]!;
  }

  private isName(id: number): boolean {
    let n = this.nameWord[id]!;
    if (n === 0) this.nameWord[id] = n = isNameWord(this.term(id)) ? 1 : 2;
    return n === 1;
  }

  /** Lets go what only the docs' pass uses (docTerms may not be called after). */
  docsRead(): void {
    this.namedAt = new Int32Array(0);
  }

  /**
   * Every term's family as numbers (see TermFamilyTable), once every doc's terms are numbered: what the words
   * got from docTerms is kept, the rest is derived here once. The strings' map goes, and the strings themselves
   * are handed to the table, packed as they were: no term is numbered or looked up after.
   */
  families(): TermFamilyTable {
    const n = this.keys.size;
    const lookUp = (t: string) => this.numberOf(t) ?? ABSENT;
    for (let id = 0; id < n; id++) {
      const t = this.term(id);
      if (this.stemId[id] === NONE) this.stemId[id] = lookUp(stem(t));
      if (this.nameWord[id] === 0) this.nameWord[id] = isNameWord(t) ? 1 : 2;
      if (this.nameWord[id] !== 1) continue;
      if (this.variantId[id] === NONE) this.variantId[id] = lookUp(variantKey(t));
      if (this.soundAt[id] === NONE) {
        const known: number[] = [];
        for (const k of phoneticKeys(t)) {
          const kid = lookUp(k);
          if (kid >= 0) known.push(kid);
        }
        this.setSounds(id, known);
      }
    }
    this.namedAt = new Int32Array(0);
    // Trimmed to the terms numbered: the table is held through every shard, and the arrays' growth room (up to a
    // third of them, see TERM_ARRAY_GROWTH) would be held with it. The grown arrays are let go here and freed by the
    // collection planSearch makes next.
    return new TermFamilyTable(
      this.keys.release(),
      (this.stemId = this.stemId.slice(0, n)),
      (this.variantId = this.variantId.slice(0, n)),
      (this.nameWord = this.nameWord.slice(0, n)),
      (this.soundAt = this.soundAt.slice(0, n)),
      (this.soundCount = this.soundCount.slice(0, n)),
      (this.soundPool = this.soundPool.slice(0, this.soundUsed)),
    );
  }

  /**
   * The next doc's terms, field by field in FIELD_NAMES order, as numbers: recordFieldTerms(r, context)'s lists,
   * each term numbered; with `refAside`, a reference term not yet numbered as `-1 - i`, `aside[i]` (only where the
   * field's terms are all plain, so a shard indexes them as they are).
   */
  docTerms(r: CatalogueRecord, context = ""): number[][] {
    if (!this.namedAt.length) throw new Error("plan-terms: docTerms after docsRead()");
    const w = recordFieldWords(r, context);
    const title = this.internAll(w.title);
    const people = this.internAll(w.people);
    const tags = this.internAll(w.tags);
    const desc = this.internAll(w.desc);
    const stamp = this.doc++;
    // Title and people words that are name words, each once, in order.
    const named: number[] = [];
    for (const list of [title, people])
      for (const id of list) {
        if (this.namedAt[id] === stamp || !this.isName(id)) continue;
        this.namedAt[id] = stamp;
        named.push(id);
      }
    const names = named.map((id) => this.variantOf(id));
    const phon: number[] = [];
    for (const id of named) {
      const at = this.soundsOf(id);
      for (let i = at; i < at + this.soundCount[id]!; i++) phon.push(this.soundPool[i]!);
    }
    const stems = new Array<number>(title.length + tags.length + desc.length);
    let i = 0;
    for (const list of [title, tags, desc]) for (const id of list) stems[i++] = this.stemOf(id);
    const byField: Record<FieldName, number[]> = {
      ref: this.refTerms(w.ref),
      title,
      people,
      tags,
      desc,
      names,
      phon,
      stem: stems,
      ctx: this.internAll(w.ctx),
    };
    return FIELD_NAMES.map((f) => byField[f]);
  }

  private refTerms(list: readonly string[]): number[] {
    this.aside.length = 0;
    if (!this.refAside || !list.every(isPlainTerm)) return this.internAll(list);
    const out = new Array<number>(list.length);
    for (let i = 0; i < list.length; i++) {
      const t = list[i]!;
      const id = this.numberOf(t);
      if (id !== undefined) out[i] = id;
      else {
        let k = this.aside.indexOf(t);
        if (k < 0) k = this.aside.push(t) - 1;
        out[i] = -1 - k;
      }
    }
    return out;
  }
}

export { REF as REF_FIELD };
