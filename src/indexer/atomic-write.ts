/**
 * Writes that appear whole or not at all. A build killed at any instant must
 * leave each file either absent or complete: a reader (the next build, the
 * dev server, `wrangler deploy`) never sees a prefix of one. Node only.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, symlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

let counter = 0;

/** A name beside `path`, unique to this process, that no reader looks for. */
function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter++}`);
}

/**
 * Writes `data` to a temporary file in the same directory, then renames it
 * over `path`; rename(2) within one file system is atomic. With `durable`, the
 * bytes are flushed before the rename, so a power cut cannot leave an empty
 * file under the final name either (used for the manifest, which the content
 * hash in its name cannot vouch for; chunks are checked against their names).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: { durable?: boolean } = {}): void {
  const tmp = temporaryName(path);
  const fd = openSync(tmp, "w");
  try {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    let at = 0;
    while (at < bytes.byteLength) at += writeSync(fd, bytes, at, bytes.byteLength - at);
    if (options.durable) fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Points the symbolic link `link` at `target` in one step: a new link under a
 * temporary name renamed over the old one, so `link` always resolves to one
 * whole build or the other, never to nothing.
 */
export function replaceSymlinkAtomic(link: string, target: string): void {
  const tmp = temporaryName(link);
  // Windows needs a junction (no privilege required), which takes an absolute target.
  if (process.platform === "win32") symlinkSync(join(dirname(link), target), tmp, "junction");
  else symlinkSync(target, tmp);
  try {
    renameSync(tmp, link);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
