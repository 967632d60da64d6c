/**
 * A map from strings to strings with its keys and values packed as UTF-8 bytes (packed-strings.ts) behind an
 * open-addressing table of entry numbers. Written by hand for its size: the build's worker holds one through the
 * whole typeahead pass, every other spelling of a person pointing at the person's canonical slug (people-assets.ts).
 * At a million synthetic records that is 206,391 entries: 20 MB of heap as a `Map` of strings (about 100 bytes an
 * entry, every one marked by each full collection), 11.4 MB of array buffers here, trimmed.
 *
 * Entries can be set and looked up, never deleted; a key set again takes its new value.
 *
 * @example
 *   const canonical = new PackedStringMap();
 *   canonical.set("leon-helfand", "leon-helfland");
 *   canonical.get("leon-helfand"); // "leon-helfland"
 *   canonical.get("kutepov"); // undefined
 */
import { fnv1a32 } from "../shared/hash";
import { PackedStrings } from "./packed-strings";
import { grownTo } from "./plan-terms";

/** A table is grown (doubled) once it is fuller than this: probes stay short. */
const MAX_LOAD = 0.5;
/** No entry in this slot. */
const EMPTY = -1;

export class PackedStringMap {
  private readonly keys = new PackedStrings();
  private readonly values = new PackedStrings();
  /** Per entry, its key's hash (to compare before decoding, and to place it again when the table grows). */
  private hashes = new Uint32Array(1 << 10);
  /** Per entry, its value's number among `values`: consecutive entries with one value share it. */
  private valueOf = new Uint32Array(1 << 10);
  private slots = new Int32Array(1 << 11).fill(EMPTY);
  private lastValue: string | undefined;

  get size(): number {
    return this.keys.length;
  }

  get(key: string): string | undefined {
    const entry = this.entryOf(key, fnv1a32(key));
    return entry === EMPTY ? undefined : this.values.at(this.valueOf[entry]!);
  }

  set(key: string, value: string): this {
    const hash = fnv1a32(key);
    let entry = this.entryOf(key, hash);
    const isNew = entry === EMPTY;
    if (isNew) {
      entry = this.keys.length;
      if (entry === this.hashes.length) {
        this.hashes = grownTo(this.hashes, Math.max(1 << 10, 2 * entry));
        this.valueOf = grownTo(this.valueOf, Math.max(1 << 10, 2 * entry));
      }
      this.keys.push(key);
      this.hashes[entry] = hash;
    }
    if (value !== this.lastValue) {
      this.values.push(value);
      this.lastValue = value;
    }
    this.valueOf[entry] = this.values.length - 1;
    if (!isNew) return this;
    if (this.keys.length > this.slots.length * MAX_LOAD) this.rehash(this.slots.length * 2);
    else this.place(entry);
    return this;
  }

  /** Gives back the growth room, once every entry is set (more can be, at the cost of growing again). */
  trim(): void {
    this.keys.trim();
    this.values.trim();
    this.hashes = this.hashes.slice(0, this.keys.length);
    this.valueOf = this.valueOf.slice(0, this.keys.length);
  }

  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (let entry = 0; entry < this.keys.length; entry++)
      yield [this.keys.at(entry), this.values.at(this.valueOf[entry]!)];
  }

  /** The entry holding `key`, or EMPTY. */
  private entryOf(key: string, hash: number): number {
    const mask = this.slots.length - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const entry = this.slots[at]!;
      if (entry === EMPTY) return EMPTY;
      if (this.hashes[entry] === hash && this.keys.at(entry) === key) return entry;
    }
  }

  private place(entry: number): void {
    const mask = this.slots.length - 1;
    let at = this.hashes[entry]! & mask;
    while (this.slots[at] !== EMPTY) at = (at + 1) & mask;
    this.slots[at] = entry;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size).fill(EMPTY);
    for (let entry = 0; entry < this.keys.length; entry++) this.place(entry);
  }
}
