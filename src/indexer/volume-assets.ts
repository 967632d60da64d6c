/**
 * Writes the volume groups (see shared/volumes.ts) as search assets a cold
 * query reads without parsing them whole: a binary file of, per doc, its group
 * (read as typed arrays, no JSON), and the groups' JSON in segments of about
 * 16 KiB, of which a query reads only those holding its hits' groups.
 */
import type { CatalogueRecord } from "../shared/record";
import { VOLUME_SEGMENTS_PREFIX, type VolumeIndex } from "../shared/index-format";
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
  // Group g's JSON is bytes [offsets[g], offsets[g + 1] - 1) of the groups file (the last byte is a separator).
  const offsets = new Uint32Array(groups.length + 1);
  const parts = groups.map((g) => JSON.stringify(g));
  let at = 1;
  parts.forEach((part, g) => {
    offsets[g] = at;
    at += Buffer.byteLength(part) + 1;
  });
  offsets[groups.length] = at;
  // Group number + 1 per doc (0: not a volume), two bytes wide while the groups fit.
  const width = groups.length < 0xffff ? 2 : 4;
  const column = width === 2 ? new Uint16Array(docs.length) : new Uint32Array(docs.length);
  groups.forEach(([list], g) => {
    for (const d of list) column[d] = g + 1;
  });
  // Segments of about `segmentBytes`, a fixed number of groups each, so the reader finds a group's segment
  // by division; their hashes go at the end of the binary file, which a query has read before it needs them.
  const bytesEach = segmentBytes ?? volumeSegmentBytes(at);
  const per = Math.max(1, Math.floor((bytesEach * groups.length) / Math.max(1, at)));
  const segments = Math.ceil(groups.length / per);
  let hashes = "";
  for (let seg = 0; seg < segments; seg++) {
    const text = `[${parts.slice(seg * per, (seg + 1) * per).join(",")}]`;
    const path = out.add(VOLUME_SEGMENTS_PREFIX.slice(1, -1), String(seg), "json", text);
    hashes += hashOfPath(path);
  }
  const tail = new TextEncoder().encode(hashes);
  const bytes = new Uint8Array(offsets.byteLength + column.byteLength + tail.byteLength);
  bytes.set(new Uint8Array(offsets.buffer), 0);
  bytes.set(new Uint8Array(column.buffer), offsets.byteLength);
  bytes.set(tail, offsets.byteLength + column.byteLength);
  return {
    groupOf: out.add("search", "volume-of", "bin", bytes),
    width,
    count: groups.length,
    segments: { groups: per, count: segments },
  };
}
