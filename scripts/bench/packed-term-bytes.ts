/**
 * node --expose-gc --import tsx scripts/bench/packed-term-bytes.ts
 *
 * What a packed term (packed-postings.ts) holds in the postings cache's packed tier beyond its buffer and its key:
 * 100,000 packed terms of two short lists set into a size-bounded LRU as the tier keeps them, the heap and array
 * buffers measured after a full collection with them held and after the LRU is cleared. `PACKED_TERM_BYTES` is
 * this figure, rounded up.
 */
import { HeldPostings } from "../../src/shared/index-format";
import { lruBySize } from "../../src/shared/lru";
import { FIELD_NAMES } from "../../src/shared/search-config";
import { packTerm, type PackedTerm } from "../../src/worker/search/packed-postings";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("packed-term-bytes: run with node --expose-gc");

/** A decoded list of given docs and slots. */
class ArrayPostings extends HeldPostings {
  constructor(field: number, docs: Uint16Array, slots: Uint8Array) {
    super(field, docs.length, docs.length, 0);
    this.docs = docs;
    this.slots = slots;
  }
  get bytes(): number {
    return 0;
  }
  protected load(): void {}
}

const N = 100_000;
const held = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const lru = lruBySize<string, PackedTerm<string>>(2 ** 40, (p) => p.bytes);
let bufBytes = 0,
  keyBytes = 0;
for (let i = 0; i < N; i++) {
  // A key as search-index.ts makes it: the chunk path (content-hashed, in its shard's folder), a NUL, the term.
  const key = `/search/s${i % 16}/t-${((i * 7919) % 2 ** 40).toString(16).padStart(12, "0")}.bin\u0000term${i}`;
  const p = packTerm(
    `term${i}`,
    key,
    [
      [FIELD_NAMES[1]!, new ArrayPostings(1, Uint16Array.of(i % 60_000, 60_001), Uint8Array.of(1, 2))],
      [FIELD_NAMES[3]!, new ArrayPostings(3, Uint16Array.of(5), Uint8Array.of(0))],
    ],
    FIELD_NAMES,
  );
  bufBytes += p.buf.byteLength;
  keyBytes += 2 * key.length;
  lru.set(key, p);
}
const withThem = held();
lru.clear();
const without = held();
const perTerm = (withThem - without) / N;
console.log(
  `per packed term: ${perTerm.toFixed(0)} bytes held, of them buffer ${(bufBytes / N).toFixed(0)} and key (2 bytes a ` +
    `character) ${(keyBytes / N).toFixed(0)}: ${(perTerm - (bufBytes + keyBytes) / N).toFixed(0)} beyond both`,
);
