/**
 * A Durable Object's asset store (`AssetStore.forObject`): the isolate's parsed chunks, shared, but reads in flight
 * of its own. Objects of a class share an isolate; an object awaiting a read another object began failed in workerd
 * ("Cannot perform I/O on behalf of a different Durable Object", seen at 10M records).
 */
import { describe, expect, it } from "vitest";
import { AssetStore } from "../../src/worker/asset-store";
import { FORMAT_VERSION } from "../../src/shared/manifest";

/** A bare manifest and JSON files served as the ASSETS binding would, each read counted; `gate` holds reads until opened. */
function countingAssets() {
  const reads = new Map<string, number>();
  let open: () => void = () => {};
  const gate = new Promise<void>((r) => (open = r));
  const fetcher = {
    async fetch(req: Request): Promise<Response> {
      const path = new URL(req.url).pathname;
      reads.set(path, (reads.get(path) ?? 0) + 1);
      if (path === "/manifest.json")
        return new Response(
          JSON.stringify({
            format: FORMAT_VERSION,
            recordShards: { count: 0, perPage: 1, pages: 0, pageList: { hashes: "", starts: [] } },
          }),
        );
      if (path === "/slow.json") await gate;
      return new Response(JSON.stringify({ path }));
    },
  };
  return { store: new AssetStore(fetcher as unknown as Fetcher), reads, open };
}

describe("a Durable Object's asset store", () => {
  it("finds what the isolate's store has parsed without reading it again", async () => {
    const { store, reads } = countingAssets();
    expect(await store.json("/a.json")).toEqual({ path: "/a.json" });
    const object = store.forObject();
    expect(await object.json("/a.json")).toEqual({ path: "/a.json" });
    expect(reads.get("/a.json")).toBe(1);
    expect(object.heldBytes()).toBe(store.heldBytes());
  });

  it("reads for itself what another store is still reading, and one read serves its own callers", async () => {
    const { store, reads, open } = countingAssets();
    const first = store.json("/slow.json");
    const object = store.forObject();
    const mine = [object.json("/slow.json"), object.json("/slow.json")];
    open();
    expect(await Promise.all([first, ...mine])).toEqual(Array(3).fill({ path: "/slow.json" }));
    expect(reads.get("/slow.json")).toBe(2);
  });

  it("parses once what two stores read at the same time: the second finds the first's parse and keeps it", async () => {
    const { store, reads, open } = countingAssets();
    let parses = 0;
    const derive = (v: unknown) => {
      parses++;
      return v as { path: string };
    };
    const first = store.json("/slow.json", derive);
    const object = store.forObject();
    const second = object.json("/slow.json", derive);
    open();
    const [a, b] = await Promise.all([first, second]);
    expect(reads.get("/slow.json")).toBe(2);
    expect(parses).toBe(1);
    expect(b).toBe(a);
  });

  it("takes the manifest root its coordinator hands it instead of reading one, and keeps one it has", async () => {
    const { store, reads } = countingAssets();
    const root = {
      format: FORMAT_VERSION,
      version: "handed",
      recordShards: { count: 0, perPage: 1, pages: 0, pageList: { hashes: "", starts: [] } },
    } as never;
    const object = store.forObject();
    object.adoptManifest(root);
    expect((await object.manifest()).version).toBe("handed");
    expect(reads.get("/manifest.json")).toBeUndefined();

    const read = store.forObject();
    expect((await read.manifest()).version).toBeUndefined();
    read.adoptManifest(root);
    expect((await read.manifest()).version).toBeUndefined();
    expect(reads.get("/manifest.json")).toBe(1);
  });

  it("reads its own manifest when handed a root of another format", async () => {
    const { store, reads } = countingAssets();
    const object = store.forObject();
    object.adoptManifest({
      format: FORMAT_VERSION - 1,
      version: "old",
      recordShards: { count: 0, perPage: 1, pages: 0, pageList: { hashes: "", starts: [] } },
    } as never);
    expect((await object.manifest()).version).toBeUndefined();
    expect(reads.get("/manifest.json")).toBe(1);
  });
});
