/**
 * Search shards built as separate jobs (`npm run build -- --shard i/N`, on
 * one machine or many) and merged (`--merge`). A job writes its shard's
 * chunks into a part folder `<parts>/shard-<i>-of-<N>/`, with `part.json`
 * last; the folder appears whole or not at all (staged, then renamed). The
 * merge takes every part whose `part.json` names the same catalogue, so a
 * part built from other data, or with another shard count, is refused rather
 * than mixed in. Node only.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { SearchShardManifest } from "../shared/index-format";
import type { AssetWriter } from "./content-hash";
import { writeFileAtomic } from "./atomic-write";
import type { SearchPlan } from "./search-assets";

export interface ShardJob {
  index: number;
  count: number;
}

interface PartInfo {
  /** `catalogueKey` of the plan the part was built from. */
  catalogue: string;
  index: number;
  count: number;
  shard: SearchShardManifest;
  files: string[];
}

const PART_INFO = "part.json";

/** Parses `i/N` (`--shard 0/2`), with a clear error for anything else. */
export function parseShardJob(text: string): ShardJob {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index >= count)
    throw new Error(`build: --shard takes i/N with 0 <= i < N (e.g. --shard 0/2), not "${text}"`);
  return { index, count };
}

export function defaultPartsDir(outDir: string): string {
  return `${resolve(outDir)}.parts`;
}

export function partDir(partsDir: string, job: ShardJob): string {
  return join(partsDir, `shard-${job.index}-of-${job.count}`);
}

/**
 * Identifies the catalogue and its split: every doc's id in doc order, and
 * the shard bounds. Jobs and the merge compute it alike from the same data.
 */
export function catalogueKey(plan: SearchPlan): string {
  const h = createHash("sha256");
  h.update(JSON.stringify(plan.bounds));
  h.update(plan.idsDigest);
  return h.digest("hex").slice(0, 16);
}

/** Writes a shard job's chunks as a part folder, replacing an older part of the same shard. */
export function writeShardPart(
  partsDir: string,
  job: ShardJob,
  plan: SearchPlan,
  shard: SearchShardManifest,
  out: AssetWriter,
) {
  const final = partDir(partsDir, job);
  const staging = `${final}.staging-${process.pid}-${randomBytes(4).toString("hex")}`;
  mkdirSync(staging, { recursive: true });
  const files = [...out.files.keys()];
  for (const [path, data] of out.files) {
    mkdirSync(dirname(join(staging, path)), { recursive: true });
    writeFileAtomic(join(staging, path), data);
  }
  const info: PartInfo = { catalogue: catalogueKey(plan), index: job.index, count: job.count, shard, files };
  writeFileAtomic(join(staging, PART_INFO), JSON.stringify(info), { durable: true });
  rmSync(final, { recursive: true, force: true });
  renameSync(staging, final);
  return final;
}

/** Whether a whole part for `job` of this catalogue is there already (what `--resume` skips). */
export function hasShardPart(partsDir: string, job: ShardJob, plan: SearchPlan): boolean {
  const info = readPartInfo(partDir(partsDir, job));
  return info !== null && info.catalogue === catalogueKey(plan) && info.count === job.count;
}

/** Adds every part's chunks to `out` and returns the shards' manifests, in shard order. */
export function readShardParts(partsDir: string, plan: SearchPlan, out: AssetWriter): SearchShardManifest[] {
  const key = catalogueKey(plan);
  const count = plan.shardCount;
  return Array.from({ length: count }, (_, index) => {
    const dir = partDir(partsDir, { index, count });
    const info = readPartInfo(dir);
    const redo = `build it with npm run build -- --shard ${index}/${count}`;
    if (!info) throw new Error(`build: no whole part for search shard ${index}/${count} in ${dir}; ${redo}`);
    if (info.catalogue !== key || info.count !== count || info.index !== index)
      throw new Error(`build: the part in ${dir} was built from other data or another split; ${redo}`);
    for (const path of info.files) out.put(path, readFileSync(join(dir, path)));
    return info.shard;
  });
}

function readPartInfo(dir: string): PartInfo | null {
  const file = join(dir, PART_INFO);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as PartInfo;
  } catch {
    return null;
  }
}
