/**
 * Request parameter schemas, shared by validation, the OpenAPI document and
 * the search pages. Every free-text parameter is capped at 256 characters.
 */
import { z } from "@hono/zod-openapi";

export const MAX_PARAM_CHARS = 256;
/** The most words one search may carry; more only slows a query without refining it. */
export const MAX_QUERY_WORDS = 32;

/** A required free-text parameter, trimmed. Repeating it (`q=a&q=b`) is an error, not a silent pick. */
export const text = (name: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${name} is required` : `${name} must be given once, as text`) })
    .trim()
    .min(1, `${name} is empty`)
    .max(MAX_PARAM_CHARS, `${name} is longer than ${MAX_PARAM_CHARS} characters`);

/** Search text: `text(name)` with at most `MAX_QUERY_WORDS` words. */
export const searchText = (name: string) =>
  text(name).refine((s) => s.split(/\s+/).length <= MAX_QUERY_WORDS, `${name} has more than ${MAX_QUERY_WORDS} words`);

/** An integer query parameter within bounds; rejects "abc", "1.5" and "1e9", and accepts `max` itself. */
export const boundedInt = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(new RegExp(`^\\d{1,${String(max).length}}$`), `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be between ${min} and ${max}`)
    .optional()
    .transform((n) => n ?? fallback)
    .openapi({ type: "integer", minimum: min, maximum: max, default: fallback });
