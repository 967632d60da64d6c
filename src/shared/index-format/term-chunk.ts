/**
 * Term chunks, binary (index format 5): the build's encoder and the Worker's
 * decoder of one chunk of the search index, defined together so the layout
 * exists once.
 *
 * A chunk holds a sorted term directory, binary-searchable by UTF-8 bytes, and
 * for every term and field its postings in doc order, in blocks of
 * `BLOCK_SIZE`. Each block records its last doc number (to skip to a doc) and
 * the lowest FlexSearch position slot in it, which bounds the block's score
 * (a match at slot 0, the start of a field, is worth most). Doc numbers are
 * delta- and varint-packed; slots are one byte each. A query reads only its own
 * terms' entries and decodes only the blocks it needs: no JSON.parse on the
 * hot path. Hand-written because no kept library offers this layout in the
 * Workers runtime; it is what lets a query touch a few KB instead of parsing a
 * whole chunk.
 *
 * Layout, little-endian, 4-byte aligned sections:
 *   header      u32 × 4: MAGIC, termCount, entryCount, stringBytes
 *   termOff     u32 × (termCount + 1): byte offsets of each term in the string blob
 *   termEntry   u32 × (termCount + 1): first entry of each term
 *   entries     u32 × 4 × entryCount: field, df, count, byte offset of the entry's block table
 *   strings     the terms, UTF-8, sorted bytewise, padded to 4
 *   postings    per entry: block table u32 × 3 × blocks (lastDoc, end of the block's data relative
 *               to the data start, min slot), then the data: per block varint doc deltas, then slots
 */

/** "DXT5": Dossier term chunk, format 5. */
export const TERM_CHUNK_MAGIC = 0x35545844;
/** Postings per block: the unit of skipping and of score bounds. */
export const BLOCK_SIZE = 128;

const HEADER_WORDS = 4;
const ENTRY_WORDS = 4;
const BLOCK_WORDS = 3;

/** One field's postings of a term, as the build hands them to the encoder: docs ascending, one slot each. */
export interface FieldPostingsInput {
  /** Index of the field in `FIELD_NAMES`. */
  field: number;
  /** Document frequency to score with: catalogue-wide in a sharded index. */
  df: number;
  docs: ArrayLike<number>;
  slots: ArrayLike<number>;
}

export interface TermInput {
  term: string;
  fields: FieldPostingsInput[];
}

const utf8 = new TextEncoder();

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function varintLength(x: number): number {
  let n = 1;
  while (x >= 0x80) {
    x = Math.floor(x / 128);
    n++;
  }
  return n;
}

/**
 * Encodes terms and their postings into one chunk.
 * @example encodeTermChunk([{ term: "philby", fields: [{ field: 1, df: 2, docs: [4, 9], slots: [0, 3] }] }])
 */
export function encodeTermChunk(terms: TermInput[]): Uint8Array {
  const items = terms.map((t) => ({ bytes: utf8.encode(t.term), fields: t.fields }));
  items.sort((a, b) => compareBytes(a.bytes, b.bytes));
  for (let i = 1; i < items.length; i++) {
    if (compareBytes(items[i - 1]!.bytes, items[i]!.bytes) === 0) {
      throw new Error(`index-format: term "${terms[i]!.term}" appears twice in one chunk`);
    }
  }
  const termCount = items.length;
  const entryCount = items.reduce((n, t) => n + t.fields.length, 0);
  const stringBytes = items.reduce((n, t) => n + t.bytes.length, 0);
  const stringPadded = (stringBytes + 3) & ~3;
  const postingsStart = 4 * (HEADER_WORDS + 2 * (termCount + 1) + ENTRY_WORDS * entryCount) + stringPadded;

  // Size the postings area first, so the chunk is written into one buffer.
  let postingsBytes = 0;
  for (const t of items) {
    for (const f of t.fields) {
      const n = f.docs.length;
      const blocks = Math.ceil(n / BLOCK_SIZE);
      let data = n;
      let prev = 0;
      for (let j = 0; j < n; j++) {
        data += varintLength(f.docs[j]! - prev);
        prev = f.docs[j]!;
      }
      postingsBytes += (4 * BLOCK_WORDS * blocks + data + 3) & ~3;
    }
  }
  const buf = new ArrayBuffer(postingsStart + postingsBytes);
  const u32 = new Uint32Array(buf);
  const u8 = new Uint8Array(buf);
  u32[0] = TERM_CHUNK_MAGIC;
  u32[1] = termCount;
  u32[2] = entryCount;
  u32[3] = stringBytes;
  const termOff = HEADER_WORDS;
  const termEntry = termOff + termCount + 1;
  const entries = termEntry + termCount + 1;
  const strings = 4 * (entries + ENTRY_WORDS * entryCount);
  let s = 0,
    e = 0,
    p = postingsStart;
  items.forEach((t, i) => {
    u32[termOff + i] = s;
    u8.set(t.bytes, strings + s);
    s += t.bytes.length;
    u32[termEntry + i] = e;
    for (const f of t.fields) {
      const n = f.docs.length;
      const blocks = Math.ceil(n / BLOCK_SIZE);
      const at = entries + ENTRY_WORDS * e++;
      u32[at] = f.field;
      u32[at + 1] = f.df;
      u32[at + 2] = n;
      u32[at + 3] = p;
      const table = p / 4;
      const dataStart = p + 4 * BLOCK_WORDS * blocks;
      let o = dataStart,
        prev = 0;
      for (let b = 0; b < blocks; b++) {
        const lo = b * BLOCK_SIZE,
          hi = Math.min(n, lo + BLOCK_SIZE);
        let minSlot = 255;
        for (let j = lo; j < hi; j++) {
          const doc = f.docs[j]!;
          if (j > 0 && doc <= prev)
            throw new Error(`index-format: postings of "${t.bytes}" are not ascending at doc ${doc}`);
          for (let d = doc - prev; ; d = Math.floor(d / 128)) {
            if (d < 0x80) {
              u8[o++] = d;
              break;
            }
            u8[o++] = (d & 0x7f) | 0x80;
          }
          prev = doc;
        }
        for (let j = lo; j < hi; j++) {
          u8[o++] = f.slots[j]!;
          if (f.slots[j]! < minSlot) minSlot = f.slots[j]!;
        }
        u32[table + BLOCK_WORDS * b] = prev;
        u32[table + BLOCK_WORDS * b + 1] = o - dataStart;
        u32[table + BLOCK_WORDS * b + 2] = minSlot;
      }
      p = (o + 3) & ~3;
    }
  });
  u32[termOff + termCount] = s;
  u32[termEntry + termCount] = e;
  return u8;
}

/** One field's postings of a term inside a decoded chunk: read its blocks on demand. */
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
  /** Decodes block `b` into `docs`/`slots` from index `at`; returns the number of postings written. */
  decodeBlock(b: number, docs: Uint32Array, slots: Uint8Array, at: number): number;
  /** Decodes every block. */
  decodeAll(): { docs: Uint32Array; slots: Uint8Array };
}

/**
 * A term chunk read in place: the constructor checks the header and makes
 * views; nothing is decoded until a term is looked up.
 */
export class TermChunk {
  private readonly u32: Uint32Array;
  private readonly u8: Uint8Array;
  private readonly termCount: number;
  private readonly termOff: number;
  private readonly termEntry: number;
  private readonly entries: number;
  private readonly strings: number;

  constructor(
    buf: ArrayBuffer,
    readonly name = "term chunk",
  ) {
    if (buf.byteLength < 4 * HEADER_WORDS || buf.byteLength % 4) {
      throw new Error(`index-format: ${name} is ${buf.byteLength} bytes, not a term chunk`);
    }
    this.u32 = new Uint32Array(buf);
    this.u8 = new Uint8Array(buf);
    if (this.u32[0] !== TERM_CHUNK_MAGIC) {
      throw new Error(`index-format: ${name} starts with 0x${this.u32[0]!.toString(16)}, not a format-5 term chunk`);
    }
    this.termCount = this.u32[1]!;
    this.termOff = HEADER_WORDS;
    this.termEntry = this.termOff + this.termCount + 1;
    this.entries = this.termEntry + this.termCount + 1;
    this.strings = 4 * (this.entries + ENTRY_WORDS * this.u32[2]!);
  }

  get size(): number {
    return this.termCount;
  }

  /** The term's index in the directory, or -1: a binary search over UTF-8 bytes. */
  find(term: Uint8Array): number {
    let lo = 0,
      hi = this.termCount - 1;
    const { u8, u32, strings, termOff } = this;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const a = strings + u32[termOff + mid]!,
        end = strings + u32[termOff + mid + 1]!;
      let c = 0;
      const n = Math.min(end - a, term.length);
      for (let i = 0; i < n && c === 0; i++) c = u8[a + i]! - term[i]!;
      if (c === 0) c = end - a - term.length;
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The fields' postings of the term at directory index `i`. */
  postings(i: number): FieldPostings[] {
    const out: FieldPostings[] = [];
    for (let e = this.u32[this.termEntry + i]!, last = this.u32[this.termEntry + i + 1]!; e < last; e++) {
      out.push(this.entry(e));
    }
    return out;
  }

  /** Every term of the chunk, in directory order (for tests and tools, not the query path). */
  terms(): string[] {
    const dec = new TextDecoder();
    return Array.from({ length: this.termCount }, (_, i) =>
      dec.decode(
        this.u8.subarray(this.strings + this.u32[this.termOff + i]!, this.strings + this.u32[this.termOff + i + 1]!),
      ),
    );
  }

  private entry(e: number): FieldPostings {
    const { u32, u8 } = this;
    const at = this.entries + ENTRY_WORDS * e;
    const count = u32[at + 2]!;
    const blocks = Math.ceil(count / BLOCK_SIZE);
    const table = u32[at + 3]! / 4;
    const dataStart = u32[at + 3]! + 4 * BLOCK_WORDS * blocks;
    let minSlot = 255;
    for (let b = 0; b < blocks; b++) minSlot = Math.min(minSlot, u32[table + BLOCK_WORDS * b + 2]!);
    const decodeBlock = (b: number, docs: Uint32Array, slots: Uint8Array, into: number): number => {
      const n = b === blocks - 1 ? count - b * BLOCK_SIZE : BLOCK_SIZE;
      let o = dataStart + (b ? u32[table + BLOCK_WORDS * (b - 1) + 1]! : 0);
      let doc = b ? u32[table + BLOCK_WORDS * (b - 1)]! : 0;
      for (let j = 0; j < n; j++) {
        let x = u8[o++]!;
        if (x >= 0x80) {
          let v = x & 0x7f,
            mul = 128;
          do {
            x = u8[o++]!;
            v += (x & 0x7f) * mul;
            mul *= 128;
          } while (x >= 0x80);
          x = v;
        }
        doc += x;
        docs[into + j] = doc;
      }
      slots.set(u8.subarray(o, o + n), into);
      return n;
    };
    return {
      field: u32[at]!,
      df: u32[at + 1]!,
      count,
      blocks,
      minSlot,
      lastDoc: (b) => u32[table + BLOCK_WORDS * b]!,
      blockMinSlot: (b) => u32[table + BLOCK_WORDS * b + 2]!,
      decodeBlock,
      decodeAll: () => {
        const docs = new Uint32Array(count),
          slots = new Uint8Array(count);
        for (let b = 0, k = 0; b < blocks; b++) k += decodeBlock(b, docs, slots, k);
        return { docs, slots };
      },
    };
  }
}

/**
 * A field's postings decoded once into typed arrays, behind the same interface: what the Worker keeps warm, so a
 * warm query neither refetches a chunk nor decodes a block again. `decodeAll` returns the kept arrays themselves
 * (read-only by contract: no caller writes to postings).
 */
export class DecodedPostings implements FieldPostings {
  readonly field: number;
  readonly df: number;
  readonly count: number;
  readonly blocks: number;
  readonly minSlot: number;
  private readonly docs: Uint32Array;
  private readonly slots: Uint8Array;
  private readonly minSlots: Uint8Array;

  constructor(p: FieldPostings) {
    this.field = p.field;
    this.df = p.df;
    this.count = p.count;
    this.blocks = p.blocks;
    this.minSlot = p.minSlot;
    ({ docs: this.docs, slots: this.slots } = p.decodeAll());
    this.minSlots = new Uint8Array(p.blocks);
    for (let b = 0; b < p.blocks; b++) this.minSlots[b] = p.blockMinSlot(b);
  }

  /** Bytes this holds: its arrays and a share for the object itself. */
  get bytes(): number {
    return this.docs.byteLength + this.slots.byteLength + this.minSlots.byteLength + 160;
  }

  lastDoc(b: number): number {
    return this.docs[Math.min(this.count, (b + 1) * BLOCK_SIZE) - 1]!;
  }

  blockMinSlot(b: number): number {
    return this.minSlots[b]!;
  }

  decodeBlock(b: number, docs: Uint32Array, slots: Uint8Array, at: number): number {
    const lo = b * BLOCK_SIZE,
      hi = Math.min(this.count, lo + BLOCK_SIZE);
    docs.set(this.docs.subarray(lo, hi), at);
    slots.set(this.slots.subarray(lo, hi), at);
    return hi - lo;
  }

  decodeAll(): { docs: Uint32Array; slots: Uint8Array } {
    return { docs: this.docs, slots: this.slots };
  }
}
