/**
 * The assets a cold search reads in parts instead of whole (src/indexer/search-assets.ts, volume-assets.ts): the
 * byte ranges the build records must hold exactly the entries they name, or a cold query would parse a wrong or
 * cut list.
 */
import { describe, expect, it } from "vitest";
import { AssetWriter } from "../../src/indexer/content-hash";
import { buildVocab } from "../../src/indexer/search-assets";
import { buildVolumes } from "../../src/indexer/volume-assets";
import { groupVolumes } from "../../src/shared/volumes";
import { testRecord } from "../record-fixture";

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

describe("the volume index", () => {
  it("names each volume's file and reads that file's docs and ids back from its byte range", () => {
    const records = [
      testRecord({ id: "kv-2-1", reference: "KV 2/1", title: "Klaus FUCHS", series: "KV 2" }),
      testRecord({ id: "kv-2-2", reference: "KV 2/2", title: "Klaus FUCHS", series: "KV 2" }),
      testRecord({ id: "kv-2-3", reference: "KV 2/3", title: "Someone else", series: "KV 2" }),
      testRecord({ id: "a1-1", reference: "A1, 1", title: "Peace movement volume 1", series: "A1" }),
      testRecord({ id: "a1-2", reference: "A1, 2", title: "Peace movement volume 2", series: "A1" }),
      testRecord({ id: "a1-3", reference: "A1, 3", title: "Peace movement volume 3", series: "A1" }),
    ];
    const out = new AssetWriter();
    const index = buildVolumes(records, out);
    const groups = groupVolumes(records);
    expect(index.count).toBe(groups.length);
    expect(groups.length).toBe(2);
    const bin = out.files.get(index.groupOf) as Uint8Array;
    const buf = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
    const offsets = new Uint32Array(buf, 0, index.count + 1);
    const column = new Uint16Array(buf, offsets.byteLength);
    expect(index.width).toBe(2);
    expect(Array.from(column)).toEqual(
      records.map((_, doc) => {
        const g = groups.findIndex(([docs]) => docs.includes(doc));
        return g + 1;
      }),
    );
    const text = out.files.get(index.groups) as string;
    for (let g = 0; g < index.count; g++)
      expect(slice(text, offsets[g]!, offsets[g + 1]! - offsets[g]! - 1)).toEqual([groups[g]]);
  });
});
