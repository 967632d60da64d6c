/**
 * Filter columns of one search shard: per doc its catalogue order, start and
 * end year and series. One encoder and one decoder, so the layout lives in one
 * place.
 *
 * Every query of a shard reads the whole file before it scores (the order is the
 * tie-break of any answer, the series and years make every answer's facets), and
 * a cold query waits for it last. Cut into doc-range pages it would not be read
 * in part: the bench's rare name ("Besedovsky", 7,339 docs in its plan's postings
 * at 100k records) touches every page even at 64 docs a page.
 *
 * The order column is bit-packed at the width its values need in this shard, from
 * a base (a frame of reference): a shard's ranks are spread over the catalogue, so
 * they take 17 bits a doc at 100k records where a typed array takes 32, and they do
 * not compress. The years and series are stored as the values the Worker reads, and
 * copied whole: decoding them bit by bit was two thirds of the columns'
 * decoding, which a cold isolate runs in its interpreter before its first answer
 * (about 9 of 14 ms at 100k records in workerd), and stored whole they cost little
 * more once compressed (the 100k synthetic records' file gzips to 444 KB, against
 * 418 KB all bit-packed).
 * Hand-written: a compression library would cost the Worker an async stream and more
 * bytes than the order column's entropy leaves to gain.
 *
 * Layout, little-endian (as every typed array of a Workers runtime, which copies the
 * columns through views): the header (`HEADER_WORDS` 32-bit words: doc count, order
 * base and bits, bytes a series index takes), the order column packed LSB first from
 * a word boundary, then the start and end years, 16 bits a doc each, then the series,
 * a byte a doc (two when a catalogue has more than 256 series), padded to a whole
 * word. An unknown year is 0.
 */

export interface FilterColumns {
  /** First doc number the columns describe; index a column with `doc - base`. */
  base: number;
  /** Rank of the doc in catalogue (reference) order: the last tie-break. */
  order: Uint32Array;
  /** Start year, 0 when unknown. */
  start: Int16Array;
  /** End year (the start year when open), 0 when unknown. */
  end: Int16Array;
  /** Index into the manifest's `seriesNames`. */
  series: Uint16Array;
}

/**
 * Series a catalogue may have: the series column and the facet column (shard-facets.ts) hold a series' index in
 * 16 bits. A build with more refuses the catalogue (search-assets.ts) rather than wrap an index onto another series.
 */
export const MAX_SERIES = 1 << 16;

/** Bytes per doc as the Worker holds the columns: Uint32 order, Int16 start, Int16 end, Uint16 series. */
const BYTES_PER_DOC = 10;

/** Words before the order column: count, order base, order bits, bytes a series index takes (1 or 2). */
const HEADER_WORDS = 4;

function views(buf: ArrayBuffer, m: number) {
  return {
    order: new Uint32Array(buf, 0, m),
    start: new Int16Array(buf, m * 4, m),
    end: new Int16Array(buf, m * 6, m),
    series: new Uint16Array(buf, m * 8, m),
  };
}

/** Fresh, zeroed columns for `count` docs from `base`; fill them and pass them to `encodeFilterColumns`. */
export function newFilterColumns(base: number, count: number): FilterColumns {
  return { base, ...views(new ArrayBuffer(count * BYTES_PER_DOC), count) };
}

/** Bits that hold every value from 0 to `max` (0 when `max` is 0: the column is its base alone). */
function bitsFor(max: number): number {
  return max <= 0 ? 0 : 32 - Math.clz32(max);
}

/** 32-bit words `count` values of `bits` bits take. */
function wordsFor(count: number, bits: number): number {
  return Math.ceil((count * bits) / 32);
}

/** Writes `values` (each below 2^bits) LSB first into `out` from word `at`. */
function pack(values: ArrayLike<number>, bits: number, out: Uint32Array, at: number): void {
  if (bits === 0) return;
  for (let i = 0, bit = 0; i < values.length; i++, bit += bits) {
    const v = values[i]! >>> 0;
    const w = at + (bit >>> 5),
      s = bit & 31;
    out[w]! |= v << s;
    if (s + bits > 32) out[w + 1]! |= v >>> (32 - s);
  }
}

/** Widest column `unpackBytes` reads: its accumulator then holds at most 30 bits, a small integer to V8. */
const BYTE_READER_MAX_BITS = 23;

/**
 * Reads `count` order values of `bits` bits (at most `BYTE_READER_MAX_BITS`) from byte `at` into `out`, each plus
 * `add`. A cold isolate runs this before its first answer, mostly in its interpreter until the loop is compiled,
 * and there every number outside V8's small-integer range (31 bits, signed) is a heap object: read as 32-bit words,
 * most words were, 0.7 MiB of the 4.4 a cold rare name's request allocated at 100k records
 * (scripts/bench/cold-allocations-workerd.ts). Read a byte at a time, every number stays small; the packing is LSB
 * first in little-endian words, so the bytes are the same bit stream.
 */
function unpackBytes(bytes: Uint8Array, at: number, count: number, bits: number, out: Uint32Array, add: number): void {
  const mask = (1 << bits) - 1;
  // `acc` holds the `have` bits read and not yet taken, low first: fewer than `bits` + 8, so at most 30.
  let acc = 0,
    have = 0,
    b = at;
  for (let i = 0; i < count; i++) {
    while (have < bits) {
      acc |= bytes[b++]! << have;
      have += 8;
    }
    out[i] = (acc & mask) + add;
    acc >>>= bits;
    have -= bits;
  }
}

/**
 * An order column wider than `BYTE_READER_MAX_BITS` bits, from word `at`, by 32-bit words, each plus `add` (the
 * column's base: an order is never 0-for-unknown, and `out` wraps modulo 2^32). It branches on nothing but where
 * the next word starts.
 */
function unpackWords(words: Uint32Array, at: number, count: number, bits: number, out: Uint32Array, add: number): void {
  if (bits === 32) {
    for (let i = 0; i < count; i++) out[i] = words[at + i]! + add;
    return;
  }
  const mask = (1 << bits) - 1;
  // `acc` holds the `have` bits of `words[w - 1]` not yet read, low first, and nothing above them.
  let acc = 0,
    have = 0,
    w = at;
  for (let i = 0; i < count; i++) {
    let v: number;
    if (have >= bits) {
      v = acc & mask;
      acc >>>= bits;
      have -= bits;
    } else {
      const next = words[w++]!;
      v = (acc | (next << have)) & mask;
      // 0 < bits - have <= bits < 32.
      acc = next >>> (bits - have);
      have += 32 - bits;
    }
    out[i] = v + add;
  }
}

/** Bytes a series index takes in the file: one when every index fits, as in a catalogue of fewer than 256 series. */
function seriesBytesFor(series: ArrayLike<number>): 1 | 2 {
  for (let i = 0; i < series.length; i++) if (series[i]! > 255) return 2;
  return 1;
}

/** 32-bit words the start and end columns (16 bits a doc each) and the series column take, after the order column. */
function wideWords(count: number, seriesBytes: number): number {
  return Math.ceil(((4 + seriesBytes) * count) / 4);
}

export function encodeFilterColumns(cols: FilterColumns): Uint8Array {
  const m = cols.order.length;
  let orderMin = m ? 0xffffffff : 0,
    orderMax = 0;
  for (let i = 0; i < m; i++) {
    const o = cols.order[i]!;
    if (o < orderMin) orderMin = o;
    if (o > orderMax) orderMax = o;
  }
  const orderBits = bitsFor(orderMax - orderMin);
  const orderWords = wordsFor(m, orderBits);
  const seriesBytes = seriesBytesFor(cols.series);
  const words = new Uint32Array(HEADER_WORDS + orderWords + wideWords(m, seriesBytes));
  words.set([m, orderMin, orderBits, seriesBytes]);
  pack(
    Uint32Array.from(cols.order, (o) => o - orderMin),
    orderBits,
    words,
    HEADER_WORDS,
  );
  const at = 4 * (HEADER_WORDS + orderWords);
  const years = new Uint16Array(words.buffer, at, 2 * m);
  years.set(new Uint16Array(cols.start.buffer, cols.start.byteOffset, m), 0);
  years.set(new Uint16Array(cols.end.buffer, cols.end.byteOffset, m), m);
  (seriesBytes === 1 ? new Uint8Array(words.buffer, at + 4 * m, m) : new Uint16Array(words.buffer, at + 4 * m, m)).set(
    cols.series,
  );
  return new Uint8Array(words.buffer);
}

/** Reads columns for docs `[base, base + count)`; the file must describe exactly `count` docs. */
export function decodeFilterColumns(buf: ArrayBuffer, base: number, count: number): FilterColumns {
  const bad = (why: string) => new Error(`index-format: filter columns of ${buf.byteLength} bytes ${why}`);
  if (buf.byteLength % 4 !== 0 || buf.byteLength < HEADER_WORDS * 4) throw bad("are not a header and whole words");
  const words = new Uint32Array(buf);
  const [m, orderMin, orderBits, seriesBytes] = words;
  if (m !== count) throw bad(`describe ${m} docs, expected ${count}`);
  if (orderBits! > 32 || (seriesBytes !== 1 && seriesBytes !== 2))
    throw bad(`have an order column of ${orderBits} bits and series of ${seriesBytes} bytes`);
  const orderWords = wordsFor(count, orderBits!);
  const expected = HEADER_WORDS + orderWords + wideWords(count, seriesBytes);
  if (words.length !== expected) throw bad(`should be ${expected * 4} for ${count} docs of ${orderBits} bits`);
  const cols = newFilterColumns(base, count);
  if (orderBits! <= BYTE_READER_MAX_BITS)
    unpackBytes(new Uint8Array(buf), HEADER_WORDS * 4, count, orderBits!, cols.order, orderMin!);
  else unpackWords(words, HEADER_WORDS, count, orderBits!, cols.order, orderMin!);
  // Copied whole (native copies; a byte's series index widened by the copy), not kept as views of `buf`: the columns
  // then hold 10 bytes a doc, as their budget counts them (search-index.ts), and the file goes.
  const at = 4 * (HEADER_WORDS + orderWords);
  const years = new Uint16Array(buf, at, 2 * count);
  new Uint16Array(cols.start.buffer, cols.start.byteOffset, count).set(years.subarray(0, count));
  new Uint16Array(cols.end.buffer, cols.end.byteOffset, count).set(years.subarray(count));
  cols.series.set(
    seriesBytes === 1 ? new Uint8Array(buf, at + 4 * count, count) : new Uint16Array(buf, at + 4 * count, count),
  );
  return cols;
}
