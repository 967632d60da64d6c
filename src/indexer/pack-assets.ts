/**
 * Packs a build's chunks into a few large pack files plus an offset
 * directory (see `PackDirectory` in shared/manifest.ts), so a catalogue of
 * millions of chunks stays within a few thousand files. Node only.
 *
 * A chunk goes to the pack bucket of a hash of its name without its content
 * hash (`/records/12.jsonz`), or of its layout key (`packLayoutKey`: a term
 * chunk's shard group and bucket), so a rebuild that changes a few chunks
 * rewrites only the packs holding them, as long as the bucket count stays the
 * same (it is a power of two, so it changes only when the catalogue doubles).
 */
import { fnv1a32 } from "../shared/hash";
import {
  HASH_CHARS,
  MANIFEST_PATH,
  PACK_DIR_PAGE_BYTES,
  PACK_INDEX_PAGE_ENTRIES,
  PACK_MAX_BYTES,
  PACK_TARGET_BYTES,
  packIndexPageOf,
  searchShardFolderOf,
  type PackDirectory,
  type PackIndex,
  type PackLocation,
} from "../shared/manifest";
import { encodePackIndexPage, isPackedPath, PACKED_PREFIXES, pathKey2 } from "../shared/pack-index";
import { contentHash } from "./content-hash";
import { shardGroups } from "../shared/shard-groups";
import { writePagedTable } from "./paged-table-assets";

/** The folders whose files may be packed (see `isPackedPath` for what in them stays a file). */
export const PACKED_DIRS = PACKED_PREFIXES;

/**
 * Smallest pack the default sizing aims at. Static assets (Miniflare's binding, at least) answer a range with the
 * whole file, so a packed build served from them reads a pack per chunk: a cold query's ten record shards and few
 * term chunks cost ten-odd whole packs. In Miniflare a read costs about 0.5 ms and a megabyte 2–3 ms
 * (scripts/bench/asset-read-cost.ts), so whole packs matter where they are big (a 1M cold three-word query read
 * 103,071 KiB of them before records were deflated) more than at 100k. With record shards deflated
 * (RECORD_SHARD_EXT), a 100k-record catalogue's packed chunks are 101 MB: at 64 KiB that is 2,048 packs of about 50 KB, within the 4,000 files issue 14 allows a 100k build
 * (128 KiB made 1,024 packs of 97 KB; before the records were deflated, 64 KiB made 4,096 packs, over it).
 * Larger catalogues are as before: past PACK_COUNT_TARGET packs of this size, packs grow.
 */
export const PACK_MIN_TARGET_BYTES = 64 * 1024;
/**
 * Packs the default sizing aims at once a catalogue is big enough: past it packs grow (to PACK_TARGET_BYTES)
 * instead of multiplying, so a 10M-record build stays within a few thousand pack files.
 */
export const PACK_COUNT_TARGET = 4096;

/**
 * The bytes a pack aims at when not given: PACK_MIN_TARGET_BYTES until the catalogue fills PACK_COUNT_TARGET
 * packs of it, then larger, up to PACK_TARGET_BYTES. The bucket count derived from it is a power of two that
 * changes only when the catalogue doubles (or never, past the count target), so rebuilds keep their packs.
 */
export function defaultPackTarget(totalBytes: number): number {
  return Math.min(PACK_TARGET_BYTES, Math.max(PACK_MIN_TARGET_BYTES, Math.ceil(totalBytes / PACK_COUNT_TARGET)));
}

export interface PackOptions {
  targetBytes?: number;
  maxBytes?: number;
  /** Bytes a files-table page aims at. */
  dirPageBytes?: number;
  /** Chunks a binary directory page aims at. */
  indexPageEntries?: number;
}

/** A chunk's name without its content hash: stable across rebuilds. */
function stableName(path: string): string {
  return path.replace(/\.[0-9a-f]+(\.[a-z]+)$/, "$1");
}

/** A search shard's term chunk, by its stable name: the shard, and the bucket number or solo name. */
const TERM_CHUNK = /^\/search\/s(\d+)\/terms\/(?:(\d+)|(solo-[0-9a-z]+))\.bin$/;

/**
 * What picks a chunk's pack and its place in it (see `packChunks`), stable across rebuilds: its stable name, except
 * for the term chunks of a search shard scored in a group of shards (shard-groups.ts). Those are keyed by the
 * group and their bucket (or solo family), so one bucket's chunks of every shard in a group sit side by side in one
 * pack, in shard order, and the group's Durable Object reads them as one range (`AssetStore.binaries`). Where the
 * shards' bucket counts differ (powers of two, see search-assets.ts `termBucketCount`), the bucket is taken modulo
 * the group's smallest count: a term's larger bucket is then in the same run, a chunk away at most.
 */
export function packLayoutKey(paths: readonly string[]): (path: string) => string {
  const counts: number[] = [];
  for (const path of paths) {
    const m = TERM_CHUNK.exec(stableName(path));
    if (m?.[2] !== undefined) counts[Number(m[1])] = Math.max(counts[Number(m[1])] ?? 0, Number(m[2]) + 1);
  }
  const groups = shardGroups(counts.length);
  if (groups.length === counts.length) return stableName;
  const groupOf: number[] = [];
  const smallest: number[] = [];
  groups.forEach(([first, end], g) => {
    for (let k = first; k < end; k++) groupOf[k] = g;
    smallest[g] = Math.min(...counts.slice(first, end).map((n) => n || Infinity));
  });
  return (path) => {
    const name = stableName(path);
    const m = TERM_CHUNK.exec(name);
    if (!m) return name;
    const g = groupOf[Number(m[1])]!;
    const bucket = m[2] !== undefined ? String(Number(m[2]) % smallest[g]!) : m[3]!;
    return `/search/g${g}/terms/${bucket}`;
  };
}

const bytesOf = (data: string | Uint8Array) => (typeof data === "string" ? Buffer.from(data) : data);

/** A chunk to pack: its size up front, its bytes read only when its pack is written. */
export interface PackInput {
  path: string;
  bytes: number;
  read(): Uint8Array;
}

/** Whether a file of the build goes into a pack (the manifest and the files `isPackedPath` keeps out stay files). */
export function isPackable(path: string): boolean {
  return path !== MANIFEST_PATH && isPackedPath(path);
}

/**
 * Returns the build's files with every chunk under PACKED_DIRS moved into
 * packs, the directory pages added, and the directory to put in the manifest.
 * The manifest entry (if any) is passed through unchanged: the caller seals
 * a new one that carries the directory.
 */
export function packAssets(
  files: Map<string, string | Uint8Array>,
  options: PackOptions = {},
): { files: Map<string, string | Uint8Array>; directory: PackDirectory } {
  const out = new Map<string, string | Uint8Array>();
  const inputs: PackInput[] = [];
  for (const [path, data] of files) {
    if (!isPackable(path)) out.set(path, data);
    else {
      const bytes = bytesOf(data);
      inputs.push({ path, bytes: bytes.byteLength, read: () => bytes });
    }
  }
  const directory = packChunks(inputs, options, (path, data) => out.set(path, data));
  return { files: out, directory };
}

/**
 * Lays the chunks out in packs from their sizes alone, then assembles one pack at a time (at most `maxBytes`)
 * from `read()` and hands it to `emit`, with the directory pages: what is held at once is one pack, so a build
 * whose chunks are on disk packs them in bounded memory.
 */
export function packChunks(
  inputs: PackInput[],
  options: PackOptions,
  emit: (path: string, data: string | Uint8Array) => void,
): PackDirectory {
  const max = options.maxBytes ?? PACK_MAX_BYTES;
  let total = 0;
  const over: PackInput[] = [];
  for (const c of inputs) {
    if (c.bytes > max) over.push(c);
    total += c.bytes;
  }
  // All of them named at once: at 10M records a build runs for an hour before it packs.
  if (over.length) {
    const named = over
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 10)
      .map((c) => `${c.path} (${c.bytes} bytes)`);
    throw new Error(
      `pack-assets: ${over.length} chunk${over.length > 1 ? "s are" : " is"} over the ${max}-byte pack limit: ${named.join(", ")}${over.length > 10 ? ", …" : ""}`,
    );
  }
  const target = options.targetBytes ?? defaultPackTarget(total);

  const buckets = 2 ** Math.max(0, Math.ceil(Math.log2(Math.max(1, total / target))));
  const byBucket: PackInput[][] = Array.from({ length: buckets }, () => []);
  const keyOf = packLayoutKey(inputs.map((c) => c.path));
  const keys = new Map<PackInput, string>();
  for (const c of inputs) {
    const key = keyOf(c.path);
    keys.set(c, key);
    byBucket[fnv1a32(key) % buckets]!.push(c);
  }

  const packFiles: string[] = [];
  const located: Array<[string, PackLocation]> = [];
  byBucket.forEach((list, b) => {
    // By layout key first: the chunks sharing one are read together, so they must not be split by others.
    list.sort((x, y) => {
      const a = keys.get(x)!,
        b = keys.get(y)!;
      return a !== b ? (a < b ? -1 : 1) : shardOrder(x.path, y.path);
    });
    let part = 0;
    for (let i = 0; i < list.length; ) {
      // Fill one pack up to the limit: a bucket the hash made too big becomes several parts.
      let bytes = 0;
      let j = i;
      while (j < list.length && (j === i || bytes + list[j]!.bytes <= max)) bytes += list[j++]!.bytes;
      const pack = new Uint8Array(bytes);
      const index = packFiles.length;
      let at = 0;
      for (let k = i; k < j; k++) {
        const c = list[k]!;
        const data = c.read();
        if (data.byteLength !== c.bytes) throw new Error(`pack-assets: ${c.path} changed size while packing`);
        pack.set(data, at);
        located.push([c.path, [index, at, c.bytes]]);
        at += c.bytes;
      }
      const path = `/packs/${b}-${part++}.${contentHash(pack)}.pack`;
      packFiles.push(path);
      emit(path, pack);
      i = j;
    }
  });

  // The directory pages stay files of their own under /packs/: the Worker reads them to find everything else.
  const writer = {
    addJson(dir: string, name: string, value: unknown): string {
      const text = JSON.stringify(value);
      const path = `/${dir}/${name}.${contentHash(text)}.json`;
      emit(path, text);
      return path;
    },
  };
  const dirPageBytes = options.dirPageBytes ?? PACK_DIR_PAGE_BYTES;
  const index = writePackIndex(located, options.indexPageEntries ?? PACK_INDEX_PAGE_ENTRIES, emit);
  const fileTable = writePagedTable(
    writer,
    "packs",
    "files",
    packFiles.map((path, i): [string, string] => [String(i), path]),
    dirPageBytes,
  );
  return { files: fileTable, index };
}

/** Paths in shard order (`s2` before `s10`), then bytewise: a group's chunks of one key lie in shard order. */
function shardOrder(a: string, b: string): number {
  return (searchShardFolderOf(a) ?? -1) - (searchShardFolderOf(b) ?? -1) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Writes the binary directory pages and, beside each, its paths in entry order (for tools, not the Worker). */
function writePackIndex(
  located: Array<[string, PackLocation]>,
  pageEntries: number,
  emit: (path: string, data: string | Uint8Array) => void,
): PackIndex {
  // A sharded build's shard chunks get pages of their own, as many per shard as its largest shard needs (see
  // `PackIndex.shards`); every other chunk is on the common pages.
  const perShard = new Map<number, number>();
  for (const [path] of located) {
    const k = searchShardFolderOf(path);
    if (k !== undefined) perShard.set(k, (perShard.get(k) ?? 0) + 1);
  }
  const shardCount = perShard.size > 1 ? Math.max(...perShard.keys()) + 1 : 0;
  const shardEntries = shardCount ? [...perShard.values()].reduce((a, b) => a + b, 0) : 0;
  const shards = shardCount
    ? { count: shardCount, pages: Math.max(1, Math.ceil(Math.max(...perShard.values()) / pageEntries)) }
    : undefined;
  const commonPages = Math.max(1, Math.ceil((located.length - shardEntries) / pageEntries));
  const pageCount = commonPages + (shards ? shards.count * shards.pages : 0);
  // Placed by the reader's own rule (packIndexPageOf needs only the page counts).
  const placing: PackIndex = {
    pages: "x".repeat(pageCount * HASH_CHARS),
    names: "",
    size: located.length,
    ...(shards ? { shards } : {}),
  };
  const pages: Array<Array<[string, PackLocation]>> = Array.from({ length: pageCount }, () => []);
  for (const entry of located) pages[packIndexPageOf(placing, entry[0])]!.push(entry);
  let hashes = "";
  let names = "";
  pages.forEach((page, p) => {
    const bin = encodePackIndexPage(page);
    const hash = contentHash(bin);
    emit(`/packs/dir-${p}.${hash}.bin`, bin);
    hashes += hash;
    // The page's own order: decode it and list each entry's path by its location.
    const order = [...page].sort((a, b) => keyOrder(a[0], b[0]));
    const text = JSON.stringify(order.map(([path]) => path));
    const nameHash = contentHash(text);
    emit(`/packs/names-${p}.${nameHash}.json`, text);
    names += nameHash;
  });
  return { pages: hashes, names, size: located.length, ...(shards ? { shards } : {}) };
}

/** The order of entries on a directory page (shared/pack-index.ts): by fnv1a32, then by the second key. */
function keyOrder(a: string, b: string): number {
  return fnv1a32(a) - fnv1a32(b) || pathKey2(a) - pathKey2(b);
}
