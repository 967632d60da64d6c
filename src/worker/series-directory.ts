/**
 * The Worker's reads of the series directory (shared/manifest.ts, `SeriesDirectory`): a series by key from its
 * table page, the per-archive summary for browsing, each series' archive for search. The manifest root names
 * only these files, so a catalogue of thousands of series costs a new isolate nothing until it needs them.
 */
import type { Manifest, SeriesArchives, SeriesBrief, SeriesEntry, SeriesSummary } from "../shared/manifest";
import type { AssetStore } from "./asset-store";

/** The series whose key is `key` (e.g. `kv-2`), or null: one table page. */
export async function seriesByKey(assets: AssetStore, key: string): Promise<SeriesEntry | null> {
  const m = await assets.manifest();
  return (await assets.tableGet<SeriesEntry>(m.series.table, key)) ?? null;
}

/**
 * The series with the longest key that is `key` or a prefix of it ending at a run boundary (`kv-2-1234` is in
 * `kv-2`): one probe per boundary, longest first, each a page of the table (held after the first read).
 */
export async function seriesOfKey(assets: AssetStore, key: string): Promise<SeriesEntry | null> {
  for (let end = key.length; end > 0; end = key.lastIndexOf("-", end - 1)) {
    const found = await seriesByKey(assets, key.slice(0, end));
    if (found) return found;
  }
  return null;
}

/** Every series, in no set order: for the rare answer that must compare against all (a 404's suggestions). */
export async function allSeries(assets: AssetStore): Promise<SeriesEntry[]> {
  const m = await assets.manifest();
  return [...(await assets.tableEntries<SeriesEntry>(m.series.table)).values()];
}

/** What the home page and the series index show: per archive, its size and biggest series. */
export async function seriesSummary(assets: AssetStore, m?: Manifest): Promise<SeriesSummary> {
  return assets.json<SeriesSummary>((m ?? (await assets.manifest())).series.summary);
}

/** One page of an archive's series list, biggest first (empty past the end). */
export async function archiveSeriesList(
  assets: AssetStore,
  archive: number,
  page: number,
): Promise<{ summary: SeriesSummary; list: SeriesBrief[] }> {
  const summary = await seriesSummary(assets);
  const path = summary.archives[archive]?.pages[page];
  return { summary, list: path ? await assets.json<SeriesBrief[]>(path) : [] };
}

interface ArchivesRead {
  names: string[];
  archiveOf: Map<string, string>;
}

/** The series archives file, parsed once per isolate and build (held like any chunk; always this one `derive`). */
async function archivesRead(assets: AssetStore): Promise<ArchivesRead> {
  const m = await assets.manifest();
  return assets.json<ArchivesRead>(m.series.archives, (raw) => {
    const a = raw as SeriesArchives;
    const archiveOf = new Map<string, string>();
    a.names.forEach((name, i) => {
      const k = a.of[i]!;
      if (k >= 0) archiveOf.set(name, a.archives[k]!);
    });
    return { names: a.names, archiveOf };
  });
}

/** Series name → holding archive: search's archive filter and facet. */
export async function archiveOfSeries(assets: AssetStore): Promise<Map<string, string>> {
  return (await archivesRead(assets)).archiveOf;
}

/** Every series name, in catalogue order. */
export async function seriesNames(assets: AssetStore): Promise<string[]> {
  return (await archivesRead(assets)).names;
}
