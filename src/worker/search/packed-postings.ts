/**
 * Decoded postings packed small, for the part of the postings cache an isolate keeps beyond what it holds as typed
 * arrays (postings-admission.ts).
 *
 * Why: at a million records sixteen shards meet in one isolate (locally always; on Cloudflare whenever objects of
 * the class share one), and the bench's warm mix holds 83 MiB of decoded lists (69 MiB of postings at 3 bytes, and
 * each term's fixed part) against a 32 MiB budget. What the cache could not hold was read and decoded again, query
 * after query: the Rice and Huffman codes of the chunk, and a derived field's members merged (Node profile:
 * decoding, merging and their garbage were over half of a thrashing query's CPU). Packed as below, the same terms
 * take 37 MiB (27.5 MiB of postings), and making the arrays again from them is a byte loop, not a bit-level decode.
 *
 * A list is packed one of two ways, whichever is smaller: its docs as varint gaps (a sparse list: a gap under 128
 * is one byte), or as a bitmap from its first doc to its last (a dense list: a common word in most of a shard's
 * descriptions takes a bit a doc). Slots (0–15) take a nibble each, or one byte when all are the same.
 * Hand-written: no kept library packs sorted 16-bit lists this way, and it is a few loops.
 *
 * Layout: u8 kind (bit 0: bitmap, bit 1: one slot for all), varint count; then for gaps, count varints (the first
 * doc, then each gap); for a bitmap, varint first doc, varint bitmap bytes, the bitmap (bit b of byte i: doc
 * first + 8i + b); then the slots: one byte, or ⌈count / 2⌉ bytes of nibbles, the lower first.
 */
import { type DocArray, HeldPostings } from "../../shared/index-format";
import { readVarint, varintLength, writeVarint } from "../../shared/index-format/varint";

const BITMAP = 1;
const ONE_SLOT = 2;
/** Slots are position codes 0–15 (term-chunk.ts): a nibble each. */
const MAX_SLOT = 15;

/**
 * Packs a list of ascending docs and their slots (0–15).
 * @example unpackList(packList([3, 4, 9], [0, 2, 2]), true) // { docs: Uint16Array [3, 4, 9], slots: [0, 2, 2] }
 */
export function packList(docs: ArrayLike<number>, slots: ArrayLike<number>): Uint8Array {
  const n = docs.length;
  if (slots.length !== n) throw new Error(`packed-postings: ${n} docs but ${slots.length} slots`);
  if (n === 0) return Uint8Array.of(0, 0);
  let gapBytes = varintLength(docs[0]!);
  const s0 = slots[0]!;
  let oneSlot = true;
  if (s0 > MAX_SLOT) throw new Error(`packed-postings: slot ${s0} is over ${MAX_SLOT}`);
  for (let j = 1; j < n; j++) {
    const gap = docs[j]! - docs[j - 1]!;
    if (!(gap > 0)) throw new Error(`packed-postings: docs are not ascending at ${j} (${docs[j - 1]}, ${docs[j]})`);
    gapBytes += varintLength(gap);
    const s = slots[j]!;
    if (s !== s0) {
      if (s > MAX_SLOT) throw new Error(`packed-postings: slot ${s} is over ${MAX_SLOT}`);
      oneSlot = false;
    }
  }
  const first = docs[0]!;
  const mapBytes = Math.floor((docs[n - 1]! - first) / 8) + 1;
  const bitmap = mapBytes + varintLength(first) + varintLength(mapBytes) < gapBytes;
  const slotBytes = oneSlot ? 1 : (n + 1) >> 1;
  const out = new Uint8Array(
    1 + varintLength(n) + (bitmap ? varintLength(first) + varintLength(mapBytes) + mapBytes : gapBytes) + slotBytes,
  );
  out[0] = (bitmap ? BITMAP : 0) | (oneSlot ? ONE_SLOT : 0);
  let at = writeVarint(out, 1, n);
  if (bitmap) {
    at = writeVarint(out, at, first);
    at = writeVarint(out, at, mapBytes);
    for (let j = 0; j < n; j++) {
      const d = docs[j]! - first;
      out[at + (d >> 3)]! |= 1 << (d & 7);
    }
    at += mapBytes;
  } else {
    at = writeVarint(out, at, first);
    for (let j = 1; j < n; j++) at = writeVarint(out, at, docs[j]! - docs[j - 1]!);
  }
  if (oneSlot) out[at] = s0;
  else for (let j = 0; j < n; j++) out[at + (j >> 1)]! |= slots[j]! << ((j & 1) << 2);
  return out;
}

/** The docs (16-bit when `narrow`) and slots of a packed list. */
export function unpackList(p: Uint8Array, narrow: boolean): { docs: DocArray; slots: Uint8Array } {
  const kind = p[0]!;
  const at = { o: 1 };
  const n = readVarint(p, at);
  const docs = narrow ? new Uint16Array(n) : new Uint32Array(n);
  const slots = new Uint8Array(n);
  if (n === 0) return { docs, slots };
  let o: number;
  if (kind & BITMAP) {
    const first = readVarint(p, at);
    const mapBytes = readVarint(p, at);
    o = at.o;
    let j = 0;
    // Set bits lowest first: x & -x isolates the lowest, 31 − clz32 its index. A loop over bytes, not docs: a
    // dense list's bitmap is a few bytes a hundred docs.
    for (let i = 0; i < mapBytes; i++) {
      let b = p[o + i]!;
      const base = first + 8 * i;
      while (b) {
        const t = b & -b;
        docs[j++] = base + 31 - Math.clz32(t);
        b ^= t;
      }
    }
    if (j !== n) throw new Error(`packed-postings: a bitmap holds ${j} docs, not ${n}`);
    o += mapBytes;
  } else {
    o = at.o;
    let doc = 0;
    for (let j = 0; j < n; j++) {
      // One byte is the common gap; the loop below takes the rest.
      let b = p[o++]!;
      if (b < 0x80) doc += b;
      else {
        let v = b & 0x7f,
          scale = 128;
        do {
          b = p[o++]!;
          v += (b & 0x7f) * scale;
          scale *= 128;
        } while (b & 0x80);
        doc += v;
      }
      docs[j] = doc;
    }
  }
  if (kind & ONE_SLOT) slots.fill(p[o]!);
  else
    for (let j = 0; j < n; j += 2) {
      const b = p[o + (j >> 1)]!;
      slots[j] = b & 15;
      if (j + 1 < n) slots[j + 1] = b >> 4;
    }
  return { docs, slots };
}

/**
 * A field's postings packed (`packList`), as a query reads them: its docs and slots are made from the packed bytes
 * on its first read, and it is counted with them from the start, as a decoded list is.
 */
export class PackedPostings extends HeldPostings {
  constructor(
    readonly packed: Uint8Array,
    readonly narrow: boolean,
    field: number,
    df: number,
    count: number,
    minSlot: number,
  ) {
    super(field, df, count, minSlot);
  }

  /** The packed bytes (a view of its term's buffer, counted there too) and the arrays, as term-chunk.ts counts them. */
  get bytes(): number {
    return this.packed.byteLength + this.arrayBytes(this.narrow);
  }

  protected load(): void {
    const { docs, slots } = unpackList(this.packed, this.narrow);
    if (docs.length !== this.count)
      throw new Error(`packed-postings: a packed list holds ${docs.length} docs, not ${this.count}`);
    this.docs = docs;
    this.slots = slots;
  }
}

/**
 * A term's lists as the cache's packed tier holds them: every packed list in one buffer, so a small term (a rare
 * name's few postings in three fields) costs its bytes and one object, not an object and two arrays a list. A list
 * not decoded yet is kept as it is (`lazy`: it holds its chunk, and is counted as decoded, as before).
 *
 * Buffer layout: per list, u8 field, varint df, varint count, u8 lowest slot, u8 narrow (1: 16-bit docs), varint
 * packed bytes, the packed bytes.
 */
export interface PackedTerm<F extends string> {
  term: string;
  key?: string;
  buf: Uint8Array;
  /** Undefined when every list is packed (an empty array would cost about 30 bytes a term). */
  lazy?: Array<[F, HeldPostings]>;
  bytes: number;
}

/**
 * Bytes a packed term holds beyond its buffer and its key (counted at two bytes a character): its object, the
 * buffer's typed array and array buffer, and the packed tier's entry. Measured: 100,000 packed terms of two short
 * lists in a size-bounded LRU held 466 bytes each beyond those (`scripts/bench/packed-term-bytes.ts`, Node 22).
 */
const PACKED_TERM_BYTES = 500;

/**
 * Packs a term's lists (each decoded, or already packed) into one `PackedTerm`; `names` gives a field's name by
 * its number.
 */
export function packTerm<F extends string>(
  term: string,
  key: string | undefined,
  fields: Iterable<[F, HeldPostings]>,
  names: readonly F[],
): PackedTerm<F> {
  const parts: Array<{ fp: HeldPostings; packed: Uint8Array; narrow: boolean }> = [];
  let lazy: Array<[F, HeldPostings]> | undefined;
  let size = 0;
  for (const [name, fp] of fields) {
    if (names[fp.field] !== name) throw new Error(`packed-postings: field ${fp.field} is not ${name}`);
    let packed: Uint8Array, narrow: boolean;
    if (fp instanceof PackedPostings) ({ packed, narrow } = fp);
    else if (fp.decoded) {
      const { docs, slots } = fp.decodeAll();
      packed = packList(docs, slots);
      narrow = docs instanceof Uint16Array;
    } else {
      (lazy ??= []).push([name, fp]);
      continue;
    }
    parts.push({ fp, packed, narrow });
    size += 3 + varintLength(fp.df) + varintLength(fp.count) + varintLength(packed.byteLength) + packed.byteLength;
  }
  const buf = new Uint8Array(size);
  let at = 0;
  for (const { fp, packed, narrow } of parts) {
    buf[at++] = fp.field;
    at = writeVarint(buf, at, fp.df);
    at = writeVarint(buf, at, fp.count);
    buf[at++] = fp.minSlot;
    buf[at++] = narrow ? 1 : 0;
    at = writeVarint(buf, at, packed.byteLength);
    buf.set(packed, at);
    at += packed.byteLength;
  }
  let bytes = PACKED_TERM_BYTES + 2 * (key?.length ?? 0) + buf.byteLength;
  for (const [, fp] of lazy ?? []) bytes += fp.bytes;
  return lazy ? { term, key, buf, lazy, bytes } : { term, key, buf, bytes };
}

/** A packed term's lists as a query reads them: packed ones as `PackedPostings` (views of its buffer), lazy as kept. */
export function unpackTerm<F extends string>(p: PackedTerm<F>, names: readonly F[]): Array<[F, HeldPostings]> {
  const out: Array<[F, HeldPostings]> = [];
  const { buf } = p;
  const at = { o: 0 };
  while (at.o < buf.byteLength) {
    const field = buf[at.o++]!;
    const df = readVarint(buf, at);
    const count = readVarint(buf, at);
    const minSlot = buf[at.o++]!;
    const narrow = buf[at.o++] === 1;
    const len = readVarint(buf, at);
    const name = names[field];
    if (name === undefined || at.o + len > buf.byteLength)
      throw new Error(`packed-postings: the packed term "${p.term}" is damaged at byte ${at.o}`);
    out.push([name, new PackedPostings(buf.subarray(at.o, at.o + len), narrow, field, df, count, minSlot)]);
    at.o += len;
  }
  if (p.lazy) out.push(...p.lazy);
  return out;
}
