/**
 * The tables that grow with the catalogue (typeahead directory, people, typo vocabulary, search shards' term
 * tables, series page lists, and in a packed build the pack directory and file list) are outside the manifest
 * root and read a page at a time. In the R2 suite the build is packed, so the pack tables are read here too.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AssetStore, assetStoreFor } from "../../src/worker/asset-store";
import { SuggestService } from "../../src/worker/search/suggest-service";
import { storageFor } from "../../src/worker/storage/asset-storage";
import { pagedTablePages, pagedTablePath } from "../../src/shared/manifest";

/** A cold store of its own over the configured backend, whose JSON chunk reads are recorded. */
function recordingStore(read: string[]): AssetStore {
  return new (class extends AssetStore {
    override json<T>(path: string, derive?: (parsed: unknown) => T): Promise<T> {
      read.push(path);
      return super.json(path, derive);
    }
  })(storageFor(env).storage());
}

describe("the paged tables out of the manifest root", () => {
  it("are named in the root by page hashes, not listed entry by entry", async () => {
    const m = await assetStoreFor(env).manifest();
    const s = m.search!;
    for (const table of [s.suggest, s.vocab, s.people.chunks]) {
      expect(table.hashes.length).toBe(pagedTablePages(table) * 12);
      expect(table.size).toBeGreaterThan(0);
    }
    // The shard list and the series list are paged tables too, and so is what they name.
    for (const table of [s.shards.table, m.series.table]) expect(table.hashes.length).toBe(pagedTablePages(table) * 12);
    expect(s.shards.table.size).toBe(s.shards.count);
    expect(m.series.table.size).toBe(m.series.count);
    const store = assetStoreFor(env);
    for (let k = 0; k < s.shards.count; k++) {
      const shard = await store.tableGet<Record<string, unknown>>(s.shards.table, String(k));
      expect(Object.keys(shard!)).not.toContain("buckets");
    }
  });

  it("answer a typeahead by reading at most two directory pages", async () => {
    const read: string[] = [];
    const store = recordingStore(read);
    const m = await store.manifest();
    const out = await new SuggestService(store).suggest("helf", 5);
    expect(out.length).toBeGreaterThan(0);
    const dirPages = read.filter((p) => p.startsWith(m.search!.suggest.prefix));
    // None when the directory is small enough for the root to carry it (a small catalogue's).
    expect(new Set(dirPages).size).toBeLessThanOrEqual(m.search!.suggest.entries ? 0 : 2);
  });

  it("find nothing under a prototype member's name", async () => {
    const store = assetStoreFor(env);
    const s = (await store.manifest()).search!;
    for (const key of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      expect(await store.tableGet(s.suggest, key)).toBeUndefined();
      expect(await store.tableGet(s.vocab, key)).toBeUndefined();
      expect(await store.tableGet(s.people.chunks, key)).toBeUndefined();
    }
  });

  it("answer from the root without reading a page when small enough to be carried in it", async () => {
    const read: string[] = [];
    const store = recordingStore(read);
    const s = (await store.manifest()).search!;
    // The vocabulary's partition list is a few dozen entries in any catalogue: carried in the root.
    expect(s.vocab.entries).toBeDefined();
    const fromRoot = await store.tableEntries<string>(s.vocab);
    expect(fromRoot.size).toBe(s.vocab.size);
    const key = [...fromRoot.keys()][0]!;
    expect(await store.tableGet<string>(s.vocab, key)).toBe(fromRoot.get(key));
    expect(await store.tableGet<string>(s.vocab, "__proto__")).toBeUndefined();
    expect(await store.tableGet<string>(s.vocab, "constructor")).toBeUndefined();
    expect(read.filter((p) => p.startsWith(s.vocab.prefix))).toEqual([]);
    // And it says what its page says.
    const page = await store.json<Record<string, string>>(pagedTablePath(s.vocab, 0));
    expect(new Map(Object.entries(page))).toEqual(fromRoot);
  });

  it("hold every key once across their pages", async () => {
    const store = assetStoreFor(env);
    const s = (await store.manifest()).search!;
    const all = await store.tableEntries<string>(s.suggest);
    expect(all.size).toBe(s.suggest.size);
    expect(pagedTablePath(s.suggest, 0)).toMatch(/^\/search\/suggest-dir\/page-0\.[0-9a-f]{12}\.json$/);
  });
});
