/**
 * Term chunks, binary (index format 6): the build's encoder and the Worker's
 * decoder of one chunk of the search index, defined together so the layout
 * exists once.
 *
 * A chunk holds a sorted, prefix-compressed term directory and, for every
 * term and field, its postings in doc order. The Worker decodes a term's
 * postings once, whole, into typed arrays (`DecodedPostings`) and keeps those
 * warm, so the chunk needs no random access inside a term's postings: no
 * block tables, no fixed-width entries, only what gzip cannot squeeze out.
 * Block bounds (last doc, lowest slot per `BLOCK_SIZE` postings) are derived
 * when decoding. A query reads only its own terms: a binary search over the
 * directory's restart points, then at most `RESTART_EVERY` terms scanned; no
 * JSON.parse on the hot path. Hand-written because no kept library offers
 * this layout in the Workers runtime; it is what lets a query touch a few KB
 * instead of parsing a whole chunk.
 *
 * Layout, little-endian:
 *   header      u32 × 5: MAGIC, termCount, restartCount, dirBytes, base (lowest doc in the chunk)
 *   restarts    u32 × 2 × restartCount: per group of RESTART_EVERY terms, the byte offset of its first term in
 *               the directory and of that term's postings in the postings area
 *   directory   per term: varint bytes shared with the previous term (0 at a restart), varint suffix length,
 *               suffix (UTF-8; terms sorted bytewise), varint df, u8 field count, per field u8 field and varint
 *               count, then varint bytes of the term's postings (all fields)
 *   postings    per term and field: varint doc deltas (the first from `base`), then the slots, two per byte
 *               (FlexSearch's resolution keeps them under 16)
 */

/** "DXT6": Dossier term chunk, format 6. */
export const TERM_CHUNK_MAGIC = 0x36545844;
/** Postings per block: the unit of skipping and of score bounds. */
export const BLOCK_SIZE = 128;
/** Terms per directory group: the first of each is stored whole and binary-searched. */
const RESTART_EVERY = 16;
const HEADER_WORDS = 5;
/** Slots are stored as nibbles. */
const MAX_SLOT = 15;

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
    this.room(5);
    while (x >= 0x80) {
      this.bytes[this.length++] = (x & 0x7f) | 0x80;
      x = Math.floor(x / 128);
    }
    this.bytes[this.length++] = x;
  }

  raw(b: Uint8Array): void {
    this.room(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
  }
}

/**
 * Encodes terms and their postings into one chunk.
 * @example encodeTermChunk([{ term: "philby", fields: [{ field: 1, df: 2, docs: [4, 9], slots: [0, 3] }] }])
 */
export function encodeTermChunk(terms: TermInput[]): Uint8Array {
  const items = terms.map((t) => ({ term: t.term, bytes: utf8.encode(t.term), fields: t.fields }));
  items.sort((a, b) => compareBytes(a.bytes, b.bytes));
  for (let i = 1; i < items.length; i++) {
    if (compareBytes(items[i - 1]!.bytes, items[i]!.bytes) === 0) {
      throw new Error(`index-format: term "${items[i]!.term}" appears twice in one chunk`);
    }
  }
  let base = 0xffffffff;
  for (const t of items) for (const f of t.fields) if (f.docs.length && f.docs[0]! < base) base = f.docs[0]!;
  if (base === 0xffffffff) base = 0;
  const termCount = items.length;
  const restartCount = Math.ceil(termCount / RESTART_EVERY);
  const restarts = new Uint32Array(2 * restartCount);
  const dir = new ByteWriter();
  const post = new ByteWriter();
  let prev: Uint8Array = new Uint8Array(0);
  items.forEach((t, i) => {
    let shared = 0;
    if (i % RESTART_EVERY) {
      while (shared < t.bytes.length && shared < prev.length && t.bytes[shared] === prev[shared]) shared++;
    } else {
      restarts[2 * (i / RESTART_EVERY)] = dir.length;
      restarts[2 * (i / RESTART_EVERY) + 1] = post.length;
    }
    prev = t.bytes;
    dir.varint(shared);
    dir.varint(t.bytes.length - shared);
    dir.raw(t.bytes.subarray(shared));
    const df = t.fields[0]?.df ?? 0;
    if (t.fields.some((f) => f.df !== df))
      throw new Error(`index-format: term "${t.term}" has two document frequencies`);
    dir.varint(df);
    dir.byte(t.fields.length);
    const at = post.length;
    for (const f of t.fields) {
      const n = f.docs.length;
      dir.byte(f.field);
      dir.varint(n);
      let last = base;
      for (let j = 0; j < n; j++) {
        const doc = f.docs[j]!;
        if (j > 0 && doc <= last)
          throw new Error(`index-format: postings of "${t.term}" are not ascending at doc ${doc}`);
        post.varint(doc - last);
        last = doc;
      }
      for (let j = 0; j < n; j += 2) {
        const a = f.slots[j]!,
          b = j + 1 < n ? f.slots[j + 1]! : 0;
        if (a > MAX_SLOT || b > MAX_SLOT) throw new Error(`index-format: slot of "${t.term}" above ${MAX_SLOT}`);
        post.byte(a | (b << 4));
      }
    }
    dir.varint(post.length - at);
  });
  const head = 4 * (HEADER_WORDS + 2 * restartCount);
  const out = new Uint8Array(head + dir.length + post.length);
  const u32 = new Uint32Array(out.buffer, 0, head / 4);
  u32.set([TERM_CHUNK_MAGIC, termCount, restartCount, dir.length, base]);
  u32.set(restarts, HEADER_WORDS);
  out.set(dir.bytes.subarray(0, dir.length), head);
  out.set(post.bytes.subarray(0, post.length), head + dir.length);
  return out;
}

/** One field's postings of a term, decoded: read its blocks on demand. */
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
  decodeAll(): { docs: Uint32Array; slots: Uint8Array };
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
  private readonly post: number;
  private readonly base: number;
  /** Position the last `find` ended at, so `postings` of that term need not scan its group again. */
  private found = { i: -1, dirAt: 0, postAt: 0 };

  constructor(
    buf: ArrayBuffer,
    readonly name = "term chunk",
  ) {
    if (buf.byteLength < 4 * HEADER_WORDS) {
      throw new Error(`index-format: ${name} is ${buf.byteLength} bytes, not a term chunk`);
    }
    const head = new Uint32Array(buf, 0, HEADER_WORDS);
    if (head[0] !== TERM_CHUNK_MAGIC) {
      throw new Error(`index-format: ${name} starts with 0x${head[0]!.toString(16)}, not a format-6 term chunk`);
    }
    this.termCount = head[1]!;
    this.restartCount = head[2]!;
    this.base = head[4]!;
    this.dir = 4 * (HEADER_WORDS + 2 * this.restartCount);
    this.post = this.dir + head[3]!;
    if (buf.byteLength < this.post) throw new Error(`index-format: ${name} is cut short (${buf.byteLength} bytes)`);
    this.restarts = new Uint32Array(buf, 4 * HEADER_WORDS, 2 * this.restartCount);
    this.u8 = new Uint8Array(buf);
  }

  get size(): number {
    return this.termCount;
  }

  private varint(at: { o: number }): number {
    const u8 = this.u8;
    let x = u8[at.o++]!;
    if (x < 0x80) return x;
    let v = x & 0x7f,
      mul = 128;
    do {
      x = u8[at.o++]!;
      v += (x & 0x7f) * mul;
      mul *= 128;
    } while (x >= 0x80);
    return v;
  }

  /** Skips a term's fields (after its suffix) and returns its postings' byte length. */
  private skipFields(at: { o: number }): number {
    this.varint(at); // df
    const fields = this.u8[at.o++]!;
    for (let f = 0; f < fields; f++) {
      at.o++;
      this.varint(at);
    }
    return this.varint(at);
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
      at.o = this.dir + this.restarts[2 * mid]!;
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
    at.o = this.dir + this.restarts[2 * group]!;
    let postAt = this.restarts[2 * group + 1]!;
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
        this.found = { i, dirAt: at.o, postAt };
        return i;
      }
      if (c > 0) return -1;
      postAt += this.skipFields(at);
    }
    return -1;
  }

  /** Walks to term `i`: its fields' position in the directory and its postings' offset. */
  private seek(i: number): { dirAt: number; postAt: number } {
    if (this.found.i === i) return this.found;
    const group = Math.floor(i / RESTART_EVERY);
    const at = { o: this.dir + this.restarts[2 * group]! };
    let postAt = this.restarts[2 * group + 1]!;
    for (let j = group * RESTART_EVERY; ; j++) {
      this.varint(at);
      at.o += this.varint(at);
      if (j === i) return { dirAt: at.o, postAt };
      postAt += this.skipFields(at);
    }
  }

  /** The fields' postings of the term at directory index `i`, decoded. */
  postings(i: number): DecodedPostings[] {
    if (i < 0 || i >= this.termCount) throw new RangeError(`index-format: no term ${i} in ${this.name}`);
    const { dirAt, postAt } = this.seek(i);
    const at = { o: dirAt };
    const df = this.varint(at);
    const fields = this.u8[at.o++]!;
    const p = { o: this.post + postAt };
    const out: DecodedPostings[] = [];
    for (let f = 0; f < fields; f++) {
      const field = this.u8[at.o++]!;
      const count = this.varint(at);
      const docs = new Uint32Array(count);
      let doc = this.base;
      for (let j = 0; j < count; j++) {
        doc += this.varint(p);
        docs[j] = doc;
      }
      const slots = new Uint8Array(count);
      const u8 = this.u8;
      for (let j = 0; j < count; j += 2) {
        const b = u8[p.o++]!;
        slots[j] = b & 15;
        if (j + 1 < count) slots[j + 1] = b >> 4;
      }
      out.push(new DecodedPostings(field, df, docs, slots));
    }
    return out;
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
      this.skipFields(at);
    }
    return out;
  }
}

/**
 * A field's postings decoded once into typed arrays, with their block bounds: what the Worker keeps warm, so a
 * warm query neither refetches a chunk nor decodes it again. `decodeAll` returns the kept arrays themselves
 * (read-only by contract: no caller writes to postings).
 */
export class DecodedPostings implements FieldPostings {
  readonly count: number;
  readonly blocks: number;
  readonly minSlot: number;
  private readonly minSlots: Uint8Array;

  constructor(
    readonly field: number,
    readonly df: number,
    private readonly docs: Uint32Array,
    private readonly slots: Uint8Array,
  ) {
    this.count = docs.length;
    this.blocks = Math.ceil(this.count / BLOCK_SIZE);
    this.minSlots = new Uint8Array(this.blocks).fill(255);
    let min = 255;
    for (let j = 0; j < this.count; j++) {
      const b = (j / BLOCK_SIZE) | 0;
      if (slots[j]! < this.minSlots[b]!) this.minSlots[b] = slots[j]!;
      if (slots[j]! < min) min = slots[j]!;
    }
    this.minSlot = min;
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
