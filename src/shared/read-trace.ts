/**
 * One asset read of a traced request: what the Worker's asset store records (asset-store.ts `traceReads`) and the
 * bench's cold probe (Node) reads back. Here, in shared code, because both runtimes need the shape.
 */
export interface ReadTrace {
  path: string;
  bytes: number;
  /** When the read started and ended, ms since the trace began. */
  start: number;
  end: number;
  /** Ms spent after the read parsing (JSON) or hashing (binary) it. */
  parseMs: number;
  jsonChars: number;
  /** Which store read it (stores are numbered as the isolate makes them). */
  store: number;
  /**
   * Set when the bytes came from another read (the startup bundle, or a file read whole for its ranges): that
   * file's path. Not a read through the binding of its own.
   */
  via?: string;
  /** Set when one read carried several chunks (`AssetStore.binaries`): how many; `path` is the first of them. */
  chunks?: number;
}
