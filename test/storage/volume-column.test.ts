/**
 * The volume column as the Worker reads it (src/worker/search/volume-reads.ts, layout in `VolumeIndex`): pages by doc
 * range, each a bitmap of its docs in a file of several volumes and their groups, ranked per word. Every doc it names must be in its group's
 * list, and every group's list must name exactly the docs the column gives that group.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AssetStore } from "../../src/worker/asset-store";
import { RecordStore } from "../../src/worker/record-store";
import { searchMeta } from "../../src/worker/search/search-index";
import { volumeColumn, volumeLists } from "../../src/worker/search/volume-reads";
import { storageFor } from "../../src/worker/storage/asset-storage";

const fresh = () => new AssetStore(storageFor(env).storage());

describe("the volume column", () => {
  it("gives each volume its group, whose list names it, and no group to any other doc", async () => {
    const store = fresh();
    const volumes = (await volumeColumn(store))!;
    const { docs } = await searchMeta(store);
    expect(volumes.index.count).toBeGreaterThan(1);
    // Several bitmap words, so a doc's rank counts the words before its own.
    expect(docs).toBeGreaterThan(64);
    const byGroup = new Map<number, number[]>();
    const groups = await volumes.groupsOf(Array.from({ length: docs }, (_, doc) => doc));
    for (let doc = 0; doc < docs; doc++) {
      const g = groups.get(doc);
      if (g === undefined) continue;
      expect(g).toBeLessThan(volumes.index.count);
      byGroup.set(g, [...(byGroup.get(g) ?? []), doc]);
    }
    expect([...byGroup.values()].reduce((n, list) => n + list.length, 0)).toBe(volumes.index.volumeDocs);
    expect(byGroup.size).toBe(volumes.index.count);
    const lists = await volumeLists(store, volumes, byGroup.keys(), Number.MAX_SAFE_INTEGER);
    const records = new RecordStore(store);
    for (const [g, list] of byGroup) {
      const ids = (await records.byDocs(list)).map((r) => r!.id);
      expect(lists.get(g)!.count).toBe(ids.length);
      expect(lists.get(g)!.ids.slice().sort()).toEqual(ids.sort());
    }
    expect((await volumes.groupsOf([-1, docs])).size).toBe(0);
  });
});
