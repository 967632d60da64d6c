/**
 * A build killed at any point leaves the served build whole: files appear
 * whole or not at all, a damaged file is never kept as "unchanged", the
 * served build switches in one step, and killing `npm run build` stops it.
 */
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildCatalogue, stageCatalogue } from "../../src/indexer/build-catalogue";
import { buildsDirOf, builtRecordShardPaths, readBuiltManifest, rebuildReason } from "../../src/indexer/build-folders";
import { layoutRecords } from "../../src/indexer/catalogue-assets";
import { testRecord } from "../record-fixture";

const DATA = ["test/fixtures/ingest"];
const root = mkdtempSync(join(tmpdir(), "dossier-crash-safe-"));
afterAll(() => rmSync(root, { recursive: true, force: true }), 30_000);
let n = 0;
const freshOut = () => join(root, `out-${n++}`, "assets");
/** Builds of the fixtures take about a second each; a loaded shared machine needs room. */
const SLOW = { timeout: 60_000 };

describe("a build after a damaged one", SLOW, () => {
  it.each(["emptied", "cut short"])("rewrites a chunk that was %s rather than keeping it as unchanged", (damage) => {
    const out = freshOut();
    const first = buildCatalogue({ dataDirs: DATA, outDir: out });
    const shard = join(out, builtRecordShardPaths(out, first.manifest)[0]!);
    const whole = readFileSync(shard);
    if (damage === "emptied") truncateSync(shard, 0);
    else writeFileSync(shard, whole.subarray(0, whole.length >> 1));

    const second = buildCatalogue({ dataDirs: DATA, outDir: out });
    expect(second.manifest.recordShards.pages).toEqual(first.manifest.recordShards.pages);
    expect(readFileSync(join(out, builtRecordShardPaths(out, second.manifest)[0]!))).toEqual(whole);
    expect(second.changed.written).toBeGreaterThanOrEqual(2); // the shard and the manifest
    expect(second.changed.kept).toBe(second.files - second.changed.written);
  });

  it("keeps intact chunks of the previous build without writing them again", () => {
    const out = freshOut();
    const first = buildCatalogue({ dataDirs: DATA, outDir: out });
    const second = buildCatalogue({ dataDirs: DATA, outDir: out });
    expect(second.changed).toMatchObject({ written: 1, removed: 0, kept: first.files - 1 });
  });
});

describe("publishing a build", SLOW, () => {
  it("leaves the served build untouched until the new one is published, then switches in one step", () => {
    const out = freshOut();
    buildCatalogue({ dataDirs: ["data"], outDir: out });
    const served = realpathSync(out);
    const before = readFileSync(join(out, "manifest.json"), "utf8");

    const staged = stageCatalogue({ dataDirs: ["data", ...DATA], outDir: out });
    // Everything is written, nothing is served yet: a kill now changes nothing a reader sees.
    expect(existsSync(join(staged.dir, "manifest.json"))).toBe(true);
    expect(realpathSync(out)).toBe(served);
    expect(readFileSync(join(out, "manifest.json"), "utf8")).toBe(before);

    staged.publish();
    expect(realpathSync(out)).not.toBe(served);
    expect(readBuiltManifest(out)!.records).toBe(staged.result.manifest.records);
    expect(existsSync(served)).toBe(true); // the old build stays for a server still reading it
  });

  it("removes what an abandoned build left behind", () => {
    const out = freshOut();
    buildCatalogue({ dataDirs: DATA, outDir: out });
    const staged = stageCatalogue({ dataDirs: DATA, outDir: out });
    const abandoned = join(buildsDirOf(out), ".staging-999999999-dead");
    rmSync(abandoned, { recursive: true, force: true });
    // A staging folder of a process that no longer exists, as a kill leaves it.
    renameSync(staged.dir, abandoned);
    buildCatalogue({ dataDirs: DATA, outDir: out });
    expect(readdirSync(buildsDirOf(out)).filter((f) => f.startsWith(".staging-"))).toEqual([]);
  });

  it("converts an assets folder from before builds had folders, keeping its files readable", () => {
    const out = freshOut();
    mkdirSync(join(out, "records"), { recursive: true });
    writeFileSync(join(out, "widget.js"), "/* widget */");
    buildCatalogue({ dataDirs: DATA, outDir: out });
    expect(statSync(out).isDirectory()).toBe(true);
    expect(readFileSync(join(out, "widget.js"), "utf8")).toBe("/* widget */");
    expect(readBuiltManifest(out)).not.toBeNull();
  });

  it("publishes nothing about the build machine in the manifest", () => {
    const out = freshOut();
    const { manifest } = buildCatalogue({ dataDirs: [join(process.cwd(), "data")], outDir: out });
    const text = readFileSync(join(out, "manifest.json"), "utf8");
    expect(manifest).not.toHaveProperty("dataDirs");
    expect(text).not.toContain(process.cwd());
    expect(text).not.toContain(root);
  });
});

describe("npm start's check of the built assets", SLOW, () => {
  it.each([
    ["empty", ""],
    ["truncated", '{"format":2,"version":"abc","rec'],
  ])("asks for a rebuild when manifest.json is %s", (_, body) => {
    const out = freshOut();
    buildCatalogue({ dataDirs: ["data"], outDir: out });
    expect(rebuildReason(out)).toBeNull();
    writeFileSync(join(out, "manifest.json"), body);
    expect(readBuiltManifest(out)).toBeNull();
    expect(rebuildReason(out)).toMatchObject({
      reason: expect.stringMatching(/incomplete or unreadable/),
      dataDirs: ["data"],
    });
  });

  it("asks for a rebuild when the built search index is of a format this code's Worker refuses", () => {
    const out = freshOut();
    buildCatalogue({ dataDirs: ["data"], outDir: out });
    expect(rebuildReason(out)).toBeNull();
    const path = join(out, "manifest.json");
    const manifest = JSON.parse(readFileSync(path, "utf8"));
    manifest.search.format -= 1;
    writeFileSync(path, JSON.stringify(manifest));
    expect(rebuildReason(out)).toMatchObject({
      reason: expect.stringMatching(/search index is of another format/),
      dataDirs: ["data"],
    });
  });

  it("rebuilds from the data directories the build read, which are kept beside it and not served", () => {
    const out = freshOut();
    buildCatalogue({ dataDirs: DATA, outDir: out });
    const info = JSON.parse(readFileSync(`${realpathSync(out)}.json`, "utf8"));
    expect(info.dataDirs).toEqual(DATA);
  });
});

describe("record shard layout", () => {
  it("does not spread a few records over hundreds of shards because one is huge", () => {
    const record = (i: number, description = "a short description") =>
      testRecord({ id: `kv-2-${i}`, reference: `KV 2/${i}`, title: `File ${i}`, series: "KV 2", description });
    const records = Array.from({ length: 29 }, (_, i) =>
      record(i + 1, i === 0 ? "x".repeat(5 * 1024 * 1024) : undefined),
    );
    const { shardCount } = layoutRecords(records, {});
    expect(shardCount).toBeLessThanOrEqual(2);
  });
});

/** PIDs of running processes whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8");
      const state = readFileSync(`/proc/${name}/stat`, "utf8");
      if (cmd.includes(marker) && state[state.lastIndexOf(")") + 2] !== "Z") out.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(process.platform === "linux")("killing npm run build by its own PID", () => {
  it.each(["SIGTERM", "SIGKILL"] as const)(
    "stops the whole build before it publishes (%s)",
    async (signal) => {
      const out = freshOut();
      const npm = spawn("npm", ["run", "build", "--", "--quiet", "--data", "data", "--out", out], {
        stdio: "ignore",
        detached: true,
      });
      try {
        // Wait for the build's own node process, then kill npm alone, as `kill <pid>` would.
        const started = Date.now();
        while (
          !processesWith(`scripts/build.ts`).some((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(out))
        ) {
          if (Date.now() - started > 30_000) throw new Error("the build never started");
          await sleep(20);
        }
        npm.kill(signal);
        // Until every process of this build is gone (the old build ran on for seconds and published).
        const killed = Date.now();
        while (processesWith(out).length && Date.now() - killed < 60_000) await sleep(100);
        expect(processesWith(out)).toEqual([]);
        expect(Date.now() - killed).toBeLessThan(5_000);
        expect(existsSync(out)).toBe(false);
      } finally {
        try {
          process.kill(-npm.pid!, "SIGKILL");
        } catch {
          /* already gone */
        }
      }
    },
    90_000,
  );
});
