import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { HASH_CHARS } from "../shared/manifest";

/** Short content hash for immutable chunk names; 12 hex chars = 48 bits, ample for one catalogue. */
export function contentHash(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex").slice(0, HASH_CHARS);
}

/** Collects built files under content-hashed names. */
export class AssetWriter {
  readonly files = new Map<string, string | Uint8Array>();

  /** Adds a chunk as `/<dir>/<name>.<hash>.<ext>` and returns that path. */
  add(dir: string, name: string, ext: string, data: string | Uint8Array): string {
    const path = `/${dir}/${name}.${contentHash(data)}.${ext}`;
    this.files.set(path, data);
    return path;
  }

  addJson(dir: string, name: string, value: unknown): string {
    return this.add(dir, name, "json", JSON.stringify(value));
  }

  /** Bytes of all files, for the build summary. */
  totalBytes(): number {
    let n = 0;
    for (const v of this.files.values()) n += typeof v === "string" ? Buffer.byteLength(v) : v.byteLength;
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
