/**
 * The peers Dossier is compared with, each with near-default options over
 * title + description + people, as someone would set them up on day one:
 *
 * - plain FlexSearch 0.8: one Document, export → import (also run in workerd by
 *   bench-worker.ts from the export written here);
 * - MiniSearch 7: JSON.stringify(index) → MiniSearch.loadJSON;
 * - Orama 3: save() → JSON → create() + load(). Orama's save holds the
 *   documents too, so its bytes include the text; the others hold ids only.
 *
 * Build and warm timings are taken here in Node; cold load and heap in a child
 * process per sample (peer-cold.ts), so JIT and heap start empty each time.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Document } from "flexsearch";
import MiniSearch from "minisearch";
import { create, insertMultiple, save, search as oramaSearch } from "@orama/orama";
import type { CatalogueRecord } from "../../src/shared/record";

/** Characters per asset piece of the FlexSearch export; the export is ASCII JSON, so well under 25 MiB. */
const FLEX_PIECE_CHARS = 16 * 1024 * 1024;

export type PeerName = "flexsearch" | "minisearch" | "orama";
export const PEERS: PeerName[] = ["flexsearch", "minisearch", "orama"];

export interface PeerDoc {
  id: number;
  title: string;
  description: string;
  people: string;
}

export function peerDocs(records: Iterable<CatalogueRecord>): PeerDoc[] {
  const out: PeerDoc[] = [];
  let id = 0;
  for (const r of records)
    out.push({ id: id++, title: r.title, description: r.description, people: r.people.join("; ") });
  return out;
}

export const flexOptions = () => ({ document: { id: "id", index: ["title", "description", "people"] } });
export const miniOptions = { fields: ["title", "description", "people"], idField: "id" };
export const oramaSchema = { title: "string", description: "string", people: "string" } as const;

export interface PeerIndex {
  name: PeerName;
  buildMs: number;
  /** Serialised index: one JSON text (FlexSearch: the export's parts, as written for workerd). */
  bytes: number;
  gzipBytes: number;
  /** Run one query against the in-memory index; returns the hit count. */
  query(q: string): number | Promise<number>;
  /** Where the serialised index was written, for peer-cold.ts. */
  file: string;
}

export async function buildPeer(name: PeerName, docs: PeerDoc[], dir: string, assetsDir: string): Promise<PeerIndex> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  if (name === "flexsearch") {
    const t0 = performance.now();
    const doc = new Document(flexOptions() as never);
    for (const d of docs) doc.add(d as never);
    const buildMs = performance.now() - t0;
    const parts: Array<[string, string]> = [];
    doc.export((key: string, data: string) => {
      parts.push([key, data]);
    });
    // The workerd copy: one asset per export part (each stays under the 25 MiB asset limit more easily).
    const flexDir = join(assetsDir, "peer-flex");
    mkdirSync(flexDir, { recursive: true });
    // Workers refuse assets over 25 MiB, so a large part is written as pieces the Worker concatenates.
    const manifest: Array<{ key: string; pieces: number }> = [];
    parts.forEach(([key, data], i) => {
      const pieces = Math.max(1, Math.ceil(data.length / FLEX_PIECE_CHARS));
      for (let k = 0; k < pieces; k++)
        writeFileSync(join(flexDir, `${i}-${k}.json`), data.slice(k * FLEX_PIECE_CHARS, (k + 1) * FLEX_PIECE_CHARS));
      manifest.push({ key, pieces });
    });
    writeFileSync(join(flexDir, "keys.json"), JSON.stringify(manifest));
    const text = JSON.stringify(parts);
    writeFileSync(file, text);
    const bytes = parts.reduce((n, [, d]) => n + Buffer.byteLength(d), 0);
    const gzipBytes = parts.reduce((n, [, d]) => n + gzipSync(d).length, 0);
    return {
      name,
      buildMs,
      bytes,
      gzipBytes,
      file,
      query: (q) => (doc.search(q, { limit: 10, merge: true, suggest: true } as never) as unknown[]).length,
    };
  }
  if (name === "minisearch") {
    const t0 = performance.now();
    const ms = new MiniSearch<PeerDoc>(miniOptions);
    ms.addAll(docs);
    const buildMs = performance.now() - t0;
    return saved(name, buildMs, JSON.stringify(ms), file, (q) => ms.search(q).slice(0, 10).length);
  }
  const t0 = performance.now();
  const db = create({ schema: oramaSchema });
  await insertMultiple(
    db,
    docs.map((d) => ({ id: String(d.id), title: d.title, description: d.description, people: d.people })),
    5000,
  );
  const buildMs = performance.now() - t0;
  return saved(name, buildMs, JSON.stringify(save(db)), file, async (q) => {
    return (await oramaSearch(db, { term: q, limit: 10 })).hits.length;
  });
}

/** A peer whose index serialises to one text: written to `file`, measured raw and gzipped. */
function saved(name: PeerName, buildMs: number, text: string, file: string, query: PeerIndex["query"]): PeerIndex {
  writeFileSync(file, text);
  return { name, buildMs, bytes: Buffer.byteLength(text), gzipBytes: gzipSync(text).length, file, query };
}
