/**
 * Discovery ids to Dossier ids, from the map chunks the build writes for
 * records that came from Discovery. Takes its AssetStore as a constructor
 * argument, like the other stores.
 */
import { shardOf } from "../../shared/hash";
import type { AssetStore } from "../asset-store";

export class DiscoveryIdMap {
  constructor(private readonly assets: AssetStore) {}

  /** The Dossier id of the record Discovery calls `discoveryId`, or null when no record has it. */
  async dossierId(discoveryId: string): Promise<string | null> {
    const paths = (await this.assets.manifest()).discoveryIds;
    if (!paths?.length) return null;
    const chunk = await this.assets.json<Record<string, string>>(paths[shardOf(discoveryId, paths.length)]!);
    // Own keys only: a Discovery id is user text and must never read Object.prototype.
    return Object.hasOwn(chunk, discoveryId) ? chunk[discoveryId]! : null;
  }
}
