/**
 * The API's answer schemas, declared once: the routes document and shape
 * their answers with them, and the widget derives its types from them with
 * `z.infer` through type-only imports, so no zod reaches the widget's bundle
 * and the two cannot drift apart.
 */
import { z } from "@hono/zod-openapi";
import { RecordSchema } from "./record";

/** The served record: the ingest's record model, without its ingest-time cross-field checks. */
export const RecordOut = z
  .object({
    ...RecordSchema.shape,
    id: RecordSchema.shape.id.openapi({ example: "kv-2-2681" }),
    reference: RecordSchema.shape.reference.openapi({ example: "KV 2/2681" }),
  })
  .loose()
  .openapi("Record");

export const SnippetPartSchema = z
  .object({ text: z.string(), marked: z.boolean() })
  .openapi("SnippetPart", { description: "Plain text; `marked` where it is a catalogue word the query matched" });

export const SearchHitSchema = z
  .object({
    ...RecordOut.pick({ id: true, reference: true, title: true, coveringDates: true }).shape,
    snippet: z.string().openapi({ description: "HTML-escaped excerpt; matched words wrapped in <mark>" }),
    snippetParts: z
      .array(SnippetPartSchema)
      .optional()
      .openapi({ description: "The snippet as plain-text parts, when fields= names snippetParts" }),
    score: z.number(),
    volumes: z
      .number()
      .optional()
      .openapi({ description: "With collapse (default): this hit stands for a file of this many volumes" }),
    volumeIds: z
      .array(z.string())
      .optional()
      .openapi({
        description:
          "With collapse: the ids of the file's volumes in catalogue order, the first 100 of a bigger file " +
          "(GET /api/records/{id}; collapse=0 lists every volume)",
      }),
    explain: z
      .object({
        matched: z.number(),
        parts: z.array(
          z
            .object({
              unit: z.string(),
              rule: z.string(),
              via: z.string(),
              score: z.number(),
              field: z.string().optional(),
              word: z.string().optional(),
            })
            .loose(),
        ),
      })
      .loose()
      .optional(),
  })
  .openapi("SearchHit");

/** A hit as fields= or compact=1 shapes it: the chosen fields only, any of the record's among them. */
export const SearchHitFieldsSchema = SearchHitSchema.partial().loose().openapi("SearchHitFields");

export const SearchAnswerSchema = z.object({
  query: z
    .object({
      text: z.string(),
      ordering: z
        .string()
        .optional()
        .openapi({ description: "With explain=1: how the hits are ordered, in a sentence" }),
    })
    .loose()
    .optional()
    .openapi({ description: "Absent with compact=1 unless include=query" }),
  total: z.object({ value: z.number(), relation: z.enum(["eq", "gte"]) }).openapi({
    description:
      "Matching records; `gte` when top-k stopped early (the value is then a lower bound; exact=1 counts all)",
  }),
  files: z
    .object({ value: z.number(), relation: z.enum(["eq", "gte"]) })
    .optional()
    .openapi({
      description:
        "With collapse (default): hits in the collapsed list, a file of several volumes counted once; `eq` when " +
        "exact (paging ends there), `gte` a lower bound (the files among the best hits looked at for the page, one past it when another page follows)",
    }),
  hits: z.array(z.union([SearchHitSchema, SearchHitFieldsSchema])),
  facets: z
    .object({
      series: z.record(z.string(), z.number()),
      decade: z.record(z.string(), z.number()),
      heldBy: z.record(z.string(), z.number()),
      scope: z
        .enum(["all", "top"])
        .openapi({ description: "`top`: counted over the best 1,000 candidates, not every match" }),
    })
    .optional()
    .openapi({ description: "Absent with compact=1 unless include=facets" }),
  nextCursor: z.string().optional().openapi({ description: "Pass as cursor= for the next page; absent on the last" }),
  tookMs: z.number(),
});

export const SuggestionSchema = z.object({
  text: z.string(),
  kind: z.enum(["person", "reference", "title", "subject"]),
  id: z.string().optional().openapi({ description: "The record's id (references and titles)" }),
  slug: z.string().optional().openapi({ description: "The person's slug in /api/people (people)" }),
  reference: z.string().optional().openapi({ description: "The record's reference as cited (titles)" }),
});

export const SuggestAnswerSchema = z.object({ suggestions: z.array(SuggestionSchema) });
