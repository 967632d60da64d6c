/**
 * Writes the volume groups (see shared/volumes.ts) as search assets a cold
 * query reads without parsing them whole: a binary doc → group column (read
 * as a typed array, no JSON) and the groups' docs and ids in a paged table,
 * of which a query reads only the pages of its page's hits.
 */
import type { CatalogueRecord } from "../shared/record";
import type { VolumeIndex } from "../shared/index-format";
import { groupVolumes } from "../shared/volumes";
import type { AssetWriter } from "./content-hash";
import { writePagedTable } from "./paged-table-assets";

export function buildVolumes(docs: ReadonlyArray<CatalogueRecord>, out: AssetWriter): VolumeIndex {
  const groups = groupVolumes(docs);
  // Group number + 1 per doc (0: not a volume), two bytes wide while the groups fit.
  const width = groups.length < 0xffff ? 2 : 4;
  const column = width === 2 ? new Uint16Array(docs.length) : new Uint32Array(docs.length);
  groups.forEach(([list], g) => {
    for (const d of list) column[d] = g + 1;
  });
  const bytes = new Uint8Array(column.buffer);
  if (!littleEndian()) throw new Error("volume-assets: the build must run on a little-endian machine");
  return {
    groupOf: out.add("search", "volume-of", "bin", bytes),
    width,
    groups: writePagedTable(
      out,
      "search",
      "volume-groups",
      groups.map((group, g) => [String(g), group] as [string, (typeof groups)[number]]),
    ),
  };
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}
