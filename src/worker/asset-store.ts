/**
 * Reads the built catalogue from the static assets binding. Chunks are
 * immutable (content-hashed names), so each is fetched once per isolate and
 * kept in a byte-budgeted LRU; the manifest is read once per isolate, since a
 * deploy of new assets starts new isolates.
 */
import { lruBySize } from "../shared/lru";
import { FORMAT_VERSION, HASH_CHARS, MANIFEST_PATH, type Manifest } from "../shared/manifest";
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

interface CacheEntry {
  value: unknown;
  bytes: number;
}

export class AssetStore {
  private manifestPromise: Promise<Manifest> | null = null;
  private readonly chunks;
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(
    private readonly assets: Fetcher,
    budgetBytes = DEFAULT_CHUNK_BUDGET_BYTES,
  ) {
    this.chunks = lruBySize<string, CacheEntry>(budgetBytes, (e) => e.bytes);
  }

  manifest(): Promise<Manifest> {
    this.manifestPromise ??= this.fetchText(MANIFEST_PATH)
      .then((text) => {
        const m = parseAsset(MANIFEST_PATH, text) as Manifest;
        if (!m || typeof m !== "object" || !m.recordShards) throw corruptAsset(MANIFEST_PATH, "not a manifest object");
        if (m.format !== FORMAT_VERSION) {
          throw new ApiError(
            503,
            "index_unavailable",
            `asset-store: catalogue format ${m.format} does not match this Worker's format ${FORMAT_VERSION}; ` +
              `rebuild with npm run build`,
          );
        }
        return m;
      })
      .catch((e) => {
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
  json<T>(path: string, derive?: (parsed: unknown) => T): Promise<T> {
    return this.load(path, async (res) => {
      const text = await res.text();
      const parsed = parseAsset(path, text);
      return { value: derive ? deriveAsset(path, parsed, derive) : parsed, bytes: text.length * JSON_HEAP_PER_CHAR };
    }) as Promise<T>;
  }

  /** A binary chunk, memoised; checked against the hash in its name, since no parse would notice a cut. */
  binary(path: string): Promise<ArrayBuffer> {
    return this.load(path, async (res) => {
      const buf = await res.arrayBuffer();
      await verifyContentHash(path, new Uint8Array(buf));
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
      p = this.fetch(path)
        .then(parse)
        .then((entry) => {
          this.chunks.set(path, entry);
          return entry.value;
        })
        .finally(() => this.pending.delete(path));
      this.pending.set(path, p);
    }
    return p;
  }

  private async fetchText(path: string): Promise<string> {
    return (await this.fetch(path)).text();
  }

  private async fetch(path: string): Promise<Response> {
    const res = await withTimeout(
      this.assets.fetch(new Request(`https://assets.invalid${path}`)),
      ASSET_TIMEOUT_MS,
      () => new ApiError(503, "index_unavailable", `asset-store: reading ${path} took over ${ASSET_TIMEOUT_MS} ms`),
    );
    if (!res.ok)
      throw new ApiError(
        503,
        "index_unavailable",
        `asset-store: ${path} is missing from the built assets (HTTP ${res.status}); run npm run build`,
      );
    return res;
  }
}

/**
 * The kind of asset at a path, as errors and the deep health check name it:
 * `records`, `series`, `search/terms`, `search/lexicon`, `manifest`…
 */
export function assetKind(path: string): string {
  // A sharded index puts each shard's chunks under search/s<k>/: the kind is the same in every shard.
  const parts = path.split("/").filter((p, i) => p && !(i === 2 && /^s\d+$/.test(p)));
  const stem = (name: string) => name.split(".")[0]!;
  if (parts.length === 1) return stem(parts[0]!);
  if (parts.length > 2) return `${parts[0]}/${parts[1]}`;
  // records/ and series/ hold numbered or per-series files of one kind; search/ holds one file per kind.
  return parts[0] === "records" || parts[0] === "series" ? parts[0] : `${parts[0]}/${stem(parts[1]!)}`;
}

/** The asset could be read but not used: a truncated or corrupt file, which only a rebuild mends. */
export function corruptAsset(path: string, why: string): ApiError {
  const kind = assetKind(path);
  return new ApiError(
    503,
    "index_unavailable",
    `asset-store: the ${kind} asset ${path} is unreadable (${why}); rebuild with npm run build`,
    { asset: kind },
  );
}

function parseAsset(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw corruptAsset(path, text.length === 0 ? "empty file" : (e as Error).message);
  }
}

function deriveAsset<T>(path: string, parsed: unknown, derive: (parsed: unknown) => T): T {
  try {
    return derive(parsed);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw corruptAsset(path, (e as Error).message);
  }
}

/**
 * Whether the bytes at `path` are whole: read past any memo, parsed when JSON,
 * and hashed against the content hash in the name. For the deep health check;
 * throws the same typed error a request would get.
 */
export async function checkAsset(assets: Fetcher, path: string): Promise<void> {
  const res = await assets.fetch(new Request(`https://assets.invalid${path}`));
  if (!res.ok)
    throw new ApiError(
      503,
      "index_unavailable",
      `asset-store: ${path} is missing from the built assets (HTTP ${res.status})`,
      { asset: assetKind(path) },
    );
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (path.endsWith(".json")) parseAsset(path, new TextDecoder().decode(bytes));
  await verifyContentHash(path, bytes);
}

const HASHED_NAME = new RegExp(`\\.([0-9a-f]{${HASH_CHARS}})\\.[a-z]+$`);

/** Throws when a content-hashed chunk's bytes do not hash to its name (the build's SHA-256 prefix). */
async function verifyContentHash(path: string, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
  const named = path.match(HASHED_NAME)?.[1];
  if (!named) return;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hex = [...digest.subarray(0, HASH_CHARS / 2)].map((b) => b.toString(16).padStart(2, "0")).join("");
  if (hex !== named)
    throw corruptAsset(
      path,
      bytes.byteLength === 0 ? "empty file" : `its bytes hash to ${hex}, not to the ${named} in its name`,
    );
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
