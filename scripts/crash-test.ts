/**
 * npm run test:crash [-- --runs 20 --data <dir> --data <dir> --seed N]
 *
 * Kills `npm run build` at random moments, again and again, and after each kill
 * serves what is on disk, then builds to the end and serves that, in the real
 * Worker (workerd through Miniflare). Passes when no answer is a 5xx and the
 * deep health check is ok every time. Kills alternate between SIGKILL to the
 * build's process group (everything at once), and SIGTERM or SIGKILL to npm's
 * PID alone. Builds alternate between two data sets, so each one changes files.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  builtRecordShardPaths,
  builtSeries,
  readBuiltManifest,
  readBuiltRecordShard,
} from "../src/indexer/build-folders";
import { bundleWorker, startLocalWorker } from "./lib/local-worker";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "20" },
    data: { type: "string", multiple: true },
    seed: { type: "string", default: String(Date.now() % 1_000_000) },
  },
});
const RUNS = Number(values.runs);
// Two catalogues that differ, so consecutive builds rewrite some files and keep others.
const DATA_SETS = values.data?.length ? [values.data, [values.data[0]!]] : [["data", "test/fixtures/ingest"], ["data"]];
const KILLS = ["SIGKILL to the process group", "SIGTERM to npm", "SIGKILL to npm"] as const;

let seed = Number(values.seed);
/** Mulberry32: a seeded generator, so a failing run can be replayed with --seed. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const root = mkdtempSync(join(tmpdir(), "dossier-crash-"));
const OUT = join(root, "assets");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startBuild(dataDirs: string[]) {
  const args = ["run", "build", "--", "--quiet", "--out", OUT, ...dataDirs.flatMap((d) => ["--data", d])];
  const child = spawn("npm", args, { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  const done = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, done, stderr: () => stderr };
}

/** Waits until no process of this build is left (a kill to npm alone must take the build with it). */
async function waitForBuildProcesses(timeoutMs: number): Promise<boolean> {
  const { readdirSync } = await import("node:fs");
  const started = Date.now();
  for (;;) {
    const alive = readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .some((p) => {
        try {
          const stat = readFileSync(`/proc/${p}/stat`, "utf8");
          return stat[stat.lastIndexOf(")") + 2] !== "Z" && readFileSync(`/proc/${p}/cmdline`, "utf8").includes(OUT);
        } catch {
          return false;
        }
      });
    if (!alive) return true;
    if (Date.now() - started > timeoutMs) return false;
    await sleep(50);
  }
}

/** The requests each check makes: health, lookups, search and pages, from the served catalogue itself. */
function requestsFor(): string[] {
  const m = readBuiltManifest(OUT)!;
  const shard = readBuiltRecordShard(OUT, m, builtRecordShardPaths(OUT, m)[0]!);
  const paths = [
    "/api/health",
    "/api/health?deep=1",
    "/",
    "/?q=soviet",
    "/api/search?q=soviet%20agent",
    "/api/suggest?q=sov",
  ];
  for (const { record } of shard.slice(0, 4)) {
    const word = record.title.split(/[^\p{L}]+/u).find((w) => w.length >= 4) ?? "file";
    paths.push(
      `/api/records/${record.id}`,
      `/records/${record.id}`,
      `/api/lookup?ref=${encodeURIComponent(record.reference)}`,
      `/api/search?q=${encodeURIComponent(word)}`,
    );
  }
  const series = builtSeries(OUT, m)[0];
  if (series) paths.push(`/api/series/${encodeURIComponent(series.name)}`);
  return paths;
}

/** Serves OUT as it is and asks every request; returns the answers that were not 2xx. */
async function serveAndCheck(scriptPath: string): Promise<string[]> {
  const bad: string[] = [];
  const worker = await startLocalWorker({ assetsDir: OUT, scriptPath });
  try {
    for (const path of requestsFor()) {
      const res = await worker.fetch(path);
      const text = await res.text();
      if (res.status >= 300) bad.push(`${res.status} ${path}: ${text.slice(0, 160)}`);
    }
  } finally {
    await worker.dispose();
  }
  return bad;
}

async function main(): Promise<void> {
  if (process.platform !== "linux")
    throw new Error("crash-test: reads /proc to follow the build's processes; run it on Linux");
  process.env.WRANGLER_SEND_METRICS = "false";
  const scriptPath = await bundleWorker();
  console.log(`crash-test: ${RUNS} runs, seed ${values.seed}, builds into ${OUT}`);

  let t0 = performance.now();
  const first = startBuild(DATA_SETS[0]!);
  if ((await first.done) !== 0) throw new Error(`crash-test: the first build failed: ${first.stderr()}`);
  const buildMs = performance.now() - t0;
  console.log(
    `  a whole build takes ${(buildMs / 1000).toFixed(1)} s; kills fall in [0, ` +
      `${((buildMs * 1.1) / 1000).toFixed(1)} s]`,
  );

  const failures: string[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const dataDirs = DATA_SETS[run % DATA_SETS.length]!;
    const kill = KILLS[run % KILLS.length]!;
    const at = Math.round(random() * buildMs * 1.1);
    const before = readBuiltManifest(OUT)?.version;
    const build = startBuild(dataDirs);
    const exited = await Promise.race([build.done.then(() => true), sleep(at).then(() => false)]);
    if (!exited) {
      if (kill === "SIGKILL to the process group") process.kill(-build.child.pid!, "SIGKILL");
      else build.child.kill(kill === "SIGTERM to npm" ? "SIGTERM" : "SIGKILL");
    }
    const stopped = await waitForBuildProcesses(10_000);
    const after = readBuiltManifest(OUT)?.version;
    const state = exited
      ? "finished before the kill"
      : after !== before
        ? "published before the kill"
        : "killed before publishing";
    const problems: string[] = [];
    if (!stopped) problems.push("build processes were still running 10 s after the kill");
    if (existsSync(OUT)) problems.push(...(await serveAndCheck(scriptPath)).map((p) => `after the kill: ${p}`));

    t0 = performance.now();
    const next = startBuild(dataDirs);
    if ((await next.done) !== 0) problems.push(`the next build failed: ${next.stderr().trim().split("\n").pop()}`);
    else problems.push(...(await serveAndCheck(scriptPath)).map((p) => `after the next build: ${p}`));
    const nextMs = performance.now() - t0;

    console.log(
      `  run ${String(run).padStart(2)}: ${kill} at ${(at / 1000).toFixed(2)} s, ${state}; next build ` +
        `${(nextMs / 1000).toFixed(1)} s; ${problems.length ? "FAIL" : "ok"}`,
    );
    for (const p of problems) console.log(`      ${p}`);
    failures.push(...problems.map((p) => `run ${run}: ${p}`));
  }
  rmSync(root, { recursive: true, force: true });
  rmSync(`${OUT}.builds`, { recursive: true, force: true });
  console.log(
    failures.length
      ? `crash-test: FAILED, ${failures.length} problems in ${RUNS} runs`
      : `crash-test: passed, ${RUNS} of ${RUNS} runs served with no 5xx`,
  );
  if (failures.length) process.exit(1);
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
