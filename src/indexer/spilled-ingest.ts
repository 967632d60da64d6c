/**
 * Ingest that does not hold the catalogue: each record goes to a scratch file as it is read and validated
 * (`.dossier-ingest-<pid>.jsonl`), and memory keeps only what merging and layout decide on: its reference, the
 * length of its JSON and where it came from (about 100 bytes a record instead of the 1.4 KB of a record object).
 * Records whose reference repeats are read back to be merged; the docs file (doc-file.ts) is then written in doc
 * order from the scratch file, a record's line copied as it is where merging did not change it. The output is what
 * `ingestFiles` and `layoutRecords` give over the records held in memory.
 */
import type { CatalogueRecord } from "../shared/record";
import { referenceToId } from "../shared/reference";
import { groupedReferenceOrder } from "./reference-order";
import { shardOf } from "../shared/hash";
import { planMerge, ingestEach, type IngestFindings, type IngestInput } from "./ingest/index";
import type { DistinctItemsReport, MergeReport } from "./ingest/index";
import {
  recordLayoutBytes,
  recordShardCount,
  shardStartsOf,
  type CatalogueBuildOptions,
  type CatalogueLayout,
} from "./catalogue-assets";
import { type DocFile, LineWriter } from "./doc-file";

export interface SpilledIngest extends IngestFindings {
  merges: MergeReport[];
  distinct: DistinctItemsReport[];
  /** Records after merging: what the build serves. */
  count: number;
  /**
   * Lays the records out (as layoutRecords does) and writes them in doc order to `docsPath`; the ingest scratch
   * file is removed once they are.
   */
  layout(
    docsPath: string,
    options: CatalogueBuildOptions,
  ): CatalogueLayout & {
    docs: DocFile;
    /**
     * True when no doc can inherit a title (hierarchy-context.ts): no record names a parent, and no record's
     * reference is a series another names. Its two passes over the docs are then skipped.
     */
    noHierarchy: boolean;
  };
  /** Deletes the ingest scratch file (layout does; for a build that fails before it). */
  remove(): void;
}

/** Whether JSON.parse(JSON.stringify(v)) is `v` again: no undefined, no non-finite number, only plain data. */
function roundTrips(v: unknown): boolean {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every(roundTrips);
  if (typeof v !== "object" || Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const k in v) if (!roundTrips((v as Record<string, unknown>)[k])) return false;
  return true;
}

/** A Uint32Array grown to hold index `i`. */
function room(a: Uint32Array<ArrayBuffer>, i: number): Uint32Array<ArrayBuffer> {
  if (i < a.length) return a;
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Ingests `inputs` into the scratch file `scratchPath`, then merges (see the module comment). */
export function spillIngest(inputs: Iterable<IngestInput>, scratchPath: string): SpilledIngest {
  const writer = new LineWriter(scratchPath);
  const references: string[] = [];
  /** Per record: its JSON's length with its id set to its reference key (what it is served as if not merged). */
  let lengths = new Uint32Array(1024);
  /** Per record: whether its id is its reference key already, so its line is copied as it is. */
  let idIsKey = new Uint8Array(1024);
  /** Per record, where it starts: a file number and a line (0: the origin was the file alone). */
  let fileOf = new Uint32Array(1024);
  let lineOf = new Uint32Array(1024);
  const files: string[] = [];
  const fileNumber = new Map<string, number>();
  /** The few records JSON would not give back as they are: held, for merging to see what ingest made. */
  const held = new Map<number, CatalogueRecord>();
  // What hierarchy-context.ts's first pass looks for, noted as records go by (of every record read, merged or not:
  // at least what the docs name).
  const seriesNamed = new Set<string>();
  let parentNamed = false;
  const noteHierarchy = (record: CatalogueRecord) => {
    if (record.series !== record.reference) seriesNamed.add(record.series);
    if (typeof (record as { parentId?: unknown }).parentId === "string") parentNamed = true;
  };
  let findings: IngestFindings;
  try {
    findings = ingestEach(inputs, (record, origin) => {
      const i = writer.length;
      noteHierarchy(record);
      const json = JSON.stringify(record);
      writer.append(json);
      const key = referenceToId(record.reference);
      references.push(record.reference);
      lengths = room(lengths, i);
      fileOf = room(fileOf, i);
      lineOf = room(lineOf, i);
      if (i >= idIsKey.length) {
        const b = new Uint8Array(idIsKey.length * 2);
        b.set(idIsKey);
        idIsKey = b;
      }
      idIsKey[i] = record.id === key ? 1 : 0;
      lengths[i] = record.id === key ? json.length : JSON.stringify({ ...record, id: key }).length;
      // `file:line` as a file number and line + 1, or the origin whole as a "file" and 0 when it is not of that form.
      const at = origin.lastIndexOf(":");
      const line = at < 0 ? NaN : Number(origin.slice(at + 1));
      const hasLine = Number.isInteger(line) && line >= 0 && line < 0xffffffff && String(line) === origin.slice(at + 1);
      const file = hasLine ? origin.slice(0, at) : origin;
      let f = fileNumber.get(file);
      if (f === undefined) {
        fileNumber.set(file, (f = files.length));
        files.push(file);
      }
      fileOf[i] = f;
      lineOf[i] = hasLine ? line + 1 : 0;
      if (!roundTrips(record)) held.set(i, record);
    });
  } catch (e) {
    writer.abort();
    throw e;
  }
  // Let go once laid out: its line offsets are 8 bytes a record (80 MB at ten million), and the build keeps this
  // object, and so what its methods reach, to its end.
  let ingested: DocFile | null = writer.finish();
  const reader = ingested.lineReader();
  let plan: ReturnType<typeof planMerge>;
  try {
    plan = planMerge({
      count: ingested.length,
      refKey: (i) => referenceToId(references[i]!),
      record: (i) => held.get(i) ?? (JSON.parse(reader.line(i)) as CatalogueRecord),
      origin: (i) => (lineOf[i] ? `${files[fileOf[i]!]}:${lineOf[i]! - 1}` : files[fileOf[i]!]!),
    });
  } finally {
    reader.close();
  }
  held.clear();
  fileOf = lineOf = new Uint32Array(0);
  const { order, groups } = plan;
  let laidOut = false;

  return {
    ...findings,
    merges: plan.merges,
    distinct: plan.distinct,
    count: order.length,
    remove: () => ingested?.remove(),
    layout(docsPath, options) {
      if (laidOut) throw new Error("spilled-ingest: layout() runs once: it lets go of what ingest held");
      laidOut = true;
      const n = order.length;
      const referenceOf = (x: number | string) => (typeof x === "number" ? references[x]! : groups.get(x)!.reference);
      const idOf = (x: number | string) => (typeof x === "number" ? referenceToId(references[x]!) : x);
      let bytes = 0;
      for (const x of order)
        bytes += recordLayoutBytes(typeof x === "number" ? lengths[x]! : JSON.stringify(groups.get(x)).length);
      const shardCount = recordShardCount(bytes, n, options);
      const shardOfItem = new Int32Array(n);
      for (let k = 0; k < n; k++) shardOfItem[k] = shardOf(idOf(order[k]!), shardCount);
      // Stable, as layoutRecords' sort is: equal references keep their merged order.
      const byDoc = groupedReferenceOrder(n, (k) => referenceOf(order[k]!), shardOfItem, shardCount);
      const source = ingested!;
      const reader = source.lineReader();
      // Every step reads the docs front to back (a search shard reads its docs' terms from the terms file), so the
      // file has no line offsets: 8 bytes a record on each thread that holds it, and 16 while they grow.
      const docs = new LineWriter(docsPath, { indexed: false });
      try {
        for (const k of byDoc) {
          const x = order[k]!;
          if (typeof x === "string") docs.append(JSON.stringify(groups.get(x)));
          else if (idIsKey[x]) docs.append(reader.line(x));
          else {
            const record = JSON.parse(reader.line(x)) as CatalogueRecord;
            record.id = referenceToId(record.reference);
            docs.append(JSON.stringify(record));
          }
        }
      } catch (e) {
        docs.abort();
        throw e;
      } finally {
        reader.close();
      }
      for (const record of groups.values()) noteHierarchy(record);
      let noHierarchy = !parentNamed;
      for (let k = 0; noHierarchy && k < n; k++) if (seriesNamed.has(referenceOf(order[k]!))) noHierarchy = false;
      seriesNamed.clear();
      const shardStarts = shardStartsOf(n, (d) => shardOfItem[byDoc[d]!]!, shardCount);
      source.remove();
      ingested = null;
      // Nothing reads them after the layout, and the build keeps this object to its end (for the ingest report):
      // at ten million records they are most of what ingest leaves on the main thread's heap.
      references.length = 0;
      order.length = 0;
      lengths = new Uint32Array(0);
      idIsKey = new Uint8Array(0);
      groups.clear();
      return { docs: docs.finish(), shardStarts, shardCount, noHierarchy };
    },
  };
}
