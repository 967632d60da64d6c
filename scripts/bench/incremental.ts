/**
 * npx tsx scripts/bench/incremental.ts [data dir] [records to change]
 * How much a small edit costs to ship: builds a catalogue, edits the
 * descriptions of a few records (JSON Lines files only), rebuilds into the
 * same assets directory, and compares the bytes written (what `wrangler
 * deploy` uploads, since unchanged chunks keep their content-hashed names)
 * with the full build.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCatalogue } from "../../src/indexer/build-catalogue";

const source = process.argv[2] ?? "data";
const edits = Number(process.argv[3] ?? 5);
const work = mkdtempSync(join(tmpdir(), "dossier-incremental-"));
const data = join(work, "data");
const assets = join(work, "assets");
cpSync(source, data, { recursive: true });

const full = buildCatalogue({ dataDirs: [data], outDir: assets });
const jsonl = readdirSync(data, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith(".jsonl") && statSync(join(data, f)).isFile());
if (!jsonl.length) throw new Error(`incremental: ${source} has no JSON Lines file to edit`);
const file = join(data, jsonl[0]!);
const lines = readFileSync(file, "utf8").split("\n");
const step = Math.max(1, Math.floor(lines.length / (edits + 1)));
let changed = 0;
for (let i = step; i < lines.length && changed < edits; i += step) {
  if (!lines[i]!.trim()) continue;
  const rec = JSON.parse(lines[i]!);
  rec.description = `${rec.description} Amended: a further serial was catalogued in this revision.`;
  lines[i] = JSON.stringify(rec);
  changed++;
}
writeFileSync(file, lines.join("\n"));
const again = buildCatalogue({ dataDirs: [data], outDir: assets });
const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
console.log(
  `| ${full.manifest.records.toLocaleString("en")} records, ${changed} descriptions edited | ${full.files} files, ` +
    `${kib(full.changed.writtenBytes)} | ${again.changed.written} files, ${kib(again.changed.writtenBytes)} ` +
    `(${((100 * again.changed.writtenBytes) / full.changed.writtenBytes).toFixed(2)}%) | ${again.changed.removed} |`,
);
rmSync(work, { recursive: true, force: true });
