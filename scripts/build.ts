/**
 * npm run build [-- --data <dir> [--data <dir>…]] [--out <dir>] [--shards N] [--record-shards N]
 * Ingests every supported file under the data directories and writes the
 * served assets (records, series, search index, manifest) to the assets dir.
 */
import { parseArgs } from "node:util";
import { buildCatalogue } from "../src/build/build-catalogue";
import { buildWidget } from "./build-widget";
import { writeAssetHeaders } from "./write-asset-headers";

const { values } = parseArgs({
  options: {
    data: { type: "string", multiple: true },
    out: { type: "string", default: "dist/assets" },
    shards: { type: "string" },
    "record-shards": { type: "string" },
    quiet: { type: "boolean", default: false },
  },
});

const dataDirs = values.data?.length ? values.data : ["data"];
const started = performance.now();
try {
  const result = buildCatalogue({
    dataDirs, outDir: values.out!,
    searchShards: values.shards ? Number(values.shards) : undefined,
    recordShards: values["record-shards"] ? Number(values["record-shards"]) : undefined,
    log: values.quiet ? undefined : (l) => console.log(`  ${l}`),
  });
  await buildWidget(values.out!);
  writeAssetHeaders(values.out!);
  const m = result.manifest;
  console.log(`Dossier build: ${m.records} records from ${dataDirs.join(", ")} → ${values.out}`);
  for (const [source, n] of Object.entries(m.sources)) console.log(`  ${source}: ${n}`);
  const searchShards = (m.search as { shards: unknown[] } | undefined)?.shards.length ?? 0;
  console.log(`  ${result.files} files, ${(result.bytes / 1024).toFixed(0)} KiB, ${m.recordShards.count} record shards, ${searchShards} search shard(s), index version ${m.version}`);
  const ch = result.changed;
  console.log(`  wrote ${ch.written} changed files (${(ch.writtenBytes / 1024).toFixed(0)} KiB), kept ${ch.kept} unchanged, removed ${ch.removed} stale`);
  for (const s of result.skipped) console.log(`  skipped ${s.file}: ${s.reason}`);
  if (result.merges.length) {
    console.log(`  merged ${result.merges.length} duplicate references:`);
    for (const mg of result.merges.slice(0, 10)) console.log(`    ${mg.reference}: ${mg.sources.join(", ")}`);
    if (result.merges.length > 10) console.log(`    … and ${result.merges.length - 10} more`);
  }
  if (result.distinct.length) {
    const items = result.distinct.reduce((n, d) => n + d.items.length, 0);
    console.log(`  kept ${items} distinct items sharing ${result.distinct.length} references apart (different barcodes or Discovery ids):`);
    for (const d of result.distinct.slice(0, 10)) console.log(`    ${d.reference}: ${d.items.map((i) => i.id).join(", ")}`);
    if (result.distinct.length > 10) console.log(`    … and ${result.distinct.length - 10} more`);
  }
  if (result.rejects.length) {
    console.log(`  rejected ${result.rejects.length} rows:`);
    for (const r of result.rejects.slice(0, 50)) console.log(`    ${r.file}:${r.line} ${r.field}: ${r.reason}`);
    if (result.rejects.length > 50) console.log(`    … and ${result.rejects.length - 50} more`);
  }
  console.log(`  took ${((performance.now() - started) / 1000).toFixed(2)} s`);
} catch (e) {
  console.error(`build failed: ${(e as Error).message}`);
  process.exit(1);
}
