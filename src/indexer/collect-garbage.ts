/**
 * A full garbage collection between two steps of a big build, where the process exposes one (`node --expose-gc`,
 * which a build relaunched under its memory budget is given: scripts/lib/build-memory.ts). V8 collects its old
 * generation as the heap nears a limit it raises as it goes, and frees a typed array's bytes only when it collects
 * the array: halfway through a 1M build's search shards the main thread's live heap was 78 MiB (a heap snapshot)
 * where V8 counted 353 MB in use. Between two steps what is not live is the last step's garbage, so a collection
 * there bounds what the process holds to what it uses.
 *
 * A no-op without `--expose-gc` (tests, small builds that run under Node's own limit).
 */
export function collectGarbage(): void {
  exposedGc()?.();
}

/** Whether this process collects between steps (it was started with `--expose-gc`). */
export function collectsBetweenSteps(): boolean {
  return exposedGc() !== undefined;
}

function exposedGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === "function" ? (gc as () => void) : undefined;
}
