/**
 * Opaque paging cursors. A cursor names a position in one query's ranked
 * list under one index version: ranking ties break on catalogue order, so
 * within a version the list is fixed and a position stays meaningful. After
 * a deploy (a new index version) the list may differ, so an old cursor is
 * refused with 400 `cursor_expired` rather than silently skipping or
 * repeating hits.
 *
 * @example
 * const c = encodeCursor({ version: "3f2a…", offset: 20, query: fingerprint });
 * decodeCursor(c, "3f2a…", fingerprint); // 20
 */
import { fnv1a32 } from "../../shared/hash";
import { ApiError } from "../errors";

/** How deep a cursor may page: each page re-scores and keeps offset + limit hits per shard. */
export const MAX_CURSOR_DEPTH = 100_000;

const CURSOR_FORMAT = 1;

export interface CursorState {
  version: string;
  offset: number;
  /** `queryFingerprint` of the request the cursor continues. */
  query: string;
}

/** A short hash of what decides a ranked list (query, filters, rules, sort), not of the page size. */
export function queryFingerprint(parts: Record<string, unknown>): string {
  const keys = Object.keys(parts).sort();
  return fnv1a32(JSON.stringify(keys.map((k) => [k, parts[k] ?? null]))).toString(36);
}

export function encodeCursor(s: CursorState): string {
  return toBase64Url(JSON.stringify([CURSOR_FORMAT, s.version, s.offset, s.query]));
}

/** The offset a cursor continues from; a 400 naming what is wrong otherwise. */
export function decodeCursor(raw: string, version: string, query: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromBase64Url(raw));
  } catch {
    throw new ApiError(
      400,
      "bad_request",
      "cursor: not a cursor this API issued; pass nextCursor from a previous answer unchanged",
    );
  }
  if (
    !Array.isArray(parsed) ||
    parsed[0] !== CURSOR_FORMAT ||
    typeof parsed[1] !== "string" ||
    typeof parsed[3] !== "string" ||
    !Number.isInteger(parsed[2]) ||
    parsed[2] < 0 ||
    parsed[2] > MAX_CURSOR_DEPTH
  ) {
    throw new ApiError(
      400,
      "bad_request",
      "cursor: not a cursor this API issued; pass nextCursor from a previous answer unchanged",
    );
  }
  if (parsed[1] !== version) {
    throw new ApiError(
      400,
      "cursor_expired",
      "cursor: the index has been rebuilt since this cursor was issued; start again without a cursor",
    );
  }
  if (parsed[3] !== query) {
    throw new ApiError(
      400,
      "bad_request",
      "cursor: issued for another query, filter or sort; send the same parameters with it",
    );
  }
  return parsed[2] as number;
}

function toBase64Url(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

function fromBase64Url(raw: string): string {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(raw)) throw new Error("not base64url");
  const bin = atob(raw.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
    Uint8Array.from(bin, (ch) => ch.charCodeAt(0)),
  );
}
