/**
 * `fields=`: which fields an answer carries, checked against the record
 * model (RecordOut, the served record schema) plus what a search hit adds.
 * An unknown name is a 400 that lists the valid ones.
 *
 * @example
 * const fields = parseFields("reference,title,coveringDates", RECORD_FIELDS); // ["reference", "title",
 * "coveringDates"]
 * pickFields(record, fields); // { reference: "KV 2/2681", title: "Leon HELFLAND", coveringDates: "1929-1955" }
 */
import { z } from "@hono/zod-openapi";
import { RecordOut } from "../openapi-common";
import { ApiError } from "../errors";

/** Every field of the served record model, in the model's order. */
export const RECORD_FIELDS: readonly string[] = Object.keys(RecordOut.shape);

/**
 * What a search hit has beyond the record: its excerpt (as HTML or parts), score, (with explain=1) why it matched,
 * and (for a file of several volumes) its volumes.
 */
export const HIT_ONLY_FIELDS = ["snippet", "snippetParts", "score", "explain", "volumes", "volumeIds"] as const;

/** The fields a search hit may be trimmed or widened to. */
export const HIT_FIELDS: readonly string[] = [...RECORD_FIELDS, ...HIT_ONLY_FIELDS];

/** The fields a hit already has without reading its record. */
export const HIT_OWN_FIELDS: ReadonlySet<string> = new Set([
  "id",
  "reference",
  "title",
  "coveringDates",
  ...HIT_ONLY_FIELDS,
]);

/** The `fields` query parameter, shared by every route that takes it. */
export const fieldsParam = (valid: readonly string[]) =>
  z
    .string()
    .max(512, "fields is longer than 512 characters")
    .optional()
    .openapi({
      description: `Comma-separated fields to return; one of ${valid.join(", ")}`,
      example: "reference,title,coveringDates",
    });

/** The requested fields in the order given, without repeats; undefined when the parameter is absent. */
export function parseFields(raw: string | undefined, valid: readonly string[]): string[] | undefined {
  if (raw === undefined) return undefined;
  const names = [
    ...new Set(
      raw
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (!names.length)
    throw new ApiError(400, "bad_request", `fields: empty; give one or more of ${valid.join(", ")}`, { valid });
  const allowed = new Set(valid);
  const unknown = names.filter((n) => !allowed.has(n));
  if (unknown.length) {
    throw new ApiError(
      400,
      "bad_request",
      `fields: unknown field${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `"${u}"`).join(", ")}; valid ` +
        `fields are ${valid.join(", ")}`,
      { valid },
    );
  }
  return names;
}

/** A copy of `obj` with only `fields`, in that order; a field the object lacks is left out rather than invented. */
export function pickFields(obj: object, fields: readonly string[] | undefined): Record<string, unknown> {
  const src = obj as Record<string, unknown>;
  if (!fields) return { ...src };
  const out: Record<string, unknown> = Object.create(null);
  for (const f of fields) if (Object.hasOwn(src, f)) out[f] = src[f];
  // A null-prototype object serialises like any other, and user text can never reach Object.prototype.
  return out;
}
