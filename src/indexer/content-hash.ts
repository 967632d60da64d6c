import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "./atomic-write";
import { HASH_CHARS } from "../shared/manifest";

/** Short content hash for immutable chunk names; 12 hex chars = 48 bits, ample for one catalogue. */
export function contentHash(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex").slice(0, HASH_CHARS);
}

/** Chunks one writer appended to its scratch file and handed over (`AssetWriter.handOver`): where each is there. */
export interface HandedChunks {
  file: string;
  chunks: Array<[path: string, at: number, bytes: number]>;
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
  /** Chunks appended to the scratch file (see `appendTo`), bound for packs: their byte offset and length there. */
  readonly appended = new Map<string, [number, number]>();
  /**
   * Chunks another writer appended to its own scratch file (a worker thread's, see `handOver`), bound for packs:
   * that file, and the byte offset and length there. Read and removed as the writer's own appended chunks are.
   */
  private readonly adopted = new Map<string, [file: string, at: number, bytes: number]>();
  /** Open descriptors of the adopted chunks' scratch files, by path. */
  private readonly adoptedFds = new Map<string, number>();
  private readonly dirs = new Set<string>();
  private scratch: { fd: number; at: number; pending: Buffer[]; pendingBytes: number } | null = null;

  /**
   * @param appendTo chunks that `packable` says go into packs are appended to this one scratch file instead of a
   *   file each under `spillDir`: packing reads them back by offset (`readAppended`) and `removeAppended` deletes
   *   it. A file per chunk cost an open, a rename and, once packed, an unlink for each of a build's chunks
   *   (18,000 at 100k records): a fifth of a 100k build's time went to those calls.
   */
  constructor(
    readonly spillDir?: string,
    private readonly appendTo?: { path: string; packable: (path: string) => boolean },
  ) {}

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
    if (this.appendTo?.packable(path)) {
      // A path names its content (its hash): one already appended is the same bytes.
      if (!this.appended.has(path)) this.append(path, typeof data === "string" ? Buffer.from(data) : data);
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

  private append(path: string, bytes: Uint8Array): void {
    this.scratch ??= { fd: openSync(this.appendTo!.path, "w+"), at: 0, pending: [], pendingBytes: 0 };
    const s = this.scratch;
    this.appended.set(path, [s.at + s.pendingBytes, bytes.byteLength]);
    s.pending.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    s.pendingBytes += bytes.byteLength;
    if (s.pendingBytes >= APPEND_WRITE_BYTES) this.flushAppended();
  }

  private flushAppended(): void {
    const s = this.scratch;
    if (!s?.pendingBytes) return;
    const data = Buffer.concat(s.pending, s.pendingBytes);
    for (let done = 0; done < data.length; ) done += writeSync(s.fd, data, done, data.length - done, s.at + done);
    s.at += data.length;
    s.pending = [];
    s.pendingBytes = 0;
  }

  /** The bytes of a chunk appended to the scratch file, this writer's or one it adopted. */
  readAppended(path: string): Uint8Array {
    const own = this.appended.get(path);
    if (own) {
      this.flushAppended();
      return readExactly(this.scratch!.fd, own[0], own[1], this.appendTo!.path);
    }
    const adopted = this.adopted.get(path);
    if (!adopted) throw new Error(`content-hash: ${path} was not appended to a scratch file`);
    const [file, at, bytes] = adopted;
    let fd = this.adoptedFds.get(file);
    if (fd === undefined) this.adoptedFds.set(file, (fd = openSync(file, "r")));
    return readExactly(fd, at, bytes, file);
  }

  /** Every chunk appended to a scratch file, this writer's or adopted, with its byte length. */
  *appendedChunks(): Generator<[path: string, bytes: number]> {
    for (const [path, [, bytes]] of this.appended) yield [path, bytes];
    for (const [path, [, , bytes]] of this.adopted) if (!this.appended.has(path)) yield [path, bytes];
  }

  /**
   * Writes out what is still buffered and hands over the chunks appended since the last hand-over, for another
   * writer to `adopt` (a worker thread's chunks, packed by the main thread). Appends may go on after it.
   */
  handOver(): HandedChunks | null {
    if (!this.appendTo) return null;
    this.flushAppended();
    const chunks = [...this.appended].map(([path, [at, bytes]]): [string, number, number] => [path, at, bytes]);
    this.appended.clear();
    return { file: this.appendTo.path, chunks };
  }

  /** Closes the scratch file; the chunks handed over stay in it for their adopter to read and remove. */
  closeAppended(): void {
    this.flushAppended();
    if (this.scratch) closeSync(this.scratch.fd);
    this.scratch = null;
  }

  /** Takes over chunks another writer appended to its scratch file (`handOver`): packed and removed as ours. */
  adopt(handed: HandedChunks): void {
    for (const [path, at, bytes] of handed.chunks) this.adopted.set(path, [handed.file, at, bytes]);
  }

  /** Forgets the appended chunks (packed by now) and deletes the scratch files, this writer's and adopted ones. */
  removeAppended(): void {
    this.appended.clear();
    if (this.scratch) closeSync(this.scratch.fd);
    this.scratch = null;
    if (this.appendTo) rmSync(this.appendTo.path, { force: true });
    for (const fd of this.adoptedFds.values()) closeSync(fd);
    this.adoptedFds.clear();
    for (const file of new Set([...this.adopted.values()].map(([f]) => f))) rmSync(file, { force: true });
    this.adopted.clear();
  }

  addJson(dir: string, name: string, value: unknown): string {
    return this.add(dir, name, "json", JSON.stringify(value));
  }

  /** Every file's path, held, spilled or appended. */
  paths(): string[] {
    return [...this.files.keys(), ...this.spilled.keys(), ...[...this.appendedChunks()].map(([path]) => path)];
  }

  /** Files in the build, held, spilled or appended. */
  get size(): number {
    let appended = 0;
    for (const _ of this.appendedChunks()) appended++;
    return this.files.size + this.spilled.size + appended;
  }

  /** Bytes of all files, for the build summary. */
  totalBytes(): number {
    let n = 0;
    for (const v of this.files.values()) n += typeof v === "string" ? Buffer.byteLength(v) : v.byteLength;
    for (const v of this.spilled.values()) n += v;
    for (const [, bytes] of this.appendedChunks()) n += bytes;
    return n;
  }
}

/** `bytes` bytes of the file open as `fd`, from `at`. */
function readExactly(fd: number, at: number, bytes: number, file: string): Buffer {
  const buf = Buffer.allocUnsafe(bytes);
  for (let got = 0; got < bytes; ) {
    const n = readSync(fd, buf, got, bytes - got, at + got);
    if (n === 0) throw new Error(`content-hash: ${file} ended early`);
    got += n;
  }
  return buf;
}

/** Bytes of appended chunks collected before a write to the scratch file. */
const APPEND_WRITE_BYTES = 4 * 1024 * 1024;

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
