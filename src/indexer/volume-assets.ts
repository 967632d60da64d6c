/**
 * Writes the volume groups (see shared/volumes.ts) as search assets a cold query reads without parsing them whole:
 * a binary file saying which docs are in a file of several volumes and each such doc's group (read as typed arrays,
 * no JSON; its layout is `VolumeIndex`'s), and the groups' JSON in segments of about 16 KiB, of which a query reads
 * only those holding its hits' groups.
 */
import type { CatalogueRecord } from "../shared/record";
import { VOLUME_SEGMENTS_PREFIX, volumeGroupWidth, type VolumeIndex } from "../shared/index-format";
import { hashOfPath } from "./catalogue-assets";
import { groupVolumes, volumeKey } from "../shared/volumes";
import type { AssetWriter } from "./content-hash";

/** Bytes of JSON a segment of the volume groups aims at: a page's hits read a few, each whole. */
export const VOLUME_SEGMENT_BYTES = 16 * 1024;
/**
 * Most segments a build writes: they are files of their own, not packed (static assets send a packed segment's whole
 * pack, some 95 KB at 100k records, for its 16 KiB), so past this many a catalogue's segments grow instead (a 100k
 * catalogue has 60; a million records about 64 of 150 KB).
 */
export const VOLUME_SEGMENT_FILES = 64;

type VolumeFields = Pick<CatalogueRecord, "series" | "title" | "reference" | "id">;
/** Stands in for a doc that is no volume: its key is null, as the doc's own is. */
const NOT_A_VOLUME: VolumeFields = { series: "", title: "", reference: "", id: "" };

/** Bytes a segment aims at when the groups' JSON is `total` bytes: 16 KiB, or more past `VOLUME_SEGMENT_FILES` of them. */
export function volumeSegmentBytes(total: number): number {
  return Math.max(VOLUME_SEGMENT_BYTES, Math.ceil(total / VOLUME_SEGMENT_FILES));
}

export function buildVolumes(records: Iterable<CatalogueRecord>, out: AssetWriter, segmentBytes?: number): VolumeIndex {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
    throw new Error("volume-assets: the build must run on a little-endian machine");
  // Only the four fields grouping reads, and only of volumes: records are read a pass at a time, not held.
  const docs: VolumeFields[] = [];
  for (const r of records)
    docs.push(
      volumeKey(r) === null ? NOT_A_VOLUME : { series: r.series, title: r.title, reference: r.reference, id: r.id },
    );
  const groups = groupVolumes(docs);
  const parts = groups.map((g) => JSON.stringify(g));
  const total = parts.reduce((sum, part) => sum + Buffer.byteLength(part) + 2, 2);
  // Each doc's group, then only the docs in one: a bitmap of them, and their groups in doc order (see VolumeIndex).
  const groupOfDoc = new Int32Array(docs.length).fill(-1);
  groups.forEach(([list], g) => {
    for (const d of list) groupOfDoc[d] = g;
  });
  const words = Math.ceil(docs.length / 32);
  const bitmap = new Uint32Array(words);
  let volumeDocs = 0;
  for (let d = 0; d < docs.length; d++)
    if (groupOfDoc[d]! >= 0) {
      bitmap[d >> 5] = bitmap[d >> 5]! | (1 << (d & 31));
      volumeDocs++;
    }
  const width = volumeGroupWidth(groups.length);
  // Padded to whole Uint32s, so the hashes after it start where a reader computes.
  const columnBytes = Math.ceil((volumeDocs * width) / 4) * 4;
  const column = new Uint8Array(columnBytes);
  for (let d = 0, i = 0; d < docs.length; d++) {
    const g = groupOfDoc[d]!;
    if (g < 0) continue;
    for (let b = 0; b < width; b++) column[i * width + b] = (g >>> (8 * b)) & 0xff;
    i++;
  }
  // Segments of about `segmentBytes`, a fixed number of groups each, so the reader finds a group's segment by
  // division, and its line by counting: one group a line, so a reader parses only the group it wants without a table
  // of offsets (4 bytes a group, 350 KB at a million records). Their hashes go at the end of the binary file, which a
  // query has read before it needs them.
  const bytesEach = segmentBytes ?? volumeSegmentBytes(total);
  const per = Math.max(1, Math.floor((bytesEach * groups.length) / Math.max(1, total)));
  const segments = Math.ceil(groups.length / per);
  let hashes = "";
  for (let seg = 0; seg < segments; seg++) {
    const text = `[\n${parts.slice(seg * per, (seg + 1) * per).join(",\n")}\n]`;
    const path = out.add(VOLUME_SEGMENTS_PREFIX.slice(1, -1), String(seg), "json", text);
    hashes += hashOfPath(path);
  }
  const tail = new TextEncoder().encode(hashes);
  const bytes = new Uint8Array(bitmap.byteLength + columnBytes + tail.byteLength);
  bytes.set(new Uint8Array(bitmap.buffer), 0);
  bytes.set(column, bitmap.byteLength);
  bytes.set(tail, bitmap.byteLength + columnBytes);
  return {
    groupOf: out.add("search", "volume-of", "bin", bytes),
    width,
    docs: docs.length,
    volumeDocs,
    count: groups.length,
    segments: { groups: per, count: segments },
  };
}
