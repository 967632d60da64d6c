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
