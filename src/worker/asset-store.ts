/**
 * Reads the built catalogue from the static assets binding. Chunks are
 * immutable (content-hashed names), so each is fetched once per isolate and
 * kept in a byte-budgeted LRU; the manifest is read once per isolate, since a
 * deploy of new assets starts new isolates.
 */
import { FORMAT_VERSION, MANIFEST_PATH, type Manifest } from "../shared/manifest";
import { ApiError } from "./errors";

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
  private readonly chunks = new Map<string, CacheEntry>();
  private readonly pending = new Map<string, Promise<unknown>>();
  private bytes = 0;

  constructor(private readonly assets: Fetcher, private readonly budgetBytes = DEFAULT_CHUNK_BUDGET_BYTES) {}

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
    return this.bytes;
  }

  private load(path: string, parse: (res: Response) => Promise<CacheEntry>): Promise<unknown> {
    const hit = this.chunks.get(path);
    if (hit) {
      this.chunks.delete(path); // re-insert: Map order is our LRU order
      this.chunks.set(path, hit);
      return Promise.resolve(hit.value);
    }
    let p = this.pending.get(path);
    if (!p) {
      p = this.fetch(path).then(parse).then((entry) => {
        this.chunks.set(path, entry);
        this.bytes += entry.bytes;
        this.evict();
        return entry.value;
      }).finally(() => this.pending.delete(path));
      this.pending.set(path, p);
    }
    return p;
  }

  private evict(): void {
    for (const [key, entry] of this.chunks) {
      if (this.bytes <= this.budgetBytes) break;
      this.chunks.delete(key);
      this.bytes -= entry.bytes;
    }
  }

  private async fetchText(path: string): Promise<string> {
    return (await this.fetch(path)).text();
  }

  private async fetch(path: string): Promise<Response> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ApiError(503, "index_unavailable", `asset-store: reading ${path} took over ${ASSET_TIMEOUT_MS} ms`)), ASSET_TIMEOUT_MS);
    });
    try {
      const res = await Promise.race([this.assets.fetch(new Request(`https://assets.invalid${path}`)), timeout]);
      if (!res.ok) throw new ApiError(503, "index_unavailable", `asset-store: ${path} is missing from the built assets (HTTP ${res.status}); run npm run build`);
      return res;
    } finally {
      clearTimeout(timer);
    }
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
