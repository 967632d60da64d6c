/**
 * A full garbage collection between two steps of a big build, where the process exposes one (`node --expose-gc`,
 * which a build relaunched under its memory budget is given: scripts/lib/build-memory.ts). V8 collects its old
 * generation as the heap nears a limit it raises as it goes, and frees a typed array's bytes only when it collects
 * the array: a 10M build's main thread held 905 MB of heap and 898 MB of typed arrays as its search shards ended,
 * where its live heap, by a 1M heap snapshot's measure, was a fraction of that. Between two steps what is not live
 * is the last step's garbage, so a collection there bounds what the process holds to what it uses.
 *
 * A no-op without `--expose-gc` (tests, small builds that run under Node's own limit).
 */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
