/**
 * Writes the tables that grow with the catalogue as `PagedTable` pages (see shared/manifest.ts), so the
 * manifest root a new isolate parses stays small at any catalogue size. Node only.
 */
import {
  HASH_CHARS,
  PAGED_TABLE_INLINE_BYTES,
  PAGED_TABLE_PAGE_BYTES,
  PAGED_TABLE_ROOT_PAGES,
  pagedTablePageOf,
  type PagedTable,
} from "../shared/manifest";
import { hashOfPath } from "./catalogue-assets";
import type { AssetWriter } from "./content-hash";

/**
 * Writes `entries` as pages of about `pageBytes` of JSON under `/<dir>/<name>-<p>.<hash>.json` and returns the
 * table for the manifest, carrying the entries themselves too when the table is small (`PagedTable.entries`). Pages are null-prototype-safe to read: the Worker looks keys up with `Object.hasOwn`.
 */
export function writePagedTable<V>(
  out: Pick<AssetWriter, "addJson">,
  dir: string,
  name: string,
  entries: Iterable<[string, V]>,
  pageBytes = PAGED_TABLE_PAGE_BYTES,
  keyChars?: number,
): PagedTable {
  const list = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const bytes = list.reduce((n, [k, v]) => n + k.length + JSON.stringify(v).length + 4, 2);
  const pageCount = Math.max(1, Math.ceil(bytes / pageBytes));
  const pages: Array<Array<[string, V]>> = Array.from({ length: pageCount }, () => []);
  const table: PagedTable = {
    prefix: `/${dir}/${name}`,
    hashes: "",
    size: list.length,
    ...(keyChars ? { keyChars } : {}),
  };
  const whole = Object.fromEntries(list);
  if (pageCount === 1 && JSON.stringify(whole).length <= PAGED_TABLE_INLINE_BYTES) table.entries = whole;
  // Placed by the reader's own rule (pagedTablePageOf needs only the page count, set here first).
  const placing = { ...table, hashes: "x".repeat(pageCount * HASH_CHARS) };
  for (const entry of list) pages[pagedTablePageOf(placing, entry[0])]!.push(entry);
  const hashes = pages
    .map((page, p) => hashOfPath(out.addJson(dir, `${name}-${p}`, Object.fromEntries(page))))
    .join("");
  if (pageCount <= PAGED_TABLE_ROOT_PAGES) return { ...table, hashes };
  return { ...table, hashesFile: out.addJson(dir, `${name}-hashes`, hashes), pages: pageCount };
}
