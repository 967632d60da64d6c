/** Turns a failed request validation into the API's one 400 error shape. */
import type { Hook } from "@hono/zod-openapi";
import { ApiError } from "./errors";

// Typed loosely on purpose: one hook serves every route's schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const validationHook: Hook<any, any, any, any> = (result) => {
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path?.length ? issue.path.join(".") : "request";
    throw new ApiError(400, "bad_request", `${where}: ${issue?.message ?? "invalid"}`, { field: where });
  }
};
