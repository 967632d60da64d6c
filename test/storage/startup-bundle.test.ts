/**
 * The startup bundles (shared/manifest.ts `StartupBundle`) as a fresh store reads them, from whichever backend the
 * project serves (static assets, or R2 with a packed build): the files a cold search reads first come from one
 * read of each bundle, byte for byte the files' own; a file asked for again, or a bundle that cannot be read, is
 * read as a file of its own.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AssetStore, traceReads } from "../../src/worker/asset-store";
import { storageFor, type AssetStorage } from "../../src/worker/storage/asset-storage";
import { MANIFEST_PATH, packIndexCommonPages, recordTablePagePath, type Manifest } from "../../src/shared/manifest";

/** The project's real backend, listing every object read through it; `lose` makes those paths missing. */
function listedStorage(lose: (path: string) => boolean = () => false): { storage: AssetStorage; read: string[] } {
  const real = storageFor(env).storage();
  const read: string[] = [];
  const storage: AssetStorage = {
    where: real.where,
    ranged: real.ranged,
    get: (path) => {
      read.push(path);
      return lose(path) ? Promise.resolve(null) : real.get(path);
    },
    getRange: (path, offset, length) => {
      read.push(path);
      return lose(path) ? Promise.resolve(null) : real.getRange(path, offset, length);
    },
  };
  return { storage, read };
}

async function builtManifest(): Promise<Manifest> {
  return new AssetStore(storageFor(env).storage()).manifest();
}

/** Every bundled file, with its bundle's path, in bundle order. */
const bundled = (m: Manifest) => m.startup!.flatMap((b) => b.files.map(([p, n]) => ({ p, n, bundle: b.path })));

describe("the startup bundles", () => {
  it("name the tables a cold search reads first, planning's before the rest, and nothing past their bound", async () => {
    const m = await builtManifest();
    const files = bundled(m);
    const bundleOf = (p: string | undefined) => files.find((f) => f.p === p)?.bundle;
    expect(bundleOf(m.search!.thesaurus!)).toBe(m.startup![0]!.path);
    expect(bundleOf(m.series.archives)).toBe(m.startup![0]!.path);
    // The lexicon's pages are read on their own, a word's page beside the bundles: planning would wait for the
    // bundle's other files.
    expect(files.filter((f) => f.p.startsWith("/search/lexicon/"))).toEqual([]);
    // The record table's first file: its page list when that is a file of its own (the R2 suite's), else page 0.
    const list = m.recordShards.pageList;
    expect(bundleOf(typeof list === "string" ? list : recordTablePagePath(list, 0))).toBe(m.startup!.at(-1)!.path);
    expect(m.startup!.length).toBeGreaterThan(1);
    for (const b of m.startup!) expect(b.files.length).toBeGreaterThan(1);
    // The pack directory's common pages; a sharded build's shard pages are its objects' to read.
    if (m.packs)
      expect(files.filter((f) => f.p.startsWith("/packs/dir-")).length).toBe(packIndexCommonPages(m.packs.index));
    expect(new Set(files.map((f) => f.p)).size).toBe(files.length);
    expect(files.reduce((n, f) => n + f.n, 0)).toBeLessThanOrEqual(4 * 1024 * 1024);
  });

  it("give a fresh store every file they hold from one read each, the same bytes as the files' own", async () => {
    const m = await builtManifest();
    const files = bundled(m);
    const { storage, read } = listedStorage();
    const store = new AssetStore(storage);
    traceReads(true);
    try {
      await store.manifest();
      const got = await Promise.all(files.map(({ p }) => store.binary(p, false)));
      const traced = traceReads(false);
      // The manifest, then each bundle once: nothing else went through the backend.
      expect(read[0]).toBe(MANIFEST_PATH);
      expect(read.slice(1).sort()).toEqual(m.startup!.map((b) => b.path).sort());
      const real = storageFor(env).storage();
      for (const [i, { p, n, bundle }] of files.entries()) {
        expect(got[i]!.byteLength, p).toBe(n);
        expect(new Uint8Array(got[i]!), p).toEqual(new Uint8Array((await real.get(p))!));
        expect(traced.find((t) => t.path === p)?.via, p).toBe(bundle);
      }
    } finally {
      traceReads(false);
    }
  });

  it("leave a file asked for a second time to be read from the file itself", async () => {
    const m = await builtManifest();
    const { storage, read } = listedStorage();
    const store = new AssetStore(storage);
    const path = m.startup![0]!.files[0]![0];
    const first = new Uint8Array(await store.binary(path, false));
    const again = new Uint8Array(await store.binary(path, false));
    expect(again).toEqual(first);
    expect(read.filter((p) => p === m.startup![0]!.path).length).toBe(1);
    expect(read.filter((p) => p === path).length).toBe(1);
  });

  it("leave a store whose bundle is missing to read each of its files on its own, and answer all the same", async () => {
    const m = await builtManifest();
    const { storage, read } = listedStorage((p) => p === m.startup![0]!.path);
    const store = new AssetStore(storage);
    const errors: unknown[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const files = m.startup![0]!.files.slice(0, 3);
      const got = await Promise.all(files.map(([p]) => store.binary(p, false)));
      for (const [i, [p, bytes]] of files.entries()) expect(got[i]!.byteLength, p).toBe(bytes);
      for (const [p] of files) expect(read).toContain(p);
      expect(errors.length).toBe(1);
    } finally {
      console.error = error;
    }
  });
});
