/**
 * Strings read back by index, held as UTF-8 bytes in one buffer with a 4-byte end offset each, where a string of
 * its own costs some 40 bytes (a header, the characters and an array slot) and is one more object for every full
 * collection to mark. The plan holds every doc's reference this way until it ranks
 * the catalogue (10M references were some 400 MB of heap as strings), and every term from the plan to the last
 * shard.
 *
 * @example
 *   const refs = new PackedStrings();
 *   refs.push("KV 2/2681");
 *   refs.at(0); // "KV 2/2681"
 */
export class PackedStrings {
  private bytes = Buffer.alloc(1 << 16);
  private ends = new Uint32Array(1 << 12);
  private used = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(s: string): void {
    // At most 3 bytes a UTF-16 code unit.
    if (this.used + 3 * s.length > this.bytes.length) {
      // From a floor: a list trimmed or cleared empty has no bytes to grow by half.
      let size = Math.max(this.bytes.length, 1 << 10);
      while (this.used + 3 * s.length > size) size = Math.ceil(size * 1.5);
      if (size >= 2 ** 32) throw new Error(`packed-strings: ${this.count} strings are past 4 GB packed`);
      const to = Buffer.alloc(size);
      this.bytes.copy(to, 0, 0, this.used);
      this.bytes = to;
    }
    this.used += this.bytes.write(s, this.used, "utf8");
    if (this.count === this.ends.length) {
      const to = new Uint32Array(Math.max(1 << 8, Math.ceil(this.ends.length * 1.5)));
      to.set(this.ends);
      this.ends = to;
    }
    this.ends[this.count++] = this.used;
  }

  at(i: number): string {
    if (!(i >= 0 && i < this.count)) throw new Error(`packed-strings: no string ${i} of ${this.count}`);
    return this.bytes.toString("utf8", i ? this.ends[i - 1]! : 0, this.ends[i]!);
  }

  /**
   * Whether string `i` is `s`, without decoding it where it is ASCII: a lookup by every word of a catalogue (the
   * plan's term numbers) would otherwise make a string per probe. As many bytes as UTF-16 units means every one of
   * its characters is one byte (any other takes two bytes a unit or more), so they compare unit by byte.
   */
  equals(i: number, s: string): boolean {
    const start = i ? this.ends[i - 1]! : 0;
    const length = this.ends[i]! - start;
    if (length !== s.length) return length > s.length && this.at(i) === s;
    const { bytes } = this;
    for (let k = 0; k < length; k++) if (bytes[start + k] !== s.charCodeAt(k)) return false;
    return true;
  }

  /** Gives back the growth room: the strings pushed so far are kept in buffers of exactly their size. */
  trim(): void {
    const bytes = Buffer.allocUnsafe(this.used);
    this.bytes.copy(bytes, 0, 0, this.used);
    this.bytes = bytes;
    this.ends = this.ends.slice(0, this.count);
  }

  /** Lets the bytes go: the list is empty after. */
  clear(): void {
    this.bytes = Buffer.alloc(0);
    this.ends = new Uint32Array(0);
    this.used = this.count = 0;
  }
}
