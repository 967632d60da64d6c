/**
 * `npm run build -- --memory <MB>`: the build's memory budget. Node fixes its heap limit at start, so a build
 * given a budget its process was not started with runs itself again under a V8 heap limit derived from it; the
 * rest of the budget is left for code, buffers and the young generation.
 */
import { spawn } from "node:child_process";
/** Share of the budget given to V8's old generation. */
const HEAP_SHARE = 0.85;

/** The V8 heap limit, in MB, a build with this budget runs under. */
export function heapLimitMb(memoryMb: number): number {
  return Math.max(128, Math.round(memoryMb * HEAP_SHARE));
}

/** Parses `--memory`: a whole number of MB, at least 256. */
export function parseMemory(value: string): number {
  const mb = Number(value);
  if (!Number.isInteger(mb) || mb < 256) throw new Error(`--memory ${value}: give a whole number of MB, at least 256`);
  return mb;
}

/**
 * Runs this build again under the heap limit of `memoryMb` and resolves with its exit code, or resolves null
 * when this process already runs under it.
 */
export async function relaunchUnderBudget(memoryMb: number): Promise<number | null> {
  const flag = `--max-old-space-size=${heapLimitMb(memoryMb)}`;
  // By this process's own flags, not an inherited variable: shard jobs this build starts must relaunch too.
  if (process.execArgv.includes(flag)) return null;
  const child = spawn(process.execPath, [...process.execArgv, flag, ...process.argv.slice(1)], { stdio: "inherit" });
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", stop).on("SIGTERM", stop);
  return new Promise((done) => child.on("exit", (code, signal) => done(code ?? (signal ? 1 : 0))));
}
