/**
 * Files of several volumes as a search reads them (see `VolumeIndex`): the doc → group column once per isolate, as
 * typed arrays (no parse), and for a page's hits only the segments holding their groups.
 */
import { HASH_CHARS, hashAt } from "../../shared/manifest";
import { volumeSegmentPath, type VolumeIndex } from "../../shared/index-format";
import { corruptAsset, type AssetStore } from "../asset-store";
import { searchMeta } from "./search-index";

export interface Volumes {
  index: VolumeIndex;
  /** Each group's byte offset in the list of all groups: a segment holds its groups' bytes at the same distances. */
  offsets: Uint32Array;
  /** The group (file of several volumes) of a doc, or undefined. */
  groupOf: (doc: number) => number | undefined;
  /** Content hashes of the segments, concatenated. */
  segmentHashes: string;
}

type Group = [docs: number[], ids: string[]];

const utf8 = new TextDecoder();

/** The build's doc → group column, or null for builds made before it. */
export async function volumeColumn(assets: AssetStore): Promise<Volumes | null> {
  const index = (await searchMeta(assets)).volumeIndex;
  if (!index) return null;
  const buf = await assets.binary(index.groupOf);
  const offsets = new Uint32Array(buf, 0, index.count + 1);
  const at = offsets.byteLength;
  const tail = index.segments.count * HASH_CHARS;
  const columnBytes = buf.byteLength - at - tail;
  if (columnBytes < 0 || columnBytes % index.width)
    throw corruptAsset(index.groupOf, `${buf.byteLength} bytes do not hold ${index.count} groups and their hashes`);
  const column =
    index.width === 2 ? new Uint16Array(buf, at, columnBytes / 2) : new Uint32Array(buf, at, columnBytes / 4);
  const segmentHashes = utf8.decode(new Uint8Array(buf, at + columnBytes, tail));
  return { index, offsets, segmentHashes, groupOf: (doc) => (column[doc] ? column[doc]! - 1 : undefined) };
}

/** The record ids of each of `groups` (the hits' files of several volumes), by group. */
export async function volumeLists(
  assets: AssetStore,
  volumes: Volumes,
  groups: Iterable<number>,
): Promise<Map<number, string[]>> {
  const wanted = [...new Set(groups)];
  const { index, offsets, segmentHashes } = volumes;
  const per = index.segments.groups;
  const lists = await Promise.all(
    wanted.map(async (g): Promise<Group | undefined> => {
      const s = Math.floor(g / per);
      const path = volumeSegmentPath(s, hashAt(segmentHashes, s));
      // Kept as bytes, and only the group's own bytes parsed: a warm isolate reads segment after segment, and
      // holding each parsed whole would be several times its 16 KiB of heap.
      const bytes = new Uint8Array(await assets.binary(path));
      const at = offsets[g]! - offsets[s * per]! + 1;
      const length = offsets[g + 1]! - offsets[g]! - 1;
      if (at + length > bytes.byteLength)
        throw corruptAsset(path, `group ${g} ends past its ${bytes.byteLength} bytes`);
      try {
        return JSON.parse(utf8.decode(bytes.subarray(at, at + length))) as Group;
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
