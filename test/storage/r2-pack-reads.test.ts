/**
 * What a fresh store reads from a packed build (the R2 suite's build is packed): the tables a query reads first,
 * the pack directory among them, in the reads of the startup bundles after the manifest; then each chunk as one
 * range of its pack.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  MANIFEST_PATH,
  packIndexCommonPages,
  packIndexNamesPath,
  packIndexPagePath,
  packIndexPages,
  recordShardPath,
  recordTablePagePath,
  type Manifest,
  type RecordShardTablePage,
  type RecordTablePages,
} from "../../src/shared/manifest";
import { AssetStore } from "../../src/worker/asset-store";
import { PackIndexPage } from "../../src/shared/pack-index";
import { R2AssetStorage } from "../../src/worker/storage/asset-storage";
import { RecordStore } from "../../src/worker/record-store";

interface Get {
  key: string;
  range?: boolean;
  at: number;
}

/** The record-shard table's page list: the root's, or read from its file. */
async function pageListOf(store: AssetStore, m: Manifest): Promise<RecordTablePages> {
  const list = m.recordShards.pageList;
  return typeof list === "string" ? store.json<RecordTablePages>(list) : list;
}

/** The real bucket, listing every `get` made through it, in order. */
function listedBucket(): { bucket: R2Bucket; gets: Get[] } {
  const real = env.CATALOGUE_BUCKET!;
  const gets: Get[] = [];
  let n = 0;
  const get = (key: string, options?: R2GetOptions) => {
    gets.push({ key, range: !!options?.range, at: n++ });
    return real.get(key, options);
  };
  return { bucket: { get } as unknown as R2Bucket, gets };
}

describe.runIf(env.ASSET_BACKEND === "r2")("reads of a packed build by a fresh store", () => {
  it("reads the record-shard table from the startup bundle, one read after the manifest, no pack directory before it", async () => {
    const { bucket, gets } = listedBucket();
    const store = new AssetStore(new R2AssetStorage(bucket));
    const m = await store.manifest();
    const firstPage = recordTablePagePath(await pageListOf(store, m), 0);
    expect(m.packs).toBeDefined();
    const bundle = m.startup!.find((b) => b.files.some(([p]) => p === firstPage))!;
    await store.json(firstPage);
    expect(gets.map((g) => g.key)).toEqual([MANIFEST_PATH.slice(1), bundle.path.slice(1)]);
    expect(gets[1]!.range).toBe(false);
  });

  it("finds the pack directory in the bundle, then reads each packed chunk as one range", async () => {
    const { bucket, gets } = listedBucket();
    const store = new AssetStore(new R2AssetStorage(bucket));
    const m: Manifest = await store.manifest();
    // Three shards, from the table's first two pages (of two shards each in this build).
    const list = await pageListOf(store, m);
    const [p0, p1] = await Promise.all(
      [0, 1].map((p) => store.json<RecordShardTablePage>(recordTablePagePath(list, p))),
    );
    const shards = [
      recordShardPath(p0!, p0!.first),
      recordShardPath(p0!, p0!.first + 1),
      recordShardPath(p1!, p1!.first),
    ];
    const before = gets.length;
    await store.deflatedJson(shards[0]!);
    await Promise.all(shards.slice(1).map((p) => store.deflatedJson(p)));
    const after = gets.slice(before).filter((g) => !g.key.startsWith("packs/startup-"));
    // Every common directory page and files-table page of this small build came with a bundle: none is read again
    // (a search shard's own pages are its object's to read, and a record shard is on a common page).
    const bundled = m.startup!.flatMap((b) => b.files.map(([p]) => p));
    const dirPages = packIndexCommonPages(m.packs!.index);
    expect(bundled.filter((p) => p.startsWith("/packs/dir-")).length).toBe(dirPages);
    expect(after.filter((g) => g.key.startsWith("packs/dir-") || g.key.startsWith("packs/files-"))).toEqual([]);
    const packs = after.filter((g) => /^packs\/\d+-\d+\.[0-9a-f]+\.pack$/.test(g.key));
    expect(packs.length).toBe(3);
    expect(after.length).toBe(3);
    expect(packs.every((g) => g.range)).toBe(true);
    // Read again, the chunks come from the store: no read at all.
    const held = gets.length;
    await Promise.all(shards.map((p) => store.deflatedJson(p)));
    expect(gets.length).toBe(held);
  });

  it("reads a small record table ahead of a cold search's hits in the bundle's one read, and a large one not at all", async () => {
    const { bucket, gets } = listedBucket();
    const store = new AssetStore(new R2AssetStorage(bucket));
    const m = await store.manifest();
    const { pages, pageList } = m.recordShards;
    const bundleOf = (path: string) => m.startup!.find((b) => b.files.some(([p]) => p === path))!.path.slice(1);
    await new RecordStore(store).prefetchTable(pages - 1);
    // Too big to read ahead: only its page list, from the bundle, when that is a file of its own (as here).
    expect(typeof pageList).toBe("string");
    expect(gets.map((g) => g.key)).toEqual([MANIFEST_PATH.slice(1), bundleOf(pageList as string)]);
    await new RecordStore(store).prefetchTable(pages);
    const first = recordTablePagePath(await pageListOf(store, m), 0);
    expect(gets.map((g) => g.key)).toEqual([MANIFEST_PATH.slice(1), bundleOf(first)]);
  });

  it("reads chunks lying side by side in one pack as one range, each checked against its hash", async () => {
    const probe = new AssetStore(new R2AssetStorage(env.CATALOGUE_BUCKET!));
    const { index, files } = (await probe.manifest()).packs!;
    // Every packed term chunk of the build and where it is, from the directory's pages and their names files.
    const located: Array<{ path: string; pack: number; at: number; length: number }> = [];
    for (let p = 0; p < packIndexPages(index); p++) {
      const page = PackIndexPage.decode(await probe.binary(packIndexPagePath(index, p)));
      for (const path of await probe.json<string[]>(packIndexNamesPath(index, p))) {
        const [pack, at, length] = page.get(path)!;
        if (path.includes("/terms/")) located.push({ path, pack, at, length });
      }
    }
    located.sort((a, b) => a.pack - b.pack || a.at - b.at);
    // The longest run of term chunks, each beginning where the one before ends, in one pack.
    let best: typeof located = [];
    for (let i = 0, j = 1; i < located.length; i = j++) {
      while (
        j < located.length &&
        located[j]!.pack === located[i]!.pack &&
        located[j]!.at === located[j - 1]!.at + located[j - 1]!.length
      )
        j++;
      if (j - i > best.length) best = located.slice(i, j);
    }
    expect(best.length).toBeGreaterThan(2);
    const { bucket, gets } = listedBucket();
    const store = new AssetStore(new R2AssetStorage(bucket));
    const packPath = (await store.tableGet<string>(files, String(best[0]!.pack)))!.slice(1);
    const before = gets.length;
    const reads = store.binaries(best.map((c) => c.path));
    const bytes = await Promise.all(best.map((c) => reads.get(c.path)!));
    const packReads = gets.slice(before).filter((g) => g.key === packPath);
    expect(packReads.length).toBe(1);
    expect(packReads[0]!.range).toBe(true);
    expect(store.reads.get("search/terms")).toBe(1);
    // The same bytes as each read alone.
    for (let i = 0; i < best.length; i++)
      expect(new Uint8Array(bytes[i]!), best[i]!.path).toEqual(new Uint8Array(await probe.binary(best[i]!.path)));
    // Held now: asked again, nothing is read.
    const held = gets.length;
    await Promise.all(store.binaries(best.map((c) => c.path)).values());
    expect(gets.length).toBe(held);
  });

  it("fails only the chunk its directory cannot place, with an error naming it, when read with others", async () => {
    const store = new AssetStore(new R2AssetStorage(env.CATALOGUE_BUCKET!));
    const { index } = (await store.manifest()).packs!;
    const [good] = await store.json<string[]>(packIndexNamesPath(index, 0));
    const bad = good!.replace(/\.[0-9a-f]+\.(\w+)$/, ".000000000000.$1");
    const reads = store.binaries([good!, bad]);
    const [read, failed] = await Promise.allSettled([reads.get(good!)!, reads.get(bad)!]);
    expect(read.status).toBe("fulfilled");
    expect(failed.status === "rejected" && (failed.reason as Error).message).toContain(bad);
  });
});
