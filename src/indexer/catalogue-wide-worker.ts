/**
 * The build's passes over the records that do not need the search index: people, typeahead, volumes, related
 * records and the record store, run on a worker thread while the main thread plans and indexes the search
 * shards. Each side reads the docs file on its own, and the two sides write different chunks into the same
 * staging folder, so on two cores the build takes the longer of the two rather than their sum. The output is
 * the serial build's byte for byte: chunk names are content hashes, the manifest's version hashes the sorted
 * paths, and packs order their chunks by path.
 *
 * This file is both the main thread's handle (`startRecordPasses`) and the worker's body (run when loaded as a
 * worker).
 */
import { writeSync } from "node:fs";
import { join } from "node:path";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import {
  isMainThread,
  MessageChannel,
  type MessagePort,
  parentPort,
  receiveMessageOnPort,
  type Transferable,
  Worker,
  workerData,
} from "node:worker_threads";
import type { Manifest } from "../shared/manifest";
import type { CatalogueRecord } from "../shared/record";
import { AssetWriter, type HandedChunks } from "./content-hash";
import { heapSoFar } from "./build-progress";
import { writeRecordStore, type CatalogueLayout } from "./catalogue-assets";
import { DocFile, type DocFileHandle, type Lines, LineWriter, passFields, type PassRecord } from "./doc-file";
import type { DocRanks } from "./doc-ranks";
import { isPackable } from "./pack-assets";
import { collectGarbage } from "./collect-garbage";
import { buildRelated } from "./related-records";
import { buildRecordPassParts, type RecordPassParts } from "./search-assets";
import { TitleTags, type TitleTagsData } from "./title-tags";

interface RecordPassInput {
  docs: DocFileHandle;
  shardStarts: Uint32Array;
  shardCount: number;
  spillDir: string;
  /**
   * Where the worker appends its chunks bound for packs (AssetWriter's `appendTo`), when the build packs: one
   * scratch file instead of a file each. The worker's typeahead partitions, people chunks and record shards are
   * over 53,000 files at 1M records (30,000 record shards, 23,137 typeahead partitions), and each took an open, a write and a rename.
   */
  appendPath?: string;
  recordTablePageShards?: number;
  /** Where the worker writes the docs' PassRecord fields for its own later passes (see runWorker). */
  fieldsPath?: string;
  /** Where each pass's line goes as it ends (see BuildOptions.workerLogFd). */
  logFd?: number;
  /** The port the first worker posts its first passes' result on, as soon as they are done. */
  firstPort?: MessagePort;
  /** For a worker started after the plan (see startRecordPasses): the plan's part, and the first worker's. */
  after?: { plan: FromPlan; fields: DocFileHandle | null };
}

/** What the passes after the plan need of it: the docs' title and tag words, and each doc's catalogue rank. */
type FromPlan = { tags: TitleTagsData; catalogueOrder: Uint32Array<ArrayBuffer> };

/** What the worker made: the search manifest's parts, the record store's manifest, and the chunks it wrote. */
export interface RecordPassResult {
  parts: RecordPassParts;
  recordStore: Omit<Manifest, "version">;
  spilled: Array<[string, number]>;
  /** How long each pass took on the worker, in ms, in the order run. */
  timings: Array<[string, number]>;
  /** The worker's V8 heap: its limit and the most it had allocated at the end of a pass, in MB. */
  heap: { limitMb: number; mostMb: number };
}

/** The first passes' result (people, typeahead, volumes), posted on the first port when they are done. */
interface FirstPasses {
  parts: RecordPassParts;
  spilled: Array<[string, number]>;
  appended: HandedChunks | null;
  timings: Array<[string, number]>;
  heap: { limitMb: number; mostMb: number };
  /** The PassRecord fields file the worker wrote, for a worker after it to read. */
  fields: DocFileHandle | null;
}

/** The passes after the plan (related records, the record store): the worker's reply. */
type LastPasses = Omit<RecordPassResult, "parts"> & {
  /** The chunks it appended to its scratch file (none when the build does not pack), for `out` to adopt. */
  appended: HandedChunks | null;
};

type WorkerReply = { ok: true; result: LastPasses } | { ok: false; message: string; stack?: string };

/** What the first worker is told once the plan is made: go on with it, or end (a fresh worker takes over). */
type AfterPlan = { plan: FromPlan } | { end: true };

/**
 * Where the passes after the plan run: `"auto"` on a fresh worker when the first is done with its passes by the
 * time the plan is (its heap then goes with it), else on the first; tests force either.
 */
export type AfterPlanWorker = "auto" | "fresh" | "same";

/** The record passes running on a worker thread; `fromPlan` must be given (after the plan) for them to finish. */
export interface RecordPasses {
  /** Hands the plan's part over; the build awaits the promise (only a forced fresh worker makes it wait). */
  fromPlan(plan: { titleTags: TitleTags; catalogueOrder: DocRanks }): Promise<void>;
  /**
   * Resolves after one turn of the event loop, or rejects with the worker's error once one has failed. The main
   * thread builds its shards in one synchronous run and hears of nothing meanwhile: awaited between shards, a
   * worker that failed (a full disk, say) stops the build then, not after the last shard (at ten million records,
   * some fifty minutes later). A worker out of its heap needs no such check: V8 ends the whole process.
   */
  check(): Promise<void>;
  /** Resolves once the worker is done, its chunks added to `out`. */
  done(): Promise<RecordPassResult>;
  /** Stops the worker (a build that failed elsewhere). */
  stop(): Promise<void>;
}

/**
 * Starts the record passes over `layout.docs` (which must be a DocFile: the worker opens it by path) on a worker
 * thread, writing their chunks into `out`'s staging folder; `done()` adds them to `out`.
 *
 * An idle worker never collects its garbage, and at ten million records the first passes leave hundreds of MB of
 * heap behind while the plan takes many more minutes; a worker that ends gives all of it back. So when the first
 * worker is done before the plan, it ends, and a fresh one runs the passes after the plan. When it is not (the
 * plan is quicker below a few million records), it goes on with them itself, so the plan never waits for it.
 */
export function startRecordPasses(
  layout: CatalogueLayout,
  out: AssetWriter,
  options: {
    recordTablePageShards?: number;
    /** The worker's V8 heap limit in MB (its share of the build's budget); default: V8's, as the main thread's. */
    heapMb?: number;
    /** The worker's semi-space in MB, set as its heap limit is; default: the process's. */
    semiSpaceMb?: number;
    /**
     * A scratch path for the docs' PassRecord fields (the caller removes it): the plan writes them for the
     * one-thread build, but the worker starts before the plan, so it writes its own.
     */
    fieldsPath?: string;
    afterPlan?: AfterPlanWorker;
    /** See BuildOptions.workerLogFd. */
    logFd?: number;
    /** Whether the build packs its chunks: the workers then append theirs to scratch files of their own. */
    packs?: boolean;
  } = {},
): RecordPasses {
  const docs = layout.docs;
  if (!(docs instanceof DocFile) || !out.spillDir)
    throw new Error(
      "catalogue-wide-worker: the record passes run on a worker only over a docs file and a staging folder",
    );
  const { port1: firstDone, port2 } = new MessageChannel();
  const input: RecordPassInput = {
    docs: docs.handle(),
    shardStarts: layout.shardStarts,
    shardCount: layout.shardCount,
    spillDir: out.spillDir,
    recordTablePageShards: options.recordTablePageShards,
    fieldsPath: options.fieldsPath,
    logFd: options.logFd,
  };
  // Each worker appends to a file of its own; the staging folder's other scratch files are named likewise.
  const appendPath = (n: number) =>
    options.packs ? { appendPath: join(out.spillDir!, `.chunks-${process.pid}-worker-${n}.bin`) } : {};
  const first = spawn({ ...input, ...appendPath(1), firstPort: port2 }, [port2], options);
  let last = first;
  let firstResult: FirstPasses | undefined;
  /** The first failure heard of: the first worker's before its first passes are done, or the last worker's. */
  let failed: Error | undefined;
  const failOn = (reply: Promise<unknown>) => reply.catch((e: Error) => void (failed ??= e));
  // Rejected when the first worker fails before its first passes are done (after, it settles nothing).
  const firstPasses = new Promise<FirstPasses>((resolve, reject) => {
    firstDone.once("message", (m: FirstPasses) => resolve((firstResult ??= m)));
    first.reply.catch(reject);
  });
  firstPasses.catch(() => {});
  failOn(firstPasses);
  // Polled without the event loop: the main thread plans in one synchronous run, and hears of nothing until then.
  const poll = () => (firstResult ??= receiveMessageOnPort(firstDone)?.message as FirstPasses | undefined);
  // The ranks are read whole for the worker and moved to it, not copied: the main thread keeps none of them.
  const moved = (plan: FromPlan) => [plan.catalogueOrder.buffer];
  const handOver = (plan: FromPlan, passes: FirstPasses) => {
    first.worker.postMessage({ end: true } satisfies AfterPlan);
    last = spawn({ ...input, ...appendPath(2), after: { plan, fields: passes.fields } }, moved(plan), options);
    failOn(last.reply);
  };
  return {
    fromPlan: async (made) => {
      const plan: FromPlan = { tags: made.titleTags.handOver(), catalogueOrder: made.catalogueOrder.all() };
      const mode = options.afterPlan ?? "auto";
      const done = mode === "same" ? undefined : mode === "fresh" ? await firstPasses : poll();
      if (done) handOver(plan, done);
      else {
        first.worker.postMessage({ plan } satisfies AfterPlan, moved(plan));
        failOn(first.reply);
      }
    },
    check: () => new Promise((resolve, reject) => setImmediate(() => (failed ? reject(failed) : resolve()))),
    done: async () => {
      const [passes, rest] = await Promise.all([firstPasses, last.reply]);
      firstDone.close();
      const spilled = [...passes.spilled, ...rest.spilled];
      for (const [path, bytes] of spilled) out.spilled.set(path, bytes);
      for (const handed of [passes.appended, rest.appended]) if (handed) out.adopt(handed);
      await Promise.all([first.worker.terminate(), last.worker.terminate()]);
      return {
        parts: passes.parts,
        recordStore: rest.recordStore,
        spilled,
        timings: [...passes.timings, ...rest.timings],
        heap: { limitMb: rest.heap.limitMb, mostMb: Math.max(passes.heap.mostMb, rest.heap.mostMb) },
      };
    },
    stop: async () => {
      firstDone.close();
      await Promise.all([first.worker.terminate(), last.worker.terminate()]);
    },
  };
}

/** A worker running this file over `input`, and its reply (the passes after the plan). */
function spawn(
  input: RecordPassInput,
  transfer: Transferable[],
  { heapMb, semiSpaceMb }: { heapMb?: number; semiSpaceMb?: number },
): { worker: Worker; reply: Promise<LastPasses> } {
  // The entry registers tsx's loader in the thread, then loads this .ts file, under Node 20 and 22 alike.
  // A worker's heap has a limit of its own: without one it gets the main thread's again, so the two threads
  // together could take twice the budget's heap. `resourceLimits` cannot set it: V8 gives the process's
  // `--max-old-space-size` (the main thread's limit, scripts/lib/build-memory.ts) precedence over it
  // (nodejs/node#43991). The flag is read when an isolate is made, so set now it is the worker's, while the
  // main thread's heap keeps the limit it was made with (V8's own heap tests set it between isolates likewise).
  if (heapMb) setFlagsFromString(`--max-old-space-size=${heapMb}`);
  if (semiSpaceMb) setFlagsFromString(`--max-semi-space-size=${semiSpaceMb}`);
  const worker = new Worker(new URL("./catalogue-wide-worker-entry.mjs", import.meta.url), {
    workerData: input,
    transferList: transfer,
    execArgv: [],
  });
  const reply = new Promise<LastPasses>((resolve, reject) => {
    worker.once("message", (reply: WorkerReply) => {
      if (reply.ok) resolve(reply.result);
      else reject(Object.assign(new Error(reply.message), { stack: reply.stack }));
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`catalogue-wide-worker: the worker stopped (exit ${code})`)));
  });
  // Rejections are taken by done(); a build failing elsewhere stops the worker without awaiting it, and a first
  // worker handed over ends without a reply.
  reply.catch(() => {});
  return { worker, reply };
}

/** A pass timer: each lap's time, and the most heap at a lap's end; with `logFd`, a line there per lap. */
function passTimer(logFd?: number) {
  const timings: Array<[string, number]> = [];
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  const heap = { limitMb: mb(getHeapStatistics().heap_size_limit), mostMb: 0 };
  let t = performance.now();
  const lap = (what: string) => {
    const ms = performance.now() - t;
    timings.push([what, ms]);
    heap.mostMb = Math.max(heap.mostMb, mb(getHeapStatistics().total_heap_size));
    // Straight to the descriptor: console output from a worker goes through the main thread, which is busy.
    if (logFd !== undefined)
      writeSync(logFd, `  worker thread: ${what} in ${(ms / 1000).toFixed(1)} s; ${heapSoFar()}\n`);
    t = performance.now();
  };
  return { timings, heap, lap };
}

/** The first passes (people, typeahead, volumes), posted on the first port; then, told to, the rest. */
async function runFirstWorker(input: RecordPassInput): Promise<LastPasses | null> {
  const docs = DocFile.open<CatalogueRecord>(input.docs);
  const out = workerWriter(input);
  const first = passTimer(input.logFd);
  // People, typeahead and related records read a few fields of each record: written once to a file of their own,
  // they parse those three times instead of each whole record (mostly description) three times.
  let fields: Lines<PassRecord> = docs;
  let fieldsFile: DocFileHandle | null = null;
  if (input.fieldsPath) {
    // Read front to back by every pass, so without line offsets (8 bytes a record).
    const writer = new LineWriter<PassRecord>(input.fieldsPath, { indexed: false });
    try {
      for (const r of docs) writer.append(JSON.stringify(passFields(r)));
    } catch (e) {
      writer.abort();
      throw e;
    }
    const file = writer.finish();
    fields = file;
    fieldsFile = file.handle();
    first.lap("the records' fields");
  }
  const parts = buildRecordPassParts(docs, out, fields);
  first.lap("people, typeahead, volumes");
  // The name authority and the typeahead's tables are garbage now, and the plan may still be running beside this.
  collectGarbage();
  input.firstPort!.postMessage({
    parts,
    spilled: [...out.spilled],
    appended: out.handOver(),
    timings: first.timings,
    heap: first.heap,
    fields: fieldsFile,
  } satisfies FirstPasses);
  out.spilled.clear();
  const rest = passTimer(input.logFd);
  const next = await new Promise<AfterPlan>((resolve) => parentPort!.once("message", resolve));
  if ("end" in next) {
    out.closeAppended();
    return null;
  }
  rest.lap("waiting for the plan");
  return runLastPasses(input, docs, fields, next.plan, out, rest);
}

/** The passes after the plan (related records, the record store) on a fresh worker. */
function runAfterWorker(input: RecordPassInput & { after: NonNullable<RecordPassInput["after"]> }): LastPasses {
  const docs = DocFile.open<CatalogueRecord>(input.docs);
  const { plan } = input.after;
  const fields: Lines<PassRecord> = input.after.fields ? DocFile.open<PassRecord>(input.after.fields) : docs;
  return runLastPasses(input, docs, fields, plan, workerWriter(input), passTimer(input.logFd));
}

/** A worker's writer: chunks to the staging folder, those bound for packs appended to the worker's scratch file. */
function workerWriter(input: RecordPassInput): AssetWriter {
  return new AssetWriter(
    input.spillDir,
    input.appendPath ? { path: input.appendPath, packable: isPackable } : undefined,
  );
}

function runLastPasses(
  input: RecordPassInput,
  docs: DocFile<CatalogueRecord>,
  fields: Lines<PassRecord>,
  plan: FromPlan,
  out: AssetWriter,
  timer: ReturnType<typeof passTimer>,
): LastPasses {
  const tags = TitleTags.fromData(plan.tags);
  const related = buildRelated(fields, tags);
  tags.remove();
  timer.lap("related records");
  // Related records' features are garbage now; the main thread is building shards beside this.
  collectGarbage();
  const layout: CatalogueLayout = { docs, shardStarts: input.shardStarts, shardCount: input.shardCount };
  let recordStore: Omit<Manifest, "version">;
  try {
    recordStore = writeRecordStore(layout, related, out, {
      catalogueOrder: plan.catalogueOrder,
      perPage: input.recordTablePageShards,
    });
  } finally {
    related.remove();
  }
  timer.lap("record store");
  const appended = out.handOver();
  out.closeAppended();
  return { recordStore, spilled: [...out.spilled], appended, timings: timer.timings, heap: timer.heap };
}

if (!isMainThread && (workerData as RecordPassInput | undefined)?.docs) {
  const input = workerData as RecordPassInput;
  const run = input.after
    ? Promise.resolve().then(() => runAfterWorker(input as Parameters<typeof runAfterWorker>[0]))
    : runFirstWorker(input);
  run.then(
    (result) => {
      if (result) parentPort!.postMessage({ ok: true, result } satisfies WorkerReply);
      else input.firstPort?.close();
    },
    (e: Error) => parentPort!.postMessage({ ok: false, message: e.message, stack: e.stack } satisfies WorkerReply),
  );
}
