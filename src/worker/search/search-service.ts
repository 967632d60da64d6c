/**
 * One search, end to end: understand the query, plan it once, score it on
 * every search shard (in this isolate for a single-shard index, through
 * Durable Objects for a sharded one), merge, page, and dress the hits. Pages
 * and the API both call this; neither goes over HTTP.
 */
import { RULE_WEIGHTS, type MatchRule } from "../../shared/search-config";
import { referenceToId } from "../../shared/reference";
import { stem } from "../../shared/text/stem";
import { variantKey } from "../../shared/text/variants";
import type { AssetStore } from "../asset-store";
import type { RecordStore } from "../record-store";
import { parseQuery, type ParsedQuery } from "./query-parser";
import { SearchLexicon, lexiconBeforeVocabulary, searchMeta } from "./search-index";
import { volumeColumn, volumeLists, type VolumeList, type Volumes } from "./volume-reads";
import {
  SEARCH_DEFAULTS,
  effectiveRules,
  planUnits,
  termsOfUnits,
  type EngineOptions,
  type MatchMode,
  type QueryPlan,
  type QueryUnit,
} from "./engine";
import { mergeBest, type ScoredDoc, type ShardResult, type UnitMatch } from "./scoring";
import { highlightTerms, snippetFor, type SnippetPart } from "./snippet";
import { cachedParse, cachedPlan } from "./plan-cache";
import { DiscoveryIdMap } from "../discovery/discovery-ids";
import { matchedWord, type MatchedWord } from "./explain-words";
import { archiveOfSeries, seriesNames } from "../series-directory";
import type { ShardRunner } from "./shard-runner";

export interface SearchRequest {
  q: string;
  limit: number;
  offset: number;
  series: string[];
  /** Archives (a record's `heldBy`): keeps the series they hold. */
  heldBy?: string[];
  from?: number;
  to?: number;
  match: MatchMode;
  synonyms: boolean;
  /** Rules to use (default all); lets users and the evaluation switch single rules off. */
  rules?: MatchRule[];
  explain: boolean;
  /** Hit order (default relevance); see `sortHits`. */
  sort?: SearchSort;
  /** Count every match, even when top-k could stop early. */
  exact?: boolean;
  /**
   * Show a file of several volumes once, as its best-matching volume with `volumes` and `volumeIds`
   * (default off here; the API and pages turn it on).
   */
  collapse?: boolean;
}

/** `relevance` (default), `date` (oldest first), `-date` (newest first), `reference` (catalogue order). */
export type SearchSort = "relevance" | "date" | "-date" | "reference";

/**
 * Matches a non-relevance sort orders: the best this many by relevance, so a
 * sort never scores more than an export may return.
 */
export const SORT_POOL = 10_000;

export interface SearchHit {
  id: string;
  reference: string;
  title: string;
  coveringDates: string | null;
  /** Parts, not HTML: the API writes its `snippet` string from them, pages render them directly. */
  snippet: SnippetPart[];
  score: number;
  /** With collapse: the file this hit stands for has this many volumes in the catalogue… */
  volumes?: number;
  /** …with these record ids, in catalogue order (this hit's among them). */
  volumeIds?: string[];
  /**
   * Per matched part: the rule, the index term (`via`) and, where one is found, the record `field` and catalogue
   * `word`.
   */
  explain?: { matched: number; parts: Array<Omit<UnitMatch, "field"> & Partial<MatchedWord>> };
}

export interface SearchResponse {
  query: {
    text: string;
    words: string[];
    match: MatchMode;
    synonyms: boolean;
    rules: MatchRule[];
    references: string[];
    phrases: string[][];
    exclude: string[];
    fields: ParsedQuery["fields"];
    series: string[];
    dates: { from: number; to: number; text: string; applied: "filter" | "boost" } | null;
    expansions: Array<{ unit: string; rule: string; to: string }>;
    /** With explain=1: how the hits are ordered, in a sentence. */
    ordering?: string;
  };
  /** Elasticsearch's convention: `gte` when top-k stopped early and the value is a lower bound. */
  total: { value: number; relation: "eq" | "gte" };
  /**
   * With collapse: the hits the collapsed list holds (a file of several volumes once), exact (`eq`) when every
   * match was collapsed, else a lower bound. Paging ends at `files.value` when it is exact, not at `total`.
   */
  files?: { value: number; relation: "eq" | "gte" };
  hits: SearchHit[];
  /** `scope: "top"` when facets count only the best candidates, not every match. */
  facets: {
    series: Record<string, number>;
    decade: Record<string, number>;
    heldBy: Record<string, number>;
    scope: "all" | "top";
  };
  /** Present when some search shards did not answer: the results are those of the others. */
  partial?: true;
  failedShards?: number[];
  tookMs: number;
}

export class SearchService {
  private readonly lexicon: SearchLexicon;
  private readonly discoveryIds: DiscoveryIdMap;

  constructor(
    private readonly records: RecordStore,
    private readonly assets: AssetStore,
    private readonly shards: ShardRunner,
  ) {
    this.lexicon = new SearchLexicon(assets);
    this.discoveryIds = new DiscoveryIdMap(assets);
  }

  /**
   * Starts the reads a search for `q` makes (planning's, the shards' term tables and filter columns, the term
   * chunks of the default plan, the volume column, the series archives, a small record table), for a cold
   * isolate's first request, so they run while the response caches are asked. Term chunks are all read before
   * any term is looked up, then looked up a term a task (`SearchIndex.prefetchShardTerms`; a field's lists are decoded
   * only when scoring reads them): one thread runs the isolate, and an answer from the response cache, which needs
   * none of them, does not wait behind them (docs/benchmarks-history.md, branches `cold4` and `cold5`). Settles when that is done, never rejecting: failures are left for the
   * search itself to meet and report. The caller keeps its request alive until then (`waitUntil`): workerd
   * cancels a read its request leaves running, and a later request waiting on the same shared read would hang.
   */
  warm(q: string): Promise<void> {
    const parsed = parseQuery(q);
    const opts = { mode: SEARCH_DEFAULTS.mode, rules: effectiveRules(SEARCH_DEFAULTS.mode, true), explain: false };
    // The words' own terms (literal, stem, variant key: what a default plan asks for of any word) are read as soon
    // as the term table is in, beside planning's reads; the plan's other terms (sound codes, expansions) once it is
    // made. The plan is the one a default search then takes from the plan cache.
    const words = parsed.words.filter((w) => w.length > 1).flatMap((w) => [w, stem(w), variantKey(w)]);
    return Promise.allSettled([
      this.shards.prefetch?.(words),
      // Most of the plan's other terms (sound codes of names, thesaurus expansions, nicknames, places) need only
      // the thesaurus: read once it is in, not after the lexicon and vocabulary the rest of planning waits for.
      planUnits(lexiconBeforeVocabulary(this.lexicon), parsed, opts).then((units) =>
        this.shards.prefetch?.(termsOfUnits(units)),
      ),
      this.plan(q, parsed, opts).then((units) => this.shards.prefetch?.(termsOfUnits(units))),
      // The series archives: the coordinator reads them between planning and fan-out.
      archiveOfSeries(this.assets),
      this.volumeColumn(),
      this.records.prefetchTable(),
    ]).then(() => {});
  }

  async search(req: SearchRequest): Promise<SearchResponse> {
    const t0 = performance.now();
    const meta = await searchMeta(this.assets);
    // A cold isolate's reads that need no plan start now, beside planning: the shards' term tables and filter
    // columns, and the volume column. Memoised, so a warm isolate pays nothing.
    void this.shards.prefetch?.();
    const volumesLoad = req.collapse ? this.volumeColumn() : Promise.resolve(null);
    // Awaited below; until then a failed read must not be an unhandled rejection.
    volumesLoad.catch(() => {});
    const q = cachedParse(req.q);
    const opts = { mode: req.match, rules: effectiveRules(req.match, req.synonyms, req.rules), explain: req.explain };
    // A copy: the cached plan is shared by every request for this query, and a year unit is added below.
    const units = [...(await this.plan(req.q, q, opts))];

    const referenceIds: QueryPlan["referenceIds"] = [];
    // Every item filed under the reference (or range): several items can share one. Looked up together.
    const itemsOf = async (ref: string) =>
      (await this.records.find(ref).catch(() => [])).map((r) => r.id).slice(0, SEARCH_DEFAULTS.maxReferenceDocs);
    const [named, yearOrPiece, discovered] = await Promise.all([
      Promise.all(q.references.map(itemsOf)),
      Promise.all(q.yearOrReference.map(itemsOf)),
      Promise.all(q.discoveryIds.map((did) => this.discoveryIds.dossierId(did))),
    ]);
    q.references.forEach((ref, k) => {
      for (const id of named[k]!) referenceIds.push({ id, ref });
    });
    q.discoveryIds.forEach((did, k) => {
      if (discovered[k]) referenceIds.push({ id: discovered[k], ref: did });
    });
    const references = [...q.references];
    let dated = q;
    q.yearOrReference.forEach((ref, k) => {
      if (!yearOrPiece[k]!.length) return;
      for (const id of yearOrPiece[k]!) referenceIds.push({ id, ref });
      references.push(ref);
      // "KV 2 1903" names a piece: its number is not the query's year.
      if (q.dates?.text === /\d+$/.exec(ref)![0]) dated = { ...q, dates: null };
    });
    const wanted = new Set([...req.series, ...q.series].map(referenceToId));
    const [archiveOf, names] = await Promise.all([archiveOfSeries(this.assets), seriesNames(this.assets)]);
    let series = wanted.size ? names.filter((s) => wanted.has(referenceToId(s))) : names;
    if (req.heldBy?.length) series = series.filter((s) => req.heldBy!.includes(archiveOf.get(s) ?? ""));
    const filtered = wanted.size > 0 || !!req.heldBy?.length;
    const plan: QueryPlan = {
      units,
      referenceIds,
      exclude: q.exclude,
      phrases: q.phrases,
      series: filtered ? series : [],
      ...(req.from !== undefined ? { from: req.from } : {}),
      ...(req.to !== undefined ? { to: req.to } : {}),
      dates: dated.dates
        ? { from: dated.dates.from, to: dated.dates.to, mode: "filter", ...(await this.yearUnit(dated, units)) }
        : null,
      explain: req.explain,
      docs: meta.docs,
      ...(req.exact ? { exact: true } : {}),
      keep: sorted(req)
        ? Math.max(SORT_POOL, req.offset + req.limit)
        : req.offset + req.limit * (req.collapse ? SEARCH_DEFAULTS.collapseFetch : 1),
      ...(req.sort === "date" || req.sort === "-date" ? { years: true } : {}),
    };
    // Named series or archives that do not exist must not widen the search to everything.
    if (filtered && !plan.series.length) plan.series = ["\u0000none"];

    let { results, failed } = await this.fanOut(plan);
    let dates: SearchResponse["query"]["dates"] = dated.dates ? { ...dated.dates, applied: "filter" } : null;
    // A query that is only a date filters: ranking everything by closeness to a year would answer anything.
    const onlyDate = units.length === 0 && referenceIds.length === 0;
    if (dated.dates && !onlyDate && sum(results, (r) => r.total) === 0 && sum(results, (r) => r.undated) > 0) {
      // Nothing falls in the named years: rank by closeness to them instead of answering nothing.
      plan.dates = { ...plan.dates!, mode: "boost" };
      ({ results, failed } = await this.fanOut(plan));
      dates = { ...dated.dates, applied: "boost" };
    }

    let merged = mergeHits(results, plan.keep);
    // The page's likely hits: their record-table pages are read while collapse reads the volume column. Awaited
    // before the answer (it never rejects): a read the request left running would be cancelled with it.
    const tablePages = sorted(req)
      ? undefined
      : this.records.prefetchPagesOf(merged.slice(req.offset, req.offset + req.limit).map((d) => d.doc));
    if (sorted(req))
      merged = sortHits(
        merged.slice(0, Math.max(SORT_POOL, req.offset + req.limit)),
        req.sort as Exclude<SearchSort, "relevance">,
      );
    const volumes = await volumesLoad;
    let files: SearchResponse["files"];
    // The groups of the hits collapse looked at, by doc (their pages of the column read, and no others).
    let groups = new Map<number, number>();
    if (volumes) {
      const need = req.offset + req.limit;
      const matches = () => sum(results, (r) => r.total);
      const inPool = () => plan.keep >= matches() && results.every((r) => r.totalExact);
      // Every match is in the pool, on few enough of the column's pages (no more than a page's pool of hits can
      // touch; a date sort's pool of 10,000 touches every page at 10M): its files are counted exactly, as the
      // pager needs, in one round.
      const pageDocs = volumes.index.pages.docs;
      const whole = () =>
        inPool() &&
        new Set(merged.slice(0, plan.keep).map((d) => Math.floor(d.doc / pageDocs))).size <=
          need * SEARCH_DEFAULTS.collapseFetch;
      // Only the best `keep` are the same whatever the shard count (each shard sends its own best `keep`):
      // collapsing beyond them would let a page depend on how the shards split the catalogue.
      // One file past the page: a count that stops early then still says whether another page follows.
      let best = await collapseBest(merged.slice(0, plan.keep), need + 1, whole(), volumes.groupsOf);
      // Too few files left for this page while the shards hold more matches: ask them for more, up to the sort pool.
      while (best.collapsed.length < need && plan.keep < matches() && plan.keep < SORT_POOL) {
        plan.keep = Math.min(SORT_POOL, plan.keep * SEARCH_DEFAULTS.collapseFetch);
        ({ results, failed } = await this.fanOut(plan));
        merged = mergeHits(results, plan.keep);
        if (sorted(req)) merged = sortHits(merged, req.sort as Exclude<SearchSort, "relevance">);
        best = await collapseBest(merged.slice(0, plan.keep), need + 1, whole(), volumes.groupsOf);
      }
      ({ groups } = best);
      merged = best.collapsed;
      files = { value: merged.length, relation: best.all && inPool() ? "eq" : "gte" };
    }
    const page = merged.slice(req.offset, req.offset + req.limit);
    // The page's records and its files' volume lists, read together.
    const [records, lists] = await Promise.all([
      this.records.byDocs(page.map((d) => d.doc)),
      volumes ? this.volumeLists(volumes, page, groups) : new Map<number, VolumeList>(),
    ]);
    await tablePages;
    const highlight = highlightTerms(units);
    const hits = page.map((d, i): SearchHit => {
      const r = records[i]!;
      const hit: SearchHit = {
        id: r.id,
        reference: r.reference,
        title: r.title,
        coveringDates: r.coveringDates,
        snippet: snippetFor(r, highlight),
        score: Math.round(d.score * 1000) / 1000,
      };
      const group = groups.get(d.doc);
      const list = group === undefined ? undefined : lists.get(group);
      if (list) {
        hit.volumes = list.count;
        hit.volumeIds = list.ids;
      }
      if (req.explain)
        hit.explain = { matched: d.matched, parts: d.parts.map((p) => ({ ...p, ...matchedWord(r, p) })) };
      return hit;
    });

    return {
      query: {
        text: req.q,
        words: q.words,
        match: req.match,
        synonyms: opts.rules.has("synonym"),
        rules: [...opts.rules],
        references,
        phrases: q.phrases,
        exclude: q.exclude,
        fields: q.fields,
        series: q.series,
        dates,
        expansions: units.flatMap((u) =>
          u.alternatives
            .filter((a) => a.rule === "synonym" || a.rule === "typo" || a.rule === "prefix")
            .map((a) => ({ unit: u.text, rule: a.rule, to: a.label })),
        ),
        ...(req.explain ? { ordering: orderingRule(req, dates?.applied ?? null) } : {}),
      },
      total: { value: sum(results, (r) => r.total), relation: results.every((r) => r.totalExact) ? "eq" : "gte" },
      ...(files ? { files } : {}),
      hits,
      facets: mergeFacets(results, archiveOf),
      ...(failed.length ? { partial: true as const, failedShards: failed } : {}),
      tookMs: Math.round((performance.now() - t0) * 100) / 100,
    };
  }

  /** The query's units for these options, through the per-isolate plan cache (shared with `warm`). */
  private async plan(text: string, q: ParsedQuery, opts: EngineOptions): Promise<QueryUnit[]> {
    let build = buildKeys.get(this.assets);
    if (build === undefined) {
      const meta = await searchMeta(this.assets);
      build = meta.fingerprint + (await this.assets.manifest()).version;
      buildKeys.set(this.assets, build);
    }
    return cachedPlan(build, text, opts.mode, opts.rules, () => planUnits(this.lexicon, q, opts));
  }

  /**
   * A single query year that the catalogue also holds as a word ("… 1963" and a title saying 1963) becomes a unit
   * of its own, so the year is a boost for records that name it, not only a filter on dates. Appended to `units`.
   */
  private async yearUnit(q: ParsedQuery, units: QueryUnit[]): Promise<{ yearUnit?: number }> {
    if (!q.dates || q.dates.from !== q.dates.to || !units.length) return {};
    const y = String(q.dates.from);
    if (!(await this.lexicon.has(y))) return {};
    units.push({
      text: y,
      words: [y],
      // Titles only: descriptions name years in passing (a life's dates, a JFK review's timestamp "1994.03.30"),
      // and let records dated decades away through the filter.
      alternatives: [{ terms: [{ term: y, fields: ["title"] }], rule: "exact", weight: 1, label: y }],
    });
    return { yearUnit: units.length - 1 };
  }

  /** The build's volume directory (doc → file of several volumes, a page of docs at a time); null without one. */
  private volumeColumn(): Promise<Volumes | null> {
    return volumeColumn(this.assets);
  }

  /**
   * Each file of several volumes among `hits` as a hit shows it (its volume count, its first volumes' ids), by group
   * (`groups`: the hits' groups by doc): only those groups' segments are read, once per isolate.
   */
  private volumeLists(
    volumes: Volumes,
    hits: ScoredDoc[],
    groups: Map<number, number>,
  ): Promise<Map<number, VolumeList>> {
    const wanted = hits.map((h) => groups.get(h.doc)).filter((g) => g !== undefined);
    return volumeLists(this.assets, volumes, wanted, SEARCH_DEFAULTS.volumeIdsShown);
  }

  /** Runs the plan on every shard; a shard that fails or times out is reported, never fatal unless all fail. */
  private async fanOut(plan: QueryPlan): Promise<{ results: ShardResult[]; failed: number[] }> {
    if (this.shards.count === 1) {
      // One shard (every catalogue up to about 125k records): its answer or its error, with no settling of a list.
      const result = await this.shards.run(0, plan).catch((e: unknown) => {
        console.error(`search: shard ${(this.shards.shardsOf?.(0) ?? [0]).join(", ")} failed`, e);
        throw e;
      });
      if (!result.missing?.length) return { results: [result], failed: [] };
      console.error(`search: shard ${result.missing.join(", ")} failed`, "the group's time ran out");
      return { results: [result], failed: [...result.missing].sort((a, b) => a - b) };
    }
    const settled = await Promise.allSettled(
      Array.from({ length: this.shards.count }, (_, k) => this.shards.run(k, plan)),
    );
    const results: ShardResult[] = [];
    const failed: number[] = [];
    settled.forEach((s, k) => {
      if (s.status === "fulfilled") {
        results.push(s.value);
        // A group whose time ran out answers with the shards it scored; the others count as failed.
        if (s.value.missing?.length) {
          failed.push(...s.value.missing);
          console.error(`search: shard ${s.value.missing.join(", ")} failed`, "the group's time ran out");
        }
      } else {
        // A unit may be a group of shards (see MAX_FANOUT): the answer names the shards it lacks.
        const shards = this.shards.shardsOf?.(k) ?? [k];
        failed.push(...shards);
        console.error(`search: shard ${shards.join(", ")} failed`, s.reason);
      }
    });
    if (!results.length) throw settled.find((s): s is PromiseRejectedResult => s.status === "rejected")!.reason;
    return { results, failed: failed.sort((a, b) => a - b) };
  }
}

/**
 * Each asset store's build key for the plan cache (the search fingerprint and the build's version): its manifest
 * never changes, and a warm search then finds its plan without waiting on the manifest twice.
 */
const buildKeys = new WeakMap<AssetStore, string>();

function sorted(req: SearchRequest): boolean {
  return req.sort !== undefined && req.sort !== "relevance";
}

/**
 * The sort stage, after scoring: reorders relevance-ranked matches by date or catalogue order. A hit's years come
 * with it from its shard (`QueryPlan.years`: the years of the shard's filter columns, the same the date filter
 * reads), so nothing is read here; a record with one known bound sorts by it, undated records come last either way,
 * and ties keep catalogue order. A hit without years (a plan that did not ask) sorts as undated.
 */
export function sortHits(docs: ScoredDoc[], sort: Exclude<SearchSort, "relevance">): ScoredDoc[] {
  if (sort === "reference") return [...docs].sort((a, b) => a.order - b.order);
  const yearOf = ({ startYear = 0, endYear = 0 }: ScoredDoc): number =>
    sort === "date" ? startYear || endYear : endYear || startYear;
  const sign = sort === "date" ? 1 : -1;
  const keyed = docs.map((d) => ({ d, y: yearOf(d) }));
  keyed.sort((a, b) => (a.y === 0 ? 1 : 0) - (b.y === 0 ? 1 : 0) || sign * (a.y - b.y) || a.d.order - b.d.order);
  return keyed.map((k) => k.d);
}

/** The shards' best `keep` hits in one list, best first. */
function mergeHits(results: ShardResult[], keep: number): ScoredDoc[] {
  return mergeBest(
    results.map((r) => r.top),
    keep,
  );
}

function sum<T>(xs: T[], f: (x: T) => number): number {
  return xs.reduce((a, x) => a + f(x), 0);
}

/** Merges shard facets; `heldBy` counts come from series counts, since each series is held by one archive. */
function mergeFacets(results: ShardResult[], archiveOf: Map<string, string>): SearchResponse["facets"] {
  // Maps, not objects: series names are catalogue text, and "constructor" or "__proto__" must count from 0.
  const scope = results.every((r) => r.facetsExact) ? "all" : "top";
  const heldBy = new Map<string, number>();
  if (results.length === 1) {
    // One shard (every catalogue up to about 125k records): its counts are the answer's, with no merging.
    const { series, decade } = results[0]!.facets;
    for (const [k, v] of Object.entries(series)) {
      const archive = archiveOf.get(k);
      if (archive) heldBy.set(archive, (heldBy.get(archive) ?? 0) + v);
    }
    return { series, decade, heldBy: Object.fromEntries(heldBy), scope };
  }
  const series = new Map<string, number>();
  const decade = new Map<string, number>();
  for (const r of results) {
    for (const [k, v] of Object.entries(r.facets.series)) series.set(k, (series.get(k) ?? 0) + v);
    for (const [k, v] of Object.entries(r.facets.decade)) decade.set(k, (decade.get(k) ?? 0) + v);
  }
  for (const [k, v] of series) {
    const archive = archiveOf.get(k);
    if (archive) heldBy.set(archive, (heldBy.get(archive) ?? 0) + v);
  }
  return {
    series: Object.fromEntries(series),
    decade: Object.fromEntries(decade),
    heldBy: Object.fromEntries(heldBy),
    scope,
  };
}

/**
 * Collapses the first hits of `pool` (the best, in order) into files until `need` files are seen, reading the groups
 * of as few hits as that takes: the first `need` hits, then twice the files still missing, or half the hits looked
 * at if more, each round. A file's volumes rarely fill a page, so one round is the rule, where reading every hit's
 * group read a page of the volume column for nearly every one of them (28 of 40 at ten million records, a request
 * each). `whole` reads the pool's groups in one round and
 * collapses all of it, for an exact count of files. `all`: every hit of the pool was looked at.
 *
 * @example
 * // docs 1 and 2 are volumes of file 7: the first two hits make one file, so a second round reads doc 3's group.
 * await collapseBest([{ doc: 1 }, { doc: 2 }, { doc: 3 }], 2, false, groupsOf) // collapsed: docs 1 and 3
 */
export async function collapseBest(
  pool: ScoredDoc[],
  need: number,
  whole: boolean,
  groupsOf: (docs: number[]) => Promise<Map<number, number>>,
): Promise<{ collapsed: ScoredDoc[]; groups: Map<number, number>; all: boolean }> {
  const groups = new Map<number, number>();
  let looked = 0;
  let collapsed: ScoredDoc[] = [];
  let batch = whole ? pool.length : Math.max(1, need);
  do {
    const next = pool.slice(looked, looked + batch);
    for (const [doc, g] of await groupsOf(next.map((d) => d.doc))) groups.set(doc, g);
    looked += next.length;
    collapsed = collapseVolumes(pool.slice(0, looked), (doc) => groups.get(doc));
    // Each hit adds a file at most, so the missing files' count is the fewest hits that can fill the page: twice that
    // spares a round where a volume or two of a shown file come next, and half the hits looked at so far bounds the
    // rounds (five for a first page's 40) where one file's volumes run on.
    batch = Math.max(2 * (need - collapsed.length), Math.ceil(looked / 2));
  } while (looked < pool.length && collapsed.length < need);
  return { collapsed, groups, all: looked >= pool.length };
}

/** Keeps the first (best) hit of each file of several volumes and drops its other volumes. */
export function collapseVolumes(hits: ScoredDoc[], groupOf: (doc: number) => number | undefined): ScoredDoc[] {
  const seen = new Set<number>();
  return hits.filter((h) => {
    const g = groupOf(h.doc);
    if (g === undefined) return true;
    if (seen.has(g)) return false;
    seen.add(g);
    return true;
  });
}

/** The sentence `explain=1` gives on how the hits are ordered: the rule the scorer applies, in words. */
export function orderingRule(req: Pick<SearchRequest, "sort" | "collapse">, dates: "filter" | "boost" | null): string {
  const byScore =
    "by score, highest first. A record's score sums, for each query word, its best match (rule confidence × " +
    "field weight × position in the field × rarity of the term; a variant or sound-alike match gains a " +
    `closeness share of up to ${RULE_WEIGHTS.closeness} when the record's own word is an edit from the query's), adds ` +
    `${SEARCH_DEFAULTS.proximityBonus} for each pair of query words found side by side, and keeps ` +
    `1 − ${SEARCH_DEFAULTS.coordination} × (words not matched ÷ query words) of the total; a reference named in ` +
    "the query comes before any text match" +
    (dates === "boost" ? ", and records dated nearer the query's years gain up to " + SEARCH_DEFAULTS.dateBoost : "") +
    (dates === "filter"
      ? `; a record with no date that matches every other word of the query keeps ${SEARCH_DEFAULTS.undatedYearShare} ` +
        "of its score, as it may or may not fall in the query's years"
      : "") +
    ". Equal scores keep catalogue order.";
  const sort = req.sort ?? "relevance";
  const head =
    sort === "relevance"
      ? `Hits are ordered ${byScore}`
      : `Hits are the best ${SORT_POOL.toLocaleString("en")} matches ordered ${byScore.split(".")[0]}, then sorted ` +
        (sort === "reference"
          ? "in catalogue order."
          : `by date, ${sort === "date" ? "oldest" : "newest"} first, undated last.`);
  return req.collapse ? `${head} A file of several volumes is shown once, at the place of its best volume.` : head;
}
