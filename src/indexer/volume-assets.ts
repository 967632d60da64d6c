/**
 * Writes the volume groups (see shared/volumes.ts) as search assets a cold query reads without parsing them whole:
 * a binary file saying which docs are in a file of several volumes and each such doc's group (read as typed arrays,
 * no JSON; its layout is `VolumeIndex`'s), and the groups' JSON in segments of about 16 KiB, of which a query reads
 * only those holding its hits' groups.
 */
import type { CatalogueRecord } from "../shared/record";
import { VOLUME_SEGMENTS_PREFIX, volumeFileLayout, volumeGroupWidth, type VolumeIndex } from "../shared/index-format";
import { hashOfPath } from "./catalogue-assets";
import { volumeKey } from "../shared/volumes";
import { compareReferences } from "../shared/reference";
import type { AssetWriter } from "./content-hash";
import { DocFile } from "./doc-file";
import { runsPathNear, SpilledRuns } from "./sorted-runs";

/** Bytes of JSON a segment of the volume groups aims at: a page's hits read a few, each whole. */
export const VOLUME_SEGMENT_BYTES = 16 * 1024;
/**
 * Segments a build aims at, at most: they are files of their own, not packed (static assets send a packed segment's
 * whole pack, some 95 KB at 100k records, for its 16 KiB), so past this many a catalogue's segments grow instead (a
 * 100k catalogue has 60; a million records about 64 of 150 KB; ten million 64 of 2.5 MB). Cut by bytes, a build
 * writes at most twice this and one more, and only when single groups are near a segment's size.
 */
export const VOLUME_SEGMENT_FILES = 64;

/** Digits of a doc number in a run key, so the keys' string order is the docs' order. */
const DOC_DIGITS = 10;

/** Bytes a segment aims at when the groups' JSON is `total` bytes: 16 KiB, or more past `VOLUME_SEGMENT_FILES` of them. */
export function volumeSegmentBytes(total: number): number {
  return Math.max(VOLUME_SEGMENT_BYTES, Math.ceil(total / VOLUME_SEGMENT_FILES));
}

/** Volume candidates held before a sorted run is spilled: about 40 MB of keys and members. */
const VOLUME_BLOCK_ENTRIES = 200_000;

/** A volume as grouping needs it: its doc, reference (what orders a file's volumes) and id. */
type Member = [doc: number, reference: string, id: string];

/**
 * Groups the volumes as groupVolumes does, without holding the catalogue: every volume goes into sorted runs on disk
 * (sorted-runs.ts) by its key, and each file of several volumes into a second set keyed by its first doc, since
 * groupVolumes numbers files in the order their first volume comes. Held in memory, the four strings of each of ten
 * million synthetic records (every TNA piece is a candidate) did not fit the worker thread's heap.
 */
export function buildVolumes(
  records: Iterable<CatalogueRecord>,
  out: AssetWriter,
  segmentBytes?: number,
  blockEntries = VOLUME_BLOCK_ENTRIES,
): VolumeIndex {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
    throw new Error("volume-assets: the build must run on a little-endian machine");
  const scratch = runsPathNear(records instanceof DocFile ? records.path : null, "volumes");
  const byKey = new SpilledRuns<Member[]>(scratch, blockEntries, (into, more) => {
    for (const m of more) into.push(m);
  });
  // Each file of several volumes: its JSON (what a segment lists) and its docs, by its first doc.
  const byFirst = new SpilledRuns<[part: string, docs: number[]]>(`${scratch}-files`, blockEntries, () => {
    throw new Error("volume-assets: two files of volumes begin with one doc");
  });
  let n = 0;
  let count = 0;
  let total = 2;
  try {
    for (const r of records) {
      const key = volumeKey(r);
      if (key !== null) byKey.add(key, [[n, r.reference, r.id]]);
      n++;
    }
    for (const [, members] of byKey.sorted()) {
      if (members.length < 2) continue;
      // Members came in doc order; the sort is stable, as groupVolumes' is over the same order.
      const first = members[0]![0];
      members.sort((a, b) => compareReferences(a[1], b[1]));
      const docs = members.map((m) => m[0]);
      const part = JSON.stringify([docs, members.map((m) => m[2])]);
      total += Buffer.byteLength(part) + 2;
      count++;
      byFirst.addNew(String(first).padStart(DOC_DIGITS, "0"), [part, docs]);
    }
  } catch (e) {
    byKey.remove();
    byFirst.remove();
    throw e;
  }
  // Segments of about `segmentBytes`, cut before the group that would take one past it; one group a line, so a
  // reader parses only the group it wants without a table of offsets (4 bytes a group, 350 KB at a million
  // records). Each segment's first group and hash go at the end of the binary file, which a query has read first.
  const bytesEach = segmentBytes ?? volumeSegmentBytes(total);
  let hashes = "";
  const starts: number[] = [];
  let parts: string[] = [];
  let partBytes = 0;
  const writeSegment = () => {
    const text = `[\n${parts.join(",\n")}\n]`;
    const path = out.add(VOLUME_SEGMENTS_PREFIX.slice(1, -1), String(starts.length - 1), "json", text);
    hashes += hashOfPath(path);
    parts = [];
    partBytes = 0;
  };
  // Each doc's group, then only the docs in one: a bitmap of them, and their groups in doc order (see VolumeIndex).
  const groupOfDoc = new Int32Array(n).fill(-1);
  let g = 0;
  for (const [, [part, docs]] of byFirst.sorted()) {
    for (const d of docs) groupOfDoc[d] = g;
    const bytes = Buffer.byteLength(part) + 2;
    if (parts.length && partBytes + bytes > bytesEach) writeSegment();
    if (!parts.length) starts.push(g);
    parts.push(part);
    partBytes += bytes;
    g++;
  }
  if (parts.length) writeSegment();
  const words = Math.ceil(n / 32);
  const bitmap = new Uint32Array(words);
  let volumeDocs = 0;
  for (let d = 0; d < n; d++)
    if (groupOfDoc[d]! >= 0) {
      bitmap[d >> 5] = bitmap[d >> 5]! | (1 << (d & 31));
      volumeDocs++;
    }
  const width = volumeGroupWidth(count);
  const segments = { count: starts.length };
  const layout = volumeFileLayout({ docs: n, volumeDocs, width, segments });
  const bytes = new Uint8Array(layout.bytes);
  bytes.set(new Uint8Array(bitmap.buffer), 0);
  for (let d = 0, at = layout.columnAt; d < n; d++) {
    const g = groupOfDoc[d]!;
    if (g < 0) continue;
    for (let b = 0; b < width; b++) bytes[at++] = (g >>> (8 * b)) & 0xff;
  }
  new Uint32Array(bytes.buffer, layout.startsAt, starts.length).set(starts);
  bytes.set(new TextEncoder().encode(hashes), layout.hashesAt);
  return {
    groupOf: out.add("search", "volume-of", "bin", bytes),
    width,
    docs: n,
    volumeDocs,
    count,
    segments,
  };
}
