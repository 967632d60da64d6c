/**
 * Top-k early termination (MaxScore over per-unit upper bounds, list by list over
 * the fields of each alternative for several words, and over a one-word query's
 * alternatives) must rank exactly as exhaustive scoring:
 * over 500+ queries of a synthetic catalogue, the top 10 (docs, scores and
 * explain parts) are compared with every match scored.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { prng, queryMix, syntheticCorpus, writeJsonl } from "../../scripts/bench/synthetic-catalogue";
import { scoreShard } from "../../src/worker/search/scoring";
import { scoringCounters } from "../../src/worker/search/scoring-counters";
import { diskAssets, planFor, shardIndex } from "./local-index";

const RECORDS = 5_000;
let dir: string;
let queries: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dossier-topk-"));
  const corpus = syntheticCorpus(RECORDS);
  await writeJsonl(corpus, join(dir, "data", "synthetic.jsonl"));
  buildCatalogue({ dataDirs: [join(dir, "data")], outDir: join(dir, "out"), searchShards: 1 });
  // The bench mix, plus random two- and three-word queries over the vocabulary and names.
  const mix = queryMix(corpus, 300).search.map((s) => s.q);
  const r = prng(11);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * Math.min(xs.length, 1500))]!;
  const extra: string[] = [];
  while (extra.length < 300) {
    const ws = [
      pick(corpus.stock.vocab),
      pick(corpus.stock.vocab),
      pick(corpus.stock.roots)[0],
      pick(corpus.stock.given),
    ];
    extra.push(ws.slice(0, 2 + (extra.length % 3)).join(" "));
  }
  // Names misspelt by one letter, capitalised: matched by variant key or sound, with closeness tie-breakers.
  for (let k = 0; k < 60; k++) {
    const [root, fam] = pick(corpus.stock.roots);
    const name = root + fam;
    const at = 1 + Math.floor(r() * (name.length - 1));
    const typed = name.slice(0, at) + (name[at] === "e" ? "a" : "e") + name.slice(at + 1);
    extra.push(`${typed[0]!.toUpperCase()}${typed.slice(1)}${k % 2 ? ` ${pick(corpus.stock.given)}` : ""}`);
  }
  queries = [...new Set([...mix, ...extra])];
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Record texts for phrase queries, which these queries never ask for. */
const noTexts = async () => {
  throw new Error("no phrase queries here");
};

/** Every one-word query of the mix, the commonest vocabulary words (the leaders' case), capitalised too, and given names. */
function commonWordQueries(): string[] {
  const corpus = syntheticCorpus(RECORDS);
  return [
    ...queries.filter((q) => !q.includes(" ")),
    ...corpus.stock.vocab.slice(0, 150),
    ...corpus.stock.vocab.slice(0, 30).map((w) => w[0]!.toUpperCase() + w.slice(1)),
    ...corpus.stock.given.slice(0, 20),
  ];
}

describe("top-k with upper bounds", () => {
  it("returns the same top 10 as exhaustive scoring over 500+ queries, and stops early on many", async () => {
    expect(queries.length).toBeGreaterThanOrEqual(500);
    const assets = diskAssets(join(dir, "out"));
    const { index, seriesNames } = await shardIndex(assets);
    let early = 0;
    let earlyOneWord = 0;
    const countedBefore = scoringCounters.countedApart;
    const listFirstBefore = scoringCounters.listFirst;
    const essentialBefore = scoringCounters.essentialLists;
    const fullPassBefore = scoringCounters.listFirstFullPass;
    let withTieBreakers = 0;
    let earlyMultiWord = 0;
    for (const q of queries) {
      const plan = await planFor(assets, q, 10);
      if (plan.units.some((u) => u.alternatives.some((a) => a.bonus))) withTieBreakers++;
      const full = await scoreShard(index, plan, seriesNames, noTexts, {
        exhaustiveBelow: Infinity,
        countApart: false,
      });
      const fast = await scoreShard(index, plan, seriesNames, noTexts, { exhaustiveBelow: 0 });
      // Counted apart: every match counted, only the top k scored.
      const counted = await scoreShard(index, plan, seriesNames, noTexts, { exhaustiveBelow: Infinity });
      expect(full.totalExact).toBe(true);
      expect(counted.totalExact).toBe(true);
      expect([counted.total, counted.facets], q).toEqual([full.total, full.facets]);
      expect(
        counted.top.map((d) => [d.doc, d.score, d.parts]),
        q,
      ).toEqual(full.top.map((d) => [d.doc, d.score, d.parts]));
      if (!fast.totalExact) {
        early++;
        if (plan.units.length === 1) earlyOneWord++;
        else earlyMultiWord++;
        expect(fast.total, q).toBeLessThanOrEqual(full.total);
      }
      // Several words take MaxScore a list at a time; unit by unit (the path of queries with references) must give
      // the same top 10 too.
      const byUnit = await scoreShard(index, plan, seriesNames, noTexts, { exhaustiveBelow: 0, listFirst: false });
      expect(
        byUnit.top.map((d) => [d.doc, d.score, d.parts]),
        q,
      ).toEqual(full.top.map((d) => [d.doc, d.score, d.parts]));
      // Rounds scaled to this catalogue's short lists. With no round share of what is left, the last round (every
      // essential list left, or every doc not seen scored in full) is taken often, as at 100k before rounds took a
      // share; with it (the default), a round whose lists are all longer than that takes the shortest anyway.
      for (const more of [{ roundShare: Infinity }, { roundShare: Infinity, fullPassShare: Infinity }, {}]) {
        const lastRound = await scoreShard(index, plan, seriesNames, noTexts, {
          exhaustiveBelow: 0,
          roundPostings: 16,
          ...more,
        });
        expect(
          lastRound.top.map((d) => [d.doc, d.score, d.parts]),
          q,
        ).toEqual(full.top.map((d) => [d.doc, d.score, d.parts]));
        if (lastRound.totalExact) expect([lastRound.total, lastRound.facets], q).toEqual([full.total, full.facets]);
      }
      expect(
        fast.top.map((d) => [d.doc, d.score]),
        q,
      ).toEqual(full.top.map((d) => [d.doc, d.score]));
      // The same winning alternative (rule, field) per word too, so explain does not change with the path.
      expect(
        fast.top.map((d) => d.parts),
        q,
      ).toEqual(full.top.map((d) => d.parts));
    }
    console.log(`top-k: ${early} of ${queries.length} queries stopped early (${earlyOneWord} one-word)`);
    // The comparison means something only if early termination happened on a good share of queries.
    expect(early).toBeGreaterThan(queries.length / 5);
    // Many one-word plans are counted apart from ranking (and checked above against scoring every match).
    expect(scoringCounters.countedApart - countedBefore).toBeGreaterThan(50);
    // One-word queries stop early too (their alternatives pruned by bound), not only multi-word ones.
    expect(earlyOneWord).toBeGreaterThan(0);
    // Closeness tie-breakers (added to a unit's best alternative) are covered by the bounds too.
    expect(withTieBreakers).toBeGreaterThan(20);
    // Several words went list by list on most queries, and stopped early on many (only essential lists walked).
    console.log(
      `list-first: ${scoringCounters.listFirst - listFirstBefore} queries, ${earlyMultiWord} multi-word stopped early; ` +
        `${scoringCounters.listFirstFullPass - fullPassBefore} ended in a full pass; ` +
        `unit by unit, essential lists after a failed speculation: ${scoringCounters.essentialLists - essentialBefore}`,
    );
    expect(scoringCounters.listFirst - listFirstBefore).toBeGreaterThan(200);
    expect(earlyMultiWord).toBeGreaterThan(150);
    expect(scoringCounters.essentialLists - essentialBefore).toBeGreaterThan(10);
    // Many ended with every doc not seen scored in full (always so with `fullPassShare: Infinity`).
    expect(scoringCounters.listFirstFullPass - fullPassBefore).toBeGreaterThan(50);
  }, 600_000);

  it("returns the same top 10 as exhaustive scoring when the query's years filter, undated matches included", async () => {
    const assets = diskAssets(join(dir, "out"));
    const { index, seriesNames } = await shardIndex(assets);
    const r = prng(23);
    let undatedInTop = 0;
    for (const q of queries.filter((_, k) => k % 2 === 0)) {
      const from = 1900 + Math.floor(r() * 8) * 10;
      const plan = { ...(await planFor(assets, q, 10)), dates: { from, to: from + 9, mode: "filter" as const } };
      const full = await scoreShard(index, plan, seriesNames, noTexts, {
        exhaustiveBelow: Infinity,
        countApart: false,
      });
      const same = (d: { doc: number; score: number; parts: unknown }) => [d.doc, d.score, d.parts];
      for (const opts of [
        { exhaustiveBelow: 0 },
        { exhaustiveBelow: 0, listFirst: false },
        { exhaustiveBelow: 0, roundPostings: 16 },
      ]) {
        const fast = await scoreShard(index, plan, seriesNames, noTexts, opts);
        expect(fast.top.map(same), `${q} ${from}s ${JSON.stringify(opts)}`).toEqual(full.top.map(same));
      }
      if (full.top.some((d) => d.parts.some((p) => p.via.startsWith("undated")))) undatedInTop++;
    }
    // Undated records that match every word were in the top 10 of many queries: the comparison covers them.
    expect(undatedInTop).toBeGreaterThan(20);
  }, 600_000);

  it("answers one-word queries of common words from their alternatives' top lists with the exhaustive top", async () => {
    const assets = diskAssets(join(dir, "out"));
    const { index, seriesNames } = await shardIndex(assets);
    const words = commonWordQueries();
    // Lists scaled to the 5,000-record catalogue: words with a field over 100 postings, lists 10 deep at first (so
    // many must go deeper), and facets over the best 20, which the lists must then give exactly.
    const topLists = { depth: 10, maxDepth: 160, minPostings: 100 };
    const scaled = { exhaustiveBelow: 0, commonTerms: false as const, topLists, facetCandidates: 20 };
    let answered = 0;
    let deepened = 0;
    let facetsCompared = 0;
    for (const q of new Set(words)) {
      const plan = await planFor(assets, q, 10);
      if (plan.units.length !== 1) continue;
      for (const keep of [10, 20]) {
        const p = { ...plan, keep };
        const full = await scoreShard(index, p, seriesNames, noTexts, { exhaustiveBelow: Infinity, countApart: false });
        const expected = full.top.map((d) => [d.doc, d.score, d.parts]);
        // Facets over the best 20 candidates as the general top-k path selects and counts them (from the facet
        // column) when it stops early, for the lists' answer, which counts them from the lists' own facet entries.
        const general = {
          exhaustiveBelow: 0,
          commonTerms: false as const,
          topLists: false as const,
          facetCandidates: 20,
          countApart: false,
        };
        const selected = await scoreShard(index, p, seriesNames, noTexts, general);
        // A word's first query takes the general path (its lists are derived on their second use); a list too
        // shallow to prove the top is derived deeper on its next use, so later queries may answer.
        let before = scoringCounters.topListAnswers;
        for (let use = 0; use < 5; use++) {
          const fast = await scoreShard(index, p, seriesNames, noTexts, scaled);
          expect(
            fast.top.map((d) => [d.doc, d.score, d.parts]),
            `${q} (use ${use}, keep ${keep})`,
          ).toEqual(expected);
          if (scoringCounters.topListAnswers > before) {
            if (keep === 10) answered++;
            if (use > 1) deepened++;
            expect(fast.totalExact, q).toBe(false);
            expect(fast.total, q).toBeLessThanOrEqual(full.total);
            // With keep = 20 the top 20 above are the facet candidates, so the facets are theirs exactly.
            if (keep === 20 && !selected.facetsExact) {
              expect(fast.facets, `${q} (use ${use})`).toEqual(selected.facets);
              facetsCompared++;
            }
            before = Infinity;
          }
        }
      }
    }
    console.log(
      `top-list answers: ${answered} of ${new Set(words).size} one-word queries, ${deepened} after deepening, ` +
        `facets compared on ${facetsCompared}`,
    );
    // The comparison means something only if the lists answered many of them, some only once deepened.
    expect(answered).toBeGreaterThan(50);
    expect(deepened).toBeGreaterThan(0);
    expect(facetsCompared).toBeGreaterThan(20);
  }, 600_000);

  it("answers one-word queries of common words from their fields' leaders with the exhaustive top 10", async () => {
    const assets = diskAssets(join(dir, "out"));
    const { index, seriesNames } = await shardIndex(assets);
    const words = commonWordQueries();
    // Leaders scaled to the 5,000-record catalogue: fields over 100 postings keep their 20 first docs.
    const commonTerms = { leaders: 20, minPostings: 100 };
    const before = scoringCounters.commonTermAnswers;
    let answered = 0;
    for (const q of new Set(words)) {
      const plan = await planFor(assets, q, 10);
      if (plan.units.length !== 1) continue;
      const full = await scoreShard(index, plan, seriesNames, noTexts, {
        exhaustiveBelow: Infinity,
        countApart: false,
      });
      // The first query of a word takes the general path (its long fields' leaders are taken on their second use).
      const first = await scoreShard(index, plan, seriesNames, noTexts, {
        exhaustiveBelow: 0,
        commonTerms,
        topLists: false,
      });
      expect(
        first.top.map((d) => [d.doc, d.score, d.parts]),
        q,
      ).toEqual(full.top.map((d) => [d.doc, d.score, d.parts]));
      const taken = scoringCounters.commonTermAnswers;
      const fast = await scoreShard(index, plan, seriesNames, noTexts, {
        exhaustiveBelow: 0,
        commonTerms,
        topLists: false,
      });
      if (scoringCounters.commonTermAnswers > taken) {
        answered++;
        expect(fast.totalExact, q).toBe(false);
        expect(fast.total, q).toBeLessThanOrEqual(full.total);
      }
      expect(
        fast.top.map((d) => [d.doc, d.score, d.parts]),
        q,
      ).toEqual(full.top.map((d) => [d.doc, d.score, d.parts]));
      // Asking for more than the leaders hold takes the general path, with the same answer.
      const deep = { ...plan, keep: 25 };
      const deepFull = await scoreShard(index, deep, seriesNames, noTexts, {
        exhaustiveBelow: Infinity,
        countApart: false,
      });
      const deepFast = await scoreShard(index, deep, seriesNames, noTexts, {
        exhaustiveBelow: 0,
        commonTerms,
        topLists: false,
      });
      expect(
        deepFast.top.map((d) => [d.doc, d.score]),
        q,
      ).toEqual(deepFull.top.map((d) => [d.doc, d.score]));
    }
    console.log(`common-word answers: ${answered} of ${new Set(words).size} one-word queries`);
    expect(scoringCounters.commonTermAnswers - before).toBeGreaterThanOrEqual(answered);
    // The comparison means something only if the shortcut answered many of them.
    expect(answered).toBeGreaterThan(50);
  }, 600_000);

  it("counts a query that stops early at no fewer matches than the longest field of any of its words holds", async () => {
    const assets = diskAssets(join(dir, "out"));
    const { index, seriesNames } = await shardIndex(assets);
    // The general top-k path alone (no leaders, no top lists), which a common word's first query takes.
    const general = { exhaustiveBelow: 0, commonTerms: false as const, topLists: false as const, countApart: false };
    let stopped = 0;
    let multiWord = 0;
    let atLongest = 0;
    for (const q of new Set([...queries, ...commonWordQueries()])) {
      const plan = await planFor(assets, q, 10);
      // Any word matches: a doc in a one-word alternative's field is a match, unless something else filters.
      if (plan.exclude.length || plan.phrases.length || plan.dates || plan.referenceIds.length) continue;
      const fast = await scoreShard(index, plan, seriesNames, noTexts, general);
      if (fast.totalExact) continue;
      stopped++;
      if (plan.units.length > 1) multiWord++;
      // Every doc in a field of a one-word alternative (not a tie-breaker) matches: its docs, decoded, bound the total.
      let longest = 0;
      for (const unit of plan.units)
        for (const alt of unit.alternatives) {
          if (alt.bonus || alt.terms.length !== 1) continue;
          const p = await index.postings(alt.terms[0]!.term);
          for (const f of alt.terms[0]!.fields)
            if (!unit.fields || unit.fields.includes(f))
              longest = Math.max(longest, p.fields[f]?.decodeAll().docs.length ?? 0);
        }
      const full = await scoreShard(index, plan, seriesNames, noTexts, {
        exhaustiveBelow: Infinity,
        countApart: false,
      });
      expect(fast.total, q).toBeGreaterThanOrEqual(longest);
      expect(fast.total, q).toBeLessThanOrEqual(full.total);
      if (fast.total === longest) atLongest++;
    }
    // Most queries that stop early have looked at far fewer docs than their longest field holds.
    expect(stopped).toBeGreaterThan(100);
    expect(multiWord).toBeGreaterThan(50);
    expect(atLongest).toBeGreaterThan(stopped / 2);
  }, 600_000);
});
