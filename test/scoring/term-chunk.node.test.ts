/** The binary term chunk codec: what the build encodes, the Worker reads back exactly. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BLOCK_SIZE,
  TermChunk,
  encodeTermChunk,
  huffmanLengths,
  termBucketHash,
  termFamilies,
  type TermInput,
} from "../../src/shared/index-format";
import { FIELD_NAMES } from "../../src/shared/search-config";
import { prng } from "../../scripts/bench/synthetic-catalogue";

const utf8 = new TextEncoder();

function randomPostings(r: () => number, n: number, spread: number) {
  const docs = new Set<number>();
  while (docs.size < n) docs.add(Math.floor(r() * spread));
  const sorted = [...docs].sort((a, b) => a - b);
  return { docs: sorted, slots: sorted.map(() => Math.floor(r() * 9)) };
}

describe("term chunks", () => {
  const r = prng(3);
  const terms: TermInput[] = ["smith", "élan", "дмитрий", "a", "zz", "kv", "2681", "smithson"].map((term, k) => ({
    term,
    fields: [0, 3, 7]
      .slice(0, 1 + (k % 3))
      .map((field) => ({ field, df: 1000 + k, ...randomPostings(r, 1 + k * 97, 5_000_000) })),
  }));
  const chunk = new TermChunk(encodeTermChunk(terms).buffer as ArrayBuffer);

  it("finds every term by binary search and no term it does not hold", () => {
    for (const t of terms) expect(chunk.find(utf8.encode(t.term))).toBeGreaterThanOrEqual(0);
    for (const t of ["", "smit", "smithsonian", "zzz", "élana", "b"]) expect(chunk.find(utf8.encode(t)), t).toBe(-1);
    expect(chunk.terms()).toEqual([...chunk.terms()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });

  it("gives a shard's lists in 16-bit local doc numbers when the shard has at most 65,536 docs, else 32-bit", () => {
    const start = 1_250_000;
    const shardTerms: TermInput[] = ["smith", "smiths", "smyth"].map((term, k) => ({
      term,
      fields: [0, 3].map((field) => {
        const p = randomPostings(r, 50 + 300 * k, 62_500);
        return { field, df: 900, docs: p.docs.map((d) => d + start), slots: p.slots };
      }),
    }));
    const buf = encodeTermChunk(shardTerms).buffer as ArrayBuffer;
    for (const [count, narrow] of [
      [62_500, true],
      [200_000, false],
    ] as const) {
      const c = new TermChunk(buf, "shard chunk", start, count);
      expect(c.narrow).toBe(narrow);
      for (const t of shardTerms)
        c.postings(c.find(utf8.encode(t.term))).forEach((p, i) => {
          const all = p.decodeAll();
          const want = Array.from(t.fields[i]!.docs, (d) => d - start);
          expect(all.docs).toBeInstanceOf(narrow ? Uint16Array : Uint32Array);
          expect([...all.docs]).toEqual(want);
          expect([...all.slots]).toEqual(Array.from(t.fields[i]!.slots));
          expect(p.lastDoc(p.blocks - 1)).toBe(want.at(-1));
          expect(p.bytes).toBeLessThan((narrow ? 3 : 5) * p.count + 400);
        });
    }
    // A chunk read for the wrong shard is an error, not wrong answers.
    const wrong = new TermChunk(buf, "shard chunk", start + 70_000, 62_500);
    expect(() => wrong.postings(wrong.find(utf8.encode("smith")))[0]!.decodeAll()).toThrow(/outside its shard/);
  });

  it("gives each field's postings, whole and block by block, with block bounds", () => {
    for (const t of terms) {
      const got = chunk.postings(chunk.find(utf8.encode(t.term)));
      expect(got.map((p) => p.field)).toEqual(t.fields.map((f) => f.field));
      got.forEach((p, i) => {
        const want = t.fields[i]!;
        expect(p.df).toBe(want.df);
        expect(p.count).toBe(want.docs.length);
        const all = p.decodeAll();
        expect([...all.docs]).toEqual(want.docs);
        expect([...all.slots]).toEqual(want.slots);
        expect(p.minSlot).toBe(Math.min(...(want.slots as number[])));
        const docs = new Uint32Array(BLOCK_SIZE),
          slots = new Uint8Array(BLOCK_SIZE);
        for (let b = 0; b < p.blocks; b++) {
          const n = p.decodeBlock(b, docs, slots, 0);
          const lo = b * BLOCK_SIZE;
          expect([...docs.subarray(0, n)]).toEqual((want.docs as number[]).slice(lo, lo + n));
          expect([...slots.subarray(0, n)]).toEqual((want.slots as number[]).slice(lo, lo + n));
          expect(p.lastDoc(b)).toBe(want.docs[lo + n - 1]);
          expect(p.blockMinSlot(b)).toBe(Math.min(...(want.slots as number[]).slice(lo, lo + n)));
        }
      });
    }
  });

  it("finds every term of a directory many restart groups long, terms sharing long prefixes", () => {
    const many: TermInput[] = Array.from({ length: 300 }, (_, k) => ({
      term: `${"besedovsk".slice(0, 3 + (k % 7))}${k.toString(36)}${"y".repeat(k % 300 === 7 ? 300 : 0)}`,
      fields: [{ field: k % 9, df: k + 1, docs: [k, k + 1000], slots: [k % 9, (k + 4) % 9] }],
    }));
    const c = new TermChunk(encodeTermChunk(many).buffer as ArrayBuffer);
    expect(c.size).toBe(300);
    // Looked up in reverse order, so no lookup is helped by the one before.
    for (const t of [...many].reverse()) {
      const [p] = c.postings(c.find(utf8.encode(t.term)));
      expect([p!.field, p!.df, [...p!.decodeAll().docs], [...p!.decodeAll().slots]]).toEqual([
        t.fields[0]!.field,
        t.fields[0]!.df,
        t.fields[0]!.docs,
        t.fields[0]!.slots,
      ]);
    }
    for (const t of ["bes", "besedovsk", "bes~", "a", "zzz"]) expect(c.find(utf8.encode(t)), t).toBe(-1);
    expect(c.terms()).toEqual(many.map((t) => t.term).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });

  it("refuses slots above 15, a field past 15 and a term with two document frequencies", () => {
    const field = (df: number, slot: number) => ({ field: 0, df, docs: [1], slots: [slot] });
    expect(() => encodeTermChunk([{ term: "t", fields: [field(1, 16)] }])).toThrow(/slot/);
    expect(() => encodeTermChunk([{ term: "t", fields: [{ ...field(1, 0), field: 16 }] }])).toThrow(/field 16/);
    expect(() => encodeTermChunk([{ term: "t", fields: [field(1, 0), { ...field(2, 0), field: 1 }] }])).toThrow(
      /document frequencies/,
    );
  });

  it("gives back a derived field whose docs its word family in the chunk gives, and the docs they do not", () => {
    const f = (name: string) => FIELD_NAMES.indexOf(name as (typeof FIELD_NAMES)[number]);
    const r = prng(11);
    const list = (n: number) => randomPostings(r, n, 3000);
    const reports = list(400),
      reported = list(50),
      reportTitle = list(30);
    // The stem field of "report": every doc of its words in title, tags and desc, plus docs of a word held in
    // another chunk, with slots of its own.
    const stemDocs = [...new Set([...reports.docs, ...reported.docs, ...reportTitle.docs, 3001, 3005, 4000])].sort(
      (a, b) => a - b,
    );
    const stemField = { docs: stemDocs, slots: stemDocs.map(() => Math.floor(r() * 9)) };
    // "reporting" claims the family but has a doc the stem field lacks: it must not be used.
    const stray = { docs: [4100], slots: [2] };
    const terms: TermInput[] = [
      {
        term: "report",
        fields: [
          { field: f("title"), df: 500, ...reportTitle },
          { field: f("stem"), df: 500, ...stemField },
        ],
      },
      { term: "reports", fields: [{ field: f("desc"), df: 400, ...reports }] },
      {
        term: "reported",
        fields: [
          { field: f("tags"), df: 50, ...reported },
          { field: f("ref"), df: 50, docs: [7], slots: [0] },
        ],
      },
      { term: "reporting", fields: [{ field: f("desc"), df: 1, ...stray }] },
      {
        term: "smith",
        fields: [
          { field: f("people"), df: 3, docs: [1, 2, 9], slots: [0, 1, 2] },
          { field: f("names"), df: 3, docs: [1, 2, 9, 12], slots: [1, 1, 3, 0] },
        ],
      },
    ];
    const plain = encodeTermChunk(terms);
    const bytes = encodeTermChunk(terms, termFamilies);
    expect(bytes.length).toBeLessThan(plain.length);
    const c = new TermChunk(bytes.buffer as ArrayBuffer);
    for (const t of terms) {
      const got = c.postings(c.find(utf8.encode(t.term)));
      expect(got.map((p) => [p.field, p.df, [...p.decodeAll().docs], [...p.decodeAll().slots]])).toEqual(
        [...t.fields]
          .sort((a, b) => a.field - b.field)
          .map((x) => [x.field, x.df, Array.from(x.docs), Array.from(x.slots)]),
      );
    }
    // A family shares a bucket: every word is bucketed by its stem.
    expect(new Set(["report", "reports", "reported", "reporting"].map(termBucketHash)).size).toBe(1);
  });

  it("gives each field's count and lowest slot unread, and decodes a field only when it is first read", () => {
    const f = (name: string) => FIELD_NAMES.indexOf(name as (typeof FIELD_NAMES)[number]);
    const r = prng(12);
    const title = randomPostings(r, 40, 3000),
      desc = randomPostings(r, 300, 3000);
    const stemDocs = [...new Set([...title.docs, ...desc.docs, 3100])].sort((a, b) => a - b);
    const stem = { docs: stemDocs, slots: stemDocs.map((_, i) => 1 + (i % 5)) };
    const terms: TermInput[] = [
      {
        term: "report",
        fields: [
          { field: f("title"), df: 340, ...title },
          { field: f("stem"), df: 340, ...stem },
        ],
      },
      { term: "reports", fields: [{ field: f("desc"), df: 300, ...desc }] },
    ];
    const c = new TermChunk(encodeTermChunk(terms, termFamilies).buffer as ArrayBuffer);
    const [reportTitle, reportStem] = c.postings(c.find(utf8.encode("report")));
    const [reportsDesc] = c.postings(c.find(utf8.encode("reports")));
    for (const [p, want] of [
      [reportTitle!, title],
      [reportStem!, stem],
      [reportsDesc!, desc],
    ] as const) {
      expect([p.count, p.minSlot, p.decoded]).toEqual([want.docs.length, Math.min(...want.slots), false]);
    }
    // The derived field first: it decodes its members' lists for itself, and leaves their own fields unread.
    expect([...reportStem!.decodeAll().docs]).toEqual(stem.docs);
    expect([...reportStem!.decodeAll().slots]).toEqual(stem.slots);
    expect([reportTitle!.decoded, reportsDesc!.decoded]).toEqual([false, false]);
    expect(reportsDesc!.lastDoc(0)).toBe(desc.docs[BLOCK_SIZE - 1]);
    expect(reportTitle!.decoded).toBe(false);
    expect([...reportTitle!.decodeAll().docs]).toEqual(title.docs);
    expect([...reportsDesc!.decodeAll().slots]).toEqual(desc.slots);
  });

  it("gives back slots coded per chunk: no terms, one posting, all slots equal, slot 15, the longest codes", () => {
    const roundTrip = (terms: TermInput[]) => {
      const c = new TermChunk(encodeTermChunk(terms).buffer as ArrayBuffer);
      expect(c.size).toBe(terms.length);
      for (const t of terms) {
        const got = c.postings(c.find(utf8.encode(t.term)));
        expect(got.map((p) => [p.field, [...p.decodeAll().docs], [...p.decodeAll().slots]])).toEqual(
          t.fields.map((x) => [x.field, Array.from(x.docs), Array.from(x.slots)]),
        );
      }
      return c;
    };
    expect(roundTrip([]).terms()).toEqual([]);
    // A field with no postings uses no slot code: the chunk has none for it.
    roundTrip([{ term: "none", fields: [{ field: 3, df: 0, docs: [], slots: [] }] }]);
    roundTrip([{ term: "one", fields: [{ field: 2, df: 1, docs: [123456], slots: [15] }] }]);
    // One slot value in a field: its code takes no bits, so 5,000 postings cost only their docs.
    const docs = Array.from({ length: 5000 }, (_, j) => 3 * j);
    const same = encodeTermChunk([{ term: "same", fields: [{ field: 4, df: 5000, docs, slots: docs.map(() => 7) }] }]);
    const mixed = encodeTermChunk([
      { term: "same", fields: [{ field: 4, df: 5000, docs, slots: docs.map((_, j) => (j % 2) * 7) }] },
    ]);
    expect(mixed.length - same.length).toBeGreaterThanOrEqual(5000 / 8);
    roundTrip([{ term: "same", fields: [{ field: 4, df: 5000, docs, slots: docs.map(() => 7) }] }]);
    // Fibonacci-skewed counts of all 16 slots give codes of 1 to 15 bits; several terms and fields share a code.
    const fib = [1, 1];
    while (fib.length < 16) fib.push(fib.at(-1)! + fib.at(-2)!);
    const skewed = fib.flatMap((n, slot) => Array.from({ length: n }, () => slot));
    const lengths = huffmanLengths(fib);
    expect(Math.max(...lengths)).toBe(15);
    expect(lengths.reduce((k, l) => k + 2 ** -l, 0)).toBe(1);
    const r = prng(5);
    const shuffled = skewed
      .map((s) => [r(), s] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, s]) => s);
    const terms: TermInput[] = Array.from({ length: 70 }, (_, k) => {
      const part = shuffled.slice(k * 30, k * 30 + 30 + (k === 69 ? shuffled.length : 0));
      return {
        term: `w${k.toString().padStart(3, "0")}`,
        fields: [0, 5, 8].slice(0, 1 + (k % 3)).map((field) => ({
          field,
          df: part.length,
          docs: part.map((_, j) => k * 10_000 + j * 7),
          slots: part,
        })),
      };
    });
    roundTrip(terms);
  });

  it("gives back any lists, at every Rice parameter from 0 to 24 and slot codes of every length", () => {
    const fib = [1, 1];
    while (fib.length < 16) fib.push(fib.at(-1)! + fib.at(-2)!);
    const fibTotal = fib.reduce((a, b) => a + b, 0);
    const list = fc
      .record({
        n: fc.integer({ min: 1, max: 600 }),
        // The mean gap: from 1 (every doc, parameter 0) to past 2^24 / ln 2 (parameter 24, the most it takes).
        gapBits: fc.integer({ min: 0, max: 26 }),
        seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        skew: fc.constantFrom("uniform", "fibonacci", "one"),
      })
      .map(({ n, gapBits, seed, skew }) => {
        const r = prng(seed);
        const docs: number[] = [];
        // Doc numbers stay below 2^31, as a catalogue's do.
        for (
          let d = Math.floor(r() * 1000), j = 0;
          j < n && d < 2 ** 31;
          j++, d += 1 + Math.floor(r() * 2 * 2 ** gapBits)
        )
          docs.push(d);
        const slot = () => {
          if (skew === "one") return 4;
          if (skew === "uniform") return Math.floor(r() * 16);
          let at = r() * fibTotal;
          for (let s = 0; s < 16; s++) if ((at -= fib[s]!) < 0) return s;
          return 15;
        };
        return { docs, slots: docs.map(slot) };
      });
    fc.assert(
      fc.property(fc.array(list, { minLength: 1, maxLength: 4 }), (lists) => {
        const terms: TermInput[] = lists.map((l, k) => ({
          term: `t${k}`,
          fields: [{ field: k % 9, df: l.docs.length, docs: l.docs, slots: l.slots }],
        }));
        const c = new TermChunk(encodeTermChunk(terms).buffer as ArrayBuffer);
        for (const t of terms) {
          const [got] = c.postings(c.find(utf8.encode(t.term)));
          const all = got!.decodeAll();
          expect([...all.docs]).toEqual(t.fields[0]!.docs);
          expect([...all.slots]).toEqual(t.fields[0]!.slots);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("rejects what is not a term chunk, naming it", () => {
    expect(() => new TermChunk(new ArrayBuffer(16), "x.bin")).toThrow(/x\.bin/);
    expect(() => new TermChunk(new ArrayBuffer(3))).toThrow(/not a term chunk/);
  });

  it("refuses postings that are not ascending", () => {
    expect(() => encodeTermChunk([{ term: "t", fields: [{ field: 0, df: 2, docs: [5, 5], slots: [0, 0] }] }])).toThrow(
      /ascending/,
    );
  });

  it("refuses a slot past the last, a list with a slot per doc missing, and unsorted views, naming the term", () => {
    const chunk = (docs: ArrayLike<number>, slots: ArrayLike<number>) => () =>
      encodeTermChunk([{ term: "t", fields: [{ field: 0, df: docs.length, docs, slots }] }]);
    expect(chunk(Uint32Array.of(1, 2, 3), Uint8Array.of(0, 99, 0))).toThrow(/slot of "t" above/);
    expect(chunk(Uint32Array.of(1, 2, 3), Uint8Array.of(0, 0))).toThrow(/"t" has 2 slots for 3 docs/);
    expect(chunk(new Uint32Array([7, 9, 4]).subarray(1), Uint8Array.of(0, 0))).toThrow(
      /"t" are not ascending at doc 4/,
    );
    expect(chunk(new Uint32Array([7, 9, 12]).subarray(1), new Uint8Array([5, 1, 2]).subarray(1))).not.toThrow();
  });
});
