/**
 * The startup bundle (shared/manifest.ts `StartupBundle`) as a fresh store reads it, from whichever backend the
 * project serves (static assets, or R2 with a packed build): the files a cold search reads first come from one
 * read of the bundle, byte for byte the files' own; a file asked for again, or a bundle that cannot be read, is
 * read as a file of its own.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AssetStore, traceReads } from "../../src/worker/asset-store";
import { storageFor, type AssetStorage } from "../../src/worker/storage/asset-storage";
import { MANIFEST_PATH, type Manifest } from "../../src/shared/manifest";

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

describe("the startup bundle", () => {
  it("names the tables a cold search reads first, and nothing past its bound", async () => {
    const m = await builtManifest();
    const paths = m.startup!.files.map(([p]) => p);
    expect(paths).toContain(m.recordShards.pages[0]);
    expect(paths).toContain(m.search!.lexicon.path);
    expect(paths).toContain(m.series.archives);
    if (m.packs) expect(paths.filter((p) => p.startsWith("/packs/dir-")).length).toBe(m.packs.index.pages.length / 12);
    expect(m.startup!.files.reduce((n, [, b]) => n + b, 0)).toBeLessThanOrEqual(4 * 1024 * 1024);
  });

  it("gives a fresh store every file it holds from one read, the same bytes as the files' own", async () => {
    const m = await builtManifest();
    const { storage, read } = listedStorage();
    const store = new AssetStore(storage);
    traceReads(true);
    try {
      await store.manifest();
      const got = await Promise.all(m.startup!.files.map(([p]) => store.binary(p, false)));
      const traced = traceReads(false);
      // The manifest, then the bundle: nothing else went through the backend.
      expect(read).toEqual([MANIFEST_PATH, m.startup!.path]);
      const real = storageFor(env).storage();
      for (const [i, [p, bytes]] of m.startup!.files.entries()) {
        expect(got[i]!.byteLength, p).toBe(bytes);
        expect(new Uint8Array(got[i]!), p).toEqual(new Uint8Array((await real.get(p))!));
        expect(traced.find((t) => t.path === p)?.via, p).toBe(m.startup!.path);
      }
    } finally {
      traceReads(false);
    }
  });

  it("reads a file a second time from the file itself, not the bundle", async () => {
    const m = await builtManifest();
    const { storage, read } = listedStorage();
    const store = new AssetStore(storage);
    const path = m.startup!.files[0]![0];
    const first = new Uint8Array(await store.binary(path, false));
    const again = new Uint8Array(await store.binary(path, false));
    expect(again).toEqual(first);
    expect(read.filter((p) => p === m.startup!.path).length).toBe(1);
    expect(read.filter((p) => p === path).length).toBe(1);
  });

  it("leaves a store whose bundle is missing to read each file on its own, and answers all the same", async () => {
    const m = await builtManifest();
    const { storage, read } = listedStorage((p) => p === m.startup!.path);
    const store = new AssetStore(storage);
    const errors: unknown[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const files = m.startup!.files.slice(0, 3);
      const got = await Promise.all(files.map(([p]) => store.binary(p, false)));
      files.forEach(([p, bytes], i) => expect(got[i]!.byteLength, p).toBe(bytes));
      for (const [p] of files) expect(read).toContain(p);
      expect(errors.length).toBe(1);
    } finally {
      console.error = error;
    }
  });
});
