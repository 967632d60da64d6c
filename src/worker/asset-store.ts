/**
 * Reads the built catalogue from its storage (static assets or R2, see
 * storage/asset-storage.ts). Chunks are immutable (content-hashed names), so
 * each is fetched once per isolate and kept in a byte-budgeted LRU; the
 * manifest is read once per isolate, since a deploy of new assets starts new
 * isolates (and an R2 deploy writes the manifest last).
 */
import { lruBySize } from "../shared/lru";
import type { ReadTrace } from "../shared/read-trace";
import {
  FORMAT_VERSION,
  HASH_CHARS,
  MANIFEST_PATH,
  pagedTablePageOf,
  pagedTablePages,
  pagedTablePath,
  packIndexCommonPages,
  packIndexPageOf,
  packShardOf,
  packShardPages,
  packIndexPagePath,
  RECORD_SHARD_EXT,
  type Manifest,
  type PagedTable,
  type PackDirectory,
  type PackLocation,
  type StartupBundle,
} from "../shared/manifest";
import { isPackedPath, PACK_INDEX_ENTRY_BYTES, PackIndexPage } from "../shared/pack-index";
import { ApiError } from "./errors";
import { StaticAssetStorage, storageFor, type AssetStorage, type StorageBindings } from "./storage/asset-storage";
import { withTimeout } from "./with-timeout";
import { ISOLATE_MEMORY } from "./isolate-memory";

/** Bytes of parsed chunks an isolate keeps before the oldest are dropped (see `ISOLATE_MEMORY.assets`). */
export const DEFAULT_CHUNK_BUDGET_BYTES = ISOLATE_MEMORY.assets;

/**
 * Heap bytes a parsed JSON chunk takes per character of its text. Measured on
 * term chunks imported into FlexSearch maps (100k synthetic records): 3.1.
 */
const JSON_HEAP_PER_CHAR = 3;
/**
 * A packed build whose directory pages are at most this many bytes has them all read at its first packed read
 * (with the pack files table), so an isolate waits for a directory page once, not once per page: about 100,000
 * chunks (a 100k-record build has 18,000, 360 KB; a million records about 72,000, 1.4 MB). Larger directories
 * are read a page at a time, as chunks need them.
 */
export const PACK_INDEX_PREFETCH_BYTES = 2 * 1024 * 1024;
/** Pages of the pack files table read at the first packed read (a 100k-record build has one; 4,096 packs about 4). */
const PACK_FILES_PREFETCH_PAGES = 8;
/**
 * Bytes between two chunks of one pack below which `binaries` reads them, and the bytes between, as one range.
 * Deployed, a Worker or Durable Object invocation holds at most six storage requests open at once and queues the
 * rest (Workers' "simultaneous open connections" limit), so a request saved is a queued round trip saved, where
 * 64 KiB more of one response is a fraction of one. Through Miniflare's static assets a read costs about 0.5 ms and
 * 64 KiB about 0.2 (scripts/bench/asset-read-cost.ts).
 */
export const COALESCE_GAP_BYTES = 64 * 1024;
/** Longest range `binaries` makes of several chunks: within one pack, and well under a pack's largest size. */
export const COALESCE_MAX_BYTES = 8 * 1024 * 1024;
/** How long one asset read may take before the request fails with 503 instead of hanging. */
export const ASSET_TIMEOUT_MS = 5000;

let storesMade = 0;

/**
 * The isolate's read trace: null (off) unless a probe turns it on with `traceReads`. Module-level, so reads of
 * every store in the isolate (the Worker's and its Durable Objects') land in one list.
 */
let readTrace: { t0: number; reads: ReadTrace[] } | null = null;

/** Starts (a fresh list) or stops tracing reads; returns what was traced so far. */
export function traceReads(on: boolean): ReadTrace[] {
  const out = readTrace?.reads ?? [];
  readTrace = on ? { t0: performance.now(), reads: [] } : null;
  return out;
}

/** Adds JSON characters parsed to the traced read of `path` (the last one), when tracing. */
function noteJson(path: string, chars: number): void {
  const tr = readTrace?.reads.findLast((r) => r.path === path);
  if (tr) tr.jsonChars += chars;
}

/** A startup bundle as a store reads it: its pieces once read (see `AssetStore.fromStartup`). */
interface StartupRead {
  path: string;
  bundle: StartupBundle;
  pieces: Promise<Map<string, ArrayBuffer>> | null;
}

interface CacheEntry {
  value: unknown;
  bytes: number;
}

export class AssetStore {
  private manifestPromise: Promise<Manifest> | null = null;
  /**
   * The startup bundles (see `StartupBundle`), by the paths they hold not yet taken, made once from the manifest.
   * A bundle's pieces are read when the first of them is asked for. A piece is taken once; a later read of the
   * same file (its parse evicted, or the same bytes held under another key) reads the file itself.
   */
  private startupOf: Map<string, StartupRead> | null = null;
  private readonly chunks: ReturnType<typeof lruBySize<string, CacheEntry>>;
  /**
   * Reads in flight, by path: callers of one store wait for one read. Never shared between Durable Objects (see
   * `forObject`): objects of a class share an isolate, and with a module-level store one object's query awaited
   * another's read; at 10M records, 15 of 16 shard groups once failed at once with workerd's "Cannot perform I/O on
   * behalf of a different Durable Object".
   */
  private readonly pending = new Map<string, Promise<unknown>>();
  /** Reads through the binding since this store began, by asset kind: how often the budget made a chunk come back. */
  readonly reads = new Map<string, number>();
  private readonly storage: AssetStorage;
  private readonly id = storesMade++;

  /**
   * `source`: a storage backend, or a static assets binding (read as StaticAssetStorage). `sharing`: a store whose
   * parsed chunks this one uses as its own (see `forObject`); its budget then holds for both.
   */
  constructor(source: AssetStorage | Fetcher, budgetBytes = DEFAULT_CHUNK_BUDGET_BYTES, sharing?: AssetStore) {
    // Not `"getRange" in source`: a binding is an RPC stub, which claims to have every property.
    this.storage = isStorage(source) ? source : new StaticAssetStorage(source);
    this.chunks = sharing?.chunks ?? lruBySize<string, CacheEntry>(budgetBytes, (e) => e.bytes);
  }

  /**
   * A store for one Durable Object: the same storage and parsed chunks (plain values, safe to share in an isolate),
   * but its own reads in flight, manifest and startup reads, so it never awaits an I/O another object began.
   */
  forObject(): AssetStore {
    return new AssetStore(this.storage, 0, this);
  }

  /** Whether nothing has been read yet: the first request of an isolate (or of a new binding). */
  cold(): boolean {
    return this.manifestPromise === null && this.pending.size === 0 && this.chunks.size === 0;
  }

  /**
   * Takes a manifest root this Worker's coordinator has read and checked, if this store has none yet: a cold shard
   * object is handed its coordinator's with its first call (`SearchShard.prefetch`), so its first reads (pack
   * directory, shard list, term tables) need not wait for a read of its own. The object is named by the root's
   * version, so it is the build the object serves. A root of another format is ignored (the store reads its own).
   */
  adoptManifest(m: Manifest): void {
    if (this.manifestPromise || m?.format !== FORMAT_VERSION || !m.recordShards) return;
    this.manifestPromise = Promise.resolve(m);
  }

  manifest(): Promise<Manifest> {
    this.manifestPromise ??= this.read(MANIFEST_PATH)
      .then((bytes) => {
        const text = new TextDecoder().decode(bytes);
        noteJson(MANIFEST_PATH, text.length);
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
        if (m.packs && !m.packs.index)
          throw new ApiError(
            503,
            "index_unavailable",
            "asset-store: the catalogue's pack directory is in JSON pages, an older layout; rebuild with npm run build",
          );
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
   * read with the same `derive`. With `keep` false nothing is kept (concurrent callers still share one read):
   * for callers that keep the part they need themselves, such as the record store's records.
   */
  json<T>(path: string, derive?: (parsed: unknown) => T, keep = true): Promise<T> {
    return this.load(
      path,
      (bytes) => {
        const text = new TextDecoder().decode(bytes);
        noteJson(path, text.length);
        const parsed = parseAsset(path, text);
        const value = derive ? deriveAsset(path, parsed, derive) : parsed;
        return { value, bytes: heldBytesOf(value) ?? text.length * JSON_HEAP_PER_CHAR };
      },
      keep,
    ) as Promise<T>;
  }

  /**
   * A JSON chunk stored deflated in zlib's format (record shards: RECORD_SHARD_EXT in shared/manifest.ts), parsed;
   * memoised as `json` is. Bytes that do not inflate whole are a corrupt asset, as JSON that does not parse is.
   */
  deflatedJson<T>(path: string, keep = true): Promise<T> {
    return this.load(
      path,
      async (bytes) => {
        const text = await inflatedText(path, bytes);
        noteJson(path, text.length);
        return { value: parseAsset(path, text), bytes: text.length * JSON_HEAP_PER_CHAR };
      },
      keep,
    ) as Promise<T>;
  }

  /**
   * The JSON list held by bytes `[offset, offset + length)` of a JSON asset (entries without their brackets),
   * memoised like a chunk (or what `derive` makes of it): a part of a large file whose build wrote where each
   * part is (vocabulary ranges, volume groups).
   */
  jsonRange<T, D = T[]>(path: string, offset: number, length: number, derive?: (parsed: T[]) => D): Promise<D> {
    return this.load(
      `${path}#${offset}+${length}`,
      (bytes) => {
        const text = new TextDecoder().decode(bytes);
        noteJson(path, text.length);
        const parsed = parseAsset(path, `[${text}]`);
        const value = derive ? deriveAsset(path, parsed, (p) => derive(p as T[])) : parsed;
        return { value, bytes: heldBytesOf(value) ?? text.length * JSON_HEAP_PER_CHAR };
      },
      true,
      () => this.readRange(path, offset, length),
    ) as Promise<D>;
  }

  /**
   * A file's bytes, checked against its content hash and memoised under a key of their own: the same file may
   * also be held parsed (a vocabulary partition is read whole by the typo rule and by range by the prefix rule).
   */
  private wholeBytes(path: string): Promise<ArrayBuffer> {
    return this.load(
      `${path}#bytes`,
      async (buf) => {
        await verifyContentHash(path, new Uint8Array(buf));
        return { value: buf, bytes: buf.byteLength };
      },
      true,
      () => this.read(path),
    ) as Promise<ArrayBuffer>;
  }

  /**
   * A binary chunk, memoised; checked against the hash in its name, since no parse would notice a cut. With
   * `keep` false it is not kept under the budget (concurrent callers still share one fetch): for callers that
   * keep what they derive from it in a cache of their own, such as the search index's decoded postings.
   */
  binary(path: string, keep = true, read?: () => Promise<ArrayBuffer>): Promise<ArrayBuffer> {
    return this.load(
      path,
      async (buf) => {
        await verifyContentHash(path, new Uint8Array(buf));
        return { value: buf, bytes: buf.byteLength };
      },
      keep,
      read,
    ) as Promise<ArrayBuffer>;
  }

  /**
   * Several binary chunks, each as `binary` gives it (memoised, checked against its hash), with the chunks of one
   * pack that lie within COALESCE_GAP_BYTES of each other read as one range: the term chunks of a group's shards
   * for one bucket are laid side by side (indexer/pack-assets.ts `packLayoutKey`), so a Durable Object scoring
   * eleven shards reads a term's eleven chunks in one request (see COALESCE_GAP_BYTES for why requests count).
   * A chunk held or being read already is not read again.
   *
   * @example
   * const bytes = store.binaries(["/search/s0/terms/5.ab12cd34ef56.bin", "/search/s1/terms/5.0123456789ab.bin"]);
   * const first = await bytes.get("/search/s0/terms/5.ab12cd34ef56.bin");
   */
  binaries(paths: Iterable<string>, keep = true): Map<string, Promise<ArrayBuffer>> {
    const out = new Map<string, Promise<ArrayBuffer>>();
    const fresh: string[] = [];
    for (const path of paths) {
      if (out.has(path)) continue;
      if (this.chunks.has(path) || this.pending.has(path) || !isPackedPath(path))
        out.set(path, this.binary(path, keep));
      else {
        fresh.push(path);
        out.set(path, null!);
      }
    }
    if (!fresh.length) return out;
    const reads = this.readTogether(fresh);
    // Each chunk's own promise carries a failure to its caller; this one is only their source.
    reads.catch(() => {});
    for (const path of fresh)
      out.set(
        path,
        this.binary(path, keep, () => reads.then((byPath) => byPath.get(path)!)),
      );
    return out;
  }

  /**
   * Reads packed chunks by runs of neighbouring ranges (see `binaries`): locates them all (their directory pages
   * are read once per isolate), sorts them by pack and offset, and cuts each run's bytes into its chunks. A chunk a
   * startup bundle holds, or any chunk of a build that is not packed, is read as `read` reads it.
   */
  private async readTogether(paths: string[]): Promise<Map<string, Promise<ArrayBuffer>>> {
    const out = new Map<string, Promise<ArrayBuffer>>();
    const packs = (await this.manifest()).packs;
    const located: Array<{ path: string; file: string; at: number; length: number }> = [];
    await Promise.all(
      paths.map(async (path) => {
        // A chunk its directory cannot place is read alone, and fails alone, with its own error.
        const loc =
          packs && !(await this.startupBundleOf(path))
            ? await this.packLocate(packs, path).catch(() => undefined)
            : undefined;
        if (loc) located.push({ path, file: loc[1], at: loc[0][1], length: loc[0][2] });
        else out.set(path, handledLater(this.read(path)));
      }),
    );
    located.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.at - b.at));
    // A backend that sends the whole file for any range (static assets) is asked once a pack, whatever the gaps.
    const gap = this.storage.ranged ? COALESCE_GAP_BYTES : Infinity;
    const most = this.storage.ranged ? COALESCE_MAX_BYTES : Infinity;
    for (let i = 0; i < located.length; ) {
      const first = located[i]!;
      let end = first.at + first.length;
      let j = i + 1;
      for (; j < located.length; j++) {
        const next = located[j]!;
        const nextEnd = Math.max(end, next.at + next.length);
        if (next.file !== first.file || next.at - end > gap || nextEnd - first.at > most) break;
        end = nextEnd;
      }
      const run = located.slice(i, j);
      const bytes = this.readRun(first.file, first.at, end - first.at, run);
      for (const c of run)
        out.set(c.path, handledLater(bytes.then((b) => b.slice(c.at - first.at, c.at - first.at + c.length))));
      i = j;
    }
    return out;
  }

  /** One range of a pack holding the chunks of `run`: counted and traced as one read, of its first chunk's kind. */
  private async readRun(file: string, at: number, length: number, run: Array<{ path: string }>): Promise<ArrayBuffer> {
    const tr = this.noteRead(run[0]!.path);
    if (tr && run.length > 1) tr.chunks = run.length;
    const bytes = await this.range(file, at, length);
    if (tr) readEnded(tr, bytes.byteLength);
    return bytes;
  }

  /** Counts a read through the binding by its kind and, when tracing, starts its trace entry. */
  private noteRead(path: string): ReadTrace | null {
    const kind = assetKind(path);
    this.reads.set(kind, (this.reads.get(kind) ?? 0) + 1);
    const trace = readTrace;
    if (!trace) return null;
    const tr: ReadTrace = {
      path,
      bytes: 0,
      start: performance.now() - trace.t0,
      end: 0,
      parseMs: 0,
      jsonChars: 0,
      store: this.id,
    };
    trace.reads.push(tr);
    traceStarts.set(tr, trace.t0);
    return tr;
  }

  /**
   * The value under `key` in a paged table, or undefined: reads the key's page once (then held like any chunk).
   * Own keys only: keys are user-influenced (typed prefixes, slugs), and must never find Object.prototype members.
   */
  async tableGet<V>(table: PagedTable, key: string): Promise<V | undefined> {
    // A small table is in the root itself: no page to read.
    if (table.entries) return Object.hasOwn(table.entries, key) ? (table.entries[key] as V) : undefined;
    const hashes = await this.tableHashes(table);
    const page = await this.json<Record<string, V>>(pagedTablePath(table, pagedTablePageOf(table, key), hashes));
    return Object.hasOwn(page, key) ? page[key] : undefined;
  }

  /** A paged table's page hashes: in the root, or, for a big table, in its own file, read once and then held. */
  private tableHashes(table: PagedTable): Promise<string> | string {
    if (!table.hashesFile) return table.hashes;
    const path = table.hashesFile;
    return this.json(path, (v) => {
      if (typeof v !== "string" || v.length !== pagedTablePages(table) * HASH_CHARS)
        throw corruptAsset(path, `not the hashes of ${pagedTablePages(table)} pages`);
      return v;
    });
  }

  /**
   * Where a packed chunk is and the pack file holding it. The first lookup of an isolate reads, in one parallel
   * batch, what any later one needs: the files table's pages (when few) and, when the directory is small, every
   * directory page, so a cold query waits for one directory hop only once. Awaited by the request that starts the
   * reads: a read left running when its request ends is cancelled, and a later request waiting on it would hang.
   */
  private async packLocate(packs: PackDirectory, path: string): Promise<[PackLocation, string] | undefined> {
    const [page] = await Promise.all([
      this.packIndexPage(packs, packIndexPageOf(packs.index, path)),
      this.packDirectory(packs, packShardOf(packs.index, path)),
    ]);
    const loc = page.get(path);
    const file = loc ? await this.tableGet<string>(packs.files, String(loc[0])) : undefined;
    return loc && file ? [loc, file] : undefined;
  }

  private packIndexPage(packs: PackDirectory, p: number): Promise<PackIndexPage> {
    const pagePath = packIndexPagePath(packs.index, p);
    // Held under a key of its own: a reader of the page as plain bytes (the deep health check) gets bytes.
    return this.load(
      `${pagePath}#index`,
      async (bytes) => {
        await verifyContentHash(pagePath, new Uint8Array(bytes));
        const value = deriveAsset(pagePath, bytes, (b) => PackIndexPage.decode(b as ArrayBuffer));
        return { value, bytes: value.heldBytes };
      },
      true,
      () => this.read(pagePath),
    ) as Promise<PackIndexPage>;
  }

  /**
   * The files table's pages when few, and the directory pages a reader of `shard`'s chunks (or, without it, of the
   * rest) needs: a search shard's own pages (see `PackIndex.shards`), or every common page when the directory is
   * small (see packLocate).
   */
  private async packDirectory(packs: PackDirectory, shard?: number): Promise<void> {
    const reads: Array<Promise<unknown>> = [];
    const filePages = pagedTablePages(packs.files);
    // A small files table is in the root itself (`entries`): its page is for tools.
    if (!packs.files.entries && filePages <= PACK_FILES_PREFETCH_PAGES) {
      const hashes = await this.tableHashes(packs.files);
      for (let p = 0; p < filePages; p++) reads.push(this.json(pagedTablePath(packs.files, p, hashes)));
    }
    const { index } = packs;
    if (shard !== undefined && index.shards) {
      const [first, end] = packShardPages(index, shard);
      for (let p = first; p < end; p++) reads.push(this.packIndexPage(packs, p));
    } else if (index.size * PACK_INDEX_ENTRY_BYTES <= PACK_INDEX_PREFETCH_BYTES)
      for (let p = 0; p < packIndexCommonPages(index); p++) reads.push(this.packIndexPage(packs, p));
    await Promise.all(reads);
  }

  /**
   * Reads the pack directory (as the first packed read would) when the build is packed: for a caller that knows
   * packed reads will follow, to read it beside its other first reads; `shard` for a reader of that search shard's
   * chunks. Awaited, like any read (see packLocate).
   */
  async prefetchPacks(shard?: number): Promise<void> {
    const packs = (await this.manifest()).packs;
    if (packs) await this.packDirectory(packs, shard);
  }

  /** Every entry of a paged table, as a Map: for the rare caller that must scan a whole table. */
  async tableEntries<V>(table: PagedTable): Promise<Map<string, V>> {
    if (table.entries) return new Map(Object.entries(table.entries) as Array<[string, V]>);
    const hashes = await this.tableHashes(table);
    const pages = await Promise.all(
      Array.from({ length: pagedTablePages(table) }, (_, p) =>
        this.json<Record<string, V>>(pagedTablePath(table, p, hashes)),
      ),
    );
    return new Map(pages.flatMap((page) => Object.entries(page)));
  }

  /** Bytes of parsed chunks held now (approximate for JSON). */
  heldBytes(): number {
    return this.chunks.calculatedSize;
  }

  /** The same bytes by asset kind (see `assetKind`), for the benches' census. */
  heldBytesByKind(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [path, e] of this.chunks.entries()) {
      const kind = assetKind(path.split("#")[0]!);
      out.set(kind, (out.get(kind) ?? 0) + e.bytes);
    }
    return out;
  }

  /** What `json(path, derive)` made of the chunk at `path`, if it is held now; no read. */
  heldJson<T>(path: string): T | undefined {
    return this.chunks.get(path)?.value as T | undefined;
  }

  /**
   * Bytes `[offset, offset + length)` of an object, not memoised: for the
   * callers that keep what they parse from it (pack directories, entries).
   */
  async range(path: string, offset: number, length: number): Promise<ArrayBuffer> {
    const bytes = await withTimeout(this.storage.getRange(path, offset, length), ASSET_TIMEOUT_MS, () => tooSlow(path));
    if (!bytes) throw missing(this.storage, path);
    if (bytes.byteLength !== length)
      throw corruptAsset(path, `asked for ${length} bytes at ${offset}, got ${bytes.byteLength}`);
    return bytes;
  }

  private load(
    path: string,
    parse: (bytes: ArrayBuffer) => CacheEntry | Promise<CacheEntry>,
    keep = true,
    read = () => this.read(path),
  ): Promise<unknown> {
    const hit = this.chunks.get(path);
    if (hit) return Promise.resolve(hit.value);
    let p = this.pending.get(path);
    if (!p) {
      p = read()
        .then((bytes) => {
          // The stores of an isolate's Durable Objects share parsed chunks but not reads (see `forObject`): a cold
          // isolate's objects all start at once, each reading the same shared tables, and the first to parse one
          // has made the others' parse of the same (content-hashed) path needless. A synchronous parse is kept
          // before any other read's callback runs, so it is the only one.
          const held = keep ? this.chunks.get(path) : undefined;
          if (held) return held.value;
          const tr = readTrace?.reads.findLast((r) => r.path === path);
          const t = tr ? performance.now() : 0;
          const kept = (entry: CacheEntry) => {
            if (tr) tr.parseMs += performance.now() - t;
            if (!keep) return entry.value;
            // An asynchronous parse (a hash check first) may have been overtaken by another store's.
            const other = this.chunks.get(path);
            if (other) return other.value;
            this.chunks.set(path, entry);
            return entry.value;
          };
          const entry = parse(bytes);
          return entry instanceof Promise ? entry.then(kept) : kept(entry);
        })
        .finally(() => this.pending.delete(path));
      this.pending.set(path, p);
    }
    return p;
  }

  /**
   * Whether the bytes of the chunk at `path` are whole: read past any memo,
   * parsed when JSON, and hashed against the content hash in the name. For
   * the deep health check; throws the same typed error a request would get.
   */
  async verify(path: string): Promise<void> {
    // The file itself, not a copy of it in the startup bundle: the check is of what the build wrote there.
    const bytes = new Uint8Array(await this.readNow(path));
    if (path.endsWith(".json")) parseAsset(path, new TextDecoder().decode(bytes));
    else if (path.endsWith(`.${RECORD_SHARD_EXT}`)) parseAsset(path, await inflatedText(path, bytes));
    await verifyContentHash(path, bytes);
  }

  /**
   * A chunk's bytes: from the startup bundle when it holds them (see `fromStartup`), else its own object, or its
   * range of a pack when the build is packed.
   */
  private async read(path: string): Promise<ArrayBuffer> {
    const tr = this.noteRead(path);
    if (!tr) {
      const bundle = await this.startupBundleOf(path);
      return (bundle && (await this.fromStartup(bundle, path))) ?? this.readNow(path);
    }
    const bundle = await this.startupBundleOf(path);
    const bundled = bundle ? await this.fromStartup(bundle, path) : null;
    if (bundled) tr.via = bundle!.path;
    const bytes = bundled ?? (await this.readNow(path));
    readEnded(tr, bytes.byteLength);
    return bytes;
  }

  /** The startup bundle holding `path` and not yet asked for it, or null. */
  private async startupBundleOf(path: string): Promise<StartupRead | null> {
    if (path === MANIFEST_PATH) return null;
    if (this.startupOf === null) {
      const bundles = (await this.manifest()).startup ?? [];
      if (this.startupOf === null) {
        this.startupOf = new Map();
        for (const b of bundles) {
          const read: StartupRead = { path: b.path, bundle: b, pieces: null };
          for (const [p] of b.files) this.startupOf.set(p, read);
        }
      }
    }
    return this.startupOf.get(path) ?? null;
  }

  /**
   * The bytes of `path` from its startup bundle, or null when the bundle gave them out already. The first call
   * for a bundle reads it whole, once, and cuts it into its pieces; what was read and cut is not kept beyond the
   * pieces not yet asked for. A bundle that cannot be read costs its pieces their own reads, not the request.
   */
  private async fromStartup(read: StartupRead, path: string): Promise<ArrayBuffer | null> {
    read.pieces ??= this.readStartup(read.bundle);
    const pieces = await read.pieces;
    const bytes = pieces.get(path);
    if (!bytes) return null;
    pieces.delete(path);
    this.startupOf!.delete(path);
    return bytes;
  }

  private async readStartup(bundle: StartupBundle): Promise<Map<string, ArrayBuffer>> {
    const pieces = new Map<string, ArrayBuffer>();
    try {
      const whole = await this.read(bundle.path);
      let at = 0;
      for (const [p, bytes] of bundle.files) {
        if (at + bytes > whole.byteLength)
          throw corruptAsset(bundle.path, `${p} ends past its ${whole.byteLength} bytes`);
        pieces.set(p, whole.slice(at, at + bytes));
        at += bytes;
      }
    } catch (e) {
      // Each piece is still a file of its own: read those instead (a deploy missing the bundle is worth a log line).
      console.error(
        `asset-store: the startup bundle ${bundle.path} could not be read; its files are read one by one`,
        e,
      );
      pieces.clear();
    }
    return pieces;
  }

  /** Bytes `[offset, offset + length)` of the chunk at `path`, inside its pack when the build is packed. */
  private async readRange(path: string, offset: number, length: number): Promise<ArrayBuffer> {
    const tr = this.noteRead(path);
    let file = path;
    let at = offset;
    const manifestPacks = (await this.manifest()).packs;
    const packs = manifestPacks && isPackedPath(path) ? manifestPacks : undefined;
    if (!packs && !this.storage.ranged) {
      // A backend that would send the whole file for each range: read it once, held like any chunk, and slice.
      const whole = await this.wholeBytes(path);
      if (offset + length > whole.byteLength) throw corruptAsset(path, `asked for bytes past its ${whole.byteLength}`);
      if (tr) {
        readEnded(tr, length);
        tr.via = path;
      }
      return whole.slice(offset, offset + length);
    }
    if (packs) {
      const [loc, name] = (await this.packLocate(packs, path)) ?? [];
      if (!loc || !name)
        throw missing(this.storage, path, packIndexPagePath(packs.index, packIndexPageOf(packs.index, path)));
      if (offset + length > loc[2]) throw corruptAsset(path, `asked for bytes past its ${loc[2]}`);
      file = name;
      at = loc[1] + offset;
    }
    const bytes = await this.range(file, at, length);
    if (tr) readEnded(tr, bytes.byteLength);
    return bytes;
  }

  private async readNow(path: string): Promise<ArrayBuffer> {
    if (isPackedPath(path)) {
      const packs = (await this.manifest()).packs;
      if (packs) return this.readPacked(packs, path);
    }
    const bytes = await withTimeout(this.storage.get(path), ASSET_TIMEOUT_MS, () => tooSlow(path));
    if (!bytes) throw missing(this.storage, path);
    return bytes;
  }

  /**
   * Looks the chunk up in its directory page and its pack in the files table (each read once, then held),
   * then reads its range.
   */
  private async readPacked(packs: PackDirectory, path: string): Promise<ArrayBuffer> {
    const [loc, file] = (await this.packLocate(packs, path)) ?? [];
    if (!loc || !file)
      throw missing(this.storage, path, packIndexPagePath(packs.index, packIndexPageOf(packs.index, path)));
    const [, offset, length] = loc;
    const bytes = await withTimeout(this.storage.getRange(file, offset, length), ASSET_TIMEOUT_MS, () => tooSlow(path));
    if (!bytes) throw missing(this.storage, file);
    // Named by the chunk, not the pack: errors and the health check speak of what a request needed.
    if (bytes.byteLength !== length)
      throw corruptAsset(path, `its pack ${file} gave ${bytes.byteLength} of its ${length} bytes`);
    return bytes;
  }
}

const PACKS_DIR = "/packs/";

function isStorage(source: AssetStorage | Fetcher): source is AssetStorage {
  return typeof (source as Partial<AssetStorage>).where === "string";
}

/** The trace's start of each read traced, so a read ends on the clock of the trace it began in. */
const traceStarts = new WeakMap<ReadTrace, number>();

/** Closes a traced read: when it ended and its bytes. */
function readEnded(tr: ReadTrace, bytes: number): void {
  tr.end = performance.now() - traceStarts.get(tr)!;
  tr.bytes = bytes;
}

/**
 * `p`, marked as handled: its caller takes it up only once the batch it belongs to is made, and a rejection before
 * then must not count as unhandled. The caller still sees the rejection.
 */
function handledLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

function tooSlow(path: string): ApiError {
  return new ApiError(503, "index_unavailable", `asset-store: reading ${path} took over ${ASSET_TIMEOUT_MS} ms`);
}

function missing(storage: AssetStorage, path: string, page?: string): ApiError {
  const upload =
    storage instanceof StaticAssetStorage ? "run npm run build" : "upload the build with npm run deploy:r2";
  const where = page ? `the pack directory page ${page}` : storage.where;
  return new ApiError(503, "index_unavailable", `asset-store: ${path} is missing from ${where}; ${upload}`, {
    asset: assetKind(path),
  });
}

/**
 * The kind of asset at a path, as errors and the deep health check name it:
 * `records`, `series`, `search/terms`, `search/lexicon`, `manifest`…
 */
export function assetKind(path: string): string {
  // A sharded index puts each shard's chunks under search/s<k>/: the kind is the same in every shard.
  if (path.startsWith("/records/table-")) return "records/table";
  if (path.startsWith(PACKS_DIR)) {
    if (path.startsWith(`${PACKS_DIR}dir-`)) return "packs/directory";
    if (path.startsWith(`${PACKS_DIR}startup-`)) return "packs/startup";
    return path.startsWith(`${PACKS_DIR}files-`) ? "packs/files" : "packs";
  }
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

/**
 * The text of zlib-deflated bytes, through the runtime's native DecompressionStream; zlib's checksum makes a cut or
 * damaged file an error here rather than text that might still parse.
 */
async function inflatedText(path: string, bytes: ArrayBuffer | Uint8Array): Promise<string> {
  if (bytes.byteLength === 0) throw corruptAsset(path, "empty file");
  try {
    const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return await new Response(inflated).text();
  } catch (e) {
    throw corruptAsset(path, `not a whole deflated file: ${(e as Error).message}`);
  }
}

function parseAsset(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw corruptAsset(path, text.length === 0 ? "empty file" : (e as Error).message);
  }
}

/**
 * The bytes a derived value says it holds (a `heldBytes` number, as `VocabWords` and `PackIndexPage` have), for
 * values kept far smaller than their JSON: counted by their text (three bytes a character), the typo vocabulary of
 * a million records was counted at 31 MiB while it held under 8, and pushed out chunks that the budget had room for.
 */
function heldBytesOf(value: unknown): number | undefined {
  const held = value !== null && typeof value === "object" ? (value as { heldBytes?: unknown }).heldBytes : undefined;
  return typeof held === "number" && Number.isFinite(held) && held >= 0 ? held : undefined;
}

function deriveAsset<T>(path: string, parsed: unknown, derive: (parsed: unknown) => T): T {
  try {
    return derive(parsed);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw corruptAsset(path, (e as Error).message);
  }
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
 * Given the Worker's env, the backend is the one `ASSET_BACKEND` names; given
 * a static assets binding alone, it is that.
 */
const stores = new WeakMap<object, AssetStore>();
export function assetStoreFor(source: StorageBindings | Fetcher): AssetStore {
  const { binding, storage } = "fetch" in source ? { binding: source, storage: () => source } : storageFor(source);
  let s = stores.get(binding);
  if (!s) stores.set(binding, (s = new AssetStore(storage())));
  return s;
}
