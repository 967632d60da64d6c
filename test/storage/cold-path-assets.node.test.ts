/**
 * The assets a cold search reads in parts instead of whole (src/indexer/search-assets.ts, volume-assets.ts): the
 * byte ranges the build records must hold exactly the entries they name, or a cold query would parse a wrong or
 * cut list.
 */
import { describe, expect, it } from "vitest";
import { AssetWriter } from "../../src/indexer/content-hash";
import { buildLexicon, buildVocab } from "../../src/indexer/search-assets";
import { bloomHas, bloomPageOf, bloomPageSection } from "../../src/shared/bloom";
import { lexiconPagePath, vocabPrefixKey } from "../../src/shared/index-format";
import {
  buildVolumes,
  VOLUME_PAGE_BYTES,
  VOLUME_PAGE_FILES,
  VOLUME_SEGMENT_FILES,
  volumePageDocs,
  volumeSegmentBytes,
} from "../../src/indexer/volume-assets";
import { groupVolumes } from "../../src/shared/volumes";
import { HASH_CHARS, hashAt, lastAtOrBelow } from "../../src/shared/manifest";
import {
  volumeDirLayout,
  volumeGroupWidth,
  volumePageLayout,
  volumePagePath,
  volumeSegmentPath,
  type VolumeIndex,
} from "../../src/shared/index-format";
import { testRecord, twoFilesOfVolumes } from "../record-fixture";

const slice = (text: string, offset: number, length: number): unknown[] =>
  JSON.parse(`[${new TextDecoder().decode(new TextEncoder().encode(text).subarray(offset, offset + length))}]`);

describe("vocabulary ranges for the prefix rule", () => {
  it("hold exactly the words of one length that begin with two letters, non-ASCII words included", () => {
    const words = ["soviet", "sovkhoz", "sowers", "spirit", "sømand", "søster", "zebras", "zeal", "abbey", "abbot"];
    const df = new Map(words.map((w, i) => [w, i + 1]));
    const out = new AssetWriter();
    const { paths, ranges } = buildVocab(df, out);
    expect(ranges.length).toBeGreaterThan(4);
    const seen: string[] = [];
    for (const [key, [offset, length]] of ranges) {
      const len = Number(key.slice(2));
      const text = out.files.get(paths[String(len)]!) as string;
      const list = slice(text, offset, length) as Array<[string, number]>;
      expect(list.length).toBeGreaterThan(0);
      for (const [w, n] of list) {
        expect(w.slice(0, 2) + w.length).toBe(key);
        expect(n).toBe(df.get(w));
        seen.push(w);
      }
    }
    expect(seen.sort()).toEqual([...words].sort());
  });
});

describe("the prefix rule's vocabulary filter", () => {
  it("says yes for every prefix of five letters or more of every word up to four letters shorter, at that length", () => {
    const words = ["soviets", "sovietisation", "espionage", "søstrene", "besedovskiy", "intelligence", "paris"];
    const out = new AssetWriter();
    const { lexicon, vocabPrefixes: f } = buildLexicon(() => {}, 0, words, out);
    const pages = lexicon.pages.length / HASH_CHARS;
    // The prefix filter is section 1 of the page of the key's first letters.
    const has = (key: string) => {
      const path = lexiconPagePath(lexicon, bloomPageOf(key, pages));
      return bloomHas(bloomPageSection(out.files.get(path) as Uint8Array, 1, path), key, f!.hashes);
    };
    let keys = 0;
    for (const w of words)
      for (let n = 5; n < w.length; n++)
        if (w.length - n <= f!.maxExtra) {
          expect(has(vocabPrefixKey(w.slice(0, n), w.length))).toBe(true);
          keys++;
        }
    expect(keys).toBeGreaterThan(15);
    // The word itself, and prefixes kept apart by length: "sovie" begins a 7-letter word, not a 6-letter one.
    const no = [vocabPrefixKey("soviets", 7), vocabPrefixKey("sovie", 6), vocabPrefixKey("qzxvw", 8)];
    expect(no.filter(has).length).toBeLessThanOrEqual(1);
  });
});

/** The volume directory's parts as the build wrote them. */
function directory(out: AssetWriter, index: VolumeIndex) {
  const bin = out.files.get(index.dir) as Uint8Array;
  const buf = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  const layout = volumeDirLayout(index);
  expect(bin.byteLength).toBe(layout.bytes);
  const text = (from: number, to?: number) => new TextDecoder().decode(new Uint8Array(buf, from, to));
  return {
    starts: new Uint32Array(buf, 0, index.segments.count),
    pageHashes: text(layout.pageHashesAt, layout.segmentHashesAt - layout.pageHashesAt),
    segmentHashes: text(layout.segmentHashesAt),
  };
}

describe("the volume index", () => {
  it("keeps its pages and segments, files of their own, to a bounded number and a few KB each at any size", () => {
    expect(volumeSegmentBytes(960_000)).toBe(16 * 1024);
    for (const total of [960_000, 10_000_000, 100_000_000, 2_000_000_000])
      expect(Math.ceil(total / volumeSegmentBytes(total))).toBeLessThanOrEqual(VOLUME_SEGMENT_FILES);
    // Ten million synthetic records: 7 million docs in groups, numbered in 3 bytes (21 MB as one column).
    for (const docs of [100, 100_000, 1_000_000, 10_000_000, 100_000_000]) {
      const volumeDocs = Math.floor(docs * 0.7);
      const pageDocs = volumePageDocs(docs, volumeDocs, 3);
      expect(pageDocs % 32).toBe(0);
      expect(Math.ceil(docs / pageDocs)).toBeLessThanOrEqual(VOLUME_PAGE_FILES);
      const bytes = volumePageLayout(pageDocs, Math.ceil(pageDocs * 0.7), 3).bytes;
      if (docs <= 10_000_000) expect(bytes).toBeLessThanOrEqual(2 * VOLUME_PAGE_BYTES + 64);
    }
  });

  it("names each volume's file in its page of the column and lists that file's docs and ids in its segment", () => {
    const records = twoFilesOfVolumes();
    const out = new AssetWriter();
    // Segments of a few bytes: one group each, so the test sees more than one.
    const index = buildVolumes(records, out, { segmentBytes: 8 });
    const groups = groupVolumes(records);
    expect(index.count).toBe(groups.length);
    expect(groups.length).toBe(2);
    expect(index.width).toBe(2);
    expect(index.docs).toBe(records.length);
    expect(index.pages).toEqual({ count: 1, docs: 32 });
    const dir = directory(out, index);
    // The page: a bitmap of the docs in a group, then their groups in doc order (2 bytes each while few).
    const bin = out.files.get(volumePagePath(0, hashAt(dir.pageHashes, 0))) as Uint8Array;
    const buf = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
    expect(bin.byteLength).toBe(volumePageLayout(records.length, 5, 2).bytes);
    const bitmap = new Uint32Array(buf, 0, 1);
    const inGroup = records.map((_, doc) => groups.findIndex(([docs]) => docs.includes(doc)));
    expect(Array.from({ length: records.length }, (_, d) => (bitmap[0]! >>> d) & 1)).toEqual(
      inGroup.map((g) => (g >= 0 ? 1 : 0)),
    );
    expect(index.volumeDocs).toBe(5);
    expect(Array.from(new Uint16Array(buf, 4, index.volumeDocs))).toEqual(inGroup.filter((g) => g >= 0));
    // The directory: each segment's first group, then the pages' hashes, then the segments'; group g is on line
    // g - first + 1 of its segment.
    expect(index.segments.count).toBe(2);
    expect(Array.from(dir.starts)).toEqual([0, 1]);
    expect(dir.segmentHashes.length).toBe(2 * HASH_CHARS);
    for (let g = 0; g < index.count; g++) {
      const text = out.files.get(volumeSegmentPath(g, hashAt(dir.segmentHashes, g))) as string;
      expect(JSON.parse(text) as unknown[]).toEqual([groups[g]]);
      expect(JSON.parse(text.split("\n")[1]!)).toEqual(groups[g]);
    }
  });

  it("writes group numbers in 3 bytes past 65,536 groups, and in 2 up to it", () => {
    expect(volumeGroupWidth(0x10000)).toBe(2);
    expect(volumeGroupWidth(0x10001)).toBe(3);
    expect(volumeGroupWidth(0x1000000)).toBe(3);
    expect(volumeGroupWidth(0x1000001)).toBe(4);
    // 70,000 files of two volumes, each after a record in none: every third doc is in no group.
    const n = 70_000;
    const records = Array.from({ length: 3 * n }, (_, i) => {
      const f = Math.floor(i / 3);
      return i % 3 === 0
        ? testRecord({ id: `b-${i}`, reference: `B, ${i}`, title: `Loose paper ${f}`, series: "B" })
        : testRecord({ id: `a-${i}`, reference: `A, ${i}`, title: `File ${f} volume ${i % 3}`, series: "A" });
    });
    const out = new AssetWriter();
    const index = buildVolumes(records, out);
    expect(index.count).toBe(n);
    expect(index.width).toBe(3);
    expect(index.volumeDocs).toBe(2 * n);
    expect(index.pages.count).toBeGreaterThan(10);
    const dir = directory(out, index);
    const first = out.files.get(volumePagePath(0, hashAt(dir.pageHashes, 0))) as Uint8Array;
    expect(new Uint32Array(first.buffer.slice(first.byteOffset, first.byteOffset + 4))[0]! & 7).toBe(0b110);
    // The last volume doc's group, 3 bytes little-endian, at the end of the last page: group n - 1.
    const p = index.pages.count - 1;
    const last = out.files.get(volumePagePath(p, hashAt(dir.pageHashes, p))) as Uint8Array;
    const at = volumePageLayout(3 * n - p * index.pages.docs, 0, 3).columnAt;
    let set = 0;
    for (const w of new Uint32Array(last.buffer.slice(last.byteOffset, last.byteOffset + at)))
      for (let b = 0; b < 32; b++) set += (w >>> b) & 1;
    const end = at + (set - 1) * 3;
    expect(last[end]! | (last[end + 1]! << 8) | (last[end + 2]! << 16)).toBe(n - 1);
  });

  it("puts about a segment's worth of groups in each segment, and every group in one", () => {
    const records = Array.from({ length: 600 }, (_, i) =>
      testRecord({
        id: `a1-${i}`,
        reference: `A1, ${i}`,
        title: `Peace movement ${Math.floor(i / 3)} volume ${(i % 3) + 1}`,
        series: "A1",
      }),
    );
    const out = new AssetWriter();
    const index = buildVolumes(records, out, { segmentBytes: 1024 });
    const seg = index.segments;
    expect(index.count).toBe(200);
    expect(seg.count).toBeGreaterThan(5);
    const { segmentHashes } = directory(out, index);
    let seen = 0;
    for (let s = 0; s < seg.count; s++) {
      const text = out.files.get(volumeSegmentPath(s, hashAt(segmentHashes, s))) as string;
      expect(text.length).toBeLessThan(2 * 1024);
      seen += (JSON.parse(text) as unknown[]).length;
    }
    expect(seen).toBe(index.count);
  });

  it("cuts segments by bytes, so big files first make more segments, not a segment many times the others", () => {
    // Ten files of 150 volumes, then 300 files of two: numbered by first doc, the big ones are the first groups.
    const records = [];
    for (let f = 0; f < 310; f++)
      for (let v = 0; v < (f < 10 ? 150 : 2); v++)
        records.push(
          testRecord({
            id: `f${f}-${v}`,
            reference: `A1, ${f * 100 + v}`,
            title: `Peace movement ${f} volume ${v + 1}`,
            series: "A1",
          }),
        );
    const out = new AssetWriter();
    const segmentBytes = 4096;
    const index = buildVolumes(records, out, { segmentBytes });
    const groups = groupVolumes(records);
    expect(index.count).toBe(310);
    const { starts, segmentHashes: hashes } = directory(out, index);
    const sizes: number[] = [];
    for (let s = 0; s < starts.length; s++) {
      const text = out.files.get(volumeSegmentPath(s, hashAt(hashes, s))) as string;
      const lines = text.split("\n").slice(1, -1);
      // Over its aim only by its one group.
      if (lines.length > 1) expect(text.length).toBeLessThanOrEqual(segmentBytes + 4);
      sizes.push(text.length);
    }
    expect(Math.max(...sizes)).toBeLessThan(3 * segmentBytes);
    for (let g = 0; g < index.count; g++) {
      const s = lastAtOrBelow(starts, g);
      const text = out.files.get(volumeSegmentPath(s, hashAt(hashes, s))) as string;
      expect(JSON.parse(text.split("\n")[g - starts[s]! + 1]!.replace(/,$/, ""))).toEqual(groups[g]);
    }
  });
});
