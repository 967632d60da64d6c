/**
 * One search, end to end: understand the query, score, filter, facet, page,
 * and dress the hits. Pages and the API both call this; neither goes over HTTP.
 */
import type { CatalogueRecord } from "../../shared/record";
import { RULE_WEIGHTS, type MatchRule } from "../../shared/search-config";
import { stem } from "../../shared/text/stem";
import { variantKey } from "../../shared/text/variants";
import { words } from "../../shared/text/fold";
import { referenceToId } from "../../shared/reference";
import type { RecordStore } from "../record-store";
import { parseQuery, type ParsedQuery } from "./query-parser";
import { SearchIndex, type FilterColumns } from "./search-index";
import { SEARCH_DEFAULTS, effectiveRules, excludedDocs, planUnits, referenceDocs, scoreUnits, type MatchMode, type ScoredDoc, type UnitMatch } from "./engine";
import { leadOf, snippetOf, type HighlightTerms } from "./snippet";

export interface SearchRequest {
  q: string;
  limit: number;
  offset: number;
  series: string[];
  from?: number;
  to?: number;
  match: MatchMode;
  synonyms: boolean;
  /** Rules to use (default all); lets users and the evaluation switch single rules off. */
  rules?: MatchRule[];
  explain: boolean;
}

export interface SearchHit {
  id: string;
  reference: string;
  title: string;
  coveringDates: string | null;
  snippet: string;
  score: number;
  explain?: { matched: number; parts: UnitMatch[] };
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
  };
  total: number;
  hits: SearchHit[];
  facets: { series: Record<string, number>; decade: Record<string, number> };
  tookMs: number;
}

export class SearchService {
  readonly index: SearchIndex;
  constructor(private readonly records: RecordStore, assets: ConstructorParameters<typeof SearchIndex>[0]) {
    this.index = new SearchIndex(assets);
  }

  async search(req: SearchRequest): Promise<SearchResponse> {
    const t0 = performance.now();
    const meta = await this.index.meta();
    const q = parseQuery(req.q);
    const opts = { mode: req.match, rules: effectiveRules(req.match, req.synonyms, req.rules), explain: req.explain };
    const units = await planUnits(this.index, q, opts);
    const scored = await scoreUnits(this.index, units, opts, meta.docs);

    const refDocs = await referenceDocs(this.index, q.references, async (ref) => (await this.records.lookup(ref).catch(() => [])).map((r) => r.id));
    for (const [doc, ref] of refDocs) {
      let d = scored.get(doc);
      if (!d) scored.set(doc, (d = { doc, score: 0, matched: 0, parts: [] }));
      d.score += SEARCH_DEFAULTS.referenceBoost;
      d.matched += 1;
      d.parts.push({ unit: ref, rule: "exact", via: `reference ${referenceToId(ref)}`, score: SEARCH_DEFAULTS.referenceBoost });
    }

    // Filters: series (parameter or series: prefix), explicit years, years named in the query.
    const cols = await this.index.filters();
    const seriesWanted = new Set([...req.series, ...q.series].map((s) => referenceToId(s)));
    const seriesOk = seriesWanted.size
      ? new Set(meta.seriesNames.map((s, i) => (seriesWanted.has(referenceToId(s)) ? i : -1)).filter((i) => i >= 0))
      : null;
    const overlaps = (doc: number, from?: number, to?: number) => {
      const s = cols.start[doc]!, e = cols.end[doc]!;
      if (from === undefined && to === undefined) return true;
      if (!s && !e) return false;
      return (to === undefined || s <= to) && (from === undefined || e >= from);
    };
    const excluded = q.exclude.length ? await excludedDocs(this.index, q.exclude) : null;

    const onlyFilters = units.length === 0 && refDocs.size === 0;
    let candidates: ScoredDoc[] = onlyFilters && (q.dates || req.from !== undefined || req.to !== undefined || seriesOk)
      ? Array.from({ length: meta.docs }, (_, doc) => ({ doc, score: 0, matched: 0, parts: [] }))
      : [...scored.values()];
    candidates = candidates.filter((d) => (!seriesOk || seriesOk.has(cols.series[d.doc]!)) && (!excluded || !excluded.has(d.doc)) && overlaps(d.doc, req.from, req.to));

    let dates: SearchResponse["query"]["dates"] = null;
    if (q.dates) {
      const { from, to, text } = q.dates;
      const inRange = candidates.filter((d) => overlaps(d.doc, from, to));
      if (inRange.length) {
        candidates = inRange;
        dates = { from, to, text, applied: "filter" };
      } else {
        dates = { from, to, text, applied: "boost" };
      }
    }

    if (q.phrases.length) candidates = await this.keepPhrases(candidates, q.phrases);

    const order = cols.order;
    candidates.sort((a, b) => b.matched - a.matched || b.score - a.score || order[a.doc]! - order[b.doc]!);
    const facets = facetsOf(candidates, cols, meta.seriesNames);
    const page = candidates.slice(req.offset, req.offset + req.limit);
    const records = await this.records.byDocs(page.map((d) => d.doc));
    const highlight = highlightTerms(units);

    const hits = page.map((d, i): SearchHit => {
      const r = records[i]!;
      const hit: SearchHit = {
        id: r.id, reference: r.reference, title: r.title, coveringDates: r.coveringDates,
        snippet: snippetOf(r.description, highlight) ?? snippetOf(r.title, highlight) ?? leadOf(r.description || r.title),
        score: Math.round(d.score * 1000) / 1000,
      };
      if (req.explain) hit.explain = { matched: d.matched, parts: d.parts };
      return hit;
    });

    return {
      query: {
        text: req.q, words: q.words, match: req.match, synonyms: opts.rules.has("synonym"), rules: [...opts.rules],
        references: q.references, phrases: q.phrases, exclude: q.exclude, fields: q.fields, series: q.series, dates,
        expansions: units.flatMap((u) => u.alternatives.filter((a) => a.rule === "synonym" || a.rule === "typo").map((a) => ({ unit: u.text, rule: a.rule, to: a.label }))),
      },
      total: candidates.length,
      hits,
      facets,
      tookMs: Math.round((performance.now() - t0) * 100) / 100,
    };
  }

  /** Keeps docs whose text holds each quoted phrase as consecutive words. Reads the candidates' records. */
  private async keepPhrases(candidates: ScoredDoc[], phrases: string[][]): Promise<ScoredDoc[]> {
    const limited = candidates.slice(0, 500);
    const records = await this.records.byDocs(limited.map((d) => d.doc));
    return limited.filter((_, i) => {
      const text = ` ${words(recordText(records[i]!)).join(" ")} `;
      return phrases.every((p) => text.includes(` ${p.join(" ")} `));
    });
  }
}

function recordText(r: CatalogueRecord): string {
  return [r.title, r.description, ...r.people, ...r.places, ...r.corporateNames, ...r.subjects].join(" ; ");
}

function highlightTerms(units: Awaited<ReturnType<typeof planUnits>>): HighlightTerms {
  const t: HighlightTerms = { literal: new Set(), stems: new Set(), variants: new Set() };
  for (const u of units) {
    for (const w of u.words) { t.literal.add(w); t.stems.add(stem(w)); t.variants.add(variantKey(w)); }
    for (const a of u.alternatives) {
      if (a.rule === "synonym") for (const x of a.terms) { t.literal.add(x.term); t.stems.add(stem(x.term)); }
      if (a.rule === "typo") for (const x of a.terms) t.literal.add(x.term);
    }
  }
  return t;
}

function facetsOf(docs: ScoredDoc[], cols: FilterColumns, seriesNames: string[]) {
  const series: Record<string, number> = {};
  const decade: Record<string, number> = {};
  for (const { doc } of docs) {
    const name = seriesNames[cols.series[doc]!]!;
    series[name] = (series[name] ?? 0) + 1;
    const s = cols.start[doc]!, e = cols.end[doc]! || s;
    // A record counts once in every decade its covering dates touch.
    if (s) for (let d = Math.floor(s / 10) * 10; d <= e; d += 10) decade[String(d)] = (decade[String(d)] ?? 0) + 1;
  }
  return { series, decade };
}

export { RULE_WEIGHTS };
