/**
 * Filter columns of one search shard: per doc its catalogue order, start and
 * end year and series. One encoder and one decoder, so the layout lives in one
 * place.
 *
 * Every query of a shard reads the whole file before it scores (the order is the
 * tie-break of any answer, the series and years make every answer's facets), and
 * a cold query waits for it last. Cut into doc-range pages it would not be read
 * in part: the bench's rare name ("Besedovsky", 7,339 docs in its plan's postings
 * at 100k records) touches every page even at 64 docs a page, so the file is made
 * small instead. Each column is bit-packed at the width its values need in this
 * shard, from a base (a frame of reference): at 100k synthetic records 35 bits a
 * doc, not the 80 of the typed arrays the Worker decodes it into (see
 * docs/benchmarks-history.md, branch `cold8`). Hand-written: four loops over
 * 32-bit words; a compression library would cost the Worker an async stream and
 * more bytes than the order column's entropy leaves to gain.
 *
 * Layout, little-endian 32-bit words: the header (`HEADER_WORDS`: doc count,
 * order base and bits, series bits, year base and the start and end years' bits),
 * then the order, series, start and end columns, each packed LSB first from a
 * word boundary. A year is stored as `year - yearBase`, and an unknown year (0) as
 * 0: `yearBase` is one below the shard's least known year, so no known year is 0 (and a year takes at most 17 bits,
 * from -32768 to 32767).
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

/** Words before the packed columns: count, order base, order bits, series bits, year base, start bits, end bits. */
const HEADER_WORDS = 7;

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
 * Reads `count` values of `bits` bits (at most `BYTE_READER_MAX_BITS`) from byte `at` into `out`, each plus `add`
 * (but a 0 left 0 when `keepZero`). A cold isolate runs this before its first answer, mostly in its interpreter
 * until the loop is compiled, and there every number outside V8's small-integer range (31 bits, signed) is a heap
 * object: read as 32-bit words, most words were, 0.7 MiB of the 4.4 a cold rare name's request allocated at 100k
 * records (scripts/bench/cold-allocations-workerd.ts). Read a byte at a time, every number stays small; the packing
 * is LSB first in little-endian words, so the bytes are the same bit stream. The series and year columns never take
 * more than 17 bits and always come here, into their own 16-bit arrays (a value wraps modulo 2^16 as `add` made it:
 * a year below `yearBase`'s word is negative), with no scratch column between: one was 4 bytes a doc of fresh memory
 * an isolate made, and copied three times for each shard. The order column comes here when it fits.
 */
function unpackBytes(
  bytes: Uint8Array,
  at: number,
  count: number,
  bits: number,
  out: Uint32Array | Uint16Array | Int16Array,
  add: number,
  keepZero: boolean,
): void {
  const mask = (1 << bits) - 1;
  // All ones, or (keeping 0) all ones but for a 0 value: `(-v) >> 31` is -1 for 0 < v < 2^31, else 0.
  const always = keepZero ? 0 : -1;
  // `acc` holds the `have` bits read and not yet taken, low first: fewer than `bits` + 8, so at most 30.
  let acc = 0,
    have = 0,
    b = at;
  for (let i = 0; i < count; i++) {
    while (have < bits) {
      acc |= bytes[b++]! << have;
      have += 8;
    }
    const v = acc & mask;
    acc >>>= bits;
    have -= bits;
    out[i] = (v + add) & ((-v >> 31) | always);
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

export function encodeFilterColumns(cols: FilterColumns): Uint8Array {
  const m = cols.order.length;
  let orderMin = m ? 0xffffffff : 0,
    orderMax = 0,
    seriesMax = 0,
    yearMin = 0;
  for (let i = 0; i < m; i++) {
    const o = cols.order[i]!;
    if (o < orderMin) orderMin = o;
    if (o > orderMax) orderMax = o;
    if (cols.series[i]! > seriesMax) seriesMax = cols.series[i]!;
    const s = cols.start[i]!,
      e = cols.end[i]!;
    if (s !== 0 && (yearMin === 0 || s < yearMin)) yearMin = s;
    if (e !== 0 && (yearMin === 0 || e < yearMin)) yearMin = e;
  }
  const yearBase = yearMin - 1;
  const rel = (col: Int16Array) => Uint32Array.from(col, (y) => (y === 0 ? 0 : y - yearBase));
  const starts = rel(cols.start),
    ends = rel(cols.end);
  const orderBits = bitsFor(orderMax - orderMin),
    seriesBits = bitsFor(seriesMax),
    startBits = bitsFor(starts.reduce((a, v) => Math.max(a, v), 0)),
    endBits = bitsFor(ends.reduce((a, v) => Math.max(a, v), 0));
  const streams: Array<[ArrayLike<number>, number]> = [
    [Uint32Array.from(cols.order, (o) => o - orderMin), orderBits],
    [cols.series, seriesBits],
    [starts, startBits],
    [ends, endBits],
  ];
  const words = new Uint32Array(HEADER_WORDS + streams.reduce((n, [, b]) => n + wordsFor(m, b), 0));
  words.set([m, orderMin, orderBits, seriesBits, yearBase >>> 0, startBits, endBits]);
  let at = HEADER_WORDS;
  for (const [values, bits] of streams) {
    pack(values, bits, words, at);
    at += wordsFor(m, bits);
  }
  return new Uint8Array(words.buffer);
}

/** Reads columns for docs `[base, base + count)`; the file must describe exactly `count` docs. */
export function decodeFilterColumns(buf: ArrayBuffer, base: number, count: number): FilterColumns {
  const bad = (why: string) => new Error(`index-format: filter columns of ${buf.byteLength} bytes ${why}`);
  if (buf.byteLength % 4 !== 0 || buf.byteLength < HEADER_WORDS * 4) throw bad("are not a header and whole words");
  const words = new Uint32Array(buf);
  const bytes = new Uint8Array(buf);
  const [m, orderMin, orderBits, seriesBits, yearWord, startBits, endBits] = words;
  if (m !== count) throw bad(`describe ${m} docs, expected ${count}`);
  const widths = [orderBits!, seriesBits!, startBits!, endBits!];
  if (widths.some((b) => b > 32) || seriesBits! > 16 || startBits! > 17 || endBits! > 17)
    throw bad(`have column widths ${widths.join("/")} bits`);
  const expected = HEADER_WORDS + widths.reduce((n, b) => n + wordsFor(count, b), 0);
  if (words.length !== expected) throw bad(`should be ${expected * 4} for ${count} docs of ${widths.join("/")} bits`);
  const cols = newFilterColumns(base, count);
  let at = HEADER_WORDS;
  if (orderBits! <= BYTE_READER_MAX_BITS) unpackBytes(bytes, at * 4, count, orderBits!, cols.order, orderMin!, false);
  else unpackWords(words, at, count, orderBits!, cols.order, orderMin!);
  at += wordsFor(count, orderBits!);
  const narrow = (bits: number, out: Uint16Array | Int16Array, add: number, keepZero: boolean) => {
    unpackBytes(bytes, at * 4, count, bits, out, add, keepZero);
    at += wordsFor(count, bits);
  };
  narrow(seriesBits!, cols.series, 0, false);
  // A year is `yearBase` plus its value, stored modulo 2^16.
  const yearBase = yearWord! | 0;
  narrow(startBits!, cols.start, yearBase, true);
  narrow(endBits!, cols.end, yearBase, true);
  return cols;
}
