import { readFileSync } from "node:fs";

/** One kind of object in a V8 heap snapshot: objects, closures and natives by constructor, the rest by node type. */
export interface SnapshotKind {
  kind: string;
  count: number;
  bytes: number;
}

/** A V8 heap snapshot (`.heapsnapshot` JSON) as parsed: the parts these summaries read. */
export interface HeapSnapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Parses a heap snapshot file once, for callers that summarise it more than one way (it may be hundreds of MB). */
export function readHeapSnapshot(file: string): HeapSnapshot {
  return JSON.parse(readFileSync(file, "utf8")) as HeapSnapshot;
}

/**
 * Self sizes in a V8 heap snapshot (a file, or one already read), by kind, largest first, and their total. Used by
 * the load tool's report and the bench's cold probe to say what a Worker isolate holds.
 */
export function heapSnapshotKinds(from: string | HeapSnapshot): { kinds: SnapshotKind[]; totalBytes: number } {
  const snap = typeof from === "string" ? readHeapSnapshot(from) : from;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [ti, ni, si] = ["type", "name", "self_size"].map((f) => fields.indexOf(f)) as [number, number, number];
  const by = new Map<string, SnapshotKind>();
  let totalBytes = 0;
  for (let k = 0; k < snap.nodes.length; k += fields.length) {
    const type = types[snap.nodes[k + ti]!]!;
    const named = type === "object" || type === "closure" || type === "native";
    const kind = named ? `${type} ${snap.strings[snap.nodes[k + ni]!]!.slice(0, 60)}` : `(${type})`;
    const bytes = snap.nodes[k + si]!;
    const e = by.get(kind) ?? by.set(kind, { kind, count: 0, bytes: 0 }).get(kind)!;
    e.count++;
    e.bytes += bytes;
    totalBytes += bytes;
  }
  return { kinds: [...by.values()].sort((a, b) => b.bytes - a.bytes), totalBytes };
}

/** Array-buffer bytes of a heap snapshot grouped by who holds them (see `arrayBufferHolders`). */
export interface BufferHolder {
  /**
   * Retainer path from the holder down to the buffer, each step the retainer's name and its edge, elements as `[]`:
   * e.g. `Map.table > Object.docs > Uint32Array.buffer > ArrayBuffer.backing_store`.
   */
  path: string;
  count: number;
  bytes: number;
}

/**
 * Where an isolate's ArrayBuffer contents are held: each backing store (`system / JSArrayBufferData`, whose
 * bytes count toward the isolate's limit but not V8's used heap) is followed up its first retainers, skipping
 * V8's own plumbing, until `depth` named holders are found, and the bytes are summed by that path. Which cache a
 * buffer belongs to is what the isolate's memory plan needs to know; its self size alone says nothing.
 */
export function arrayBufferHolders(
  from: string | HeapSnapshot,
  depth = 4,
): { holders: BufferHolder[]; totalBytes: number } {
  const snap = typeof from === "string" ? readHeapSnapshot(from) : from;
  const { node_fields: nf, node_types, edge_fields: ef, edge_types } = snap.snapshot.meta;
  const N = nf.length;
  const E = ef.length;
  const [ti, ni, si, eci] = ["type", "name", "self_size", "edge_count"].map((f) => nf.indexOf(f)) as number[];
  const [eti, eni, eto] = ["type", "name_or_index", "to_node"].map((f) => ef.indexOf(f)) as number[];
  const nodeCount = snap.nodes.length / N;
  // Reverse edges: for each node, the first few (retainer node, edge) pairs; a buffer's holder is found by its
  // first retainers, and weak edges are skipped since they hold nothing.
  const retainers: Array<Array<[number, number]>> = Array.from({ length: nodeCount }, () => []);
  let e = 0;
  for (let n = 0; n < nodeCount; n++) {
    const count = snap.nodes[n * N + eci!]!;
    for (let k = 0; k < count; k++, e += E) {
      const type = edge_types[0][snap.edges[e + eti!]!];
      if (type === "weak" || type === "shortcut") continue;
      const to = snap.edges[e + eto!]! / N;
      const list = retainers[to]!;
      if (list.length < 4) list.push([n, e]);
    }
  }
  const nameOf = (n: number) => snap.strings[snap.nodes[n * N + ni!]!]!;
  const typeOf = (n: number) => node_types[0][snap.nodes[n * N + ti!]!]!;
  const edgeName = (e: number) => {
    const type = edge_types[0][snap.edges[e + eti!]!];
    const v = snap.edges[e + eni!]!;
    // Elements by kind, not index: a cache's thousand entries are one holder.
    return type === "element" || type === "hidden" ? "[]" : snap.strings[v]!;
  };
  const plumbing = new Set(["hidden", "synthetic", "code", "array", "concatenated string", "sliced string"]);
  const by = new Map<string, BufferHolder>();
  let totalBytes = 0;
  for (let n = 0; n < nodeCount; n++) {
    if (typeOf(n) !== "native" || !nameOf(n).includes("JSArrayBufferData")) continue;
    const bytes = snap.nodes[n * N + si!]!;
    totalBytes += bytes;
    const parts: string[] = [];
    const seen = new Set<number>([n]);
    let at = n;
    while (parts.length < depth) {
      const next = retainers[at]!.find(([r]) => !seen.has(r));
      if (!next) break;
      const [r, edge] = next;
      seen.add(r);
      at = r;
      if (plumbing.has(typeOf(r))) continue;
      parts.push(`${nameOf(r).slice(0, 40)}.${edgeName(edge).slice(0, 30)}`);
    }
    const path = parts.reverse().join(" > ");
    const h = by.get(path) ?? by.set(path, { path, count: 0, bytes: 0 }).get(path)!;
    h.count++;
    h.bytes += bytes;
  }
  return { holders: [...by.values()].sort((a, b) => b.bytes - a.bytes), totalBytes };
}
