/** Turns a failed request validation into the API's one 400 error shape. */
import type { Hook } from "@hono/zod-openapi";
import type { z } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";

/**
 * The first issue of a failed parse as one sentence naming the field:
 * "q is required", "limit: must be a whole number".
 */
export function describeIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  const field = issue?.path?.length ? issue.path.join(".") : "request";
  const text = issue?.message ?? "invalid";
  // Messages written for a field already start with its name; do not say it twice.
  return { field, message: text.startsWith(`${field} `) ? text : `${field}: ${text}` };
}

// One hook serves every route's schema: it reads only the failure, so the data type stays unknown.
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) {
    const { field, message } = describeIssue(result.error);
    throw new ApiError(400, "bad_request", message, { field });
  }
};
