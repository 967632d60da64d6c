/**
 * npm run build [-- --data <dir> [--data <dir>…]] [--out <dir>] [--shards N] [--record-shards N] [--no-packs]
 *                [--shard i/N | --merge | --resume | --jobs J] [--parts <dir>] [--memory MB] [--threads]
 * Ingests every supported file under the data directories and writes the
 * served assets (records, series, search index, manifest) to the assets dir.
 * The chunks are packed into pack files read by byte range (pack-assets.ts),
 * so file counts grow slowly with the catalogue: about a thousand files at
 * 100k records instead of eighteen thousand. `--no-packs` writes every chunk
 * as a file of its own (the bench's layout; static assets read each whole).
 *
 * Past one machine: `--shard i/N` builds search shard i of N alone into the
 * parts folder (`<out>.parts`, or `--parts`), so N jobs can run side by side
 * on as many machines; `--merge --shards N` then builds the rest, takes the
 * parts and publishes. `--resume` builds shard by shard through parts,
 * keeping those a killed build finished. `--jobs J --shards N` runs the N
 * shard jobs as J processes at a time on this machine, then merges.
 * `--threads` runs the passes over the records that do not need the search
 * index (people, typeahead, volumes, related records, the record store) on a
 * worker thread beside the search index (src/indexer/catalogue-wide-worker.ts),
 * with the same output. The two threads' heap limits split the memory budget
 * (scripts/lib/build-memory.ts). Off by default: it pays only with a second
 * core free, which this shared 2-core machine rarely has (docs/benchmarks-history.md, "Build: threads within the
 * budget"). `--memory MB` runs the build under a heap limit derived from that budget (scripts/lib/build-memory.ts);
 * chunks go to disk as they are made. Without it, data over 32 MB gets the default budget of 2,048 MB (more when the
 * data's estimated need is more); smaller data runs under Node's own limit.
 */
import { spawn } from "node:child_process";
import { getHeapStatistics } from "node:v8";
import { parseArgs } from "node:util";
import { relative } from "node:path";
import {
  buildShardPart,
  stageCatalogue as stageCatalogueSerial,
  stageCatalogueParallel,
} from "../src/indexer/build-catalogue";
import { parseShardJob } from "../src/indexer/shard-parts";
import { summaryLines } from "../src/indexer/ingest/report";
import { buildWidget } from "./build-widget";
import { buildCommand } from "./lib/build-command";
import {
  dataBytes,
  defaultBudget,
  parseMemory,
  relaunchUnderBudget,
  threadHeapsMb,
  WORKER_SEMI_SPACE_MB,
} from "./lib/build-memory";
import { writeAssetHeaders } from "./write-asset-headers";
import { filesOverAssetLimit, STATIC_ASSET_MAX_BYTES } from "./lib/published-files";
import { terminalProgress } from "../src/indexer/build-progress";
import { collectsBetweenSteps } from "../src/indexer/collect-garbage";
import { packIndexPages } from "../src/shared/manifest";

const { values } = parseArgs({
  // `--no-packs`
  allowNegative: true,
  options: {
    data: { type: "string", multiple: true },
    out: { type: "string", default: "dist/assets" },
    shards: { type: "string" },
    "record-shards": { type: "string" },
    quiet: { type: "boolean", default: false },
    packs: { type: "boolean", default: true },
    shard: { type: "string" },
    merge: { type: "boolean", default: false },
    resume: { type: "boolean", default: false },
    parts: { type: "string" },
    jobs: { type: "string" },
    memory: { type: "string" },
    // `--threads`: the record passes on a worker thread (see the comment at the top)
    threads: { type: "boolean", default: false },
  },
});

const dataDirs = values.data?.length ? values.data : ["data"];
/** The budget this build runs under, and why: `--memory`, or the default for data big enough to need one. */
const budget = values.memory ? { mb: parseMemory(values.memory), why: "--memory" } : defaultBudget(dataBytes(dataDirs));
if (budget) {
  const code = await relaunchUnderBudget(budget.mb, values.threads);
  if (code !== null) process.exit(code);
}

/**
 * Runs search shard jobs `0/count … count-1/count` as child processes, `jobs`
 * at a time (processes, not worker threads: each job's heap is its own, and a
 * job is the same command a CI matrix or another machine runs).
 */
async function runShardJobs(jobs: number, count: number, args: string[]): Promise<void> {
  let next = 0;
  const one = async (): Promise<void> => {
    while (next < count) {
      const k = next++;
      const code = await new Promise<number | null>((done) => {
        const [node, argv] = buildCommand("--shard", `${k}/${count}`, ...args);
        const child = spawn(node, argv, { stdio: ["ignore", "inherit", "inherit"] });
        child.on("exit", done);
      });
      if (code !== 0) throw new Error(`search shard job ${k}/${count} failed (exit ${code})`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, count) }, one));
}

/** The budget this process runs under (and why), and its peak RSS so far. */
function memoryLine(): string {
  const oldSpace = process.execArgv.find((a) => a.startsWith("--max-old-space-size="))?.split("=")[1] ?? "default";
  const heap = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  const peak = Math.round(process.resourceUsage().maxRSS / 1024);
  const given = budget ? `--memory ${budget.mb} MB${budget.why === "--memory" ? "" : ` (${budget.why})`}` : "no budget";
  const collects = collectsBetweenSteps() ? ", collected between steps" : "";
  return `  memory: ${given}, old space ${oldSpace} MB (heap limit ${heap} MB)${collects}, peak RSS ${peak} MB`;
}

const started = performance.now();
try {
  if (values.shard) {
    if (values.merge || values.resume) throw new Error("--shard builds one part; --merge and --resume come after");
    const part = buildShardPart({
      dataDirs,
      outDir: values.out!,
      shard: parseShardJob(values.shard),
      searchShards: values.shards ? Number(values.shards) : undefined,
      recordShards: values["record-shards"] ? Number(values["record-shards"]) : undefined,
      partsDir: values.parts,
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const kib = (part.bytes / 1024).toFixed(0);
    console.log(
      `Dossier build: search shard ${values.shard} (docs ${part.docs[0]}–${part.docs[1] - 1}) → ` +
        `${relative(process.cwd(), part.dir)}: ${part.files} files, ${kib} KiB in ${seconds} s`,
    );
    console.log(memoryLine());
    process.exit(0);
  }
  if (values.jobs) {
    if (!values.shards) throw new Error("--jobs needs --shards N: the number of search shard jobs to run");
    const passOn = [
      ...dataDirs.flatMap((d) => ["--data", d]),
      ...["out", "parts", "record-shards", "memory"].flatMap((k) => {
        const v = values[k as "out" | "parts" | "record-shards" | "memory"];
        return v ? [`--${k}`, v] : [];
      }),
    ];
    await runShardJobs(Number(values.jobs), Number(values.shards), passOn);
  }
  const staged = await (values.threads ? stageCatalogueParallel : stageCatalogueSerial)({
    dataDirs,
    outDir: values.out!,
    searchShards: values.shards ? Number(values.shards) : undefined,
    recordShards: values["record-shards"] ? Number(values["record-shards"]) : undefined,
    packs: values.packs,
    merge: values.merge || values.jobs !== undefined,
    resume: values.resume,
    partsDir: values.parts,
    // The worker thread's own share of the budget: each thread's heap has its own limit.
    workerHeapMb: values.threads && budget ? threadHeapsMb(budget.mb).worker : undefined,
    workerSemiSpaceMb: values.threads && budget ? WORKER_SEMI_SPACE_MB : undefined,
    log: values.quiet ? undefined : (l) => console.log(`  ${l}`),
    workerLogFd: values.quiet ? undefined : 1,
    progress: values.quiet ? undefined : terminalProgress(process.stderr),
  });
  // Into the staging folder: the served build changes only at publish(), with every file in place.
  await buildWidget(staged.dir);
  writeAssetHeaders(staged.dir);
  const published = staged.publish();
  const result = staged.result;
  const m = result.manifest;
  console.log(`Dossier build: ${m.records} records from ${dataDirs.join(", ")} → ${values.out}`);
  for (const [source, n] of Object.entries(m.sources)) console.log(`  ${source}: ${n}`);
  const searchShards = m.search?.shards.count ?? 0;
  console.log(
    `  ${result.files} files, ${(result.bytes / 1024).toFixed(0)} KiB, ${m.recordShards.count} record shards, ` +
      `${searchShards} search shard(s), index version ${m.version}`,
  );
  if (m.packs)
    console.log(`  packed: ${m.packs.files.size} pack files, ${packIndexPages(m.packs.index)} directory pages`);
  const tooLarge = filesOverAssetLimit(published);
  if (tooLarge.length) {
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    const named = tooLarge.slice(0, 5).map((f) => `${f.path} (${mib(f.bytes)})`);
    // A warning, not an error: the same build served from R2 (ASSET_BACKEND = "r2") is whole and correct.
    console.warn(
      `build: warning: ${tooLarge.length} file(s) exceed the ${mib(STATIC_ASSET_MAX_BYTES)} Workers static assets ` +
        `take: ${named.join(", ")}${tooLarge.length > 5 ? ", …" : ""}. Serve this catalogue from R2 ` +
        "(npm run deploy:r2, then npx wrangler deploy --env r2); static assets will refuse it.",
    );
  }
  console.log(memoryLine());
  const ch = result.changed;
  console.log(
    `  wrote ${ch.written} changed files (${(ch.writtenBytes / 1024).toFixed(0)} KiB), kept ${ch.kept} unchanged, ` +
      `removed ${ch.removed} stale`,
  );
  if (result.distinct.length) {
    const items = result.distinct.reduce((n, d) => n + d.items.length, 0);
    console.log(
      `  kept ${items} distinct items sharing ${result.distinct.length} references apart (different barcodes or ` +
        `Discovery ids)`,
    );
  }
  for (const line of summaryLines(result.report, relative(process.cwd(), result.reportPath))) console.log(`  ${line}`);
  const cpu = process.cpuUsage();
  console.log(
    `  took ${((performance.now() - started) / 1000).toFixed(2)} s (CPU ${(cpu.user / 1e6).toFixed(1)} s user, ` +
      `${(cpu.system / 1e6).toFixed(1)} s system)`,
  );
} catch (e) {
  console.error(`build failed: ${(e as Error).message}`);
  process.exit(1);
}
