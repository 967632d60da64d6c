/**
 * One error shape for the whole API: `{ "error": { "code", "message", … } }`.
 * Handlers throw `ApiError`; `onError` turns anything else into a 500 that
 * never leaks a stack.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export type ErrorCode =
  | "bad_request" | "not_found" | "method_not_allowed" | "rate_limited"
  | "index_unavailable" | "internal" | "cursor_expired" | "not_acceptable";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    /** Extra members of the error object, such as `suggestions`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function errorBody(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, ...details } };
}

export function onError(err: Error, c: Context): Response {
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.details), err.status);
  if (err instanceof HTTPException) {
    const code: ErrorCode = err.status === 404 ? "not_found" : err.status === 405 ? "method_not_allowed" : err.status < 500 ? "bad_request" : "internal";
    return c.json(errorBody(code, err.message || "request rejected"), err.status as ContentfulStatusCode);
  }
  console.error("dossier: unhandled error", err);
  return c.json(errorBody("internal", "internal error; the request was logged"), 500);
}
