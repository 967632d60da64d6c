/**
 * Files of several volumes as a search reads them (see `VolumeIndex`): the sparse doc → group column once per
 * isolate, as typed arrays (no parse), and for a page's hits only the segments holding their groups, of which only
 * the groups' own lines are parsed.
 */
import { hashAt, lastAtOrBelow } from "../../shared/manifest";
import { volumeFileLayout, volumeSegmentPath, type VolumeIndex } from "../../shared/index-format";
import { corruptAsset, type AssetStore } from "../asset-store";
import { searchMeta } from "./search-index";

export interface Volumes {
  index: VolumeIndex;
  /** The group (file of several volumes) of a doc, or undefined. */
  groupOf: (doc: number) => number | undefined;
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

/** The build's doc → group column, or null for builds made before it. */
export async function volumeColumn(assets: AssetStore): Promise<Volumes | null> {
  const index = (await searchMeta(assets)).volumeIndex;
  if (!index) return null;
  const buf = await assets.binary(index.groupOf);
  const { docs, volumeDocs, width } = index;
  const layout = volumeFileLayout(index);
  if (buf.byteLength !== layout.bytes)
    throw corruptAsset(
      index.groupOf,
      `${buf.byteLength} bytes do not hold ${docs} docs' bits, ${volumeDocs} groups of ${width} bytes and ` +
        `${index.segments.count} segments' first groups and hashes`,
    );
  const words = layout.columnAt / 4;
  const bitmap = new Uint32Array(buf, 0, words);
  // Docs in a group before each word's first: a doc's place in the column is that and the bits set below its own.
  const before = new Uint32Array(words);
  let set = 0;
  for (let i = 0; i < words; i++) {
    before[i] = set;
    set += popcount(bitmap[i]!);
  }
  if (set !== volumeDocs)
    throw corruptAsset(index.groupOf, `${set} docs marked as volumes, not the manifest's ${volumeDocs}`);
  const column = new Uint8Array(buf, layout.columnAt, layout.startsAt - layout.columnAt);
  const segmentStarts = new Uint32Array(buf, layout.startsAt, index.segments.count);
  const segmentHashes = utf8.decode(new Uint8Array(buf, layout.hashesAt));
  // The last segment whose first group is at most g.
  const segmentOf = (g: number): number => lastAtOrBelow(segmentStarts, g);
  const groupOf = (doc: number): number | undefined => {
    if (!(doc >= 0 && doc < docs)) return undefined;
    const word = bitmap[doc >> 5]!;
    const bit = doc & 31;
    if (!((word >>> bit) & 1)) return undefined;
    const at = (before[doc >> 5]! + popcount(bit ? word & (0xffffffff >>> (32 - bit)) : 0)) * width;
    let g = 0;
    for (let b = width - 1; b >= 0; b--) g = g * 256 + column[at + b]!;
    return g;
  };
  return { index, segmentHashes, segmentStarts, segmentOf, groupOf };
}

/** The record ids of each of `groups` (the hits' files of several volumes), by group. */
export async function volumeLists(
  assets: AssetStore,
  volumes: Volumes,
  groups: Iterable<number>,
): Promise<Map<number, string[]>> {
  const wanted = [...new Set(groups)];
  const { segmentHashes, segmentStarts, segmentOf } = volumes;
  const lists = await Promise.all(
    wanted.map(async (g): Promise<Group | undefined> => {
      const s = segmentOf(g);
      const path = volumeSegmentPath(s, hashAt(segmentHashes, s));
      // Kept as bytes, and only the group's own line parsed: a warm isolate reads segment after segment, and
      // holding each parsed whole would be several times its 16 KiB of heap.
      const bytes = new Uint8Array(await assets.binary(path));
      // Line 0 is the list's "[": group g is on line g - first + 1.
      let at = 0;
      for (let line = 0; line <= g - segmentStarts[s]!; line++) {
        const next = bytes.indexOf(NEWLINE, at);
        if (next < 0) throw corruptAsset(path, `group ${g} is past its last line`);
        at = next + 1;
      }
      let end = bytes.indexOf(NEWLINE, at);
      if (end < 0) end = bytes.byteLength;
      if (bytes[end - 1] === 0x2c) end--; // the comma between groups
      try {
        return JSON.parse(utf8.decode(bytes.subarray(at, end))) as Group;
      } catch (e) {
        throw corruptAsset(path, `group ${g}: ${(e as Error).message}`);
      }
    }),
  );
  const out = new Map<number, string[]>();
  wanted.forEach((g, i) => {
    const group = lists[i];
    if (Array.isArray(group) && Array.isArray(group[1])) out.set(g, group[1]);
  });
  return out;
}
