import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { layoutRecords, writeRecordStore } from "../../src/indexer/catalogue-assets";
import { AssetWriter } from "../../src/indexer/content-hash";
import { catalogueRanks } from "../../src/indexer/reference-order";
import type { Manifest } from "../../src/shared/manifest";
import { shardOf } from "../../src/shared/hash";
import { testRecord } from "../record-fixture";

/** Records of three series, some giving a Discovery id, one id given by two records (the later one wins). */
function records(size: number) {
  return Array.from({ length: size }, (_, i) => {
    const series = ["KV 2", "HO 45", "WO 208"][i % 3]!;
    const reference = `${series}/${(i * 7919) % size}`;
    return testRecord({
      id: `r${i}`,
      reference,
      title: `File ${i}`,
      series,
      ...(i % 4 ? { discoveryId: i === 9 ? "C1001" : `C${1000 + i}` } : {}),
    });
  });
}

function store(size: number, blockEntries?: number) {
  const layout = layoutRecords(records(size), { recordShards: 5 });
  const references = Array.from(layout.docs, (r) => r.reference);
  const catalogueOrder = catalogueRanks(references, [0]);
  const out = new AssetWriter();
  const manifest = writeRecordStore(layout, { of: () => undefined }, out, { catalogueOrder, blockEntries });
  return { manifest, out };
}

const files = (out: AssetWriter) => new Map([...out.files].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
const pick = (m: Omit<Manifest, "version">) => ({ ...m, builtAt: "" });

describe("the record store gathering series listings and Discovery ids in sorted runs", () => {
  it("writes the same files whether its runs spill every few entries or never", () => {
    const held = store(6_000);
    const spilled = store(6_000, 301);
    expect(pick(spilled.manifest)).toEqual(pick(held.manifest));
    expect(files(spilled.out)).toEqual(files(held.out));
    expect(held.manifest.discoveryIds!.length).toBe(Math.ceil(4_500 / 2_000));
  });

  it("maps every Discovery id to the last record that gave it, in the chunk its hash names", () => {
    const { manifest, out } = store(2_000, 101);
    const paths = manifest.discoveryIds!;
    const read = (k: number) => JSON.parse(out.files.get(paths[k]!) as string) as Record<string, string>;
    // Record 1 gives C1001 first; record 9 gives it again.
    const chunk = read(shardOf("C1001", paths.length));
    expect(chunk.C1001).toBe("r9");
    const all = paths.flatMap((_, k) => Object.keys(read(k)).map((did) => [did, k] as const));
    expect(all.length).toBe(1_499);
    for (const [did, k] of all) expect(shardOf(did, paths.length)).toBe(k);
    // Ids in each chunk in the order their `id,record` strings sort, as the map held in memory wrote them.
    for (let k = 0; k < paths.length; k++) {
      const entries = Object.entries(read(k));
      expect(entries).toEqual([...entries].sort());
    }
  });

  it("leaves no scratch runs in the temporary folder", () => {
    store(1_000, 101);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith(`.dossier-runs-${process.pid}-`))).toEqual([]);
  });
});
