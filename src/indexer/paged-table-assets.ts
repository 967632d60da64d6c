/**
 * Writes the tables that grow with the catalogue as `PagedTable` pages (see shared/manifest.ts), so the
 * manifest root a new isolate parses stays small at any catalogue size. Node only.
 */
import { fnv1a32 } from "../shared/hash";
import { PAGED_TABLE_PAGE_BYTES, type PagedTable } from "../shared/manifest";
import { hashOfPath } from "./catalogue-assets";
import type { AssetWriter } from "./content-hash";

/**
 * Writes `entries` as pages of about `pageBytes` of JSON under `/<dir>/<name>-<p>.<hash>.json` and returns the
 * table for the manifest. Pages are null-prototype-safe to read: the Worker looks keys up with `Object.hasOwn`.
 */
export function writePagedTable<V>(
  out: Pick<AssetWriter, "addJson">,
  dir: string,
  name: string,
  entries: Iterable<[string, V]>,
  pageBytes = PAGED_TABLE_PAGE_BYTES,
): PagedTable {
  const list = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const bytes = list.reduce((n, [k, v]) => n + k.length + JSON.stringify(v).length + 4, 2);
  const pageCount = Math.max(1, Math.ceil(bytes / pageBytes));
  const pages: Array<Array<[string, V]>> = Array.from({ length: pageCount }, () => []);
  for (const entry of list) pages[fnv1a32(entry[0]) % pageCount]!.push(entry);
  const hashes = pages.map((page, p) => hashOfPath(out.addJson(dir, `${name}-${p}`, Object.fromEntries(page))));
  return { prefix: `/${dir}/${name}`, hashes: hashes.join(""), size: list.length };
}
