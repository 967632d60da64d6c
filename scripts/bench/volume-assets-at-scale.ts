/**
 * npx tsx scripts/bench/volume-assets-at-scale.ts [RECORDS]
 *
 * The volume assets (indexer/volume-assets.ts) of a synthetic catalogue of RECORDS records (default ten million),
 * built alone, in memory, from the generator's stream: how many column pages and group segments there are, and how
 * big, against the 25 MiB a static asset may be and the few KB a collapsed query should read a hit. A whole build
 * of ten million records takes nearly two hours here; this takes six minutes. The records come in the generator's
 * order, not the build's doc order, so which docs share a page may differ; totals and counts do not.
 */
import { AssetWriter } from "../../src/indexer/content-hash";
import { buildVolumes } from "../../src/indexer/volume-assets";
import { VOLUME_PAGES_PREFIX, VOLUME_SEGMENTS_PREFIX } from "../../src/shared/index-format";
import { syntheticCorpus } from "./synthetic-catalogue";

const records = Number(process.argv[2] ?? 10_000_000);
const t0 = performance.now();
const out = new AssetWriter();
const index = buildVolumes(syntheticCorpus(records).records(), out);
const seconds = (performance.now() - t0) / 1000;
const size = (path: string) => {
  const data = out.files.get(path)!;
  return typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
};
const files = (prefix: string) => {
  const sizes = [...out.files.keys()]
    .filter((p) => p.startsWith(prefix))
    .map(size)
    .sort((a, b) => a - b);
  return {
    count: sizes.length,
    totalBytes: sizes.reduce((a, b) => a + b, 0),
    medianBytes: sizes[sizes.length >> 1] ?? 0,
    maxBytes: sizes.at(-1) ?? 0,
  };
};
console.log(
  JSON.stringify(
    {
      records,
      seconds: Math.round(seconds * 10) / 10,
      index,
      directoryBytes: size(index.dir),
      pages: files(VOLUME_PAGES_PREFIX),
      segments: files(VOLUME_SEGMENTS_PREFIX),
    },
    null,
    1,
  ),
);
