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

export const RecordOut = z
  .object({
    id: z.string().openapi({ example: "kv-2-2681" }),
    reference: z.string().openapi({ example: "KV 2/2681" }),
    title: z.string(),
    description: z.string(),
    coveringDates: z.string().nullable(),
    startDate: z.string().nullable(),
    endDate: z.string().nullable(),
    series: z.string(),
    department: z.string().nullable(),
    heldBy: z.array(z.string()),
    people: z.array(z.string()),
    places: z.array(z.string()),
    corporateNames: z.array(z.string()),
    subjects: z.array(z.string()),
    source: z.object({ name: z.string(), url: z.string().nullable() }),
  })
  .loose()
  .openapi("Record");

export const errorResponses = {
  400: { description: "Bad parameters", content: { "application/json": { schema: ErrorSchema } } },
  404: { description: "Nothing found", content: { "application/json": { schema: ErrorSchema } } },
} as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
