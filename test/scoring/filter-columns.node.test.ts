/** The filter columns' file: the order bit-packed per shard, decoded back to the same columns, and refused when cut. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeFilterColumns,
  encodeFilterColumns,
  newFilterColumns,
  type FilterColumns,
} from "../../src/shared/index-format/filter-columns";

/** Columns as `[order, start, end, series]` per doc, for a readable comparison. */
function rows(cols: FilterColumns): number[][] {
  return Array.from(cols.order, (o, i) => [o, cols.start[i]!, cols.end[i]!, cols.series[i]!]);
}

function columns(base: number, docs: Array<[number, number, number, number]>): FilterColumns {
  const cols = newFilterColumns(base, docs.length);
  docs.forEach(([o, s, e, k], i) => {
    cols.order[i] = o;
    cols.start[i] = s;
    cols.end[i] = e;
    cols.series[i] = k;
  });
  return cols;
}

function roundTrip(cols: FilterColumns): FilterColumns {
  const bytes = encodeFilterColumns(cols);
  return decodeFilterColumns(bytes.slice().buffer, cols.base, cols.order.length);
}

describe("filter columns", () => {
  it("decode to the columns they were encoded from, whatever their values and widths", () => {
    const doc = fc.tuple(
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: -32768, max: 32767 }),
      fc.integer({ min: -32768, max: 32767 }),
      fc.integer({ min: 0, max: 0xffff }),
    );
    fc.assert(
      fc.property(fc.nat(5_000_000), fc.array(doc, { maxLength: 300 }), (base, docs) => {
        const cols = columns(base, docs);
        const back = roundTrip(cols);
        expect(back.base).toBe(base);
        expect(rows(back)).toEqual(rows(cols));
      }),
      { numRuns: 300 },
    );
  });

  it("decode an order column of every width from 1 to 32 bits, read by bytes or by words", () => {
    for (let bits = 1; bits <= 32; bits++) {
      const spread = 2 ** bits - 1;
      // The widest value first, so the column takes exactly `bits` bits; the rest spread over the width.
      const docs = Array.from({ length: 257 }, (_, i): [number, number, number, number] => [
        i === 0 ? 7 + spread : 7 + Math.floor((spread * ((i * 2654435761) % 1000)) / 999),
        i % 5 ? 1900 + i : 0,
        i % 5 ? 1950 : 0,
        i % 3,
      ]);
      const cols = columns(0, docs);
      expect(rows(roundTrip(cols)), `${bits} bits`).toEqual(rows(cols));
    }
  });

  it("decode a small shard alike before and after a larger one", () => {
    const small = columns(0, [
      [5, 1900, 1910, 3],
      [6, 0, 0, 1],
    ]);
    const large = columns(
      100,
      Array.from({ length: 4000 }, (_, i): [number, number, number, number] => [i, 1800 + (i % 200), 1999, i % 9]),
    );
    const before = rows(roundTrip(small));
    expect(rows(roundTrip(large))).toEqual(rows(large));
    expect(rows(roundTrip(small))).toEqual(before);
    expect(before).toEqual(rows(small));
  });

  it("decode a shard as a catalogue has it: orders near each other, a few series, years of a few centuries", () => {
    const docs: Array<[number, number, number, number]> = [];
    for (let i = 0; i < 5000; i++) {
      const start = i % 7 === 0 ? 0 : 1850 + ((i * 37) % 150);
      docs.push([200_000 + ((i * 7919) % 5000), start, start && start + (i % 30), i % 11]);
    }
    const cols = columns(65_536, docs);
    const bytes = encodeFilterColumns(cols);
    expect(rows(decodeFilterColumns(bytes.slice().buffer, 65_536, 5000))).toEqual(rows(cols));
    // 13 bits of order, 16 each of start and end year, 8 of series: 53 bits a doc where typed arrays take 80.
    expect(bytes.byteLength).toBe(4 * 4 + 4 * Math.ceil((5000 * 13) / 32) + 4 * Math.ceil((5 * 5000) / 4));
    // A catalogue of more than 256 series takes two bytes a doc for them.
    const many = columns(
      0,
      docs.map(([o, st, e], i) => [o, st, e, (i * 13) % 700] as [number, number, number, number]),
    );
    const wide = encodeFilterColumns(many);
    expect(rows(decodeFilterColumns(wide.slice().buffer, 0, 5000))).toEqual(rows(many));
    expect(wide.byteLength).toBe(bytes.byteLength + 5000);
  });

  it("keep an unknown year unknown beside the shard's least known year, and a shard with no years at all", () => {
    const dated = columns(0, [
      [0, 0, 0, 0],
      [1, 1500, 1500, 0],
      [2, 1501, 0, 1],
    ]);
    expect(rows(roundTrip(dated))).toEqual(rows(dated));
    const undated = columns(10, [
      [5, 0, 0, 3],
      [4, 0, 0, 3],
    ]);
    expect(rows(roundTrip(undated))).toEqual(rows(undated));
    expect(rows(roundTrip(columns(0, [])))).toEqual([]);
    // The widest span of years a column holds: 17 bits from one below the least.
    const extremes = columns(0, [
      [0, -32768, 32767, 0],
      [1, 32767, -32768, 0],
    ]);
    expect(rows(roundTrip(extremes))).toEqual(rows(extremes));
  });

  it("are refused, naming the module, when the file is cut or describes another number of docs", () => {
    const cols = columns(0, [
      [3, 1900, 1910, 2],
      [1, 1920, 1930, 1],
      [2, 0, 0, 0],
    ]);
    const bytes = encodeFilterColumns(cols);
    expect(() => decodeFilterColumns(bytes.slice(0, bytes.length - 4).buffer, 0, 3)).toThrow(
      /^index-format: filter columns of \d+ bytes should be/,
    );
    expect(() => decodeFilterColumns(bytes.slice(0, 6).buffer, 0, 3)).toThrow(/^index-format: .*whole words/);
    expect(() => decodeFilterColumns(bytes.slice().buffer, 0, 4)).toThrow(/describe 3 docs, expected 4/);
  });

  it("encode the same columns to the same bytes", () => {
    const docs: Array<[number, number, number, number]> = Array.from({ length: 999 }, (_, i) => [
      (i * 31) % 999,
      i % 5 ? 1900 + (i % 90) : 0,
      i % 5 ? 1905 + (i % 90) : 0,
      i % 4,
    ]);
    expect(Buffer.from(encodeFilterColumns(columns(7, docs)))).toEqual(
      Buffer.from(encodeFilterColumns(columns(7, docs))),
    );
  });
});
