import { describe, expect, it } from "vitest";
import { AssetWriter } from "../../src/indexer/content-hash";
import { buildVolumes } from "../../src/indexer/volume-assets";
import { volumeSegmentPath } from "../../src/shared/index-format";
import { HASH_CHARS } from "../../src/shared/manifest";
import { groupVolumes } from "../../src/shared/volumes";
import { testRecord } from "../record-fixture";

/** Files of one to four volumes, their pieces out of reference order, among records in no file; two series. */
function records(files: number) {
  let x = 99;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const out = [];
  for (let f = 0; f < files; f++) {
    const series = f % 2 ? "KV 2" : "KV 3";
    for (let v = next() % 4; v >= 0; v--) {
      const piece = next() % 100_000;
      out.push(
        testRecord({ id: `r${out.length}`, reference: `${series}/${piece}`, title: `Person ${f % 997}`, series }),
      );
    }
    out.push(
      testRecord({ id: `p${out.length}`, reference: `PAPER, ${f}`, title: `Loose paper ${f}`, series: "PAPER" }),
    );
  }
  return out;
}

/** The groups as the segments list them, in group order. */
function listedGroups(out: AssetWriter, index: ReturnType<typeof buildVolumes>): unknown[] {
  const bin = out.files.get(index.dir) as Uint8Array;
  const hashes = new TextDecoder().decode(bin.subarray(bin.byteLength - index.segments.count * HASH_CHARS));
  return Array.from({ length: index.segments.count }, (_, s) =>
    JSON.parse(out.files.get(volumeSegmentPath(s, hashes.slice(s * HASH_CHARS, (s + 1) * HASH_CHARS))) as string),
  ).flat();
}

describe("volume groups gathered in sorted runs on disk", () => {
  it("numbers and lists the files of several volumes as grouping them in memory does", () => {
    const recs = records(3_000);
    const out = new AssetWriter();
    const index = buildVolumes(recs, out, { segmentBytes: 512, blockEntries: 1_000_000 });
    const groups = groupVolumes(recs);
    expect(groups.length).toBeGreaterThan(500);
    expect(index.count).toBe(groups.length);
    expect(listedGroups(out, index)).toEqual(groups);
  });

  it("writes the same files whether its runs spill every few volumes or never", () => {
    const recs = records(2_000);
    const held = new AssetWriter();
    const spilled = new AssetWriter();
    expect(buildVolumes(recs, spilled, { segmentBytes: 512, blockEntries: 23 })).toEqual(
      buildVolumes(recs, held, { segmentBytes: 512 }),
    );
    expect(new Map([...spilled.files].sort())).toEqual(new Map([...held.files].sort()));
  });
});
