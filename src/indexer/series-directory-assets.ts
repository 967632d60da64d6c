/**
 * Writes the series directory (see shared/manifest.ts, `SeriesDirectory`): the series as a paged table by key,
 * a summary per archive for the browse pages, and each series' archive for search. None of it is in the
 * manifest root, so the root stays the same size whether a catalogue has 3 series or 30,000. Node only.
 */
import {
  SERIES_BROWSE_PAGE,
  SERIES_SUMMARY_TOP,
  type ArchiveSummary,
  type SeriesArchives,
  type SeriesBrief,
  type SeriesDirectory,
  type SeriesEntry,
  type SeriesSummary,
} from "../shared/manifest";
import type { AssetWriter } from "./content-hash";
import { writePagedTable } from "./paged-table-assets";

/** `series` in catalogue order (as the search filters' series names are). */
export function writeSeriesDirectory(series: SeriesEntry[], out: Pick<AssetWriter, "addJson">): SeriesDirectory {
  const table = writePagedTable(
    out,
    "series/dir",
    "page",
    series.map((s): [string, SeriesEntry] => [s.key, s]),
  );
  const byArchive = new Map<string | null, SeriesEntry[]>();
  for (const s of series) {
    const name = s.heldBy ?? null;
    let list = byArchive.get(name);
    if (!list) byArchive.set(name, (list = []));
    list.push(s);
  }
  // Biggest first, ties in catalogue order (the sort is stable): what the home page did with the whole list.
  const archives = [...byArchive]
    .map(([name, list]) => ({ name, list: [...list].sort((a, b) => b.count - a.count) }))
    .map((a) => ({ ...a, records: a.list.reduce((n, s) => n + s.count, 0) }))
    .sort((a, b) => b.records - a.records);
  const summary: SeriesSummary = {
    archives: archives.map((a, i): ArchiveSummary => {
      const briefs = a.list.map((s): SeriesBrief => [s.key, s.name, s.count]);
      const pages: string[] = [];
      for (let p = 0; p * SERIES_BROWSE_PAGE < briefs.length; p++) {
        pages.push(
          out.addJson("series/browse", `${i}-${p}`, briefs.slice(p * SERIES_BROWSE_PAGE, (p + 1) * SERIES_BROWSE_PAGE)),
        );
      }
      return {
        name: a.name,
        records: a.records,
        series: a.list.length,
        top: briefs.slice(0, SERIES_SUMMARY_TOP),
        pages,
      };
    }),
    example: [...series].sort((a, b) => b.count - a.count)[0]?.first ?? null,
  };
  const archiveNames = [...new Set(series.flatMap((s) => (s.heldBy ? [s.heldBy] : [])))];
  const index = new Map(archiveNames.map((n, i) => [n, i]));
  const archiveOf: SeriesArchives = {
    archives: archiveNames,
    names: series.map((s) => s.name),
    of: series.map((s) => (s.heldBy ? index.get(s.heldBy)! : -1)),
  };
  return {
    count: series.length,
    table,
    summary: out.addJson("series/summary", "summary", summary),
    archives: out.addJson("series/archives", "archives", archiveOf),
  };
}
