/** Schemas and helpers every route module uses to declare its OpenAPI contract. */
import { z } from "@hono/zod-openapi";

export const ErrorSchema = z
  .object({
    error: z
      .object({
        code: z.string().openapi({ example: "not_found" }),
        message: z.string(),
        suggestions: z.array(z.string()).optional(),
      })
      .loose(),
  })
  .openapi("Error");

/** The served record, derived from the ingest's record model in one place. */
export { RecordOut } from "../shared/api-schemas";

export const errorResponses = {
  400: { description: "Bad parameters", content: { "application/json": { schema: ErrorSchema } } },
  404: { description: "Nothing found", content: { "application/json": { schema: ErrorSchema } } },
} as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
