/**
 * Scratch files for the name authority's partitions (people-assets.ts): JSON lines appended through a buffer and
 * read back front to back. Not DocFile/LineWriter: those keep every line's offset (8 bytes a line) for reading
 * any doc, and the authority writes some two lines a name occurrence (21 million at ten million records) into
 * files it only ever reads whole.
 */
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/** Bytes buffered per file before a write: small, since a hundred partitions are written at once. */
const WRITE_BYTES = 64 * 1024;
const READ_BYTES = 256 * 1024;

export class ScratchLines {
  private readonly fd: number;
  private buf = Buffer.allocUnsafe(2 * WRITE_BYTES);
  private pending = 0;
  private open = true;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "w");
  }

  line(json: string): void {
    const most = 3 * json.length + 1;
    if (this.pending + most > this.buf.length) {
      this.flush();
      if (most > this.buf.length) this.buf = Buffer.allocUnsafe(most);
    }
    this.pending += this.buf.write(json, this.pending, "utf8");
    this.buf[this.pending++] = 10;
    if (this.pending >= WRITE_BYTES) this.flush();
  }

  private flush(): void {
    for (let done = 0; done < this.pending; ) done += writeSync(this.fd, this.buf, done, this.pending - done);
    this.pending = 0;
  }

  /** Writes what is buffered and closes the file (it stays, to be read). */
  close(): void {
    if (!this.open) return;
    this.open = false;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }

  remove(): void {
    if (this.open) {
      this.open = false;
      closeSync(this.fd);
    }
    rmSync(this.path, { force: true });
  }
}

/** Each line of a file written by ScratchLines, parsed. */
export function* readJsonLines<T>(path: string): Generator<T> {
  const fd = openSync(path, "r");
  try {
    let buf = Buffer.allocUnsafe(READ_BYTES);
    let held = 0;
    for (;;) {
      if (held === buf.length) {
        // One line longer than the buffer: grow it.
        const grown = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(grown, 0, 0, held);
        buf = grown;
      }
      const n = readSync(fd, buf, held, buf.length - held, null);
      const end = held + n;
      let start = 0;
      for (let nl = buf.indexOf(10, held); nl >= 0 && nl < end; nl = buf.indexOf(10, start)) {
        yield JSON.parse(buf.toString("utf8", start, nl)) as T;
        start = nl + 1;
      }
      if (n === 0) {
        if (start < end) throw new Error(`people-partitions: ${path} ends inside a line`);
        return;
      }
      buf.copy(buf, 0, start, end);
      held = end - start;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * A union-find over strings. Every name on the way to the root is pointed at it (full path compression): a long
 * chain is walked once, not at every later find. `has` tells a name ever joined from one never seen.
 */
export class UnionFind {
  private readonly parent = new Map<string, string>();

  has(x: string): boolean {
    return this.parent.has(x);
  }

  get size(): number {
    return this.parent.size;
  }

  find(x: string): string {
    let root = x;
    for (let up = this.parent.get(root); up !== undefined && up !== root; up = this.parent.get(root)) root = up;
    for (let at = x; at !== root; ) {
      const next = this.parent.get(at)!;
      this.parent.set(at, root);
      at = next;
    }
    return root;
  }

  /** Joins the groups of `a` and `b`, noting both as seen (`has`) even when they are one already. */
  union(a: string, b: string): void {
    if (!this.parent.has(a)) this.parent.set(a, a);
    if (!this.parent.has(b)) this.parent.set(b, b);
    const ra = this.find(a),
      rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}
