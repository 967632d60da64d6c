/** Writes the volume groups (see shared/volumes.ts) as a search asset. */
import type { CatalogueRecord } from "../shared/record";
import { groupVolumes } from "../shared/volumes";
import type { AssetWriter } from "./content-hash";

export function buildVolumes(docs: ReadonlyArray<CatalogueRecord>, out: AssetWriter): string {
  return out.addJson("search", "volumes", groupVolumes(docs));
}
