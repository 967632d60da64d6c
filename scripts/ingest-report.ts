/**
 * Ingests every file under a directory and prints what came out: records per
 * format and source, rejects (first 20, and counts grouped by reason),
 * skipped files with the reason, merges and time taken.
 *
 *   npx tsx scripts/ingest-report.ts /work/shared/corpora
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { ingestText, mergeDuplicates, type IngestReject, type SourceFormat } from "../src/build/ingest/index";
import { walk } from "../src/build/build-catalogue";
import type { CatalogueRecord } from "../src/shared/record";

/** A reject reason with the specific values taken out, so like problems count together. */
function reasonShape(reason: string): string {
  return reason
    .replace(/"(?:[^"\\]|\\.)*"/g, "…")
    .replace(/\b\d[\d/:.-]*\b/g, "N")
    .replace(/\s+/g, " ");
}

function main(): void {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: npx tsx scripts/ingest-report.ts <dir>");
    process.exit(2);
  }
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const files = walk(dir);
  const perFormat = new Map<SourceFormat, { files: number; records: number; rejects: number }>();
  const all: Array<{ record: CatalogueRecord; origin: string }> = [];
  const rejects: IngestReject[] = [];
  const skipped: IngestReject[] = [];
  const fileLines: string[] = [];
  let readMs = 0;
  for (const path of files) {
    const file = relative(dir, path);
    const r0 = performance.now();
    const text = readFileSync(path, "utf8");
    readMs += performance.now() - r0;
    const p0 = performance.now();
    const result = ingestText(text, file);
    const ms = performance.now() - p0;
    if (result.format === null) {
      skipped.push(...result.rejects);
      continue;
    }
    const f = perFormat.get(result.format) ?? { files: 0, records: 0, rejects: 0 };
    f.files++;
    f.records += result.records.length;
    f.rejects += result.rejects.length;
    perFormat.set(result.format, f);
    rejects.push(...result.rejects);
    result.records.forEach((record, i) => all.push({ record, origin: result.origins[i]! }));
    fileLines.push(`  ${file.padEnd(70)} ${result.format.padEnd(15)} ${String(result.records.length).padStart(6)} records ${String(result.rejects.length).padStart(4)} rejects ${ms.toFixed(0).padStart(5)} ms`);
  }
  const m0 = performance.now();
  const { records, merges } = mergeDuplicates(all);
  const mergeMs = performance.now() - m0;
  const totalMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);

  console.log(`Ingest of ${dir}: ${files.length} files`);
  console.log("\nFiles:");
  for (const l of fileLines) console.log(l);

  console.log("\nRecords per format (before merging):");
  for (const [format, f] of [...perFormat].sort()) {
    console.log(`  ${format.padEnd(15)} ${String(f.records).padStart(6)} records from ${f.files} file(s), ${f.rejects} rejects`);
  }
  const bySource = new Map<string, { before: number; after: number }>();
  for (const { record } of all) {
    const s = bySource.get(record.source.name) ?? { before: 0, after: 0 };
    s.before++;
    bySource.set(record.source.name, s);
  }
  for (const r of records) bySource.get(r.source.name)!.after++;
  console.log("\nRecords per source (before -> after merging; a merged record counts under its first source):");
  for (const [name, s] of [...bySource].sort()) console.log(`  ${name.padEnd(18)} ${String(s.before).padStart(6)} -> ${String(s.after).padStart(6)}`);
  console.log(`  ${"total".padEnd(18)} ${String(all.length).padStart(6)} -> ${String(records.length).padStart(6)}`);

  console.log(`\nSkipped files (no supported format): ${skipped.length}`);
  for (const s of skipped) console.log(`  ${s.file}: ${s.reason}`);

  console.log(`\nRejects: ${rejects.length}`);
  for (const r of rejects.slice(0, 20)) console.log(`  ${r.file}:${r.line} ${r.field}: ${r.reason}`);
  if (rejects.length > 20) console.log(`  … ${rejects.length - 20} more`);
  const grouped = new Map<string, number>();
  for (const r of rejects) {
    const key = `${r.field}: ${reasonShape(r.reason)}`;
    grouped.set(key, (grouped.get(key) ?? 0) + 1);
  }
  if (grouped.size > 0) {
    console.log("  grouped by field and reason:");
    for (const [key, n] of [...grouped].sort((a, b) => b[1] - a[1])) console.log(`    ${String(n).padStart(5)}  ${key}`);
  }

  const withConflicts = merges.filter((m) => m.conflicts);
  const crossSource = merges.filter((m) => new Set(m.sources.map((s) => s.split(/[\\/]/)[0])).size > 1);
  console.log(`\nMerges: ${merges.length} ids had duplicates (${all.length - records.length} records folded in); ${crossSource.length} span more than one corpus folder; ${withConflicts.length} had conflicting values`);
  const conflictCounts = new Map<string, number>();
  for (const m of withConflicts) for (const c of m.conflicts!) conflictCounts.set(c, (conflictCounts.get(c) ?? 0) + 1);
  if (conflictCounts.size > 0) {
    console.log(`  conflicting fields: ${[...conflictCounts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ")}`);
  }
  for (const m of merges.slice(0, 5)) console.log(`  ${m.reference} (${m.id}): ${m.sources.join(", ")}${m.conflicts ? ` conflicts: ${m.conflicts.join(", ")}` : ""}`);

  // CPU time as well as wall time: on a shared machine the wall clock mostly measures the neighbours.
  console.log(`\nTime: ${totalMs.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU (reading ${readMs.toFixed(0)} ms, merging ${mergeMs.toFixed(0)} ms)`);
}

main();
