/**
 * Zeroed typed arrays whose memory is paid for when written, not when made: views into a `WebAssembly.Memory` (no
 * WebAssembly code is compiled or run; the memory is only a buffer).
 *
 * Why: a cold isolate's first query makes the shard-sized scoring arrays of query-arrays.ts, megabytes of which a
 * rare name writes a few dozen bytes. workerd's typed arrays touch every page of their memory when made, 3.5–4.2 ms
 * a MiB in a fresh runtime on this machine. A WebAssembly memory's pages are mapped zeroed by the operating system
 * and touched only by the first write to each, so a query pays for the pages it writes: 0.1–0.5 ms a MiB for an array
 * written once. A compiled loop reads a view of one as fast as a plain typed array (scripts/bench/array-memory-cost.ts
 * measures all three).
 *
 * An arena hands out views from one memory at a time, a new memory when a request does not fit the one in hand, so an
 * isolate's query arrays are one or two memories, not one per array: V8 reserves address space for each memory,
 * and caps the reservations a process may hold. A memory's bytes count whole whether written or not (in the bench's
 * figures here; most likely in Cloudflare's limit too), so its sizes are the caller's plan. Where a memory cannot be
 * made, a plain zeroed `ArrayBuffer` serves instead: the same arrays, only paid for when made.
 *
 * @example
 * const arena = new ZeroedArena(1 << 20);
 * const scores = arena.float64(100_000); // 800 KB, none of it touched yet
 * scores[42] = 1.5; // touches one page
 */
const WASM_PAGE = 65_536;

export class ZeroedArena {
  private buffer: ArrayBuffer | null = null;
  private used = 0;
  private reserved = 0;

  /**
   * @param firstBytes the least the first memory holds: what most uses of the arena take, so their arrays share one.
   * @param laterBytes the least each later memory holds (default: as the first).
   */
  constructor(
    private readonly firstBytes: number,
    private readonly laterBytes = firstBytes,
  ) {}

  /**
   * Bytes of every memory the arena has made. Counted here because V8 counts a WebAssembly memory apart from its
   * array buffers, so a heap probe's `backingStorageSize` leaves these out (the bench adds them back).
   */
  get reservedBytes(): number {
    return this.reserved;
  }

  float64(length: number): Float64Array {
    const [buffer, offset] = this.take(length * 8);
    return new Float64Array(buffer, offset, length);
  }

  uint8(length: number): Uint8Array {
    const [buffer, offset] = this.take(length);
    return new Uint8Array(buffer, offset, length);
  }

  /** Room for `bytes` bytes, at an offset aligned for any typed array. */
  private take(bytes: number): [ArrayBuffer, number] {
    const size = Math.ceil(bytes / 8) * 8;
    if (!this.buffer || this.used + size > this.buffer.byteLength) {
      this.buffer = zeroedBuffer(Math.max(size, this.buffer ? this.laterBytes : this.firstBytes));
      this.used = 0;
      this.reserved += this.buffer.byteLength;
    }
    const offset = this.used;
    this.used += size;
    return [this.buffer, offset];
  }
}

/** A zeroed buffer of at least `bytes` bytes, from a WebAssembly memory where one can be made. */
function zeroedBuffer(bytes: number): ArrayBuffer {
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE));
  try {
    // Never grown: growing would detach the buffer and empty every view of it.
    return new WebAssembly.Memory({ initial: pages, maximum: pages }).buffer;
  } catch {
    // Out of address space for another memory (or no WebAssembly): a plain buffer is as correct.
    return new ArrayBuffer(pages * WASM_PAGE);
  }
}
