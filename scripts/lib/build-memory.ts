/**
 * `npm run build -- --memory <MB>`: the build's memory budget. Node fixes its heap limit at start, so a build
 * given a budget its process was not started with runs itself again under a V8 heap limit derived from it; the
 * rest of the budget is left for code, buffers and the young generation.
 */
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { walk } from "../../src/indexer/build-catalogue";

/** The build's memory budget when `--memory` is not given, for data big enough to need one (see defaultBudget). */
export const DEFAULT_MEMORY_MB = 2048;
/**
 * Below this much data a build runs under Node's own heap limit, without a budget or the relaunch it costs: such a
 * build peaks far below any budget (the 15k-record corpora of data/ build in about 500 MB).
 */
export const BUDGET_MIN_DATA_BYTES = 32 * 1024 * 1024;
/**
 * Memory a build may need per byte of catalogue data past the default budget, on the safe side. Ingest, the
 * typeahead and related records no longer hold the catalogue (spilled-ingest.ts, sorted-runs.ts): 1M synthetic
 * records (1 GB of JSON Lines) built within `--memory 2048` at 1.85 GiB peak RSS. What still grows with the
 * catalogue is the plan's statistics and people (about half a KB a record, half the data's size).
 */
export const MEMORY_PER_DATA_BYTE = 2;
/** Share of the budget given to V8's old generation. */
const HEAP_SHARE = 0.85;

/** The V8 heap limit, in MB, a build with this budget runs under. */
export function heapLimitMb(memoryMb: number): number {
  return Math.max(128, Math.round(memoryMb * HEAP_SHARE));
}

/**
 * A threaded build's heap (`--threads`): the budget itself, split between its two threads. Each V8 isolate has a
 * heap limit of its own, and a worker left to the default got the whole budget's limit again: `--threads` peaked
 * at 2.9 GB at 1M records under a 2,048 MB budget (docs/benchmarks-history.md, "Build: threads within the budget").
 * Each thread's limit must hold its own peak, but the peaks do not coincide (the worker's is the name authority, early;
 * the main thread's the plan's statistics, late), so together they may take the whole budget rather than one thread's
 * 85% of it. Measured at 1M synthetic records (`--trace-gc`, live heap after a full collection): the main thread 482 MB
 * at most (through the shards), the worker over 905 MB (the name authority, which ran it out of 922 MB;
 * people-assets.ts has held less since).
 */
export const THREADED_HEAP_SHARE = 1;
/** The worker thread's share of a threaded build's heap; the main thread, which plans and indexes, keeps the rest. */
export const WORKER_HEAP_SHARE = 0.55;

/** The heap limits, in MB, of a threaded build's two threads. */
export function threadHeapsMb(memoryMb: number): { main: number; worker: number } {
  const heap = Math.max(256, Math.round(memoryMb * THREADED_HEAP_SHARE));
  const worker = Math.round(heap * WORKER_HEAP_SHARE);
  return { main: heap - worker, worker };
}

/**
 * The young generation's semi-space, in MB, for a build with this budget. A build allocates short-lived strings
 * and arrays for every term of every record; with V8's default (16 MB) they outlive the young generation and
 * the collector took 12% of a 100k build's CPU (a CPU profile). With 32 MB main's code built 100k in 121 s of user
 * CPU against 132–152 s without (one run, on a shared machine, 2 December 2026), for some 70 MB more peak RSS;
 * small budgets keep the default.
 */
export function semiSpaceMb(memoryMb: number): number {
  return memoryMb >= 1024 ? 32 : 16;
}

/**
 * The worker thread's semi-space, in MB, in a threaded build under a budget: V8's default, half the main thread's.
 * The two threads' young generations sit beside each other, and the worker's peak (the name authority and
 * typeahead) is the build's at a million records: 1M synthetic records built in 5 min 30 s within 1,219,912 KB peak
 * RSS with 16 MB here, against 5 min 33 s within 1,298,928 KB with 32 MB (one run each, one after the other, 5 December 2026),
 * and the worker's people and typeahead pass took no longer (216 s against 226 s).
 */
export const WORKER_SEMI_SPACE_MB = 16;

/** Parses `--memory`: a whole number of MB, at least 256. */
export function parseMemory(value: string): number {
  const mb = Number(value);
  if (!Number.isInteger(mb) || mb < 256) throw new Error(`--memory ${value}: give a whole number of MB, at least 256`);
  return mb;
}

/** Bytes of the files under the data directories (missing directories count nothing; the build reports them). */
export function dataBytes(dataDirs: string[]): number {
  let n = 0;
  for (const dir of dataDirs) {
    try {
      for (const file of walk(dir)) n += statSync(file).size;
    } catch {
      // not there: the build itself says so
    }
  }
  return n;
}

/**
 * The budget a build runs under when `--memory` is not given: none for small data (Node's own limit), else
 * DEFAULT_MEMORY_MB, or the data's estimated need when that is more.
 */
export function defaultBudget(bytes: number): { mb: number; why: string } | null {
  if (bytes < BUDGET_MIN_DATA_BYTES) return null;
  const need = Math.ceil((bytes * MEMORY_PER_DATA_BYTE) / 2 ** 20);
  const dataMb = Math.round(bytes / 2 ** 20);
  return need > DEFAULT_MEMORY_MB
    ? {
        mb: need,
        why: `default for ${dataMb} MB of data, over ${DEFAULT_MEMORY_MB}: about ${MEMORY_PER_DATA_BYTE}x the data`,
      }
    : { mb: DEFAULT_MEMORY_MB, why: "default" };
}

/**
 * Runs this build again under the heap limit of `memoryMb` (with `threads`, the main thread's share of it; the
 * worker's is set where the worker starts) and resolves with its exit code, or resolves null when this process
 * already runs under it.
 */
export async function relaunchUnderBudget(memoryMb: number, threads = false): Promise<number | null> {
  const flag = `--max-old-space-size=${threads ? threadHeapsMb(memoryMb).main : heapLimitMb(memoryMb)}`;
  // By this process's own flags, not an inherited variable: shard jobs this build starts must relaunch too.
  if (process.execArgv.includes(flag)) return null;
  const child = spawn(
    process.execPath,
    // --expose-gc: the build collects between its big steps (src/indexer/collect-garbage.ts).
    [
      ...process.execArgv,
      flag,
      `--max-semi-space-size=${semiSpaceMb(memoryMb)}`,
      "--expose-gc",
      ...process.argv.slice(1),
    ],
    { stdio: "inherit" },
  );
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", stop).on("SIGTERM", stop);
  return new Promise((done) =>
    child.on("exit", (code, signal) => {
      // V8 aborts a process out of heap (SIGABRT, or 134 through a shell): say what to change, not only its trace.
      if (signal === "SIGABRT" || code === 134)
        console.error(
          `build failed: it ran out of its ${memoryMb} MB memory budget; give more with --memory, or split the ` +
            `index into more search shards (--shards N) built as separate jobs (--jobs, --shard i/N)`,
        );
      done(code ?? (signal ? 1 : 0));
    }),
  );
}
