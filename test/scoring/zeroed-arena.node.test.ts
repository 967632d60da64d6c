/**
 * The arena the scoring arrays come from (zeroed-arena.ts), and the query arrays made from it (query-arrays.ts):
 * arrays handed out zeroed, apart from each other, and views of the bytes they name.
 */
import { describe, expect, it } from "vitest";
import { ZeroedArena } from "../../src/worker/search/zeroed-arena";
import { giveArrays, Q, QueryArrays, takeArrays, TEXT, MATCHED } from "../../src/worker/search/query-arrays";

describe("ZeroedArena", () => {
  it("hands out zeroed arrays that never share a byte", () => {
    const arena = new ZeroedArena(1 << 20);
    const a = arena.uint8(13);
    const b = arena.float64(1000);
    const c = arena.uint8(70_000);
    for (const x of [a, b, c]) expect(x.every((v) => v === 0)).toBe(true);
    a.fill(255);
    b.fill(-1);
    c.fill(7);
    expect(a.every((v) => v === 255)).toBe(true);
    expect(b.every((v) => v === -1)).toBe(true);
    expect(c.every((v) => v === 7)).toBe(true);
  });

  it("aligns every array for doubles, whatever came before it", () => {
    const arena = new ZeroedArena(1 << 16);
    arena.uint8(3);
    const f = arena.float64(10);
    expect(f.byteOffset % 8).toBe(0);
    expect(f.length).toBe(10);
  });

  it("starts a new memory for an array the one in hand cannot hold, leaving the arrays made before intact", () => {
    const arena = new ZeroedArena(65_536);
    const first = arena.float64(8000); // 64,000 bytes of a 65,536-byte memory
    first.fill(3);
    const second = arena.float64(8000);
    expect(second.buffer).not.toBe(first.buffer);
    expect(second.every((v) => v === 0)).toBe(true);
    expect(first.every((v) => v === 3)).toBe(true);
  });

  it("holds an array larger than its chunk whole", () => {
    const big = new ZeroedArena(1024).float64(100_000);
    expect(big.length).toBe(100_000);
    big[99_999] = 1;
    expect(big[99_999]).toBe(1);
  });
});

describe("QueryArrays from the arena", () => {
  it("keeps a doc's 16-bit counts in the same bytes as its numbers", () => {
    const a = new QueryArrays(5000);
    a.unit(0); // an array made before the numbers, so they do not start the memory
    a.f[Q * 4321 + TEXT] = 2.5;
    a.h[16 * 4321 + MATCHED] = 3;
    // The counts sit in the doc's last double: written through `h`, they change `f` there and nowhere else.
    expect(a.f[Q * 4321 + 3]).not.toBe(0);
    expect(a.f[Q * 4321 + TEXT]).toBe(2.5);
    expect(a.f[Q * 4320 + 3]).toBe(0);
    expect(a.f[Q * 4322 + 3]).toBe(0);
  });

  it("hands a set back zeroed where a query wrote, across every unit", () => {
    const a = takeArrays(3000);
    for (const k of [0, 1, 2]) {
      const u = a.unit(k);
      u.alt[100 + k] = 1;
      u.touched.push(100 + k);
      a.mark[100 + k] = 1;
    }
    a.seen[7] = 1;
    a.touched.push(7);
    giveArrays(a);
    const again = takeArrays(3000);
    expect(again).toBe(a);
    for (const k of [0, 1, 2]) expect(again.unit(k).alt.every((v) => v === 0)).toBe(true);
    expect(again.mark.every((v) => v === 0)).toBe(true);
    expect(again.seen.every((v) => v === 0)).toBe(true);
    giveArrays(again);
  });
});
