/**
 * Packs a build's chunks into a few large pack files plus an offset
 * directory (see `PackDirectory` in shared/manifest.ts), so a catalogue of
 * millions of chunks stays within a few thousand files. Node only.
 *
 * A chunk goes to the pack bucket of a hash of its name without its content
 * hash (`/records/12.json`), so a rebuild that changes a few chunks rewrites
 * only the packs holding them, as long as the bucket count stays the same
 * (it is a power of two, so it changes only when the catalogue doubles).
 */
import { fnv1a32 } from "../shared/hash";
import {
  MANIFEST_PATH,
  PACK_DIR_PAGE_BYTES,
  PACK_MAX_BYTES,
  PACK_TARGET_BYTES,
  type PackDirectory,
  type PackLocation,
} from "../shared/manifest";
import { contentHash } from "./content-hash";
import { writePagedTable } from "./paged-table-assets";

/** The folders whose files are packed; the manifest and anything else stay files of their own. */
export const PACKED_DIRS = ["/records/", "/series/", "/search/"];

/**
 * Smallest pack the default sizing aims at. Static assets (Miniflare's binding, at least) answer a range with the
 * whole file, so a packed build served from them reads a pack per chunk: packs of a few hundred KB keep that read
 * small, while a catalogue's packs stay about a thousand files at 100k records.
 */
export const PACK_MIN_TARGET_BYTES = 256 * 1024;
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
  dirPageBytes?: number;
}

/** A chunk's name without its content hash: what picks its pack, stable across rebuilds. */
function stableName(path: string): string {
  return path.replace(/\.[0-9a-f]+(\.[a-z]+)$/, "$1");
}

const bytesOf = (data: string | Uint8Array) => (typeof data === "string" ? Buffer.from(data) : data);

/** A chunk to pack: its size up front, its bytes read only when its pack is written. */
export interface PackInput {
  path: string;
  bytes: number;
  read(): Uint8Array;
}

/** Whether a file of the build goes into a pack (the manifest and anything outside PACKED_DIRS stay files). */
export function isPackable(path: string): boolean {
  return path !== MANIFEST_PATH && PACKED_DIRS.some((d) => path.startsWith(d));
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
  for (const c of inputs) {
    if (c.bytes > max) throw new Error(`pack-assets: ${c.path} is ${c.bytes} bytes, over the ${max}-byte pack limit`);
    total += c.bytes;
  }
  const target = options.targetBytes ?? defaultPackTarget(total);

  const buckets = 2 ** Math.max(0, Math.ceil(Math.log2(Math.max(1, total / target))));
  const byBucket: PackInput[][] = Array.from({ length: buckets }, () => []);
  for (const c of inputs) byBucket[fnv1a32(stableName(c.path)) % buckets]!.push(c);

  const packFiles: string[] = [];
  const located: Array<[string, PackLocation]> = [];
  byBucket.forEach((list, b) => {
    list.sort((x, y) => (x.path < y.path ? -1 : 1));
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
  const locations = writePagedTable(writer, "packs", "dir", located, dirPageBytes);
  const fileTable = writePagedTable(
    writer,
    "packs",
    "files",
    packFiles.map((path, i): [string, string] => [String(i), path]),
    dirPageBytes,
  );
  return { files: fileTable, locations };
}
