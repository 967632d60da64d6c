/**
 * One error shape for the whole API: `{ "error": { "code", "message", … } }`.
 * Handlers and middleware throw `ApiError`; the error handler turns anything
 * else into a 500 that never leaks a stack. Pages get the same status and
 * message as an HTML page instead, through a renderer the app passes in.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export type ErrorCode =
  | "bad_request"
  | "not_found"
  | "method_not_allowed"
  | "uri_too_long"
  | "rate_limited"
  | "index_unavailable"
  | "internal"
  | "cursor_expired"
  | "not_acceptable";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    /** Extra members of the error object, such as `suggestions`. */
    readonly details: Record<string, unknown> = {},
    /** Headers the answer must carry, such as `Allow` on a 405 or `Retry-After` on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorBody(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, ...details } };
}

/** Renders an error as an HTML page, for requests outside `/api/`. */
export type ErrorPage = (c: Context, status: ContentfulStatusCode, message: string) => Response | Promise<Response>;

/** Paths whose clients read JSON: the API and the Discovery-compatible endpoints. */
const JSON_PATH = /^\/(?:api|discovery)\//;

/** The app's `onError`: JSON under `/api/` and `/discovery/`, and `page` (when given) everywhere else. */
export function errorHandler(page?: ErrorPage) {
  return async (err: Error, c: Context): Promise<Response> => {
    const e = asApiError(err);
    if (e.status >= 500 && !(err instanceof ApiError)) console.error("dossier: unhandled error", err);
    const res =
      page && !JSON_PATH.test(c.req.path)
        ? await page(c, e.status, e.message)
        : c.json(errorBody(e.code, e.message, e.details), e.status);
    for (const [name, value] of Object.entries(e.headers)) res.headers.set(name, value);
    return res;
  };
}

/** The JSON-only handler (tests and scripts that mount API routes alone). */
export const onError = errorHandler();

function asApiError(err: Error): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    const code: ErrorCode =
      err.status === 404
        ? "not_found"
        : err.status === 405
          ? "method_not_allowed"
          : err.status === 414
            ? "uri_too_long"
            : err.status < 500
              ? "bad_request"
              : "internal";
    return new ApiError(err.status as ContentfulStatusCode, code, err.message || "request rejected");
  }
  return new ApiError(500, "internal", "internal error; the request was logged");
}
