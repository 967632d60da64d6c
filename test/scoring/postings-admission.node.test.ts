/**
 * The decoded-postings cache (postings-admission.ts): which terms its packed tier admits once full, and how its two
 * tiers share one budget.
 */
import { describe, expect, it } from "vitest";
import {
  PACKED_SHARE,
  PostingsAdmission,
  PostingsCache,
  READ_COST_BYTES,
  SegmentedCache,
  SMALL_ENTRY_BYTES,
  type Packer,
} from "../../src/worker/search/postings-admission";
import { lruBySize } from "../../src/shared/lru";

/** A cache as search-index.ts keeps it: LRU by bytes, and the admission asked before a decoded term is set. */
function cache(budget: number, admit: boolean) {
  const lru = lruBySize<string, number>(budget, (b) => b);
  const policy = new PostingsAdmission();
  return {
    /** One lookup of `key` (holding `bytes` once decoded): whether it was held. */
    use(key: string, bytes: number): boolean {
      policy.touch(key);
      if (lru.get(key) !== undefined) return true;
      const victims = (function* () {
        for (const [k, b] of lru.rentries()) yield [k, b] as [string, number];
      })();
      if (!admit || policy.admit(key, bytes, lru.maxSize - lru.calculatedSize, victims)) lru.set(key, bytes);
      return false;
    },
    bytes: () => lru.calculatedSize,
  };
}

describe("PostingsAdmission", () => {
  it("admits whatever fits while the cache has room", () => {
    const p = new PostingsAdmission();
    expect(p.admit("a", 1000, 1000, [])).toBe(true);
  });

  it("lets a small list displace a large one asked as often, and not the reverse", () => {
    const p = new PostingsAdmission();
    p.touch("small");
    p.touch("large");
    expect(p.admit("small", 2_000, 0, [["large", 600_000]])).toBe(true);
    expect(
      p.admit("large", 600_000, 0, [
        ["small", 2_000],
        ...Array.from({ length: 400 }, (_, i) => [`s${i}`, 2_000] as [string, number]),
      ]),
    ).toBe(false);
  });

  it("lets a large list asked far more often displace small ones", () => {
    const p = new PostingsAdmission();
    for (let i = 0; i < 200; i++) p.touch("common");
    p.touch("rare");
    expect(p.admit("common", 4 * READ_COST_BYTES, 0, [["rare", 4 * READ_COST_BYTES]])).toBe(true);
  });

  it("refuses an entry larger than the whole cache", () => {
    expect(new PostingsAdmission().admit("huge", 10_000, 0, [["a", 100]])).toBe(false);
  });

  it("holds most lookups of a mix cycling through four times the budget after a few rounds, where plain LRU holds none", () => {
    // A warm mix's terms in many shards: mostly small lists, a few common words' large ones, asked in a fixed cycle.
    const terms = Array.from({ length: 2000 }, (_, i) => ({
      key: `t${i}`,
      bytes: i % 50 === 0 ? 400_000 : 2_000 + ((i * 7919) % 6000),
    }));
    const total = terms.reduce((a, t) => a + t.bytes, 0);
    const budget = Math.floor(total / 4);
    const hitShare = (admit: boolean) => {
      const c = cache(budget, admit);
      for (let round = 0; round < 6; round++) for (const t of terms) c.use(t.key, t.bytes);
      let hits = 0;
      for (const t of terms) if (c.use(t.key, t.bytes)) hits++;
      expect(c.bytes()).toBeLessThanOrEqual(budget);
      return hits / terms.length;
    };
    expect(hitShare(false)).toBe(0);
    // The smallest lists fill the cache (at most about 64% of the lookups fit in it), and stay.
    expect(hitShare(true)).toBeGreaterThan(0.6);
  });
});

describe("SegmentedCache (the packed tier)", () => {
  /** One lookup of `key` holding `bytes`: whether it was held (it is offered when not). */
  const use = (c: SegmentedCache<{ bytes: number }>, key: string, bytes: number): boolean => {
    c.touch(key);
    if (c.get(key)) return true;
    c.offer(key, { bytes });
    return false;
  };
  // A mix like the million-record bench's: most term-shards small (rare names, terms a shard lacks), a few common
  // words' lists of hundreds of KB holding most of the bytes; four times the budget in all, asked in a fixed cycle.
  const terms = Array.from({ length: 4000 }, (_, i) => ({
    key: `t${i}`,
    bytes: i % 20 === 0 ? 150_000 + ((i * 7919) % 250_000) : 200 + ((i * 7919) % 3800),
  }));
  const total = terms.reduce((a, t) => a + t.bytes, 0);

  it("keeps every small list of a mix cycling through four times the budget, and within the budget", () => {
    const budget = Math.floor(total / 4);
    const small = terms.filter((t) => t.bytes <= SMALL_ENTRY_BYTES);
    expect(small.reduce((a, t) => a + t.bytes, 0)).toBeLessThan(0.75 * budget);
    const c = new SegmentedCache<{ bytes: number }>(budget);
    for (let round = 0; round < 3; round++) for (const t of terms) use(c, t.key, t.bytes);
    let smallHits = 0,
      hits = 0;
    for (const t of terms)
      if (use(c, t.key, t.bytes)) {
        hits++;
        if (t.bytes <= SMALL_ENTRY_BYTES) smallHits++;
      }
    expect(smallHits).toBe(small.length);
    expect(hits / terms.length).toBeGreaterThan(0.95);
    expect(c.calculatedSize).toBeLessThanOrEqual(budget);
  });

  it("holds a mix that fits its budget whole, large lists included", () => {
    const c = new SegmentedCache<{ bytes: number }>(total);
    for (const t of terms) use(c, t.key, t.bytes);
    expect(terms.every((t) => use(c, t.key, t.bytes))).toBe(true);
  });

  it("lets small lists fill at most their share, never displacing the large, and past it keeps the held ones unless a newcomer is asked more", () => {
    const c = new SegmentedCache<{ bytes: number }>(100_000, 1_000, 0.5);
    expect(c.offer("large", { bytes: 40_000 })).toBe(true);
    for (let i = 0; i < 100; i++) c.offer(`s${i}`, { bytes: 1_000 });
    expect(c.get("large")).toBeDefined();
    expect(c.calculatedSize).toBeLessThanOrEqual(100_000);
    // Held as they came while under the share; a newcomer asked as often as they are does not churn them.
    expect(c.get("s0")).toBeDefined();
    expect(c.get("s99")).toBeUndefined();
    for (let i = 0; i < 5; i++) c.touch("hot");
    expect(c.offer("hot", { bytes: 1_000 })).toBe(true);
    expect(c.get("hot")).toBeDefined();
    expect(c.get("large")).toBeDefined();
  });

  it("refuses an entry larger than the whole budget", () => {
    expect(new SegmentedCache<{ bytes: number }>(1_000).offer("huge", { bytes: 2_000 })).toBe(false);
  });
});

describe("PostingsCache (flat and packed tiers)", () => {
  interface Flat {
    bytes: number;
    flat: true;
  }
  interface Packed {
    bytes: number;
  }
  /** Packs an entry to a quarter of its bytes; counts the unpacks. */
  const packer = (): Packer<Flat, Packed> & { unpacks: number } => ({
    unpacks: 0,
    pack: (v) => ({ bytes: Math.ceil(v.bytes / 4) }),
    unpack(p) {
      this.unpacks++;
      return { bytes: 4 * p.bytes, flat: true };
    },
  });
  const use = (c: PostingsCache<Flat, Packed>, key: string, bytes: number): boolean => {
    c.touch(key);
    if (c.get(key)) return true;
    c.offer(key, { bytes, flat: true });
    return false;
  };
  const terms = Array.from({ length: 3000 }, (_, i) => ({
    key: `t${i}`,
    bytes: 4 * (i % 20 === 0 ? 40_000 + ((i * 7919) % 60_000) : 200 + ((i * 7919) % 3800)),
  }));
  const total = terms.reduce((a, t) => a + t.bytes, 0);

  it("packs nothing while the budget holds every entry as queries read it", () => {
    const p = packer();
    const c = new PostingsCache<Flat, Packed>(total, p);
    for (let round = 0; round < 2; round++) for (const t of terms) use(c, t.key, t.bytes);
    expect(c.moves).toEqual({ packed: 0, unpacked: 0 });
    expect(p.unpacks).toBe(0);
    expect(c.packedSize).toBe(0);
  });

  it("holds nearly every lookup of a mix cycling through twice its budget, packed, and stays within the budget", () => {
    const p = packer();
    const budget = Math.floor(total / 2);
    const c = new PostingsCache<Flat, Packed>(budget, p);
    for (let round = 0; round < 3; round++) for (const t of terms) use(c, t.key, t.bytes);
    let hits = 0;
    for (const t of terms) if (use(c, t.key, t.bytes)) hits++;
    expect(hits / terms.length).toBeGreaterThan(0.95);
    expect(c.moves.unpacked).toBeGreaterThan(terms.length / 2);
    expect(c.calculatedSize).toBeLessThanOrEqual(budget);
    expect(c.packedSize).toBeLessThanOrEqual(budget * PACKED_SHARE);
  });

  it("answers a packed entry with a flat copy, keeping the packed one", () => {
    const p = packer();
    const c = new PostingsCache<Flat, Packed>(10_000, p);
    c.offer("a", { bytes: 4_000, flat: true });
    c.offer("b", { bytes: 4_000, flat: true });
    c.offer("c", { bytes: 4_000, flat: true }); // "a" goes to the packed tier as 1,000 bytes
    expect(c.moves.packed).toBe(1);
    expect(c.packedSize).toBe(1_000);
    expect(c.get("a")).toEqual({ bytes: 4_000, flat: true });
    expect(p.unpacks).toBe(1);
    expect(c.has("a")).toBe(true);
    expect(c.calculatedSize).toBeLessThanOrEqual(10_000);
  });

  it("refuses an entry larger than the whole budget", () => {
    expect(new PostingsCache<Flat, Packed>(1_000, packer()).offer("huge", { bytes: 2_000, flat: true })).toBe(false);
  });
});
