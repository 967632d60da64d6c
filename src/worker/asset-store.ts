/**
 * Reads the built catalogue from the static assets binding. Chunks are
 * immutable (content-hashed names), so each is fetched once per isolate and
 * kept in a byte-budgeted LRU; the manifest is read once per isolate, since a
 * deploy of new assets starts new isolates.
 */
import { FORMAT_VERSION, MANIFEST_PATH, type Manifest } from "../shared/manifest";
import { lruBySize } from "../shared/lru";
import { ApiError } from "./errors";
import { withTimeout } from "./with-timeout";

/** Isolates have 128 MB; parsed chunks may use this much of it before the oldest are dropped. */
export const DEFAULT_CHUNK_BUDGET_BYTES = 64 * 1024 * 1024;

/**
 * Heap bytes a parsed JSON chunk takes per character of its text. Measured on
 * term chunks imported into FlexSearch maps (100k synthetic records): 3.1.
 */
const JSON_HEAP_PER_CHAR = 3;
/** How long one asset read may take before the request fails with 503 instead of hanging. */
export const ASSET_TIMEOUT_MS = 5000;

interface CacheEntry { value: unknown; bytes: number }

export class AssetStore {
  private manifestPromise: Promise<Manifest> | null = null;
  private readonly chunks;
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(private readonly assets: Fetcher, budgetBytes = DEFAULT_CHUNK_BUDGET_BYTES) {
    this.chunks = lruBySize<string, CacheEntry>(budgetBytes, (e) => e.bytes);
  }

  manifest(): Promise<Manifest> {
    this.manifestPromise ??= this.fetchText(MANIFEST_PATH).then((text) => {
      const m = JSON.parse(text) as Manifest;
      if (m.format !== FORMAT_VERSION) {
        throw new ApiError(503, "index_unavailable", `asset-store: catalogue format ${m.format} does not match this Worker's format ${FORMAT_VERSION}; rebuild with npm run build`);
      }
      return m;
    }).catch((e) => {
      this.manifestPromise = null; // a failed read must not poison the isolate
      throw e;
    });
    return this.manifestPromise;
  }

  /**
   * A parsed JSON chunk, memoised. Concurrent callers share one fetch. With
   * `derive`, what is kept is the derived value (e.g. FlexSearch indexes built
   * from a chunk), so the raw JSON is not held twice; a path must always be
   * read with the same `derive`.
   */
  json<T>(path: string, derive?: (parsed: any) => T): Promise<T> {
    return this.load(path, async (res) => {
      const text = await res.text();
      const parsed = JSON.parse(text);
      return { value: derive ? derive(parsed) : parsed, bytes: text.length * JSON_HEAP_PER_CHAR };
    }) as Promise<T>;
  }

  /** A binary chunk, memoised. */
  binary(path: string): Promise<ArrayBuffer> {
    return this.load(path, async (res) => {
      const buf = await res.arrayBuffer();
      return { value: buf, bytes: buf.byteLength };
    }) as Promise<ArrayBuffer>;
  }

  /** Bytes of parsed chunks held now (approximate for JSON). */
  heldBytes(): number {
    return this.chunks.calculatedSize;
  }

  private load(path: string, parse: (res: Response) => Promise<CacheEntry>): Promise<unknown> {
    const hit = this.chunks.get(path);
    if (hit) return Promise.resolve(hit.value);
    let p = this.pending.get(path);
    if (!p) {
      p = this.fetch(path).then(parse).then((entry) => {
        this.chunks.set(path, entry);
        return entry.value;
      }).finally(() => this.pending.delete(path));
      this.pending.set(path, p);
    }
    return p;
  }

  private async fetchText(path: string): Promise<string> {
    return (await this.fetch(path)).text();
  }

  private async fetch(path: string): Promise<Response> {
    const res = await withTimeout(this.assets.fetch(new Request(`https://assets.invalid${path}`)), ASSET_TIMEOUT_MS,
      () => new ApiError(503, "index_unavailable", `asset-store: reading ${path} took over ${ASSET_TIMEOUT_MS} ms`));
    if (!res.ok) throw new ApiError(503, "index_unavailable", `asset-store: ${path} is missing from the built assets (HTTP ${res.status}); run npm run build`);
    return res;
  }
}

/**
 * One store per isolate per binding: the binding object is stable within an
 * isolate, and the store must outlive a single request to be worth anything.
 */
const stores = new WeakMap<Fetcher, AssetStore>();
export function assetStoreFor(assets: Fetcher): AssetStore {
  let s = stores.get(assets);
  if (!s) stores.set(assets, (s = new AssetStore(assets)));
  return s;
}
