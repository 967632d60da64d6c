/**
 * The way past one machine: search shards built as separate jobs
 * (`--shard 0/2`, `--shard 1/2`) and merged (`--merge --shards 2`) give the
 * very build one process makes with `--shards 2`: the same files, byte for
 * byte, and the same manifest but for its build time. The Worker reads
 * nothing else, so it answers exactly as it does from the single build
 * (whose answers sharded-equals-unsharded.node.test.ts checks against an
 * unsharded build). A build killed midway resumes from the parts it finished.
 * DOSSIER_MERGE_TEST_RECORDS sets the size: 1,000 by default.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCatalogue, buildShardPart, walk } from "../../src/indexer/build-catalogue";
import { partDir } from "../../src/indexer/shard-parts";
import { syntheticCorpus, writeJsonl } from "../../scripts/bench/synthetic-catalogue";

const RECORDS = Number(process.env.DOSSIER_MERGE_TEST_RECORDS ?? 1000);
let dir: string;
let data: string;
/** The single-process build with two search shards: what the jobs must reproduce. */
let single: Map<string, string>;

const options = (name: string) => ({
  dataDirs: [data],
  outDir: join(dir, name),
  reportPath: join(dir, `${name}.report.json`),
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dossier-merge-test-"));
  data = join(dir, "data");
  await writeJsonl(syntheticCorpus(RECORDS), join(data, "synthetic.jsonl"));
  buildCatalogue({ ...options("one"), searchShards: 2 });
  single = contents(join(dir, "one"));
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every file of a build by asset path, with its bytes; the manifest without its build time. */
function contents(out: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of walk(out)) {
    const path = file.slice(out.length);
    let text = readFileSync(file).toString("base64");
    if (path === "/manifest.json") {
      const { builtAt: _, ...m } = JSON.parse(readFileSync(file, "utf8"));
      text = JSON.stringify(m);
    }
    files.set(path, text);
  }
  return files;
}

describe(`a ${RECORDS.toLocaleString("en")}-record catalogue built as 2 shard jobs and merged`, () => {
  it("is the single build, file for file and byte for byte", () => {
    // Out of order, as jobs on several machines finish.
    for (const index of [1, 0]) buildShardPart({ ...options("merged"), shard: { index, count: 2 } });
    buildCatalogue({ ...options("merged"), searchShards: 2, merge: true });
    expectSameBuild(contents(join(dir, "merged")));
    expect(JSON.parse(single.get("/manifest.json")!).search.shards.count).toBe(2);
  }, 300_000);

  it("refuses to merge a part built from other data, saying which shard to rebuild", () => {
    // A part of another catalogue carries another catalogue key: here, shard 1 of the merged build's parts, altered.
    const parts = `${options("merged").outDir}.parts`;
    const info = join(partDir(parts, { index: 1, count: 2 }), "part.json");
    const saved = readFileSync(info, "utf8");
    writeFileSync(info, JSON.stringify({ ...JSON.parse(saved), catalogue: "another-catalogue" }));
    try {
      expect(() => buildCatalogue({ ...options("merged"), searchShards: 2, merge: true })).toThrow(
        /the part in .*shard-1-of-2 was built from other data or another split; build it with npm run build -- --shard 1\/2/,
      );
    } finally {
      writeFileSync(info, saved);
    }
  });

  it("refuses to merge when a shard's part is missing, naming it", () => {
    expect(() => buildCatalogue({ ...options("no-parts"), searchShards: 2, merge: true })).toThrow(
      /no whole part for search shard 0\/2 in .*shard-0-of-2; build it with npm run build -- --shard 0\/2/,
    );
  });

  it("resumes a killed build from the shard parts it finished, and ends as the single build", () => {
    const opts = options("resumed");
    // What a build killed during shard 1 leaves: shard 0's part, whole (the merged build's, copied).
    const first = partDir(`${opts.outDir}.parts`, { index: 0, count: 2 });
    cpSync(partDir(`${options("merged").outDir}.parts`, { index: 0, count: 2 }), first, { recursive: true });
    const before = statSync(join(first, "part.json")).mtimeMs;
    const logged: string[] = [];
    buildCatalogue({ ...opts, searchShards: 2, resume: true, log: (l) => logged.push(l) });
    expect(logged).toContain("search shard 0/2: whole part found, kept");
    expect(statSync(join(first, "part.json")).mtimeMs).toBe(before);
    expectSameBuild(contents(opts.outDir));
  }, 300_000);
});

describe(`the same ${RECORDS.toLocaleString("en")}-record catalogue indexed in blocks of a few docs`, () => {
  it("is the build indexed a whole shard at a time, byte for byte", () => {
    // The default block is larger than this catalogue's shards: 7 docs a block splits each into many blocks.
    buildCatalogue({ ...options("blocks"), searchShards: 2, indexBlockDocs: 7 });
    expectSameBuild(contents(join(dir, "blocks")));
  }, 300_000);
});

function expectSameBuild(built: Map<string, string>) {
  expect([...built.keys()].sort()).toEqual([...single.keys()].sort());
  for (const [path, bytes] of single) expect(built.get(path) === bytes, path).toBe(true);
}
