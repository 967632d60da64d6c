/**
 * The series listings (`/api/series/:key` pages of SERIES_PAGE_SIZE records, in catalogue order) gathered without
 * holding the catalogue: every record's listing entry goes into sorted runs on disk (sorted-runs.ts) keyed by its
 * series number and its catalogue rank, and each series is read back in order, a page at a time. Held in a Map of
 * arrays, the entries of ten million records (four strings each) did not fit the worker thread's heap.
 *
 * The order is writeRecordStore's before: by reference (compareReferenceRuns), then by id where references tie.
 * The catalogue rank (the plan's `catalogueOrder`) orders by reference and ranks tied references by doc number,
 * so each run of tied references is sorted by id as it is read back.
 */
import { SERIES_PAGE_SIZE, type SeriesEntry, type SeriesPage, type SeriesPageEntry } from "../shared/manifest";
import { compareReferences, referenceRuns, referenceToId } from "../shared/reference";
import type { AssetWriter } from "./content-hash";
import { compareReferenceRuns } from "./reference-order";
import { SpilledRuns } from "./sorted-runs";

/** Entries held before a run is spilled: about 30 MB of entries. */
const SERIES_BLOCK_ENTRIES = 100_000;

/** A listing entry and the first holding institution of its record (a series' is its first record's). */
type Listed = [entry: SeriesPageEntry, heldBy: string | null];

/** Digits of the fixed-width numbers in a run key, so the keys' string order is their numeric order. */
const SERIES_DIGITS = 9;
const RANK_DIGITS = 10;

export class SeriesListing {
  private readonly series = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly counts: number[] = [];
  private readonly runs: SpilledRuns<Listed>;

  /**
   * @param rankOf each doc's rank in catalogue order (SearchPlan.catalogueOrder)
   * @param pathPrefix where the sorted runs go (runsPathNear)
   */
  constructor(
    private readonly rankOf: ArrayLike<number>,
    pathPrefix: string,
    blockEntries = SERIES_BLOCK_ENTRIES,
  ) {
    this.runs = new SpilledRuns<Listed>(pathPrefix, blockEntries, () => {
      throw new Error("series-listing: two entries with one series and one catalogue rank");
    });
  }

  /** Lists doc `doc` (docs in any order) under its series. */
  add(doc: number, series: string, entry: SeriesPageEntry, heldBy: string | null): void {
    let s = this.series.get(series);
    if (s === undefined) {
      this.series.set(series, (s = this.names.length));
      this.names.push(series);
      this.counts.push(0);
    }
    this.counts[s]!++;
    const rank = this.rankOf[doc];
    if (rank === undefined) throw new Error(`series-listing: doc ${doc} has no catalogue rank`);
    this.runs.addNew(`${String(s).padStart(SERIES_DIGITS, "0")}${String(rank).padStart(RANK_DIGITS, "0")}`, [
      entry,
      heldBy,
    ]);
  }

  /** Writes every series' pages and page list; the series in catalogue order of their names, for the directory. */
  finish(out: AssetWriter): SeriesEntry[] {
    const made: Array<SeriesEntry | undefined> = new Array(this.names.length);
    let current = -1;
    let page: SeriesPageEntry[] = [];
    let pages: SeriesPage[] = [];
    let heldBy: string | null = null;
    // Entries whose references tie (compareReferenceRuns), held until a different one comes, then sorted by id.
    let tied: Listed[] = [];
    let tiedRuns: readonly string[] | null = null;
    const key = () => referenceToId(this.names[current]!);
    const flushPage = () => {
      pages.push({ path: out.addJson("series", `${key()}-${pages.length}`, page), first: page[0]![1] });
      page = [];
    };
    const flushTied = () => {
      if (tied.length > 1) tied.sort((a, b) => compareReferences(a[0][0], b[0][0]));
      for (const [entry, held] of tied) {
        // A series is held where its first record is.
        if (!pages.length && !page.length) heldBy = held;
        page.push(entry);
        if (page.length === SERIES_PAGE_SIZE) flushPage();
      }
      tied = [];
      tiedRuns = null;
    };
    const endSeries = () => {
      if (current < 0) return;
      flushTied();
      if (page.length) flushPage();
      // The page list grows with the series (a page per 500 records): it lives outside the manifest root.
      const pageList = out.addJson("series/lists", key(), pages);
      made[current] = {
        name: this.names[current]!,
        key: key(),
        count: this.counts[current]!,
        first: pages[0]!.first,
        pageList,
        heldBy,
      };
      pages = [];
    };
    for (const [runKey, listed] of this.runs.sorted()) {
      const s = Number(runKey.slice(0, SERIES_DIGITS));
      if (s !== current) {
        endSeries();
        current = s;
      }
      const runs = referenceRuns(listed[0][1]);
      if (tiedRuns && compareReferenceRuns(tiedRuns, runs) !== 0) flushTied();
      tied.push(listed);
      tiedRuns = runs;
    }
    endSeries();
    return made.filter((e): e is SeriesEntry => e !== undefined).sort((a, b) => compareReferences(a.name, b.name));
  }

  /** Deletes the runs' scratch files (a build that failed before finish). */
  remove(): void {
    this.runs.remove();
  }
}
