/**
 * Build progress for a terminal: one line per phase, redrawn in place while
 * the phase runs and left behind with its count and elapsed time when it
 * ends. Quiet when the stream is not a TTY (CI logs, pipes), so logs keep
 * only the build's summary.
 *
 * @example
 * const progress = terminalProgress(process.stderr);
 * buildCatalogue({ dataDirs: ["data"], outDir: "dist/assets", progress });
 */

import { getHeapStatistics } from "node:v8";

/** What buildCatalogue reports: a phase starting, or ending with what it counted. */
export interface BuildPhaseEvent {
  phase: string;
  state: "start" | "done";
  count?: number;
  unit?: string;
}
export type BuildProgress = (event: BuildPhaseEvent) => void;

interface ProgressStream {
  isTTY?: boolean;
  write(chunk: string): unknown;
}

/**
 * This thread's heap in use, what V8 holds for it, its typed arrays' bytes (off the heap, so under no heap limit)
 * and the whole process's resident memory (both threads, code and buffers): for the build's log, to see which of
 * them grows with the catalogue.
 */
export function heapSoFar(): string {
  const heap = getHeapStatistics();
  const mb = (b: number) => Math.round(b / 2 ** 20);
  const { rss, arrayBuffers } = process.memoryUsage();
  return (
    `heap ${mb(heap.used_heap_size)} MB, ${mb(heap.malloced_memory + heap.total_heap_size)} MB held, typed ` +
    `arrays ${mb(arrayBuffers)} MB; process RSS ${mb(rss)} MB`
  );
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A progress callback drawing to `stream`, or undefined when the stream is not a terminal. */
export function terminalProgress(
  stream: ProgressStream,
  now: () => number = () => performance.now(),
): BuildProgress | undefined {
  if (!stream.isTTY) return undefined;
  const t0 = now();
  let phaseStart = t0;
  return ({ phase, state, count, unit }) => {
    const what = count === undefined ? phase : `${phase}: ${count.toLocaleString("en-GB")}${unit ? ` ${unit}` : ""}`;
    if (state === "start") {
      phaseStart = now();
      stream.write(`\r\x1b[K  … ${what}`);
    } else {
      stream.write(`\r\x1b[K  ✓ ${what}  ${secs(now() - phaseStart)} (total ${secs(now() - t0)})\n`);
    }
  };
}
