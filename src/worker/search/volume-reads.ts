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
  /** The group (file of several volumes) of a doc, or undefined. */
  groupOf: (doc: number) => number | undefined;
  /** Content hashes of the segments, concatenated. */
  segmentHashes: string;
}

type Group = [docs: number[], ids: string[]];

/** The build's doc → group column, or null for builds made before it. */
export async function volumeColumn(assets: AssetStore): Promise<Volumes | null> {
  const index = (await searchMeta(assets)).volumeIndex;
  if (!index) return null;
  const buf = await assets.binary(index.groupOf);
  const at = (index.count + 1) * 4;
  const tail = index.segments.count * HASH_CHARS;
  const columnBytes = buf.byteLength - at - tail;
  if (columnBytes < 0 || columnBytes % index.width)
    throw corruptAsset(index.groupOf, `${buf.byteLength} bytes do not hold ${index.count} groups and their hashes`);
  const column =
    index.width === 2 ? new Uint16Array(buf, at, columnBytes / 2) : new Uint32Array(buf, at, columnBytes / 4);
  const segmentHashes = new TextDecoder().decode(new Uint8Array(buf, at + columnBytes, tail));
  return { index, segmentHashes, groupOf: (doc) => (column[doc] ? column[doc]! - 1 : undefined) };
}

/** The record ids of each of `groups` (the hits' files of several volumes), by group. */
export async function volumeLists(
  assets: AssetStore,
  volumes: Volumes,
  groups: Iterable<number>,
): Promise<Map<number, string[]>> {
  const wanted = [...new Set(groups)];
  const { index, segmentHashes } = volumes;
  const per = index.segments.groups;
  const lists = await Promise.all(
    wanted.map(async (g): Promise<Group | undefined> => {
      const s = Math.floor(g / per);
      const list = await assets.json<Group[]>(volumeSegmentPath(s, hashAt(segmentHashes, s)));
      return list[g - s * per];
    }),
  );
  const out = new Map<number, string[]>();
  wanted.forEach((g, i) => {
    const group = lists[i];
    if (Array.isArray(group) && Array.isArray(group[1])) out.set(g, group[1]);
  });
  return out;
}
