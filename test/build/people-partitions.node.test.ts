/**
 * The name authority built partition by partition (src/indexer/people-assets.ts buildPeople): the spellings spread
 * over scratch files by surname, what reaches across partitions joined apart, people merged and chunk entries
 * sorted on disk. Whatever the partitions and block size, the chunks and the canonical map are those the
 * authority's grouping in memory (clusterPeople) gives.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { syntheticCorpus } from "../../scripts/bench/synthetic-catalogue";
import { AssetWriter } from "../../src/indexer/content-hash";
import { buildPeople, clusterPeople, lastRun, slugOf } from "../../src/indexer/people-assets";
import { encodePeopleChunk, type PersonEntry, type PersonRecord } from "../../src/shared/index-format";
import { shardOf } from "../../src/shared/hash";

const root = mkdtempSync(join(tmpdir(), "dossier-people-partitions-"));
afterAll(() => rmSync(root, { recursive: true, force: true }), 30_000);

/** The chunks and canonical map as the authority makes them from its grouping in memory, all people held. */
function inMemory(records: string[][]): { chunks: unknown[]; canonical: Array<[string, string]> } {
  const { find, spellings } = clusterPeople(records);
  const clusters = new Map<string, string[]>();
  for (const slug of spellings.keys())
    (clusters.get(find(slug)) ?? clusters.set(find(slug), []).get(find(slug))!).push(slug);
  const people: PersonRecord[] = [];
  for (const slugs of clusters.values()) {
    const counts = new Map<string, number>();
    const docs = new Set<number>();
    for (const s of slugs) {
      const sp = spellings.get(s)!;
      sp.forms.forEach((form, f) => {
        counts.set(form, (counts.get(form) ?? 0) + sp.counts[f]!);
      });
      for (const d of sp.docs) docs.add(d);
    }
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1));
    const name = ranked[0]![0];
    people.push({
      slug: slugOf(name),
      name,
      variants: ranked.slice(1).map((x) => x[0]),
      docs: [...docs].sort((a, b) => a - b),
    });
  }
  const chunkCount = Math.max(1, Math.ceil(people.length / 200));
  const chunks: PersonEntry[][] = Array.from({ length: chunkCount }, () => []);
  const placed = new Set<string>();
  for (const person of people) {
    placed.add(person.slug);
    chunks[shardOf(person.slug, chunkCount)]!.push(person);
  }
  const canonical: Array<[string, string]> = [];
  for (const person of people)
    for (const v of person.variants) {
      const slug = slugOf(v);
      if (placed.has(slug)) continue;
      placed.add(slug);
      chunks[shardOf(slug, chunkCount)]!.push({ slug, see: person.slug });
      canonical.push([slug, person.slug]);
    }
  return { chunks: chunks.map((c) => encodePeopleChunk(c)), canonical: canonical.sort() };
}

function partitioned(records: string[][], partitions: number, blockEntries: number) {
  const out = new AssetWriter();
  const { chunks, canonical } = buildPeople(
    records.map((people) => ({ people })),
    out,
    { partitions, blockEntries, scratch: join(root, "people") },
  );
  return {
    chunks: chunks.map((path) => JSON.parse(out.files.get(path)!.toString())),
    canonical: [...canonical].sort(),
  };
}

/** A seeded generator (mulberry32): the same records every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Records naming few people many ways: nicknames, initials, surnames one edit apart (whose variant keys fall in
 * different partitions), and slugs read with two surnames ("Smithers, John" and "Smithers John").
 */
function tangledNames(count: number): string[][] {
  const next = random(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const given = ["John", "Jon", "Johnny", "Bill", "William", "Will", "Fred", "Leon", "Jane", "J.", "J. B.", "L.", ""];
  const surnames = [
    "Smithers",
    "Smithars",
    "Smither",
    "Helfand",
    "Helfland",
    "Helfan",
    "Quarrendon",
    "Quarrenden",
    "Brown",
    "Browne",
    "Okafor",
    "Nakamura",
    "Ivanov",
    "Ivanova",
    "Petrov",
    "Petrova",
  ];
  const name = () => {
    const g = pick(given),
      s = pick(surnames);
    const form = next();
    if (!g) return s;
    if (form < 0.2) return `${s}, ${g}`;
    if (form < 0.3) return `${s} ${g}`;
    if (form < 0.35) return `${g.toUpperCase()} ${s}`;
    return `${g} ${s}`;
  };
  // Groups of two spellings by variant key, each linked by rule 2 to a surname a partition away, either way round.
  const linked = [
    ["Leon Helfland"],
    ["Leon Helfland Jr."],
    ["Leon Helfland Jr.", "Leon Helfand"],
    ["Leon Helfand Sr."],
    ["Leon Helfand"],
    ["Grigoriy Besedovskiy"],
    ["Grigory Bessedovsky"],
    ["Grigory Besedovsky", "Grigory Bessedovsky"],
  ];
  return [
    ...linked,
    ...Array.from({ length: count }, () => Array.from({ length: next() < 0.7 ? 1 : next() < 0.8 ? 2 : 3 }, name)),
  ];
}

describe("the name authority built in partitions", () => {
  it("gives the in-memory grouping's chunks and canonical map for any partitions and block size", () => {
    const records = tangledNames(700);
    const whole = inMemory(records);
    expect(whole.canonical.length).toBeGreaterThan(10);
    let crossLinks = 0,
      owned = 0;
    for (const [partitions, blockEntries] of [
      [1, 50_000],
      [2, 3],
      [3, 5],
      [7, 2],
      [16, 4],
    ] as const) {
      expect(partitioned(records, partitions, blockEntries)).toEqual(whole);
      crossLinks += lastRun.crossLinks!;
      owned += lastRun.owned!;
    }
    // Rule 2 linked surnames in two partitions, and slugs were held by two: the paths reaching across ran.
    expect(crossLinks).toBeGreaterThan(0);
    expect(owned).toBeGreaterThan(0);
    expect(readdirSync(root)).toEqual([]);
  }, 60_000);

  it("lets rules 3 and 4 see two of a partition's groups as one where records in another partition join them", () => {
    // "Smithars" joins William and Fred Smithers (rule 2), so Bill Smithers has one nickname relation, not two.
    const records = [
      ["Bill Smithers"],
      ["William Smithers"],
      ["Fred Smithers"],
      ["Smithars", "William Smithers"],
      ["Smithars", "Fred Smithers"],
    ];
    const whole = inMemory(records);
    expect(whole.chunks).toHaveLength(1);
    expect(JSON.stringify(whole.chunks)).toMatch(/"Bill Smithers"/);
    expect(JSON.stringify(whole.chunks)).not.toMatch(/\["Bill Smithers"\]/);
    let again = 0;
    for (const partitions of [2, 3, 5, 7, 16]) {
      expect(partitioned(records, partitions, 2)).toEqual(whole);
      again += lastRun.again!;
    }
    expect(again).toBeGreaterThan(0);
  });

  it("gives the in-memory grouping's chunks for a synthetic catalogue, people spread over many chunks", () => {
    const records = [...syntheticCorpus(1500).records()].map((r) => r.people);
    const whole = inMemory(records);
    expect(whole.chunks.length).toBeGreaterThan(3);
    for (const [partitions, blockEntries] of [
      [1, 50_000],
      [5, 7],
      [32, 100],
    ] as const)
      expect(partitioned(records, partitions, blockEntries)).toEqual(whole);
    expect(readdirSync(root)).toEqual([]);
  }, 60_000);

  it("leaves no scratch file when reading the docs fails", () => {
    const failing = (function* () {
      yield { people: ["Leon Helfland", "Leon Helfand"] };
      yield { people: ["Smithers, John"] };
      throw new Error("docs: unreadable");
    })();
    expect(() => buildPeople(failing, new AssetWriter(), { partitions: 4, scratch: join(root, "people") })).toThrow(
      "docs: unreadable",
    );
    expect(readdirSync(root)).toEqual([]);
  });
});
