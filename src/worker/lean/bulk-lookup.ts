/**
 * Bulk lookup: many references (and ranges) in one request. The answer is
 * one list in catalogue order, each record once, and the references that
 * named nothing; it does not depend on the order the references came in, so
 * the response cache (which sorts query parameters) may share it.
 */
import type { CatalogueRecord } from "../../shared/record";
import { compareReferences } from "../../shared/reference";
import { ApiError } from "../errors";
import type { RecordStore } from "../record-store";

/** The most references one lookup may carry. */
export const MAX_BULK_REFS = 100;
/** The most records one bulk lookup may return: ranges multiply quickly (100 × 500). */
export const MAX_BULK_RECORDS = 1000;

export interface BulkLookupResult {
  records: CatalogueRecord[];
  notFound: Array<{ ref: string; suggestions: string[] }>;
}

export async function bulkLookup(store: RecordStore, refs: string[]): Promise<BulkLookupResult> {
  if (refs.length > MAX_BULK_REFS)
    throw new ApiError(
      400,
      "bad_request",
      `lookup: ${refs.length} references; at most ${MAX_BULK_REFS} in one request`,
    );
  const unique = [...new Set(refs)];
  const answers = await Promise.all(
    unique.map(async (ref) => {
      try {
        return { ref, records: await store.lookup(ref) };
      } catch (e) {
        // A missing reference is part of the answer; a malformed or oversized one fails the request.
        if (e instanceof ApiError && e.status === 404)
          return { ref, records: [], suggestions: (e.details.suggestions as string[] | undefined) ?? [] };
        if (e instanceof ApiError) throw new ApiError(e.status, e.code, `${e.message} (in ref "${ref}")`, e.details);
        throw e;
      }
    }),
  );
  const byId = new Map<string, CatalogueRecord>();
  for (const a of answers) for (const r of a.records) byId.set(r.id, r);
  if (byId.size > MAX_BULK_RECORDS) {
    throw new ApiError(
      400,
      "bad_request",
      `lookup: the references name ${byId.size} records; at most ${MAX_BULK_RECORDS} in one request, so split it`,
    );
  }
  const records = [...byId.values()].sort(
    (a, b) => compareReferences(a.reference, b.reference) || compareReferences(a.id, b.id),
  );
  const notFound = answers
    .filter((a) => a.records.length === 0)
    .map((a) => ({ ref: a.ref, suggestions: a.suggestions ?? [] }))
    .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  if (!records.length) {
    throw new ApiError(404, "not_found", `lookup: none of the ${unique.length} references names a record`, {
      notFound,
    });
  }
  return { records, notFound };
}
