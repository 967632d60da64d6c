/**
 * The record-shard table is read in pages on demand, not with the manifest:
 * a lookup by id or by doc number reads the one page its shard is on. In the
 * R2 suite the build has many pages (8 shards each), so every API test there
 * crosses page boundaries too.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AssetStore, assetStoreFor } from "../../src/worker/asset-store";
import { RECORD_TABLE_PREFETCH_PAGES, RecordStore } from "../../src/worker/record-store";
import { storageFor } from "../../src/worker/storage/asset-storage";
import {
  HASH_CHARS,
  lastAtOrBelow,
  RECORD_TABLE_ROOT_PAGES,
  recordTablePagePath,
  recordTablePagePaths,
  type RecordTablePages,
} from "../../src/shared/manifest";

describe("the record-shard table", () => {
  it("is not in the manifest: pages of it are, listed in the root or, past a few, in a file of their own", async () => {
    const store = assetStoreFor(env);
    const m = await store.manifest();
    const { pages, pageList } = m.recordShards;
    expect(pages).toBe(Math.ceil(m.recordShards.count / m.recordShards.perPage));
    expect(Object.keys(m.recordShards).sort()).toEqual(["count", "pageList", "pages", "perPage"]);
    // The R2 suite's build has pages of two shards: more than the root lists.
    expect(typeof pageList === "string").toBe(pages > RECORD_TABLE_ROOT_PAGES);
    const list = typeof pageList === "string" ? await store.json<RecordTablePages>(pageList) : pageList;
    expect(list.starts).toHaveLength(pages);
    expect(list.hashes).toHaveLength(pages * HASH_CHARS);
    expect(list.starts[0]).toBe(0);
  });

  it("finds every record by doc number across its pages, as by id", async () => {
    const records = new RecordStore(assetStoreFor(env));
    const m = await records.manifest();
    const docs = Array.from({ length: m.records }, (_, i) => i);
    const all = await records.byDocs(docs);
    expect(new Set(all.map((r) => r.id)).size).toBe(m.records);
    for (const doc of [0, 1, Math.floor(m.records / 2), m.records - 1]) {
      expect((await records.get(all[doc]!.id))?.reference).toBe(all[doc]!.reference);
    }
  });

  it("reads only the page a lookup's shard is on", async () => {
    const read: string[] = [];
    const base = assetStoreFor(env);
    const m = await base.manifest();
    // A cold store of its own over the configured backend, whose chunk reads are recorded.
    const store = new (class extends AssetStore {
      override json<T>(path: string, derive?: (parsed: unknown) => T): Promise<T> {
        read.push(path);
        return super.json(path, derive);
      }
    })(storageFor(env).storage());
    const [wanted] = await new RecordStore(base).byDocs([Math.floor(m.records / 2)]);
    const record = await new RecordStore(store).get(wanted!.id);
    expect(record?.reference).toBe(wanted!.reference);
    const { pageList } = m.recordShards;
    const list = typeof pageList === "string" ? await base.json<RecordTablePages>(pageList) : pageList;
    const pages = read.filter((p) => p.startsWith("/records/table-") && p !== pageList);
    expect(pages).toHaveLength(1);
    const all = recordTablePagePaths(list);
    expect(all).toContain(pages[0]);
  });

  it("reads ahead the pages of a page of hits when the table is too big to read whole, and nothing else", async () => {
    const read: string[] = [];
    const base = assetStoreFor(env);
    const m = await base.manifest();
    const { pageList, pages } = m.recordShards;
    const list = typeof pageList === "string" ? await base.json<RecordTablePages>(pageList) : pageList;
    const store = new (class extends AssetStore {
      override json<T>(path: string, derive?: (parsed: unknown) => T): Promise<T> {
        read.push(path);
        return super.json(path, derive);
      }
    })(storageFor(env).storage());
    const docs = [0, Math.floor(m.records / 2), m.records - 1];
    await new RecordStore(store).prefetchPagesOf(docs);
    const tablePages = read.filter((p) => p.startsWith("/records/table-") && p !== pageList).sort();
    const expected = [...new Set(docs.map((d) => recordTablePagePath(list, lastAtOrBelow(list.starts, d))))].sort();
    // The default suite's table is small: a cold search reads it whole instead (prefetchTable).
    expect(tablePages).toEqual(pages > RECORD_TABLE_PREFETCH_PAGES ? expected : []);
  });
});
