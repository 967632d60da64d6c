/**
 * Lean search answers: `fields=` widens or trims each hit (any record field,
 * read from the record store only when a hit lacks it), and `compact=1`
 * leaves out the snippet, explain, query echo and facets unless asked for.
 */
import type { RecordStore } from "../record-store";
import type { SearchHit, SearchResponse } from "../search/search-service";
import { snippetHtml } from "../../shared/snippet-parts";
import { HIT_OWN_FIELDS, pickFields } from "./field-selection";

export interface LeanOptions {
  /** Fields per hit, from `parseFields`; undefined keeps the default hit. */
  fields?: string[];
  compact: boolean;
  /** Top-level parts a compact answer keeps: `query`, `facets`. */
  include: ReadonlySet<string>;
  /** explain=1 asks for explain, so compact keeps it. */
  explain: boolean;
}

/** Hits with the chosen fields, in rank order. */
export async function shapeHits(
  hits: SearchHit[],
  opts: LeanOptions,
  records: RecordStore,
): Promise<Array<Record<string, unknown>>> {
  const { fields } = opts;
  if (fields) {
    const needRecord = fields.some((f) => !HIT_OWN_FIELDS.has(f));
    const full = needRecord ? await Promise.all(hits.map((h) => records.get(h.id))) : [];
    const parts = fields.includes("snippetParts");
    return hits.map((h, i) =>
      pickFields(needRecord && full[i] ? { ...full[i], ...apiHit(h, parts) } : apiHit(h, parts), fields),
    );
  }
  if (!opts.compact) return hits.map((h) => apiHit(h, false));
  return hits.map(({ snippet: _snippet, explain, ...rest }) => (opts.explain && explain ? { ...rest, explain } : rest));
}

/** A hit as the API writes it: the snippet as HTML, and as parts too when fields= names snippetParts. */
function apiHit(h: SearchHit, parts: boolean): Record<string, unknown> {
  return { ...h, snippet: snippetHtml(h.snippet), ...(parts ? { snippetParts: h.snippet } : {}) };
}

/** The whole answer: full by default, compact on request; `nextCursor` when more hits follow. */
export async function shapeSearchAnswer(
  result: SearchResponse,
  opts: LeanOptions,
  records: RecordStore,
  nextCursor: string | null,
) {
  const hits = await shapeHits(result.hits, opts, records);
  const more = nextCursor ? { nextCursor } : {};
  if (!opts.compact) return { ...result, hits, ...more };
  const { query, facets, hits: _hits, ...rest } = result;
  return {
    ...(opts.include.has("query") ? { query } : {}),
    ...rest,
    hits,
    ...(opts.include.has("facets") ? { facets } : {}),
    ...more,
  };
}
