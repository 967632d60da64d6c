/**
 * Where the built catalogue is read from: the static assets binding (the
 * default, for catalogues within Workers' asset limits) or an R2 bucket (for
 * catalogues past them). Both hold the same files under the same names, so
 * everything above this module reads one format through one interface.
 * `wrangler.toml` picks the backend with the var `ASSET_BACKEND`.
 */
import { r2Key } from "../../shared/manifest";
import { ApiError } from "../errors";

/** What the rest of the Worker needs from storage: a whole object, or a byte range of one. */
export interface AssetStorage {
  /** Names the backend in errors ("the built assets", "the R2 bucket"). */
  readonly where: string;
  /** The object's bytes, or null when there is no object at `path` (`/records/0.<hash>.json`). */
  get(path: string): Promise<ArrayBuffer | null>;
  /** Bytes `[offset, offset + length)` of the object, or null when there is no object at `path`. */
  getRange(path: string, offset: number, length: number): Promise<ArrayBuffer | null>;
  /**
   * Whether `getRange` reads only the range. When not, a caller reading several parts of one object does better
   * to read it whole once.
   */
  readonly ranged: boolean;
}

/** The backends `ASSET_BACKEND` may name. */
export const ASSET_BACKENDS = ["assets", "r2"] as const;
export type AssetBackend = (typeof ASSET_BACKENDS)[number];
export const DEFAULT_ASSET_BACKEND: AssetBackend = "assets";

/** The bindings storage is chosen from; a subset of Env, so tests can pass their own. */
export interface StorageBindings {
  ASSETS?: Fetcher;
  ASSET_BACKEND?: string;
  CATALOGUE_BUCKET?: R2Bucket;
}

/** Reads through the static assets binding: a fetch per object, `Range` for a part of one. */
export class StaticAssetStorage implements AssetStorage {
  readonly where = "the built assets";
  /**
   * Miniflare's binding answers a `Range` request with the whole file, and so, by its source, does the deployed
   * asset worker (workers-sdk `packages/workers-shared/asset-worker`); see README, "Packs".
   */
  readonly ranged = false;
  constructor(private readonly assets: Fetcher) {}

  async get(path: string): Promise<ArrayBuffer | null> {
    const res = await this.assets.fetch(new Request(`https://assets.invalid${path}`));
    if (res.status === 404) return null;
    if (!res.ok) throw unreadable(this, path, `HTTP ${res.status}`);
    return res.arrayBuffer();
  }

  async getRange(path: string, offset: number, length: number): Promise<ArrayBuffer | null> {
    const res = await this.assets.fetch(
      new Request(`https://assets.invalid${path}`, { headers: { Range: `bytes=${offset}-${offset + length - 1}` } }),
    );
    if (res.status === 404) return null;
    if (res.status === 206) return res.arrayBuffer();
    if (!res.ok) throw unreadable(this, path, `HTTP ${res.status}`);
    // A server that ignores Range answers 200 with the whole object: still correct, only slower.
    return (await res.arrayBuffer()).slice(offset, offset + length);
  }
}

/** Reads from an R2 bucket; an object's key is its asset path without the leading slash. */
export class R2AssetStorage implements AssetStorage {
  readonly where = "the R2 bucket";
  readonly ranged = true;
  constructor(private readonly bucket: R2Bucket) {}

  async get(path: string): Promise<ArrayBuffer | null> {
    const obj = await this.bucket.get(r2Key(path));
    return obj ? obj.arrayBuffer() : null;
  }

  async getRange(path: string, offset: number, length: number): Promise<ArrayBuffer | null> {
    const obj = await this.bucket.get(r2Key(path), { range: { offset, length } });
    return obj ? obj.arrayBuffer() : null;
  }
}

/** The R2 key of an asset path: `/records/0.abc.json` → `records/0.abc.json`. */
/** The backend `ASSET_BACKEND` names, or a 503 that says what is missing from the configuration. */
export function storageFor(env: StorageBindings): { binding: object; storage: () => AssetStorage } {
  const backend = env.ASSET_BACKEND ?? DEFAULT_ASSET_BACKEND;
  if (backend === "r2") {
    const bucket = env.CATALOGUE_BUCKET;
    if (!bucket) throw misconfigured('ASSET_BACKEND is "r2" but no R2 bucket is bound as CATALOGUE_BUCKET');
    return { binding: bucket, storage: () => new R2AssetStorage(bucket) };
  }
  if (backend === "assets") {
    const assets = env.ASSETS;
    if (!assets) throw misconfigured('ASSET_BACKEND is "assets" but no static assets are bound as ASSETS');
    return { binding: assets, storage: () => new StaticAssetStorage(assets) };
  }
  throw misconfigured(`ASSET_BACKEND is "${backend}"; it must be one of ${ASSET_BACKENDS.join(", ")}`);
}

function misconfigured(why: string): ApiError {
  return new ApiError(503, "index_unavailable", `asset-storage: ${why} (see wrangler.toml)`);
}

function unreadable(storage: AssetStorage, path: string, why: string): ApiError {
  return new ApiError(
    503,
    "index_unavailable",
    `asset-storage: ${path} could not be read from ${storage.where} (${why})`,
  );
}
