/**
 * The KV layer of the response cache: whole API answers, keyed by index
 * version plus a canonical form of the request. Takes its KV binding and clock
 * as constructor arguments, so it can be tested alone against a real binding.
 *
 * Every failure here degrades to "miss": a cache that is down must make the
 * service slower, never wrong and never failing.
 */

/** KV refuses an expirationTtl below 60 seconds. */
export const MIN_TTL_SECONDS = 60;
/** KV keys are capped at 512 bytes; longer canonical keys are stored under their hash. */
const MAX_KV_KEY_BYTES = 512;
/** KV allows one write per second per key; writing faster only earns 429s from KV. */
export const MIN_WRITE_INTERVAL_MS = 1000;
/** Bounds the per-isolate write guard, so a flood of distinct keys cannot grow it without end. */
const GUARD_MAX_KEYS = 10_000;
/** Answers bigger than this are not worth a KV round trip (KV allows 25 MiB). */
export const MAX_CACHED_BODY_BYTES = 1024 * 1024;

/**
 * Query parameters that are free text. Their values are compared folded
 * (trimmed, whitespace collapsed, lowercased) because search, suggest and
 * lookup fold them anyway; numbers and ids are kept as typed, since their
 * validation is case- and space-sensitive and must still see the original.
 */
export const FREE_TEXT_PARAMS = new Set(["q", "ref", "prefix", "name", "query", "term"]);

/** One cached answer: enough to rebuild the response without touching the index. */
export interface CachedResponse {
  status: number;
  contentType: string;
  body: string;
  /** Headers the handler chose that a rebuilt response must repeat (a page's CSP, say). */
  headers?: Record<string, string>;
}

export type Clock = () => number;

export function normaliseText(value: string): string {
  return value.trim().replace(/\s+/gu, " ").toLowerCase();
}

/**
 * The cache identity of a request under an index version: the path as sent,
 * then the query parameters sorted by name and value. With `foldText`, free-text
 * ones are folded, so `?q=Fuchs&limit=10` and `?limit=10&q=%20fuchs` give the
 * same key: only for routes whose answer reads the text through folded forms
 * alone and never repeats it as typed. A new index version gives a different
 * key for every request, so an old answer can never be served for a new index.
 *
 * Parameters are decoded the way the router decodes them (`+` is a space,
 * then percent-decoding). A part that does not decode, such as `%ff`, keys on
 * its raw form and can never share an entry with a part that decodes
 * (`%EF%BF%BD`) to what URLSearchParams would have made of it.
 */
export function canonicalKey(url: string | URL, version: string, options: { foldText?: boolean } = {}): string {
  const foldText = options.foldText ?? true;
  const u = typeof url === "string" ? new URL(url) : url;
  const params: string[] = [];
  for (const part of u.search.slice(1).split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const fold = foldText && FREE_TEXT_PARAMS.has(decodeOrNull(rawName) ?? "");
    params.push(`${keyPart(rawName, false)}=${keyPart(eq < 0 ? "" : part.slice(eq + 1), fold)}`);
  }
  params.sort();
  return `v1:${version}:${u.pathname}${params.length ? `?${params.join("&")}` : ""}`;
}

function decodeOrNull(raw: string): string | null {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

/** One name or value, re-encoded; an undecodable one keeps its raw form behind a `=`, which encoding never yields. */
function keyPart(raw: string, fold: boolean): string {
  const decoded = decodeOrNull(raw);
  if (decoded === null) return `=${raw}`;
  return encodeURIComponent(fold ? normaliseText(decoded) : decoded);
}

export interface CacheStats {
  hits: number;
  misses: number;
  errors: number;
  writes: number;
  skippedWrites: number;
}

export class ResponseCache {
  /** Last write (or read as HIT) per key; a Map so insertion order gives cheap eviction. */
  private readonly touched = new Map<string, number>();
  readonly stats: CacheStats = { hits: 0, misses: 0, errors: 0, writes: 0, skippedWrites: 0 };

  constructor(
    private readonly kv: KVNamespace,
    private readonly clock: Clock = Date.now,
    private readonly log: (message: string, error: unknown) => void = (m, e) => console.warn(m, e),
  ) {}

  /** The cached answer, or null on a miss, a malformed entry or any KV failure. */
  async get(key: string): Promise<CachedResponse | null> {
    try {
      const raw = await this.kv.get(await kvKey(key), "text");
      if (raw === null) {
        this.stats.misses++;
        return null;
      }
      const value = parseEntry(raw);
      if (!value) {
        this.stats.misses++;
        return null;
      }
      this.stats.hits++;
      // Whoever read a HIT has no reason to write the same key again soon.
      this.remember(key, this.clock());
      return value;
    } catch (e) {
      this.stats.errors++;
      this.log("response-cache: KV read failed; answering live", e);
      return null;
    }
  }

  /**
   * Stores an answer for `ttlSeconds` (at least 60). Resolves to whether a
   * write was made; never rejects, so it can go straight into `waitUntil`.
   * A key written or read as HIT within the last second is skipped.
   */
  async put(key: string, value: CachedResponse, ttlSeconds: number): Promise<boolean> {
    const now = this.clock();
    const last = this.touched.get(key);
    if (last !== undefined && now - last < MIN_WRITE_INTERVAL_MS) {
      this.stats.skippedWrites++;
      return false;
    }
    // Claim the slot before the await, so concurrent misses of one key write once.
    this.remember(key, now);
    try {
      await this.kv.put(await kvKey(key), JSON.stringify(value), {
        expirationTtl: Math.max(MIN_TTL_SECONDS, Math.ceil(ttlSeconds)),
      });
      this.stats.writes++;
      return true;
    } catch (e) {
      this.stats.errors++;
      this.log("response-cache: KV write failed; the answer was served uncached", e);
      return false;
    }
  }

  private remember(key: string, at: number): void {
    this.touched.delete(key);
    this.touched.set(key, at);
    if (this.touched.size > GUARD_MAX_KEYS) {
      const oldest = this.touched.keys().next().value;
      if (oldest !== undefined) this.touched.delete(oldest);
    }
  }
}

function parseEntry(raw: string): CachedResponse | null {
  try {
    const v = JSON.parse(raw) as Partial<CachedResponse>;
    if (typeof v.status !== "number" || typeof v.body !== "string" || typeof v.contentType !== "string") return null;
    const headers = stringRecord(v.headers);
    return { status: v.status, body: v.body, contentType: v.contentType, ...(headers ? { headers } : {}) };
  } catch {
    return null;
  }
}

/** A header record read back from storage, or undefined when it is not one. */
export function stringRecord(v: unknown): Record<string, string> | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, string> = Object.create(null);
  for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
}

const encoder = new TextEncoder();

/** The KV key for a canonical key: itself when it fits, else a hash that keeps the version readable. */
export async function kvKey(key: string): Promise<string> {
  if (encoder.encode(key).byteLength <= MAX_KV_KEY_BYTES) return key;
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(key));
  const prefix = key.slice(0, key.indexOf(":", 3) + 1); // "v1:<version>:"
  return `${prefix.slice(0, 200)}#${hex(digest)}`;
}

export function hex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * One cache per KV binding per isolate: the write guard only works if it
 * outlives a request, and the binding object is stable within an isolate.
 */
const caches = new WeakMap<KVNamespace, ResponseCache>();
export function responseCacheFor(kv: KVNamespace): ResponseCache {
  let c = caches.get(kv);
  if (!c) caches.set(kv, (c = new ResponseCache(kv)));
  return c;
}
