/**
 * The one record model Dossier serves, shared by the build (Node) and the Worker.
 *
 * It mirrors a TNA Discovery catalogue entry, flattened to what a lookup or a
 * search hit needs. Fields a source has beyond these ride along untouched
 * (the schema is loose), so nothing an archive publishes is lost.
 *
 * @example
 * const record: CatalogueRecord = {
 *   id: "kv-2-2681", reference: "KV 2/2681", title: "Leon HELFLAND",
 *   description: "Personal file on a Soviet diplomat…", coveringDates: "1929-1955",
 *   startDate: "1929-01-01", endDate: "1955-12-31", series: "KV 2", department: "KV",
 *   heldBy: ["The National Archives, Kew"], people: ["Leon Helfland"], places: ["Rome"],
 *   corporateNames: ["OGPU"], subjects: ["Soviet defectors"],
 *   source: { name: "tna-kv", url: "http://www.nationalarchives.gov.uk/releases/2007/september/soviet.htm" },
 * };
 */
import { z } from "zod";
import { referenceToId } from "./reference";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date `YYYY-MM-DD` that exists (rejects 1964-02-30). */
export const IsoDateSchema = z
  .string()
  .regex(ISO_DATE, "expected an ISO date YYYY-MM-DD")
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, "not a real calendar date");

/**
 * Record ids. A record's id is its reference's key, `referenceToId(reference)`,
 * so a reference names its record. Some archives file distinct items under one
 * reference (NAA "A6119, 141" is two people's files, told apart by barcode;
 * Discovery lists several entries as ADM 54/334). The ingest gives one of them
 * the bare key and each other one `<key>-<item key>`, e.g. `a-6119-141-b1140156`
 * or `adm-54-334-c6321122`.
 *
 * An item key is one segment that starts with a letter and contains a digit:
 * `b` + an NAA barcode, a Discovery id lowercased (`c6321122`). referenceToId
 * only ever yields runs of all letters or all digits, so an id ending in such
 * a segment can never be some other reference's bare key, and the reference
 * key plus item key pins down one item.
 */
export const ITEM_KEY = /^[a-z][a-z0-9]*\d[a-z0-9]*$/;

/** The id of the item `itemKey` filed under `reference`, for all but the one that keeps the bare key. */
export function itemId(reference: string, itemKey: string): string {
  return `${referenceToId(reference)}-${itemKey}`;
}

/** The item key an id carries after its reference key, or null for a bare id (or an id not of this reference). */
export function itemKeyOfId(id: string, reference: string): string | null {
  const base = referenceToId(reference);
  if (!id.startsWith(`${base}-`)) return null;
  const key = id.slice(base.length + 1);
  return ITEM_KEY.test(key) ? key : null;
}

const text = z.string().trim();
const textList = z.array(z.string().trim().min(1));

export const RecordSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "id must be lowercase letters and digits joined by '-'"),
    reference: text.min(1, "reference is empty").max(256, "reference is longer than 256 characters"),
    title: text.min(1, "title is empty"),
    description: z.string(),
    coveringDates: z.string().nullable(),
    startDate: IsoDateSchema.nullable(),
    endDate: IsoDateSchema.nullable(),
    series: text.min(1, "series is empty"),
    department: z.string().nullable(),
    heldBy: textList,
    people: textList,
    places: textList,
    corporateNames: textList,
    subjects: textList,
    // Only web links: a record's source URL becomes a link on pages, so `javascript:` or `data:` must never get in.
    source: z.object({
      name: z.string().min(1),
      url: z
        .string()
        .url()
        .regex(/^https?:\/\//i, "source url must be http(s)")
        .nullable(),
    }),
  })
  .loose()
  .superRefine((r, ctx) => {
    const base = referenceToId(r.reference);
    if (r.id !== base && itemKeyOfId(r.id, r.reference) === null) {
      ctx.addIssue({
        code: "custom",
        path: ["id"],
        message:
          `id "${r.id}" is not derived from reference "${r.reference}" (expected "${base}", or "${base}-" ` +
          `plus an item key such as "b1140156" for one of several items sharing the reference)`,
      });
    }
    if (r.startDate && r.endDate && r.startDate > r.endDate) {
      ctx.addIssue({
        code: "custom",
        path: ["endDate"],
        message: `endDate ${r.endDate} is before startDate ${r.startDate}`,
      });
    }
  });

export type CatalogueRecord = z.infer<typeof RecordSchema>;

/** The list-valued fields, in the order they are indexed and shown. */
export const LIST_FIELDS = ["people", "corporateNames", "places", "subjects", "heldBy"] as const;
