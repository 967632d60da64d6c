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
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { Manifest } from "../shared/manifest";
import type { CatalogueRecord } from "../shared/record";
import { AssetWriter } from "./content-hash";
import { writeRecordStore, type CatalogueLayout } from "./catalogue-assets";
import { DocFile, type Lines, LineWriter, passFields, type PassRecord } from "./doc-file";
import { buildRelated } from "./related-records";
import { buildRecordPassParts, type RecordPassParts } from "./search-assets";
import { TitleTags, type TitleTagsData } from "./title-tags";

interface RecordPassInput {
  docsPath: string;
  docsOffsets: Float64Array;
  shardOfDoc: Int32Array;
  shardCount: number;
  spillDir: string;
  recordTablePageShards?: number;
  /** Where the worker writes the docs' PassRecord fields for its own later passes (see runWorker). */
  fieldsPath?: string;
}

/** What the passes after the plan need of it: the docs' title and tag words, and each doc's catalogue rank. */
type FromPlan = { tags: TitleTagsData; catalogueOrder: Uint32Array };

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

type WorkerReply = { ok: true; result: RecordPassResult } | { ok: false; message: string; stack?: string };

/** The record passes running on a worker thread; `fromPlan` must be given (after the plan) for them to finish. */
export interface RecordPasses {
  fromPlan(plan: { titleTags: TitleTags; catalogueOrder: Uint32Array }): void;
  /** Resolves once the worker is done, its chunks added to `out`. */
  done(): Promise<RecordPassResult>;
  /** Stops the worker (a build that failed elsewhere). */
  stop(): Promise<void>;
}

/**
 * Starts the record passes over `layout.docs` (which must be a DocFile: the worker opens it by path) on a worker
 * thread, writing their chunks into `out`'s staging folder; `done()` adds them to `out`.
 */
export function startRecordPasses(
  layout: CatalogueLayout,
  out: AssetWriter,
  options: {
    recordTablePageShards?: number;
    /** The worker's V8 heap limit in MB (its share of the build's budget); default: V8's, as the main thread's. */
    heapMb?: number;
    /**
     * A scratch path for the docs' PassRecord fields (the caller removes it): the plan writes them for the
     * one-thread build, but the worker starts before the plan, so it writes its own.
     */
    fieldsPath?: string;
  } = {},
): RecordPasses {
  const docs = layout.docs;
  if (!(docs instanceof DocFile) || !out.spillDir)
    throw new Error(
      "catalogue-wide-worker: the record passes run on a worker only over a docs file and a staging folder",
    );
  const input: RecordPassInput = {
    docsPath: docs.path,
    docsOffsets: docs.lineOffsets(),
    shardOfDoc: layout.shardOfDoc,
    shardCount: layout.shardCount,
    spillDir: out.spillDir,
    recordTablePageShards: options.recordTablePageShards,
    fieldsPath: options.fieldsPath,
  };
  // tsx loads this .ts file in the worker as it does in the main thread (`npm run build` and vitest alike).
  // A worker's heap has a limit of its own: without one it gets the main thread's again, so the two threads
  // together could take twice the budget's heap. `resourceLimits` cannot set it: V8 gives the process's
  // `--max-old-space-size` (the main thread's limit, scripts/lib/build-memory.ts) precedence over it
  // (nodejs/node#43991). The flag is read when an isolate is made, so set now it is the worker's, while the
  // main thread's heap keeps the limit it was made with (V8's own heap tests set it between isolates likewise).
  if (options.heapMb) setFlagsFromString(`--max-old-space-size=${options.heapMb}`);
  const worker = new Worker(new URL(import.meta.url), { workerData: input, execArgv: ["--import", "tsx"] });
  const result = new Promise<RecordPassResult>((resolve, reject) => {
    worker.once("message", (reply: WorkerReply) => {
      if (reply.ok) resolve(reply.result);
      else reject(Object.assign(new Error(reply.message), { stack: reply.stack }));
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`catalogue-wide-worker: the worker stopped (exit ${code})`)));
  });
  // Rejections are taken by done(); a build failing elsewhere stops the worker without awaiting it.
  result.catch(() => {});
  return {
    fromPlan: (plan) =>
      worker.postMessage({ tags: plan.titleTags.toData(), catalogueOrder: plan.catalogueOrder } satisfies FromPlan),
    done: async () => {
      const made = await result;
      for (const [path, bytes] of made.spilled) out.spilled.set(path, bytes);
      await worker.terminate();
      return made;
    },
    stop: async () => {
      await worker.terminate();
    },
  };
}

async function runWorker(input: RecordPassInput): Promise<RecordPassResult> {
  const docs = DocFile.of<CatalogueRecord>(input.docsPath, input.docsOffsets);
  const out = new AssetWriter(input.spillDir);
  const timings: Array<[string, number]> = [];
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  const heap = { limitMb: mb(getHeapStatistics().heap_size_limit), mostMb: 0 };
  let t = performance.now();
  const lap = (what: string) => {
    timings.push([what, performance.now() - t]);
    heap.mostMb = Math.max(heap.mostMb, mb(getHeapStatistics().total_heap_size));
    t = performance.now();
  };
  // People, typeahead and related records read a few fields of each record: written once to a file of their own,
  // they parse those three times instead of each whole record (mostly description) three times.
  let fields: Lines<PassRecord> = docs;
  if (input.fieldsPath) {
    const writer = new LineWriter<PassRecord>(input.fieldsPath);
    try {
      for (const r of docs) writer.append(JSON.stringify(passFields(r)));
    } catch (e) {
      writer.abort();
      throw e;
    }
    fields = writer.finish();
    lap("the records' fields");
  }
  const parts = buildRecordPassParts(docs, out, fields);
  lap("people, typeahead, volumes");
  const plan = await new Promise<FromPlan>((resolve) => parentPort!.once("message", resolve));
  lap("waiting for the plan");
  const tags = TitleTags.fromData(plan.tags);
  const related = buildRelated(fields, tags);
  tags.remove();
  lap("related records");
  const layout: CatalogueLayout = { docs, shardOfDoc: input.shardOfDoc, shardCount: input.shardCount };
  let recordStore: Omit<Manifest, "version">;
  try {
    recordStore = writeRecordStore(layout, related, out, {
      catalogueOrder: plan.catalogueOrder,
      perPage: input.recordTablePageShards,
    });
  } finally {
    related.remove();
  }
  lap("record store");
  return { parts, recordStore, spilled: [...out.spilled], timings, heap };
}

if (!isMainThread && (workerData as RecordPassInput | undefined)?.docsPath) {
  runWorker(workerData as RecordPassInput).then(
    (result) => parentPort!.postMessage({ ok: true, result } satisfies WorkerReply),
    (e: Error) => parentPort!.postMessage({ ok: false, message: e.message, stack: e.stack } satisfies WorkerReply),
  );
}
