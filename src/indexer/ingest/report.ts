/**
 * What an ingest found, in full, as the JSON a build writes next to its
 * assets (dist/ingest-report.json), and the short summary it prints. The
 * console never lists issues one by one past a few examples: the report file
 * has every reject, warning and merge conflict with file, line and field.
 */
import type { CatalogueIngest, FileSummary, MergeConflict } from "./index";
import type { IngestIssue } from "./normalise";

export const INGEST_REPORT_VERSION = 1;

/**
 * @example
 * { version: 1, summary: { records: 27329, rejects: 0, warnings: 2, … },
 *   rejects: [], warnings: [{ file: "nara-jfk/2022.csv", line: 12233, field: "Doc Date", reason: "…" }], … }
 */
export interface IngestReport {
  version: number;
  summary: {
    files: number;
    /** Records read, before merging duplicates. */
    read: number;
    /** Records after merging: what the build serves. */
    records: number;
    perSource: Record<string, number>;
    rejects: number;
    warnings: number;
    skipped: number;
    merges: number;
    conflicts: number;
    distinctItems: number;
  };
  files: FileSummary[];
  rejects: IngestIssue[];
  warnings: IngestIssue[];
  skipped: IngestIssue[];
  /** Every merge where the records disagreed: the value kept and the values dropped, each with its `file:line`. */
  conflicts: Array<{ id: string; reference: string } & MergeConflict>;
  merges: Array<{ id: string; reference: string; sources: string[] }>;
}

/** `records`: the records after merging, where `ingest` does not hold them (a build spills them as read). */
export function ingestReport(
  ingest: Omit<CatalogueIngest, "records"> & { records?: unknown[] },
  records = ingest.records?.length ?? 0,
): IngestReport {
  const conflicts = ingest.merges.flatMap((m) =>
    (m.conflicts ?? []).map((c) => ({ id: m.id, reference: m.reference, ...c })),
  );
  return {
    version: INGEST_REPORT_VERSION,
    summary: {
      files: ingest.files.length,
      read: ingest.files.reduce((n, f) => n + f.records, 0),
      records,
      perSource: Object.fromEntries([...ingest.perSource].sort()),
      rejects: ingest.rejects.length,
      warnings: ingest.warnings.length,
      skipped: ingest.skipped.length,
      merges: ingest.merges.length,
      conflicts: conflicts.length,
      distinctItems: ingest.distinct.reduce((n, d) => n + d.items.length, 0),
    },
    files: ingest.files.map((f) => ({ ...f, ms: Math.round(f.ms) })),
    rejects: ingest.rejects,
    warnings: ingest.warnings,
    skipped: ingest.skipped,
    conflicts,
    merges: ingest.merges.map(({ id, reference, sources }) => ({ id, reference, sources })),
  };
}

/** A reason with its specific values taken out, so like problems count together. */
export function reasonShape(reason: string): string {
  return reason
    .replace(/"(?:[^"\\]|\\.)*"/g, "…")
    .replace(/\b\d[\d/:.-]*\b/g, "N")
    .replace(/\s+/g, " ");
}

function grouped(issues: IngestIssue[]): Array<[string, number, IngestIssue]> {
  const groups = new Map<string, [string, number, IngestIssue]>();
  for (const i of issues) {
    const key = `${i.field}: ${reasonShape(i.reason)}`;
    const g = groups.get(key);
    if (g) g[1]++;
    else groups.set(key, [key, 1, i]);
  }
  return [...groups.values()].sort((a, b) => b[1] - a[1]);
}

const short = (value: unknown): string => {
  const s = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
};

/**
 * The console summary: counts per source, then rejects, warnings and merge
 * conflicts as counts per kind with one example each, pointing at the report
 * file for the full lists.
 */
export function summaryLines(report: IngestReport, reportPath?: string): string[] {
  const s = report.summary;
  const out: string[] = [];
  out.push(`ingest: ${s.files} files, ${s.read} records read, ${s.records} after merging`);
  for (const [source, n] of Object.entries(s.perSource)) out.push(`  ${source}: ${n} read`);
  for (const f of report.skipped) out.push(`  skipped ${f.file}: ${f.reason}`);
  const section = (title: string, issues: IngestIssue[]): void => {
    if (issues.length === 0) return;
    out.push(`${title}: ${issues.length}`);
    for (const [key, n, example] of grouped(issues)) {
      out.push(`  ${String(n).padStart(6)}  ${key}`);
      out.push(`          e.g. ${example.file}:${example.line} ${example.reason}`);
    }
  };
  section("rejected rows", report.rejects);
  section("warnings (rows kept)", report.warnings);
  out.push(
    `merges: ${s.merges} references had duplicates; ${s.conflicts} field conflicts; ${s.distinctItems} distinct ` +
      `items kept apart`,
  );
  const byField = new Map<string, number>();
  for (const c of report.conflicts) byField.set(c.field, (byField.get(c.field) ?? 0) + 1);
  for (const [field, n] of [...byField].sort((a, b) => b[1] - a[1])) {
    const c = report.conflicts.find((x) => x.field === field)!;
    out.push(
      `  ${String(n).padStart(6)}  ${field}: e.g. ${c.reference} kept ${short(c.kept.value)} from ${c.kept.from}, ` +
        `dropped ${c.dropped.map((d) => `${short(d.value)} from ${d.from}`).join(", ")}`,
    );
  }
  if (reportPath) out.push(`full list of rejects, warnings and conflicts: ${reportPath}`);
  return out;
}
