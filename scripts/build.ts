/**
 * npm run build [-- --data <dir> [--data <dir>…]] [--out <dir>] [--shards N] [--record-shards N]
 * Ingests every supported file under the data directories and writes the
 * served assets (records, series, search index, manifest) to the assets dir.
 */
import { parseArgs } from "node:util";
import { relative } from "node:path";
import { stageCatalogue } from "../src/indexer/build-catalogue";
import { summaryLines } from "../src/indexer/ingest/report";
import { buildWidget } from "./build-widget";
import { writeAssetHeaders } from "./write-asset-headers";
import { terminalProgress } from "../src/indexer/build-progress";

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
  const staged = stageCatalogue({
    dataDirs,
    outDir: values.out!,
    searchShards: values.shards ? Number(values.shards) : undefined,
    recordShards: values["record-shards"] ? Number(values["record-shards"]) : undefined,
    log: values.quiet ? undefined : (l) => console.log(`  ${l}`),
    progress: values.quiet ? undefined : terminalProgress(process.stderr),
  });
  // Into the staging folder: the served build changes only at publish(), with every file in place.
  await buildWidget(staged.dir);
  writeAssetHeaders(staged.dir);
  staged.publish();
  const result = staged.result;
  const m = result.manifest;
  console.log(`Dossier build: ${m.records} records from ${dataDirs.join(", ")} → ${values.out}`);
  for (const [source, n] of Object.entries(m.sources)) console.log(`  ${source}: ${n}`);
  const searchShards = m.search?.shards.length ?? 0;
  console.log(
    `  ${result.files} files, ${(result.bytes / 1024).toFixed(0)} KiB, ${m.recordShards.count} record shards, ` +
      `${searchShards} search shard(s), index version ${m.version}`,
  );
  const ch = result.changed;
  console.log(
    `  wrote ${ch.written} changed files (${(ch.writtenBytes / 1024).toFixed(0)} KiB), kept ${ch.kept} unchanged, ` +
      `removed ${ch.removed} stale`,
  );
  if (result.distinct.length) {
    const items = result.distinct.reduce((n, d) => n + d.items.length, 0);
    console.log(
      `  kept ${items} distinct items sharing ${result.distinct.length} references apart (different barcodes or ` +
        `Discovery ids)`,
    );
  }
  for (const line of summaryLines(result.report, relative(process.cwd(), result.reportPath))) console.log(`  ${line}`);
  console.log(`  took ${((performance.now() - started) / 1000).toFixed(2)} s`);
} catch (e) {
  console.error(`build failed: ${(e as Error).message}`);
  process.exit(1);
}
