/**
 * One cold sample of a peer, in a fresh Node process (run with --expose-gc):
 * read the serialised index, load it, answer the first query, then a
 * 20-query mix, and report the heap. Prints one JSON line.
 *
 * tsx scripts/bench/peer-cold.ts <peer> <index.json> <queries.json>
 */
import { readFileSync } from "node:fs";
import { Document } from "flexsearch";
import MiniSearch from "minisearch";
import { create, load, search as oramaSearch } from "@orama/orama";
import { flexOptions, miniOptions, oramaSchema, type PeerName } from "./peers";

const [name, file, queriesFile] = process.argv.slice(2) as [PeerName, string, string];
const queries = JSON.parse(readFileSync(queriesFile, "utf8")) as string[];

// The text lives only inside loadIndex, so the heap figure holds the index, not its serialisation.
function loadIndex(): (q: string) => unknown {
  const text = readFileSync(file, "utf8");
  if (name === "flexsearch") {
    const doc = new Document(flexOptions() as never);
    for (const [key, data] of JSON.parse(text) as Array<[string, string]>) doc.import(key, data);
    return (q) => doc.search(q, { limit: 10, merge: true, suggest: true } as never);
  }
  if (name === "minisearch") {
    const ms = MiniSearch.loadJSON(text, miniOptions);
    return (q) => ms.search(q).slice(0, 10);
  }
  const db = create({ schema: oramaSchema });
  load(db, JSON.parse(text));
  return (q) => oramaSearch(db, { term: q, limit: 10 });
}

const t0 = performance.now();
const query = loadIndex();
const loadMs = performance.now() - t0;
await query(queries[0]!);
const firstMs = performance.now() - t0;
for (const q of queries.slice(0, 20)) await query(q);
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
console.log(JSON.stringify({ loadMs, firstMs, heapUsed: process.memoryUsage().heapUsed, gc: Boolean(gc) }));
