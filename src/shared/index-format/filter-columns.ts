/**
 * Filter columns of one search shard: per doc its catalogue order, start and
 * end year and series. One encoder and one decoder, so the byte offsets live
 * in one place. The Uint32 column comes first, so every view stays aligned.
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

/** Bytes per doc: Uint32 order, Int16 start, Int16 end, Uint16 series. */
const BYTES_PER_DOC = 10;

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

export function encodeFilterColumns(cols: FilterColumns): Uint8Array {
  return new Uint8Array(cols.order.buffer as ArrayBuffer);
}

/** Reads columns for docs `[base, base + count)`; the buffer's size must match. */
export function decodeFilterColumns(buf: ArrayBuffer, base: number, count: number): FilterColumns {
  if (buf.byteLength !== count * BYTES_PER_DOC) {
    throw new Error(
      `index-format: filter columns are ${buf.byteLength} bytes, expected ${count * BYTES_PER_DOC} for ${count} docs`,
    );
  }
  return { base, ...views(buf, count) };
}
