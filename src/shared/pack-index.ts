/**
 * The pack directory's binary pages (see `PackIndex` in manifest.ts): where each packed chunk is, found without a
 * JSON parse. Build (encode) and Worker (decode, look up) share this module.
 *
 * A page lists its chunks by a 64-bit key of their path, two 32-bit hashes (the first also picks the page), sorted,
 * in five little-endian Uint32 columns after a count: key1, key2, pack, offset, length. Twenty bytes a chunk
 * (a 100k-record build's 18,000 chunks are 360 KB of pages, against 945 KB of JSON pages parsed into 2.6 MiB of
 * objects before), and a page is used as it arrives: typed-array views, a binary search. Paths are not in the
 * pages; the build writes them beside (`PackIndex.names`) for tools, and checks that no two chunks share a key.
 *
 * Also here: which files a packed build leaves out of packs (`isPackedPath`), since the Worker must know it
 * without a directory read.
 */
import { fnv1a32 } from "./hash";
import type { PackLocation } from "./manifest";

const COLUMNS = 5;
/** Bytes a chunk takes in a directory page. */
export const PACK_INDEX_ENTRY_BYTES = COLUMNS * 4;

/**
 * A second 32-bit hash of a path, independent of FNV-1a (a multiply–xorshift over the characters, with a final
 * avalanche): with `fnv1a32` it makes the 64-bit key a page is searched by. Hand-written: a few lines, synchronous,
 * identical in Node and workerd.
 */
export function pathKey2(path: string): number {
  let h = 0x9e3779b9 ^ path.length;
  for (let i = 0; i < path.length; i++) {
    h = Math.imul(h ^ path.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Encodes one page: `entries` in any order; throws if two paths share a key (never seen; the build stops). */
export function encodePackIndexPage(entries: Array<[path: string, loc: PackLocation]>): Uint8Array {
  const keyed = entries.map(([path, loc]) => ({ path, k1: fnv1a32(path), k2: pathKey2(path), loc }));
  keyed.sort((a, b) => a.k1 - b.k1 || a.k2 - b.k2);
  const n = keyed.length;
  const buf = new ArrayBuffer(4 + n * COLUMNS * 4);
  const view = new DataView(buf);
  view.setUint32(0, n, true);
  keyed.forEach((e, i) => {
    const prev = keyed[i - 1];
    if (prev && prev.k1 === e.k1 && prev.k2 === e.k2)
      throw new Error(`pack-index: ${prev.path} and ${e.path} have the same 64-bit key; rename one`);
    const cols = [e.k1, e.k2, ...e.loc];
    cols.forEach((v, c) => {
      if (!Number.isInteger(v) || v < 0 || v >= 2 ** 32)
        throw new Error(`pack-index: ${e.path}: ${v} does not fit an unsigned 32-bit column`);
      view.setUint32(4 + (c * n + i) * 4, v, true);
    });
  });
  return new Uint8Array(buf);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** One decoded page: views over its bytes, searched by key. */
export class PackIndexPage {
  private constructor(
    private readonly k1: Uint32Array,
    private readonly k2: Uint32Array,
    private readonly pack: Uint32Array,
    private readonly offset: Uint32Array,
    private readonly length: Uint32Array,
  ) {}

  /** Throws (with what is wrong) when the bytes are not a whole page. */
  static decode(buf: ArrayBuffer): PackIndexPage {
    if (buf.byteLength < 4) throw new Error("a pack index page is shorter than its count");
    const view = new DataView(buf);
    const n = view.getUint32(0, true);
    if (buf.byteLength !== 4 + n * COLUMNS * 4)
      throw new Error(`a pack index page of ${n} entries is ${buf.byteLength} bytes, not ${4 + n * COLUMNS * 4}`);
    const col = (c: number): Uint32Array => {
      if (LITTLE_ENDIAN) return new Uint32Array(buf, 4 + c * n * 4, n);
      const out = new Uint32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getUint32(4 + (c * n + i) * 4, true);
      return out;
    };
    return new PackIndexPage(col(0), col(1), col(2), col(3), col(4));
  }

  get size(): number {
    return this.k1.length;
  }

  /** Bytes the page holds, for a cache's budget. */
  get heldBytes(): number {
    return this.k1.length * COLUMNS * 4 + 4;
  }

  get(path: string): PackLocation | undefined {
    const k1 = fnv1a32(path);
    const k2 = pathKey2(path);
    let lo = 0;
    let hi = this.k1.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const a = this.k1[mid]!;
      const b = this.k2[mid]!;
      if (a === k1 && b === k2) return [this.pack[mid]!, this.offset[mid]!, this.length[mid]!];
      if (a < k1 || (a === k1 && b < k2)) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Entry i's location, in key order (with the page's names file, for tools that list a build). */
  at(i: number): PackLocation {
    return [this.pack[i]!, this.offset[i]!, this.length[i]!];
  }
}

/**
 * Whether a packed build puts the file at `path` in a pack. What stays a file of its own is what a query reads
 * first, to find the rest, and what does not grow in number with the catalogue: every file directly in /search/ or
 * a search shard's folder (term table, filter columns, lexicon, thesaurus, volumes), the vocabulary partitions,
 * the record-shard table's and every paged table's pages, the series index files and the volume column's pages and groups' segments
 * (at most `VOLUME_PAGE_FILES` and `VOLUME_SEGMENT_FILES`, indexer/volume-assets.ts). Read through a pack, each
 * cost a directory page before it and, from static assets, a whole pack (they answer a range with the whole file).
 */
export function isPackedPath(path: string): boolean {
  if (!PACKED_PREFIXES.some((d) => path.startsWith(d))) return false;
  return !UNPACKED.some((re) => re.test(path));
}

/** The folders whose files are packed; the manifest and anything else stay files of their own. */
export const PACKED_PREFIXES = ["/records/", "/series/", "/search/"];

const UNPACKED = [
  /^\/search\/(?:s\d+\/)?[^/]+$/,
  /^\/search\/vocab\//,
  // A query's hits read a few volume column pages and segments of 16 KiB: in a pack, static assets would send each
  // as a whole pack.
  /^\/search\/volume-(?:groups|of)\//,
  // A query reads the lexicon page of each of its words, a few KB each (see shared/bloom.ts): the same.
  /^\/search\/lexicon\//,
  /\/page-\d+\.[0-9a-f]+\.json$/,
  // A big paged table's page hashes (`PagedTable.hashesFile`): read once per isolate, before any of its pages.
  /-hashes\.[0-9a-f]+\.json$/,
  /^\/records\/table-/,
  /^\/series\/(?:archives|summary|dir|browse)\//,
];
