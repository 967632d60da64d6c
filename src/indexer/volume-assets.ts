/**
 * Writes the volume groups (see shared/volumes.ts) as search assets a query reads a hit at a time, at any catalogue
 * size: the doc → group column in binary pages by doc range (read as typed arrays, no JSON; its layout is
 * `VolumeIndex`'s), the groups' JSON in segments of about 16 KiB, and a small directory of both; a query reads only
 * the pages and segments holding its hits.
 */
import type { CatalogueRecord } from "../shared/record";
import {
  VOLUME_PAGES_PREFIX,
  VOLUME_SEGMENTS_PREFIX,
  volumeDirLayout,
  volumeGroupWidth,
  volumePageLayout,
  type VolumeIndex,
} from "../shared/index-format";
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
 * 100k catalogue has about 60 of 16 KiB; ten million synthetic records about 1,024 of 160 KB, where 64 were 2.5 MB
 * each, read whole for one hit). Cut by bytes, a build writes at most twice this and one more, and only when single
 * groups are near a segment's size.
 */
export const VOLUME_SEGMENT_FILES = 1024;

/** Bytes a page of the doc → group column aims at: a collapsed query reads the pages of its best few dozen hits. */
export const VOLUME_PAGE_BYTES = 16 * 1024;
/** Pages of the column a build aims at, at most (files of their own, as segments are); past it pages grow instead. */
export const VOLUME_PAGE_FILES = 1024;

/**
 * Docs in each page of the column of `docs` docs, `volumeDocs` of them in groups numbered in `width` bytes: pages of
 * about `VOLUME_PAGE_BYTES`, at most `VOLUME_PAGE_FILES` of them, a whole number of bitmap words each.
 */
export function volumePageDocs(docs: number, volumeDocs: number, width: number): number {
  const total = volumePageLayout(docs, volumeDocs, width).bytes;
  const pages = Math.min(VOLUME_PAGE_FILES, Math.max(1, Math.ceil(total / VOLUME_PAGE_BYTES)));
  return Math.max(32, Math.ceil(docs / pages / 32) * 32);
}

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
  sizes: {
    /** Bytes a segment aims at (default `volumeSegmentBytes`). */
    segmentBytes?: number;
    /** Volume candidates held before a sorted run is spilled. */
    blockEntries?: number;
    /** Docs a page of the column holds, a multiple of 32 (default `volumePageDocs`). */
    pageDocs?: number;
  } = {},
): VolumeIndex {
  const { segmentBytes, blockEntries = VOLUME_BLOCK_ENTRIES } = sizes;
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
  // records). Each segment's first group and hash go in the volume directory, which a query has read first.
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
  const width = volumeGroupWidth(count);
  let volumeDocs = 0;
  for (let d = 0; d < n; d++) if (groupOfDoc[d]! >= 0) volumeDocs++;
  const pageDocs = sizes.pageDocs ?? volumePageDocs(n, volumeDocs, width);
  if (pageDocs % 32 !== 0) throw new Error(`volume-assets: pageDocs ${pageDocs} is not a multiple of 32`);
  const pages = { count: Math.max(1, Math.ceil(n / pageDocs)), docs: pageDocs };
  let pageHashes = "";
  for (let p = 0; p < pages.count; p++) {
    const from = p * pageDocs;
    const to = Math.min(n, from + pageDocs);
    let inGroups = 0;
    for (let d = from; d < to; d++) if (groupOfDoc[d]! >= 0) inGroups++;
    const layout = volumePageLayout(to - from, inGroups, width);
    const bytes = new Uint8Array(layout.bytes);
    const bitmap = new Uint32Array(bytes.buffer, 0, layout.columnAt / 4);
    for (let d = from, at = layout.columnAt; d < to; d++) {
      const g = groupOfDoc[d]!;
      if (g < 0) continue;
      const i = d - from;
      bitmap[i >> 5] = bitmap[i >> 5]! | (1 << (i & 31));
      for (let b = 0; b < width; b++) bytes[at++] = (g >>> (8 * b)) & 0xff;
    }
    pageHashes += hashOfPath(out.add(VOLUME_PAGES_PREFIX.slice(1, -1), String(p), "bin", bytes));
  }
  const segments = { count: starts.length };
  const layout = volumeDirLayout({ pages, segments });
  const dir = new Uint8Array(layout.bytes);
  new Uint32Array(dir.buffer, 0, starts.length).set(starts);
  const ascii = new TextEncoder();
  dir.set(ascii.encode(pageHashes), layout.pageHashesAt);
  dir.set(ascii.encode(hashes), layout.segmentHashesAt);
  return {
    dir: out.add("search", "volume-dir", "bin", dir),
    width,
    docs: n,
    volumeDocs,
    count,
    pages,
    segments,
  };
}
