/**
 * Ingests every file under a directory, as the build does, and prints what
 * came out: each file with its format and counts, the summary the build
 * prints (records per source, rejects, warnings and merge conflicts by kind),
 * and the time taken. With --out, writes the full report JSON there too.
 *
 *   npx tsx scripts/ingest-report.ts /work/shared/corpora [--out /tmp/ingest-report.json]
 */
import { parseArgs } from "node:util";
import { readCatalogue, writeIngestReport } from "../src/indexer/build-catalogue";
import { ingestReport, summaryLines } from "../src/indexer/ingest/report";

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: "string" } } });
  const dir = positionals[0];
  if (!dir) {
    console.error("usage: npx tsx scripts/ingest-report.ts <dir> [--out report.json]");
    process.exit(2);
  }
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const ingest = readCatalogue([dir]);
  const totalMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const report = ingestReport(ingest);

  console.log(`Ingest of ${dir}: ${ingest.files.length + ingest.skipped.length} files`);
  for (const f of ingest.files) {
    console.log(
      `  ${f.file.padEnd(78)} ${String(f.format).padEnd(15)} ${String(f.records).padStart(6)} records ` +
        `${String(f.rejects).padStart(4)} rejects ${String(f.warnings).padStart(4)} warnings ` +
        `${f.ms.toFixed(0).padStart(5)} ms`,
    );
  }
  for (const line of summaryLines(report, values.out)) console.log(line);
  if (values.out) writeIngestReport(values.out, report);
  // CPU time as well as wall time: on a shared machine the wall clock mostly measures the neighbours.
  console.log(`time: ${totalMs.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU`);
}

main();
