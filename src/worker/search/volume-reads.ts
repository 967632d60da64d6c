/**
 * Files of several volumes as a search reads them (see `VolumeIndex`): the small directory of pages and segments
 * once per isolate, then for a query's best hits only the pages of the doc → group column holding them (typed
 * arrays, no parse), and for a page's hits only the segments holding their groups, of which only the groups' own
 * lines are parsed, and of those only the first volumes' ids kept.
 */
import { hashAt, lastAtOrBelow } from "../../shared/manifest";
import {
  volumeDirLayout,
  volumePageLayout,
  volumePagePaths,
  volumeSegmentPath,
  type VolumeIndex,
} from "../../shared/index-format";
import { corruptAsset, type AssetStore } from "../asset-store";
import { ISOLATE_MEMORY } from "../isolate-memory";
import { lruBySize } from "../../shared/lru";
import { searchMeta } from "./search-index";

export interface Volumes {
  index: VolumeIndex;
  /**
   * The group (file of several volumes) of each of `docs` that is in one, by doc: reads the column's pages holding
   * them, in one parallel batch.
   */
  groupsOf: (docs: Iterable<number>) => Promise<Map<number, number>>;
  /** The segment holding group `g`. */
  segmentOf: (g: number) => number;
  /** Each segment's first group. */
  segmentStarts: Uint32Array;
  /** Content hashes of the segments, concatenated. */
  segmentHashes: string;
}

type Group = [docs: number[], ids: string[]];

const utf8 = new TextDecoder();
const NEWLINE = 10;

/** Bits set in a 32-bit word. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** A page of the column as read: its bitmap, the set bits before each word, and its column of group numbers. */
interface ColumnPage {
  bitmap: Uint32Array;
  before: Uint32Array;
  column: Uint8Array;
}

/**
 * Pages already ranked, by their bytes: the asset store keeps (and evicts) the bytes, and a page's rank table lives
 * as long as they do.
 */
const rankedPages = new WeakMap<ArrayBuffer, ColumnPage>();

function rankPage(buf: ArrayBuffer, path: string, docs: number, width: number): ColumnPage {
  let page = rankedPages.get(buf);
  if (page) return page;
  const words = Math.ceil(docs / 32);
  if (buf.byteLength < words * 4) throw corruptAsset(path, `${buf.byteLength} bytes do not hold ${docs} docs' bits`);
  const bitmap = new Uint32Array(buf, 0, words);
  // Docs in a group before each word's first: a doc's place in the column is that and the bits set below its own.
  const before = new Uint32Array(words);
  let set = 0;
  for (let i = 0; i < words; i++) {
    before[i] = set;
    set += popcount(bitmap[i]!);
  }
  const layout = volumePageLayout(docs, set, width);
  if (buf.byteLength !== layout.bytes)
    throw corruptAsset(
      path,
      `${buf.byteLength} bytes do not hold ${docs} docs' bits and ${set} groups of ${width} bytes`,
    );
  page = { bitmap, before, column: new Uint8Array(buf, layout.columnAt) };
  rankedPages.set(buf, page);
  return page;
}

/** The group of the `i`th doc of `page`, or undefined. */
function groupIn(page: ColumnPage, i: number, width: number): number | undefined {
  const word = page.bitmap[i >> 5]!;
  const bit = i & 31;
  if (!((word >>> bit) & 1)) return undefined;
  const at = (page.before[i >> 5]! + popcount(bit ? word & (0xffffffff >>> (32 - bit)) : 0)) * width;
  let g = 0;
  for (let b = width - 1; b >= 0; b--) g = g * 256 + page.column[at + b]!;
  return g;
}

/** The build's volume directory, or null for builds without volume groups. */
export async function volumeColumn(assets: AssetStore): Promise<Volumes | null> {
  const index = (await searchMeta(assets)).volumeIndex;
  return index ? volumesOf(assets, index) : null;
}

/** The volume directory `index` names, read through `assets` once per isolate. */
export async function volumesOf(assets: AssetStore, index: VolumeIndex): Promise<Volumes> {
  const buf = await assets.binary(index.dir);
  const held = directories.get(buf);
  if (held) return held;
  const { docs, width, pages } = index;
  const layout = volumeDirLayout(index);
  if (buf.byteLength !== layout.bytes)
    throw corruptAsset(
      index.dir,
      `${buf.byteLength} bytes do not hold ${index.segments.count} segments' first groups and hashes and ` +
        `${pages.count} pages' hashes`,
    );
  const segmentStarts = new Uint32Array(buf, 0, index.segments.count);
  const pagePaths = volumePagePaths(index, new Uint8Array(buf));
  const segmentHashes = utf8.decode(new Uint8Array(buf, layout.segmentHashesAt));
  // The last segment whose first group is at most g.
  const segmentOf = (g: number): number => lastAtOrBelow(segmentStarts, g);
  const groupsOf = async (wanted: Iterable<number>): Promise<Map<number, number>> => {
    const byPage = new Map<number, number[]>();
    for (const doc of wanted) {
      if (!(Number.isInteger(doc) && doc >= 0 && doc < docs)) continue;
      const p = Math.floor(doc / pages.docs);
      const list = byPage.get(p);
      if (list) list.push(doc);
      else byPage.set(p, [doc]);
    }
    const out = new Map<number, number>();
    await Promise.all(
      [...byPage].map(async ([p, list]) => {
        const path = pagePaths[p]!;
        const first = p * pages.docs;
        const page = rankPage(await assets.binary(path), path, Math.min(docs - first, pages.docs), width);
        for (const doc of list) {
          const g = groupIn(page, doc - first, width);
          if (g !== undefined) out.set(doc, g);
        }
      }),
    );
    return out;
  };
  const volumes = { index, segmentHashes, segmentStarts, segmentOf, groupsOf };
  directories.set(buf, volumes);
  return volumes;
}

/** Directories already read, by their bytes (as `rankedPages`). */
const directories = new WeakMap<ArrayBuffer, Volumes>();

/**
 * Where each line of a segment begins, found once per segment held (a warm isolate's hits come back to the same
 * segments; scanning to a group's line per hit was 5% of a warm 100k query's CPU with collapse on).
 */
function lineStarts(buf: ArrayBuffer): Uint32Array {
  let starts = segmentLines.get(buf);
  if (starts) return starts;
  const bytes = new Uint8Array(buf);
  const found = [0];
  for (let at = bytes.indexOf(NEWLINE); at >= 0; at = bytes.indexOf(NEWLINE, at + 1)) found.push(at + 1);
  starts = Uint32Array.from(found);
  segmentLines.set(buf, starts);
  return starts;
}

/** Line starts of the segments held, by their bytes (as `rankedPages`). */
const segmentLines = new WeakMap<ArrayBuffer, Uint32Array>();

/** A file of several volumes as a hit shows it: how many volumes it has, and the first ones' ids in catalogue order. */
export interface VolumeList {
  count: number;
  ids: string[];
}

/**
 * Files' first volumes' ids, joined by newlines (one short string, not an array of them), by segment path and
 * group (`<path>#<group>`; the path is content-hashed, so one build's files never answer for another's). A warm
 * isolate's hits come back to the same files, whose segments do not stay under the assets budget in a big
 * catalogue: a 10M warm query read 5.5 segments of 135 KB on average again (docs/benchmarks-history.md).
 */
const shownLists = lruBySize<string, { count: number; ids: string }>(
  ISOLATE_MEMORY.volumeLists,
  (v) => 64 + v.ids.length,
);

/** Bytes the volume-list cache holds now, as counted against `ISOLATE_MEMORY.volumeLists`. */
export function volumeListBytes(): number {
  return shownLists.calculatedSize;
}

/**
 * Each of `groups` (the hits' files of several volumes) as a hit shows it: its volume count and the ids of its first
 * `shown` volumes, by group. A group whose line is not a list of docs and ids is left out.
 */
export async function volumeLists(
  assets: AssetStore,
  volumes: Volumes,
  groups: Iterable<number>,
  shown: number,
): Promise<Map<number, VolumeList>> {
  const wanted = [...new Set(groups)];
  const { segmentHashes, segmentStarts, segmentOf } = volumes;
  const lists = await Promise.all(
    wanted.map(async (g): Promise<VolumeList | undefined> => {
      const s = segmentOf(g);
      const path = volumeSegmentPath(s, hashAt(segmentHashes, s));
      const key = `${path}#${g}#${shown}`;
      const held = shownLists.get(key);
      if (held) return { count: held.count, ids: held.ids ? held.ids.split("\n") : [] };
      // Kept as bytes, and only the group's own line parsed: a warm isolate reads segment after segment, and
      // holding each parsed whole would be several times its 16 KiB of heap.
      const buf = await assets.binary(path);
      const bytes = new Uint8Array(buf);
      // Line 0 is the list's "[": group g is on line g - first + 1.
      const starts = lineStarts(buf);
      const line = g - segmentStarts[s]! + 1;
      if (line >= starts.length) throw corruptAsset(path, `group ${g} is past its last line`);
      const at = starts[line]!;
      let end = line + 1 < starts.length ? starts[line + 1]! - 1 : bytes.byteLength;
      if (bytes[end - 1] === 0x2c) end--; // the comma between groups
      let group: Group;
      try {
        group = JSON.parse(utf8.decode(bytes.subarray(at, end))) as Group;
      } catch (e) {
        throw corruptAsset(path, `group ${g}: ${(e as Error).message}`);
      }
      if (!Array.isArray(group) || !Array.isArray(group[1])) return undefined;
      const ids = group[1].slice(0, shown).map(String);
      shownLists.set(key, { count: group[1].length, ids: ids.join("\n") });
      return { count: group[1].length, ids };
    }),
  );
  const out = new Map<number, VolumeList>();
  wanted.forEach((g, i) => {
    const list = lists[i];
    if (list) out.set(g, list);
  });
  return out;
}
