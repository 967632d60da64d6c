import { readFileSync } from "node:fs";

/** One kind of object in a V8 heap snapshot: objects, closures and natives by constructor, the rest by node type. */
export interface SnapshotKind {
  kind: string;
  count: number;
  bytes: number;
}

/**
 * Self sizes in a V8 heap snapshot (`.heapsnapshot` JSON), by kind, largest first, and their total. Used by the
 * load tool's report and the bench's cold probe to say what a Worker isolate holds.
 */
export function heapSnapshotKinds(file: string): { kinds: SnapshotKind[]; totalBytes: number } {
  const snap = JSON.parse(readFileSync(file, "utf8")) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
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
