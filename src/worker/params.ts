/**
 * Request parameter schemas, shared by validation and the OpenAPI document.
 * Every free-text parameter is capped at 256 characters.
 */
import { z } from "@hono/zod-openapi";

export const MAX_PARAM_CHARS = 256;

export const text = (name: string) =>
  z.string()
    .trim()
    .min(1, `${name} is empty`)
    .max(MAX_PARAM_CHARS, `${name} is longer than ${MAX_PARAM_CHARS} characters`);

/** An integer query parameter within bounds; rejects "abc", "1.5" and "1e9". */
export const boundedInt = (name: string, min: number, max: number, fallback: number) =>
  z.string()
    .regex(/^\d{1,7}$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be between ${min} and ${max}`)
    .optional()
    .transform((n) => n ?? fallback)
    .openapi({ type: "integer", minimum: min, maximum: max, default: fallback });
