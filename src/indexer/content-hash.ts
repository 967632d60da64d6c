import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "./atomic-write";
import { HASH_CHARS } from "../shared/manifest";

/** Short content hash for immutable chunk names; 12 hex chars = 48 bits, ample for one catalogue. */
export function contentHash(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex").slice(0, HASH_CHARS);
}

/**
 * Collects built files under content-hashed names. With a `spillDir`, each chunk is written there as it is made
 * (whole or not at all) and only its path and size are kept: the build's output then costs memory by the
 * number of its files, not their bytes (228 MiB at 100k records). Without one, chunks are held until written.
 */
export class AssetWriter {
  readonly files = new Map<string, string | Uint8Array>();
  /** Chunks already written under `spillDir`, with their byte length. */
  readonly spilled = new Map<string, number>();
  private readonly dirs = new Set<string>();

  constructor(readonly spillDir?: string) {}

  /** Adds a chunk as `/<dir>/<name>.<hash>.<ext>` and returns that path. */
  add(dir: string, name: string, ext: string, data: string | Uint8Array): string {
    const path = `/${dir}/${name}.${contentHash(data)}.${ext}`;
    this.put(path, data);
    return path;
  }

  /** Adds a chunk under a path already named (a shard part's chunk, read back). */
  put(path: string, data: string | Uint8Array): void {
    if (!this.spillDir) {
      this.files.set(path, data);
      return;
    }
    const target = join(this.spillDir, path);
    const parent = dirname(target);
    if (!this.dirs.has(parent)) {
      mkdirSync(parent, { recursive: true });
      this.dirs.add(parent);
    }
    writeFileAtomic(target, data);
    this.spilled.set(path, typeof data === "string" ? Buffer.byteLength(data) : data.byteLength);
  }

  addJson(dir: string, name: string, value: unknown): string {
    return this.add(dir, name, "json", JSON.stringify(value));
  }

  /** Every file's path, held or spilled. */
  paths(): string[] {
    return [...this.files.keys(), ...this.spilled.keys()];
  }

  /** Files in the build, held or spilled. */
  get size(): number {
    return this.files.size + this.spilled.size;
  }

  /** Bytes of all files, for the build summary. */
  totalBytes(): number {
    let n = 0;
    for (const v of this.files.values()) n += typeof v === "string" ? Buffer.byteLength(v) : v.byteLength;
    for (const v of this.spilled.values()) n += v;
    return n;
  }
}

/**
 * Whether the file at `file` holds exactly the chunk named `path` (`/<dir>/<name>.<hash>.<ext>`):
 * the size first (cheap, and what a killed write gets wrong), then the bytes' hash against the name.
 */
export function isIntactChunk(file: string, path: string, expectedBytes: number): boolean {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile() || st.size !== expectedBytes) return false;
  const parts = path.split(".");
  return parts.length >= 3 && contentHash(readFileSync(file)) === parts[parts.length - 2];
}
