/**
 * Term chunks, binary (index format 9): the build's encoder and the Worker's
 * decoder of one chunk of the search index, defined together so the layout
 * exists once.
 *
 * A chunk holds a sorted, prefix-compressed term directory and, for every
 * term and field, its postings in doc order. The Worker decodes a field's
 * postings once, whole, into typed arrays (`LazyPostings`) when scoring first
 * reads them, and keeps those warm (with doc numbers local to the chunk's
 * search shard, 16-bit where the shard has at most 65,536 docs: 3 bytes a
 * held posting, not 5; the chunk's bytes are unchanged), so the chunk needs
 * no random access inside a field's postings: no block tables, no
 * fixed-width entries, only what gzip cannot squeeze out. Each field's
 * count, lowest slot (its score bound) and
 * bits are in the directory (format 9), so a list scoring never reads is
 * never decoded; block bounds are derived when decoding. A query reads only its own terms: a binary search over the
 * directory's restart points, then at most `RESTART_EVERY` terms scanned; no
 * JSON.parse on the hot path. Hand-written because no kept library offers
 * this layout in the Workers runtime; it is what lets a query touch a few KB
 * instead of parsing a whole chunk.
 *
 * Derived fields (index format 8 on). The stem, variant-key and sound-code fields are
 * made from the literal words of a record (`record-fields.ts`): the docs of a
 * stem "report" are the docs of "report", "reports", "reported"… in the
 * title, tags and description. Where such family members sit in the same
 * chunk (the build buckets a word by its stem, see term-family.ts), a derived
 * field lists them and stores only the docs their source fields do not give
 * (`DERIVED_SOURCES`), and each slot as its difference from a slot predicted
 * by where the members first occur (source field and slot; the chunk's
 * prediction table holds the most frequent slot per case). The decoder
 * rebuilds the field exactly: the build checks every derived field decodes
 * back to its input.
 *
 * Docs are Rice-coded (gaps, with a parameter both sides derive from a list's
 * length and the chunk's doc span); varint gaps left gzip about 10% above the
 * gaps' entropy. Slots are Huffman-coded with one canonical code per chunk and
 * context (field, and whether derived), right after their field's docs in the
 * same bit region: nibbles under gzip cost 4.37 MB at 100k, these codes about
 * 3.4 MB (their order-0 entropy is 3.1 MB). Hand-written for those bytes.
 *
 * Layout, little-endian:
 *   header      u32 × 7: MAGIC, termCount, restartCount, dirBytes, base (lowest doc in the chunk), span (highest doc
 *               − base + 1), postingBytes
 *   restarts    u32 × 2 × restartCount: per group of RESTART_EVERY terms, the byte offset of its first term in
 *               the directory, the bit offset of its postings in the postings region
 *   prediction  PREDICTION_CONTEXTS nibbles: per derived field, source rank and slot, the slot predicted
 *   slot codes  u32 mask of the slot contexts used (field × 2 + 1 if derived), then per context used, ascending,
 *               16 nibbles: each slot code's Huffman code length (0: unused); a context with one code spends no
 *               bits on it
 *   directory   per term: varint bytes shared with the previous term (0 at a restart), varint suffix length,
 *               suffix (UTF-8; terms sorted bytewise), u8 field count, per field (ascending) u8 field
 *               (| DERIVED_FLAG when derived) and varint count × 16 + lowest slot, and for a derived field varint
 *               member count and the members' term indices (varint gaps, the first from 0); then varint df (0: the
 *               term's largest count, else df + 1) and per field, varint bits of its postings
 *   postings    per term and field, bits, most significant first: its docs Rice-coded (the first doc's distance
 *               from `base`, then gaps less one; a derived field: only the docs its members do not give), then
 *               each doc's slot code (FlexSearch's resolution keeps slots under 16; a derived field's slot of a
 *               member's doc as its difference from the predicted one, mod 16), Huffman-coded by its context
 */

import { FIELD_NAMES, type FieldName } from "../search-config";
import { readVarint, varintLength, writeVarint } from "./varint";

/** "DXT9": Dossier term chunk with Huffman-coded slots, each field's lowest slot and bits in the directory (format 9). */
export const TERM_CHUNK_MAGIC = 0x39545844;
/** Postings per block: the unit of skipping and of score bounds. */
export const BLOCK_SIZE = 128;
/** Terms per directory group: the first of each is stored whole and binary-searched. */
const RESTART_EVERY = 32;
const HEADER_WORDS = 7;
/** Per restart group: the byte offset of its first term in the directory, its postings' bit offset. */
const RESTART_WORDS = 2;
/** Slots are coded as one of 16 codes (a derived slot's difference from its prediction is taken mod 16). */
const MAX_SLOT = 15;
/** Set on a field byte whose docs are partly given by family members (see the module comment). */
const DERIVED_FLAG = 0x80;
/** Index of each field in `FIELD_NAMES` (search-config.ts): the derivation rules below name fields by index. */
const F = Object.fromEntries(FIELD_NAMES.map((f, i) => [f, i])) as Record<FieldName, number>;
/**
 * Per derived field, the literal fields of its family members that give its docs (record-fields.ts): a stem of
 * title, tags and description words; a variant key and sound codes of title and people words.
 */
export const DERIVED_SOURCES: ReadonlyMap<number, readonly number[]> = new Map([
  [F.stem, [F.title, F.tags, F.desc]],
  [F.names, [F.title, F.people]],
  [F.phon, [F.title, F.people]],
]);

/** One field's postings of a term, as the build hands them to the encoder: docs ascending, one slot each. */
export interface FieldPostingsInput {
  /** Index of the field in `FIELD_NAMES`. */
  field: number;
  /** Document frequency to score with: catalogue-wide in a sharded index; one per term, so equal in its fields. */
  df: number;
  docs: ArrayLike<number>;
  slots: ArrayLike<number>;
}

export interface TermInput {
  term: string;
  fields: FieldPostingsInput[];
}

/**
 * Which derived terms a literal word of the catalogue feeds: `[field, term]` pairs (its stem in the stem field,
 * its variant key in the names field…). Build-time knowledge (term-family.ts) the encoder uses to find family
 * members in a chunk; the chunk then names them, so the decoder needs no word rules.
 */
export type TermFamilies = (term: string) => ReadonlyArray<readonly [field: number, term: string]>;

const utf8 = new TextEncoder();

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** A growable byte buffer with varint writes (the build side only). */
class ByteWriter {
  bytes = new Uint8Array(1024);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  byte(x: number): void {
    this.room(1);
    this.bytes[this.length++] = x;
  }

  varint(x: number): void {
    this.room(varintLength(x));
    this.length = writeVarint(this.bytes, this.length, x);
  }

  raw(b: Uint8Array): void {
    this.room(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
  }
}

/** A list of docs with a slot each, ascending by doc. */
interface SlotList {
  docs: ArrayLike<number>;
  slots: ArrayLike<number>;
}

/** Source ranks a derived field can have (title, tags, desc for a stem): a rank is a source's place in its list. */
const MAX_SOURCES = 3;
/** Where a derived field's predicted slots start in the chunk's prediction table: a context a rank and slot. */
function predictionAt(field: number): number {
  let k = 0;
  for (const f of DERIVED_SOURCES.keys()) {
    if (f === field) return k * MAX_SOURCES * 16;
    k++;
  }
  throw new Error(`index-format: field ${field} is not derived`);
}
/** Contexts of the prediction table: derived fields × source ranks × slots. */
const PREDICTION_CONTEXTS = 3 * MAX_SOURCES * 16;

/**
 * A source list of a derived field: its slots are read tagged by the source's rank (rank × 16 + slot), so a union
 * keeps the first source's slot.
 */
interface RankedList extends SlotList {
  rank: number;
}

/**
 * The union of sorted lists, each doc once with its lowest ranked slot: what a derived field's members give.
 * Pairwise merges, smallest first, each list's rank added as it is read (not in a copy of each list first: a cold
 * isolate interprets every loop, and the copies were a fifth of a derived field's decoding); most derived fields
 * have one or two members' lists. One list of rank 0 is returned as it is (read only, like every decoded list).
 */
function unionLists(lists: RankedList[]): { docs: Uint32Array; slots: Uint8Array } {
  const sorted = [...lists].sort((x, y) => x.docs.length - y.docs.length);
  const first = sorted[0];
  if (!first) return { docs: new Uint32Array(0), slots: new Uint8Array(0) };
  let acc: { docs: ArrayLike<number>; slots: ArrayLike<number>; add: number } = {
    docs: first.docs,
    slots: first.slots,
    add: 16 * first.rank,
  };
  if (sorted.length === 1) {
    const docs = first.docs instanceof Uint32Array ? first.docs : new Uint32Array(first.docs);
    if (acc.add === 0 && first.slots instanceof Uint8Array) return { docs, slots: first.slots };
    const slots = new Uint8Array(first.slots.length);
    for (let j = 0; j < slots.length; j++) slots[j] = first.slots[j]! + acc.add;
    return { docs, slots };
  }
  for (let k = 1; k < sorted.length; k++) {
    const l = sorted[k]!;
    const a = acc.docs,
      as = acc.slots,
      addA = acc.add,
      b = l.docs,
      bs = l.slots,
      addB = 16 * l.rank;
    const na = a.length,
      nb = b.length;
    const docs = new Uint32Array(na + nb);
    const slots = new Uint8Array(na + nb);
    let i = 0,
      j = 0,
      n = 0;
    while (i < na && j < nb) {
      const x = a[i]!,
        y = b[j]!;
      if (x < y) {
        docs[n] = x;
        slots[n++] = as[i++]! + addA;
      } else if (y < x) {
        docs[n] = y;
        slots[n++] = bs[j++]! + addB;
      } else {
        const sa = as[i++]! + addA,
          sb = bs[j++]! + addB;
        docs[n] = x;
        // biome-ignore lint/complexity/useMathMinMax: no call a posting in a loop a cold isolate interprets
        slots[n++] = sa < sb ? sa : sb;
      }
    }
    while (i < na) {
      docs[n] = a[i]!;
      slots[n++] = as[i++]! + addA;
    }
    while (j < nb) {
      docs[n] = b[j]!;
      slots[n++] = bs[j++]! + addB;
    }
    acc = { docs: docs.subarray(0, n), slots: slots.subarray(0, n), add: 0 };
  }
  return acc as { docs: Uint32Array; slots: Uint8Array; add: number };
}

/** Whether every doc of sorted `sub` is in sorted `all`. */
function within(sub: ArrayLike<number>, all: ArrayLike<number>): boolean {
  let j = 0;
  for (let i = 0; i < sub.length; i++) {
    const d = sub[i]!;
    while (j < all.length && all[j]! < d) j++;
    if (j === all.length || all[j] !== d) return false;
  }
  return true;
}

/**
 * Rice coding of a doc list (hand-written: gzip cannot squeeze varint gaps of random docs to their entropy; Rice
 * codes come within a few percent of it and gzip leaves them as they are). The parameter is not stored: both sides
 * take it from the list's length and the chunk's doc span, as the mean gap of docs spread evenly.
 */
function riceParameter(n: number, span: number): number {
  return n ? Math.max(0, Math.min(24, Math.floor(Math.log2(Math.max(1, (span / n) * Math.LN2))))) : 0;
}

/** A growable bit buffer, most significant bit first (the build side only). */
class BitWriter {
  private bytes = new Uint8Array(1024);
  /** Bits written. */
  length = 0;

  private room(bits: number): void {
    const need = (this.length + bits + 7) >> 3;
    if (need <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes);
    this.bytes = next;
  }

  /** Writes the low `k` bits of `v` (k ≤ 24). */
  bits(v: number, k: number): void {
    this.room(k);
    for (let b = k - 1; b >= 0; b--) {
      if ((v >>> b) & 1) this.bytes[this.length >> 3]! |= 0x80 >> (this.length & 7);
      this.length++;
    }
  }

  /** `q` ones, then a zero. */
  unary(q: number): void {
    this.room(q + 1);
    for (let j = 0; j < q; j++, this.length++) this.bytes[this.length >> 3]! |= 0x80 >> (this.length & 7);
    this.length++;
  }

  finish(): Uint8Array {
    return this.bytes.subarray(0, (this.length + 7) >> 3);
  }
}

/** Rice-codes ascending docs: the first as its distance from `base`, the others as gaps less one. */
function riceWrite(w: BitWriter, docs: ArrayLike<number>, base: number, span: number): void {
  const k = riceParameter(docs.length, span);
  let last = base - 1;
  for (let j = 0; j < docs.length; j++) {
    const gap = docs[j]! - last - 1;
    last = docs[j]!;
    w.unary(Math.floor(gap / 2 ** k));
    w.bits(gap % 2 ** k, k);
  }
}

/**
 * Decodes `n` Rice-coded docs from bit `pos` into `out` from `at`; returns the bit position after them.
 *
 * The bits pass through a window of at most 30 bits, right-aligned in `x` (its `have` low bits are the stream's
 * next bits) and fed a byte at a time. A cold isolate runs this in its interpreter until the loop is compiled,
 * and there a number beyond V8's small integers (31 bits, signed) is a heap object: a 32-bit window made one or two
 * of them a posting (0.75–0.85 MiB of a cold common word's 6.4 MiB of JS heap at 100k records, with the slot
 * decoder's, scripts/bench/cold-allocations-workerd.ts). Bytes past the end read as 0.
 */
function riceRead(
  u8: Uint8Array,
  pos: number,
  n: number,
  base: number,
  span: number,
  out: Uint32Array,
  at = 0,
): number {
  const k = riceParameter(n, span);
  // A small integer (k is at most 24), so `q * scale` stays one in the interpreter where the docs do.
  const scale = 1 << k;
  let doc = base - 1;
  let p = pos >>> 3;
  let have = 8 - (pos & 7);
  let x = (u8[p++]! | 0) & ((1 << have) - 1);
  for (let j = 0; j < n; j++) {
    // At least 23 bits in the window: a quotient's ones and its stop bit mostly, and a remainder of up to 22.
    while (have <= 22) {
      x = (x << 8) | (u8[p++]! | 0);
      have += 8;
    }
    let q = 0;
    for (;;) {
      // The window's leading ones are the leading zeros of its complement, within its `have` bits.
      const inverse = ~x & ((1 << have) - 1);
      if (inverse === 0) {
        q += have;
        x = u8[p++]! | 0;
        have = 8;
        continue;
      }
      const ones = Math.clz32(inverse) - (32 - have);
      q += ones;
      have -= ones + 1;
      x &= (1 << have) - 1;
      break;
    }
    let r = 0;
    if (k) {
      while (have < k && have <= 22) {
        x = (x << 8) | (u8[p++]! | 0);
        have += 8;
      }
      if (have >= k) {
        have -= k;
        r = x >>> have;
        x &= (1 << have) - 1;
      } else {
        // k is 23 or 24 and the window holds 23: the rest of the remainder is in the next byte.
        const rest = k - have;
        r = x * (1 << rest);
        x = u8[p++]! | 0;
        have = 8 - rest;
        r += x >>> have;
        x &= (1 << have) - 1;
      }
    }
    doc += q * scale + r + 1;
    out[at + j] = doc;
  }
  return p * 8 - have;
}

/** Slot codes are 0–15; a code length fits a nibble. */
const SLOT_CODES = 16;
const MAX_CODE_LENGTH = 15;
/** Slot contexts: field × 2, + 1 for a derived field's codes (fields < 16, so the mask is a u32). */
const SLOT_CONTEXTS = 32;
const slotContext = (field: number, derived: boolean) => 2 * field + (derived ? 1 : 0);

/**
 * Huffman code lengths of `freq` (16 symbols; 0 for an unused one), none over MAX_CODE_LENGTH (16 symbols never
 * need more; the flattening loop is a guard). One used symbol gets length 1 (and is written with no bits).
 */
export function huffmanLengths(freq: ArrayLike<number>): Uint8Array {
  let f = Array.from(freq);
  for (;;) {
    const len = new Uint8Array(f.length);
    const nodes = f.flatMap((w, s) => (w > 0 ? [{ w, syms: [s] }] : []));
    if (nodes.length === 1) len[nodes[0]!.syms[0]!] = 1;
    while (nodes.length > 1) {
      nodes.sort((a, b) => a.w - b.w || a.syms[0]! - b.syms[0]!);
      const a = nodes.shift()!,
        b = nodes.shift()!;
      for (const s of a.syms) len[s]!++;
      for (const s of b.syms) len[s]!++;
      nodes.push({ w: a.w + b.w, syms: [...a.syms, ...b.syms] });
    }
    if (Math.max(...len) <= MAX_CODE_LENGTH) return len;
    f = f.map((w) => (w > 0 ? (w >> 1) | 1 : 0));
  }
}

/** Canonical codes of `lengths` (shorter codes first, then by symbol), as DEFLATE assigns them. */
function canonicalCodes(lengths: Uint8Array): Uint32Array {
  const codes = new Uint32Array(lengths.length);
  let code = 0;
  for (let len = 1; len <= MAX_CODE_LENGTH; len++) {
    for (let s = 0; s < lengths.length; s++) if (lengths[s] === len) codes[s] = code++;
    code <<= 1;
  }
  return codes;
}

/** Code bits a slot decoder's lookup table resolves at once; longer codes (rare slots) take a canonical search. */
const TABLE_BITS = 8;

/** One context's canonical slot code, decoder side (see `SlotDecoder`). */
interface SlotCode {
  /** Its one symbol (coded with no bits), or -1. */
  single: number;
  /** By the next TABLE_BITS bits: length << 4 | symbol, or 0 for a longer code. */
  table: Uint8Array;
  /** Per length: the first code, how many codes, where their symbols start in `symbols`. */
  first: Int32Array;
  count: Int32Array;
  offset: Int32Array;
  symbols: Uint8Array;
}

/**
 * Slot codes built, by their code lengths: chunks of one build share most of them, and the Worker makes a
 * `TermChunk` per term it decodes, so a code is built once per isolate, not per term. Bounded: cleared when full.
 */
const slotCodeCache = new Map<string, SlotCode>();
const SLOT_CODE_CACHE_SIZE = 4096;

/** A chunk's canonical slot codes, decoder side: per context, 16 code lengths (nibbles) in the chunk. */
class SlotDecoder {
  private readonly mask: number;
  private readonly start: number;
  /** The byte after the table. */
  readonly end: number;

  /** Reads the slot code table at `at`. */
  constructor(
    private readonly u8: Uint8Array,
    at: number,
  ) {
    this.mask = (u8[at]! | (u8[at + 1]! << 8) | (u8[at + 2]! << 16) | (u8[at + 3]! << 24)) >>> 0;
    this.start = at + 4;
    let used = 0;
    for (let m = this.mask; m; m &= m - 1) used++;
    this.end = this.start + (used * SLOT_CODES) / 2;
  }

  private code(c: number): SlotCode {
    if (!((this.mask >>> c) & 1))
      throw new Error(`index-format: a term chunk codes slots in context ${c}, which it has no code for`);
    let before = 0;
    for (let m = this.mask & ((1 << c) - 1); m; m &= m - 1) before++;
    const o = this.start + (before * SLOT_CODES) / 2;
    const u8 = this.u8;
    const key = String.fromCharCode(
      u8[o]! | (u8[o + 1]! << 8),
      u8[o + 2]! | (u8[o + 3]! << 8),
      u8[o + 4]! | (u8[o + 5]! << 8),
      u8[o + 6]! | (u8[o + 7]! << 8),
    );
    const known = slotCodeCache.get(key);
    if (known) return known;
    const lengths = new Uint8Array(SLOT_CODES);
    for (let s = 0; s < SLOT_CODES; s += 2) {
      lengths[s] = u8[o + s / 2]! & 15;
      lengths[s + 1] = u8[o + s / 2]! >> 4;
    }
    const used = lengths.reduce((n, l) => n + (l ? 1 : 0), 0);
    const code: SlotCode = {
      single: used === 1 ? lengths.findIndex((l) => l > 0) : -1,
      table: new Uint8Array(1 << TABLE_BITS),
      first: new Int32Array(MAX_CODE_LENGTH + 1),
      count: new Int32Array(MAX_CODE_LENGTH + 1),
      offset: new Int32Array(MAX_CODE_LENGTH + 1),
      symbols: new Uint8Array(SLOT_CODES),
    };
    let next = 0,
      k = 0;
    for (let len = 1; len <= MAX_CODE_LENGTH; len++) {
      code.first[len] = next;
      code.offset[len] = k;
      for (let s = 0; s < SLOT_CODES; s++) {
        if (lengths[s] !== len) continue;
        if (len <= TABLE_BITS) {
          const lo = (next + k - code.offset[len]!) << (TABLE_BITS - len);
          code.table.fill((len << 4) | s, lo, lo + (1 << (TABLE_BITS - len)));
        }
        code.symbols[k++] = s;
      }
      code.count[len] = k - code.offset[len]!;
      next = (next + code.count[len]!) << 1;
    }
    if (slotCodeCache.size >= SLOT_CODE_CACHE_SIZE) slotCodeCache.clear();
    slotCodeCache.set(key, code);
    return code;
  }

  /** Decodes `n` slot codes of context `c` from bit `pos` into `out`; returns the bit position after them. */
  read(u8: Uint8Array, pos: number, n: number, c: number, out: Uint8Array): number {
    if (n === 0) return pos;
    const { single, table, first, count, offset, symbols } = this.code(c);
    if (single >= 0) {
      out.fill(single, 0, n);
      return pos;
    }
    // The window of `riceRead`: at most 30 bits, right-aligned in `x`, fed a byte at a time, so a cold isolate's
    // interpreter makes no heap numbers of it. The limits are locals: a cold isolate reads a module constant from
    // its context on every use.
    const maxLength = MAX_CODE_LENGTH,
      tableBits = TABLE_BITS;
    let p = pos >>> 3;
    let have = 8 - (pos & 7);
    let x = (u8[p++]! | 0) & ((1 << have) - 1);
    for (let j = 0; j < n; j++) {
      while (have <= 22) {
        x = (x << 8) | (u8[p++]! | 0);
        have += 8;
      }
      const e = table[x >>> (have - tableBits)]!;
      if (e) {
        out[j] = e & 15;
        have -= e >> 4;
        x &= (1 << have) - 1;
        continue;
      }
      for (let len = tableBits + 1; ; len++) {
        if (len > maxLength) throw new Error("index-format: a slot code is damaged");
        const d = (x >>> (have - len)) - first[len]!;
        if (d < count[len]!) {
          out[j] = symbols[offset[len]! + d]!;
          have -= len;
          x &= (1 << have) - 1;
          break;
        }
      }
    }
    return p * 8 - have;
  }
}

/**
 * Encodes terms and their postings into one chunk. With `families`, a derived field (stem, variant key, sound
 * code) whose family members are in the chunk stores only what they do not give (see the module comment).
 * @example encodeTermChunk([{ term: "philby", fields: [{ field: 1, df: 2, docs: [4, 9], slots: [0, 3] }] }])
 */
export function encodeTermChunk(terms: TermInput[], families?: TermFamilies): Uint8Array {
  const items = terms.map((t) => ({
    term: t.term,
    bytes: utf8.encode(t.term),
    fields: [...t.fields].sort((x, y) => x.field - y.field),
  }));
  items.sort((a, b) => compareBytes(a.bytes, b.bytes));
  for (let i = 1; i < items.length; i++) {
    if (compareBytes(items[i - 1]!.bytes, items[i]!.bytes) === 0) {
      throw new Error(`index-format: term "${items[i]!.term}" appears twice in one chunk`);
    }
  }
  for (const t of items)
    for (let j = 1; j < t.fields.length; j++)
      if (t.fields[j]!.field === t.fields[j - 1]!.field)
        throw new Error(`index-format: term "${t.term}" has field ${t.fields[j]!.field} twice`);
  // Family members of each derived term in this chunk: "field term" -> member indices, ascending.
  const members = new Map<string, number[]>();
  if (families) {
    const indexOf = new Map(items.map((t, i) => [t.term, i]));
    items.forEach((t, i) => {
      for (const [field, key] of families(t.term)) {
        if (!indexOf.has(key)) continue;
        const id = `${field} ${key}`;
        const list = members.get(id) ?? [];
        if (list.at(-1) !== i) list.push(i);
        members.set(id, list);
      }
    });
  }
  let base = 0xffffffff;
  for (const t of items) for (const f of t.fields) if (f.docs.length && f.docs[0]! < base) base = f.docs[0]!;
  if (base === 0xffffffff) base = 0;
  for (const t of items) {
    const df = t.fields[0]?.df ?? 0;
    if (t.fields.some((f) => f.df !== df))
      throw new Error(`index-format: term "${t.term}" has two document frequencies`);
    for (const f of t.fields) {
      if (!(f.field >= 0 && f.field < SLOT_CONTEXTS / 2))
        throw new Error(`index-format: field ${f.field} of "${t.term}" is past the ${SLOT_CONTEXTS / 2} a chunk codes`);
      if (f.slots.length !== f.docs.length)
        throw new Error(`index-format: "${t.term}" has ${f.slots.length} slots for ${f.docs.length} docs`);
      for (let j = 0; j < f.docs.length; j++) {
        if (f.slots[j]! > MAX_SLOT) throw new Error(`index-format: slot of "${t.term}" above ${MAX_SLOT}`);
        if (j && f.docs[j]! <= f.docs[j - 1]!)
          throw new Error(`index-format: postings of "${t.term}" are not ascending at doc ${f.docs[j]}`);
      }
    }
  }
  // Pass 1: each derived field's members and what they give. A member is kept only if the field holds all its
  // source docs (its other docs would be given back wrongly).
  const derived = items.map((t) =>
    t.fields.map((f) => {
      const sources = DERIVED_SOURCES.get(f.field);
      const kept: number[] = [];
      const lists: RankedList[] = [];
      if (sources)
        for (const m of members.get(`${f.field} ${t.term}`) ?? []) {
          const own = items[m]!.fields.filter((g) => sources.includes(g.field));
          if (own.length && own.every((g) => within(g.docs, f.docs))) {
            kept.push(m);
            for (const g of own) lists.push({ docs: g.docs, slots: g.slots, rank: sources.indexOf(g.field) });
          }
        }
      return kept.length ? { kept, given: unionLists(lists) } : null;
    }),
  );
  // The slot predicted for a given doc: per derived field and (source rank, slot) of its members' first
  // occurrence, the slot seen most often in this chunk.
  const seen = new Uint32Array(PREDICTION_CONTEXTS * 16);
  items.forEach((t, i) => {
    t.fields.forEach((f, k) => {
      const d = derived[i]![k];
      if (!d) return;
      const at = predictionAt(f.field);
      for (let j = 0, g = 0; j < f.docs.length && g < d.given.docs.length; j++)
        if (d.given.docs[g] === f.docs[j]) seen[16 * (at + d.given.slots[g++]!) + f.slots[j]!]!++;
    });
  });
  const predicted = new Uint8Array(PREDICTION_CONTEXTS);
  for (let c = 0; c < PREDICTION_CONTEXTS; c++) {
    let best = 0;
    for (let x = 1; x < 16; x++) if (seen[16 * c + x]! > seen[16 * c + best]!) best = x;
    predicted[c] = best;
  }
  // Each field's slot codes (a derived field's given docs: the difference from the predicted slot) and, for a
  // derived field, the docs its members do not give; then each context's code frequencies.
  const coded = items.map((t, i) =>
    t.fields.map((f, k) => {
      const d = derived[i]![k];
      if (!d) return { context: slotContext(f.field, false), codes: f.slots, stored: f.docs };
      const pAt = predictionAt(f.field);
      const codes = new Uint8Array(f.docs.length);
      const stored: number[] = [];
      for (let j = 0, g = 0; j < f.docs.length; j++) {
        const doc = f.docs[j]!;
        if (g < d.given.docs.length && d.given.docs[g] === doc) {
          codes[j] = (f.slots[j]! - predicted[pAt + d.given.slots[g++]!]! + 16) & 15;
        } else {
          stored.push(doc);
          codes[j] = f.slots[j]!;
        }
      }
      return { context: slotContext(f.field, true), codes, stored };
    }),
  );
  const freq = Array.from({ length: SLOT_CONTEXTS }, () => new Uint32Array(SLOT_CODES));
  for (const t of coded) for (const f of t) for (let j = 0; j < f.codes.length; j++) freq[f.context]![f.codes[j]!]!++;
  let mask = 0;
  const lengths: Uint8Array[] = [];
  const codeOf: Uint32Array[] = [];
  const single: boolean[] = [];
  freq.forEach((fr, c) => {
    if (fr.every((x) => x === 0)) return;
    mask |= 1 << c;
    lengths[c] = huffmanLengths(fr);
    codeOf[c] = canonicalCodes(lengths[c]!);
    single[c] = fr.filter((x) => x > 0).length === 1;
  });
  mask >>>= 0;
  const table = new ByteWriter();
  for (let b = 0; b < 4; b++) table.byte((mask >>> (8 * b)) & 255);
  for (let c = 0; c < SLOT_CONTEXTS; c++)
    if (lengths[c]) for (let s = 0; s < SLOT_CODES; s += 2) table.byte(lengths[c]![s]! | (lengths[c]![s + 1]! << 4));

  const termCount = items.length;
  const restartCount = Math.ceil(termCount / RESTART_EVERY);
  const restarts = new Uint32Array(RESTART_WORDS * restartCount);
  let span = 1;
  for (const t of items)
    for (const f of t.fields) if (f.docs.length) span = Math.max(span, f.docs[f.docs.length - 1]! - base + 1);
  const dir = new ByteWriter();
  const bits = new BitWriter();
  let prev: Uint8Array = new Uint8Array(0);
  const derivedTerms: number[] = [];
  items.forEach((t, i) => {
    let shared = 0;
    if (i % RESTART_EVERY) {
      while (shared < t.bytes.length && shared < prev.length && t.bytes[shared] === prev[shared]) shared++;
    } else {
      const r = RESTART_WORDS * (i / RESTART_EVERY);
      restarts[r] = dir.length;
      restarts[r + 1] = bits.length;
    }
    prev = t.bytes;
    dir.varint(shared);
    dir.varint(t.bytes.length - shared);
    dir.raw(t.bytes.subarray(shared));
    dir.byte(t.fields.length);
    let most = 0;
    const fieldBits: number[] = [];
    t.fields.forEach((f, k) => {
      const n = f.docs.length;
      if (n > most) most = n;
      const d = derived[i]![k];
      dir.byte(f.field | (d ? DERIVED_FLAG : 0));
      let minSlot = MAX_SLOT;
      for (let j = 0; j < n; j++) if (f.slots[j]! < minSlot) minSlot = f.slots[j]!;
      dir.varint(n * SLOT_CODES + minSlot);
      if (d) {
        if (derivedTerms.at(-1) !== i) derivedTerms.push(i);
        dir.varint(d.kept.length);
        let prevMember = 0;
        for (const m of d.kept) {
          dir.varint(m - prevMember);
          prevMember = m;
        }
      }
      const { context, codes, stored } = coded[i]![k]!;
      const at = bits.length;
      riceWrite(bits, stored, base, span);
      if (!single[context]) {
        const len = lengths[context]!,
          code = codeOf[context]!;
        for (let j = 0; j < n; j++) bits.bits(code[codes[j]!]!, len[codes[j]!]!);
      }
      fieldBits.push(bits.length - at);
    });
    // The df as 0 where it is the term's longest field's count, as in an unsharded index (gzip then sees a run).
    const df = t.fields[0]?.df ?? 0;
    dir.varint(df === most ? 0 : df + 1);
    for (const b of fieldBits) dir.varint(b);
  });
  const postings = bits.finish();
  const head = 4 * (HEADER_WORDS + RESTART_WORDS * restartCount);
  const codesAt = head + PREDICTION_CONTEXTS / 2;
  const dirAt = codesAt + table.length;
  const out = new Uint8Array(dirAt + dir.length + postings.length);
  const u32 = new Uint32Array(out.buffer, 0, head / 4);
  u32.set([TERM_CHUNK_MAGIC, termCount, restartCount, dir.length, base, span, postings.length]);
  u32.set(restarts, HEADER_WORDS);
  for (let c = 0; c < PREDICTION_CONTEXTS; c += 2) out[head + c / 2] = predicted[c]! | (predicted[c + 1]! << 4);
  out.set(table.bytes.subarray(0, table.length), codesAt);
  out.set(dir.bytes.subarray(0, dir.length), dirAt);
  out.set(postings, dirAt + dir.length);
  // A derived field is rebuilt from other terms' postings: check it comes back exactly as given.
  if (derivedTerms.length) {
    const chunk = new TermChunk(out.buffer as ArrayBuffer);
    for (const i of derivedTerms) {
      const got = chunk.postings(i);
      const want = items[i]!.fields;
      got.forEach((g, k) => {
        const w = want[k]!;
        const { docs, slots } = g.decodeAll();
        let same = g.field === w.field && docs.length === w.docs.length;
        for (let j = 0; same && j < docs.length; j++) same = docs[j] === w.docs[j] && slots[j] === w.slots[j];
        if (!same) throw new Error(`index-format: "${items[i]!.term}" field ${w.field} does not decode back`);
      });
    }
  }
  return out;
}

/** Most docs a shard may have for its lists to hold 16-bit local doc numbers (`TermChunk.narrow`). */
export const LOCAL_DOCS = 1 << 16;

/**
 * Docs of a decoded list: shard-local numbers (see `TermChunk`'s `docStart`), 16-bit where the shard allows.
 */
export type DocArray = Uint16Array | Uint32Array;

/**
 * One field's postings of a term, decoded: read its blocks on demand. Doc numbers are local to the shard the chunk
 * was read for (`doc - docStart`; catalogue numbers when that is 0).
 */
export interface FieldPostings {
  field: number;
  df: number;
  count: number;
  blocks: number;
  /** Lowest position slot of any posting: bounds the best score this field can give. */
  minSlot: number;
  /** Last doc of block `b` (ascending), to skip to a doc without decoding. */
  lastDoc(b: number): number;
  /** Lowest slot in block `b`: bounds the block's score. */
  blockMinSlot(b: number): number;
  /** Copies block `b` into `docs`/`slots` from index `at`; returns the number of postings written. */
  decodeBlock(b: number, docs: Uint32Array, slots: Uint8Array, at: number): number;
  /** Every posting (the kept arrays: read-only by contract). */
  decodeAll(): { docs: DocArray; slots: Uint8Array };
}

/** A term's directory entry, as `TermChunk.entry` reads it. */
interface TermEntry {
  df: number;
  fields: Array<{ field: number; count: number; minSlot: number; members: number[] | null; bit: number }>;
}

/**
 * A term chunk read in place: the constructor checks the header; nothing is
 * decoded until a term is looked up.
 */
export class TermChunk {
  private readonly u8: Uint8Array;
  private readonly termCount: number;
  private readonly restartCount: number;
  private readonly restarts: Uint32Array;
  private readonly dir: number;
  /** Where the postings (Rice-coded docs, Huffman-coded slots) start. */
  private readonly docs: number;
  /** The chunk's slot codes. */
  private readonly slotCodes: SlotDecoder;
  private readonly base: number;
  /** Docs of the chunk span `[base, base + span)`: with a list's length, its Rice parameter. */
  private readonly span: number;
  /** The chunk's predicted slot of a derived field's given doc, by context (see `predictionAt`). */
  private readonly predicted: Uint8Array;
  /** Position the last `find` ended at, so `postings` of that term need not scan its group again. */
  private found = { i: -1, dirAt: 0, bitAt: 0 };
  /** Directory entries read, by term index. */
  private readonly entries = new Map<number, TermEntry>();
  /** Fields decoded, by term index × 16 + field position: what derived fields and their members share. */
  private readonly decoded = new Map<number, { docs: Uint32Array; slots: Uint8Array }>();

  /**
   * Whether its lists hold doc numbers in 16 bits: local to a shard of at most `LOCAL_DOCS` docs (a 1M catalogue's
   * shard has 62,500), so a held posting is 3 bytes, not 5, and the same postings budget holds 5/3 as many.
   */
  readonly narrow: boolean;

  /**
   * @param docStart the shard's first doc: decoded lists hold `doc - docStart` (shard-local numbers); 0, the
   *   default, keeps catalogue numbers
   * @param docCount the shard's docs, when known: at most `LOCAL_DOCS` makes the lists 16-bit (`narrow`)
   */
  constructor(
    buf: ArrayBuffer,
    readonly name = "term chunk",
    readonly docStart = 0,
    docCount = Number.POSITIVE_INFINITY,
  ) {
    this.narrow = docCount <= LOCAL_DOCS;
    if (buf.byteLength < 4 * HEADER_WORDS) {
      throw new Error(`index-format: ${name} is ${buf.byteLength} bytes, not a term chunk`);
    }
    const head = new Uint32Array(buf, 0, HEADER_WORDS);
    if (head[0] !== TERM_CHUNK_MAGIC) {
      throw new Error(`index-format: ${name} starts with 0x${head[0]!.toString(16)}, not a format-9 term chunk`);
    }
    this.termCount = head[1]!;
    this.restartCount = head[2]!;
    this.base = head[4]!;
    this.span = head[5]!;
    const table = 4 * (HEADER_WORDS + RESTART_WORDS * this.restartCount);
    if (buf.byteLength < table + PREDICTION_CONTEXTS / 2 + 4)
      throw new Error(`index-format: ${name} is cut short (${buf.byteLength} bytes)`);
    this.u8 = new Uint8Array(buf);
    this.slotCodes = new SlotDecoder(this.u8, table + PREDICTION_CONTEXTS / 2);
    this.dir = this.slotCodes.end;
    this.docs = this.dir + head[3]!;
    if (buf.byteLength < this.docs + head[6]!)
      throw new Error(`index-format: ${name} is cut short (${buf.byteLength} bytes)`);
    this.restarts = new Uint32Array(buf, 4 * HEADER_WORDS, RESTART_WORDS * this.restartCount);
    this.predicted = new Uint8Array(PREDICTION_CONTEXTS);
    for (let c = 0; c < PREDICTION_CONTEXTS; c++)
      this.predicted[c] = (this.u8[table + (c >> 1)]! >> (4 * (c & 1))) & 15;
  }

  get size(): number {
    return this.termCount;
  }

  private varint(at: { o: number }): number {
    return readVarint(this.u8, at);
  }

  /** Skips a term's fields (after its suffix), moving `pos` past its postings' bits. */
  private skipFields(at: { o: number }, pos: { bitAt: number }): void {
    const fields = this.u8[at.o++]!;
    for (let f = 0; f < fields; f++) {
      const derived = this.u8[at.o++]! & DERIVED_FLAG;
      this.varint(at);
      if (derived) for (let m = this.varint(at); m > 0; m--) this.varint(at);
    }
    this.varint(at); // df
    for (let f = 0; f < fields; f++) pos.bitAt += this.varint(at);
  }

  /** Compares the UTF-8 bytes at `a..a+len` with `term`. */
  private compare(a: number, len: number, term: Uint8Array): number {
    const u8 = this.u8;
    const n = Math.min(len, term.length);
    for (let i = 0; i < n; i++) if (u8[a + i] !== term[i]) return u8[a + i]! - term[i]!;
    return len - term.length;
  }

  /** The term's index in the directory, or -1: a binary search over the restart points, then a short scan. */
  find(term: Uint8Array): number {
    let lo = 0,
      hi = this.restartCount - 1,
      group = -1;
    const at = { o: 0 };
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      at.o = this.dir + this.restarts[RESTART_WORDS * mid]!;
      this.varint(at); // 0 shared
      const len = this.varint(at);
      const c = this.compare(at.o, len, term);
      if (c === 0) {
        group = mid;
        break;
      }
      if (c < 0) {
        group = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (group < 0) return -1;
    // Scan the group, rebuilding each term from its shared prefix.
    const r = RESTART_WORDS * group;
    at.o = this.dir + this.restarts[r]!;
    const pos = { bitAt: this.restarts[r + 1]! };
    // One buffer for the group's terms; a term over its size (never built from folded words, but a chunk may hold
    // one) grows it, keeping the shared prefix.
    let cur = new Uint8Array(256);
    let curLen = 0;
    for (let i = group * RESTART_EVERY, end = Math.min(this.termCount, i + RESTART_EVERY); i < end; i++) {
      const shared = this.varint(at);
      const len = this.varint(at);
      if (shared + len > cur.length) {
        const grown = new Uint8Array(2 * (shared + len));
        grown.set(cur.subarray(0, shared));
        cur = grown;
      }
      cur.set(this.u8.subarray(at.o, at.o + len), shared);
      at.o += len;
      curLen = shared + len;
      let c = 0;
      const n = Math.min(curLen, term.length);
      for (let k = 0; k < n && c === 0; k++) c = cur[k]! - term[k]!;
      if (c === 0) c = curLen - term.length;
      if (c === 0) {
        this.found = { i, dirAt: at.o, ...pos };
        return i;
      }
      if (c > 0) return -1;
      this.skipFields(at, pos);
    }
    return -1;
  }

  /** Walks to term `i`: its fields' position in the directory and its postings' offset. */
  private seek(i: number): { dirAt: number; bitAt: number } {
    if (this.found.i === i) return this.found;
    const r = RESTART_WORDS * Math.floor(i / RESTART_EVERY);
    const at = { o: this.dir + this.restarts[r]! };
    const pos = { bitAt: this.restarts[r + 1]! };
    for (let j = Math.floor(i / RESTART_EVERY) * RESTART_EVERY; ; j++) {
      this.varint(at);
      // Not `at.o += this.varint(at)`: that reads at.o before the varint moves it.
      const len = this.varint(at);
      at.o += len;
      if (j === i) return { dirAt: at.o, ...pos };
      this.skipFields(at, pos);
    }
  }

  /**
   * The fields' postings of the term at directory index `i`. Each field's count, lowest slot and df come from the
   * directory; its docs and slots are decoded when first read (`LazyPostings`), so a query pays only for the lists
   * scoring reads (a rare name at 100k read about a sixth of the postings its plan names).
   */
  postings(i: number): LazyPostings[] {
    const e = this.entry(i);
    return e.fields.map((f, k) => new LazyPostings(this, i, k, f.field, e.df, f.count, f.minSlot));
  }

  /** Term `i`'s directory entry: its df and, per field, count, lowest slot, members and postings' bit offset. */
  private entry(i: number): TermEntry {
    if (i < 0 || i >= this.termCount) throw new RangeError(`index-format: no term ${i} in ${this.name}`);
    const known = this.entries.get(i);
    if (known) return known;
    const { dirAt, bitAt } = this.seek(i);
    const at = { o: dirAt };
    const u8 = this.u8;
    const n = u8[at.o++]!;
    const fields: TermEntry["fields"] = [];
    let most = 0;
    for (let f = 0; f < n; f++) {
      const byte = u8[at.o++]!;
      const code = this.varint(at);
      const count = Math.floor(code / SLOT_CODES);
      if (count > most) most = count;
      let members: number[] | null = null;
      if (byte & DERIVED_FLAG) {
        members = [];
        for (let m = this.varint(at), member = 0; m > 0; m--) members.push((member += this.varint(at)));
      }
      fields.push({ field: byte & ~DERIVED_FLAG, count, minSlot: code % SLOT_CODES, members, bit: 0 });
    }
    const dfCode = this.varint(at);
    let bit = 8 * this.docs + bitAt;
    for (const f of fields) {
      f.bit = bit;
      bit += this.varint(at);
    }
    const e = { df: dfCode === 0 ? most : dfCode - 1, fields };
    this.entries.set(i, e);
    return e;
  }

  /**
   * Field `k` of term `i`, decoded (held: a derived field's members' sources are decoded once for all the fields
   * they give). A derived field is its members' source lists merged, with the docs they do not give.
   */
  decodeField(i: number, k: number): { docs: Uint32Array; slots: Uint8Array } {
    const id = i * 16 + k;
    const held = this.decoded.get(id);
    if (held) return held;
    const { field, count, members, bit } = this.entry(i).fields[k]!;
    const { u8, base, span, slotCodes } = this;
    const docs = new Uint32Array(count);
    const slots = new Uint8Array(count);
    if (!members) {
      const at = riceRead(u8, bit, count, base, span, docs);
      slotCodes.read(u8, at, count, slotContext(field, false), slots);
    } else {
      const sources = DERIVED_SOURCES.get(field);
      if (!sources) throw new Error(`index-format: ${this.name} derives field ${field}, which has no sources`);
      const lists: RankedList[] = [];
      for (const member of members)
        this.entry(member).fields.forEach((g, gk) => {
          const rank = sources.indexOf(g.field);
          if (rank >= 0 && !g.members) lists.push({ ...this.decodeField(member, gk), rank });
        });
      const given = unionLists(lists);
      const gd = given.docs;
      if (gd.length > count) throw new Error(`index-format: ${this.name} is damaged (term ${i})`);
      const stored = new Uint32Array(count - gd.length);
      const at = riceRead(u8, bit, stored.length, base, span, stored);
      slotCodes.read(u8, at, count, slotContext(field, true), slots);
      // Merge the members' docs with the stored ones (disjoint); a given doc's slot is coded as its difference
      // from the slot predicted by where its members have it. One loop: a cold isolate interprets it.
      const gs = given.slots;
      const predicted = this.predicted.subarray(predictionAt(field));
      const ng = gd.length,
        ns = stored.length;
      if (ns === 0) {
        docs.set(gd);
        for (let j = 0; j < count; j++) slots[j] = (predicted[gs[j]!]! + slots[j]!) & 15;
      } else
        for (let j = 0, g = 0, h = 0; j < count; j++) {
          if (g < ng && (h === ns || gd[g]! < stored[h]!)) {
            docs[j] = gd[g]!;
            slots[j] = (predicted[gs[g++]!]! + slots[j]!) & 15;
          } else docs[j] = stored[h++]!;
        }
    }
    const out = { docs, slots };
    this.decoded.set(id, out);
    return out;
  }

  /** Drops field `k` of term `i` from the fields held for derived fields (its list keeps a narrowed copy). */
  forget(i: number, k: number): void {
    this.decoded.delete(i * 16 + k);
  }

  /** Every term of the chunk, in directory order (for tests and tools, not the query path). */
  terms(): string[] {
    const dec = new TextDecoder();
    const out: string[] = [];
    const at = { o: this.dir };
    let cur: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < this.termCount; i++) {
      const shared = this.varint(at);
      const len = this.varint(at);
      const next = new Uint8Array(shared + len);
      next.set(cur.subarray(0, shared));
      next.set(this.u8.subarray(at.o, at.o + len), shared);
      at.o += len;
      cur = next;
      out.push(dec.decode(cur));
      this.skipFields(at, { bitAt: 0 });
    }
    return out;
  }
}

/**
 * A field's postings held as typed arrays, made on the first read of either from wherever a subclass keeps them (a
 * term chunk, or a packed copy in the Worker's postings cache), then kept: what the Worker keeps warm, so a warm
 * query neither refetches a chunk nor decodes it again. `decodeAll` returns the kept arrays themselves (read-only
 * by contract: no caller writes to postings).
 */
export abstract class HeldPostings implements FieldPostings {
  readonly blocks: number;
  protected docs: DocArray | null = null;
  protected slots: Uint8Array | null = null;
  /** Lowest slot per block, made on the first `blockMinSlot` (scoring bounds by `minSlot`, not by blocks). */
  private minSlots: Uint8Array | null = null;

  constructor(
    readonly field: number,
    readonly df: number,
    readonly count: number,
    readonly minSlot: number,
  ) {
    this.blocks = Math.ceil(count / BLOCK_SIZE);
  }

  /** Bytes this holds (see the subclasses). */
  abstract get bytes(): number;

  /**
   * Bytes of the docs and slots once made (`narrow`: 16-bit docs), and a share for the object itself. The fixed
   * part is measured: the bench's million-record mix held about 1.1 KB a term beyond its postings' bytes (V8 heap
   * and array buffers freed when the cache is dropped, Node), most of it this object and its two typed arrays.
   */
  protected arrayBytes(narrow: boolean): number {
    return (narrow ? 3 : 5) * this.count + this.blocks + 240;
  }

  /** Sets `docs` and `slots` (called on the first read of either). */
  protected abstract load(): void;

  /** Whether the docs and slots have been made. */
  get decoded(): boolean {
    return this.docs !== null;
  }

  lastDoc(b: number): number {
    // No object made a call: scoring asks this once a block.
    if (!this.docs) this.load();
    return this.docs![Math.min(this.count, (b + 1) * BLOCK_SIZE) - 1]!;
  }

  blockMinSlot(b: number): number {
    if (!this.minSlots) {
      if (!this.slots) this.load();
      const slots = this.slots!;
      const mins = new Uint8Array(this.blocks);
      for (let k = 0; k < this.blocks; k++)
        mins[k] = lowestSlot(slots.subarray(k * BLOCK_SIZE, Math.min(this.count, (k + 1) * BLOCK_SIZE)));
      this.minSlots = mins;
    }
    return this.minSlots[b]!;
  }

  decodeBlock(b: number, docs: Uint32Array, slots: Uint8Array, at: number): number {
    if (!this.docs) this.load();
    const lo = b * BLOCK_SIZE,
      hi = Math.min(this.count, lo + BLOCK_SIZE);
    docs.set(this.docs!.subarray(lo, hi), at);
    slots.set(this.slots!.subarray(lo, hi), at);
    return hi - lo;
  }

  decodeAll(): { docs: DocArray; slots: Uint8Array } {
    if (!this.docs) this.load();
    return { docs: this.docs!, slots: this.slots! };
  }
}

/**
 * One field's postings of a term: count, lowest slot and df as the directory gives them, docs and slots decoded
 * from the chunk into typed arrays on the first read of either and kept. Until then it holds its chunk.
 */
export class LazyPostings extends HeldPostings {
  private chunk: TermChunk | null;
  /** Whether the chunk's lists hold 16-bit docs (the chunk is let go once decoded). */
  private readonly chunkNarrow: boolean;

  constructor(
    chunk: TermChunk,
    private readonly term: number,
    private readonly at: number,
    field: number,
    df: number,
    count: number,
    minSlot: number,
  ) {
    super(field, df, count, minSlot);
    this.chunk = chunk;
    this.chunkNarrow = chunk.narrow;
  }

  /**
   * Bytes this holds once decoded, counted from the start: the chunk an undecoded list holds is shared by its term's
   * other lists and by other terms of the chunk.
   */
  get bytes(): number {
    return this.arrayBytes(this.chunkNarrow);
  }

  /** Decodes the list from its chunk; after that, `docs` and `slots` are set and the chunk is let go. */
  protected load(): void {
    const chunk = this.chunk!;
    const d = chunk.decodeField(this.term, this.at);
    const n = this.count;
    if (d.docs.length !== n) throw new Error(`index-format: ${chunk.name} is damaged (term ${this.term})`);
    const start = chunk.docStart;
    if (start === 0 && !chunk.narrow) this.docs = d.docs;
    else {
      // Shard-local numbers, in 16 bits where the shard allows: the held copy, so the chunk's 32-bit one goes.
      if (n && (d.docs[0]! < start || d.docs[n - 1]! - start >= (chunk.narrow ? LOCAL_DOCS : 2 ** 32)))
        throw new Error(`index-format: ${chunk.name} has docs outside its shard (term ${this.term})`);
      const docs = chunk.narrow ? new Uint16Array(n) : new Uint32Array(n);
      const src = d.docs;
      for (let j = 0; j < n; j++) docs[j] = src[j]! - start;
      this.docs = docs;
      chunk.forget(this.term, this.at);
    }
    this.slots = d.slots;
    this.chunk = null;
  }
}

/** The lowest of `slots` (255 when empty), stopping at 0. */
function lowestSlot(slots: Uint8Array): number {
  let min = 255;
  for (let j = 0, n = slots.length; j < n && min > 0; j++) if (slots[j]! < min) min = slots[j]!;
  return min;
}
