/**
 * The plan numbers a record's terms and derives a word's stem, variant key and sound codes once per word number
 * (plan-terms.ts); recordFieldTerms derives them per occurrence. The two must give the same terms. Reference terms
 * the plan holds aside instead (one doc alone holds most) must give the same search files as numbering them all.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { syntheticCorpus } from "../../scripts/bench/synthetic-catalogue";
import { readCatalogue } from "../../src/indexer/build-catalogue";
import { AssetWriter } from "../../src/indexer/content-hash";
import { shardStartsOf } from "../../src/indexer/catalogue-assets";
import { arrayDocs } from "../../src/indexer/doc-file";
import { TermNumbers } from "../../src/indexer/plan-terms";
import { buildSearchShard, finishSearch, planSearch } from "../../src/indexer/search-assets";
import {
  DOC_HEADER,
  docEndYear,
  docSeries,
  docStartYear,
  packDocTerms,
  TermsFile,
  writtenTerms,
  WRITTEN_OUT,
} from "../../src/indexer/terms-file";
import { termFamilies } from "../../src/shared/index-format/term-family";
import { recordFieldTerms } from "../../src/shared/record-fields";
import { FIELD_NAMES } from "../../src/shared/search-config";
import type { CatalogueRecord } from "../../src/shared/record";

const root = mkdtempSync(join(tmpdir(), "dossier-plan-terms-"));
afterAll(() => rmSync(root, { recursive: true, force: true }), 30_000);

function allTerms(numbers: TermNumbers): string[] {
  return Array.from({ length: numbers.size }, (_, id) => numbers.term(id));
}

function expectSameTerms(records: CatalogueRecord[], context = "", refAside = false) {
  const numbers = new TermNumbers(refAside);
  let heldAside = 0;
  for (const r of records) {
    const byNumber = numbers.docTerms(r, context);
    heldAside += numbers.aside.length;
    const expected = recordFieldTerms(r, context);
    FIELD_NAMES.forEach((f, i) => {
      expect(
        byNumber[i]!.map((id) => (id < 0 ? numbers.aside[-1 - id] : numbers.term(id))),
        `${r.id} ${f}`,
      ).toEqual(expected[f]);
    });
  }
  expect(heldAside > 0).toBe(refAside);
  // Every term has one number.
  const list = allTerms(numbers);
  expect(new Set(list).size).toBe(list.length);
  expect(list.map((t) => numbers.numberOf(t))).toEqual(list.map((_, id) => id));
}

describe("a record's terms numbered by the plan", () => {
  it("are recordFieldTerms' terms for synthetic records", () => {
    expectSameTerms([...syntheticCorpus(600).records()]);
  });

  it("are recordFieldTerms' terms with reference terms held aside as strings", () => {
    expectSameTerms([...syntheticCorpus(600).records()], "", true);
  });

  it("are recordFieldTerms' terms for the built-in catalogue's records, with hierarchy context", () => {
    const records = readCatalogue(["data"]).records.slice(0, 2000);
    expectSameTerms(records);
    expectSameTerms(records.slice(0, 60), "Security Service: Personal Files (PF series), Émigrés");
  });

  it("give every term the family term-family.ts derives, as far as its keys are terms", () => {
    const numbers = new TermNumbers();
    for (const r of readCatalogue(["data"]).records.slice(0, 2000)) numbers.docTerms(r);
    const list = allTerms(numbers);
    const isTerm = new Set(list);
    const table = numbers.families();
    const ofTerm = table.familiesOf(list.keys());
    let phonetic = 0;
    for (const term of list) {
      const got = ofTerm(term);
      phonetic += got.filter(([field]) => FIELD_NAMES[field] === "phon").length;
      expect(got, term).toEqual(termFamilies(term).filter(([, key]) => isTerm.has(key)));
    }
    // The catalogue's names give sound codes, so their table was read.
    expect(phonetic).toBeGreaterThan(500);
  });

  it("are handed packed to the family table once the docs are read, and no longer looked up", () => {
    const numbers = new TermNumbers();
    for (const r of readCatalogue(["data"]).records.slice(0, 300)) numbers.docTerms(r);
    const list = allTerms(numbers);
    numbers.docsRead();
    expect(() => numbers.docTerms(readCatalogue(["data"]).records[0]!)).toThrow(/docTerms after docsRead/);
    const table = numbers.families();
    expect(() => numbers.numberOf(list[0]!)).toThrow(/looked up after release/);
    expect(() => numbers.intern("kutepov")).toThrow(/looked up after release/);
    expect(Array.from({ length: table.list.length }, (_, id) => table.list.at(id))).toEqual(list);
    table.release();
    expect(table.list.length).toBe(0);
  });

  it("pack the doc's filter values, then field by field: the counts first, then the terms", () => {
    const packed = packDocTerms({ start: 1929, end: 1955, series: 4 }, [[7, 8], [], [9]]);
    expect([...packed]).toEqual([1929, 1955, 4, 2, 0, 1, 7, 8, 9]);
  });

  it("pack a year before the common era as its 32 bits, read back as the same number", () => {
    const packed = packDocTerms({ start: -44, end: 0, series: 7 }, [[]]);
    expect(packed[0]! | 0).toBe(-44);
    expect([docStartYear(packed), docEndYear(packed), docSeries(packed)]).toEqual([-44, 0, 7]);
  });

  it("pack a term held aside as its string after the terms, and read it back", () => {
    const packed = packDocTerms({ start: 0, end: 0, series: 0 }, [[7, -2], [-1]], ["é-1", "kv-2-1234"]);
    expect([...packed.subarray(DOC_HEADER, DOC_HEADER + 5)]).toEqual([2, 1, 7, WRITTEN_OUT + 1, WRITTEN_OUT]);
    expect(writtenTerms(packed, 2)).toEqual(["é-1", "kv-2-1234"]);
  });
});

/** Records whose reference terms meet other docs' and other fields' terms in every order the plan must settle. */
function crossingRecords(): CatalogueRecord[] {
  const base = [...syntheticCorpus(900).records()];
  const like = (i: number, id: string, description = "", title = "Papers") => ({
    ...base[i]!,
    id,
    reference: id.toUpperCase(),
    title,
    description,
  });
  return [
    // "qa" (the last run) is held aside in two docs, far apart: numbered when settled.
    like(0, "zz-1-qa"),
    // A description word first, a reference term later: numbered when the reference meets it.
    like(1, "yy-9", "zz1qb mentioned"),
    like(2, "zz-1-qb"),
    // A reference term first, a description and title word later: held aside, then numbered by another field.
    like(3, "zz-3-qc"),
    ...base.slice(4, 450),
    like(450, "ww-7", "see qc and zz3qc", "zz-3-qc"),
    // A reference with a space: its terms are split for the index, so none is held aside.
    like(451, "zz 4-qd"),
    like(452, "4-qd"),
    // One term three times (id, runs joined, last run).
    like(453, "qe"),
    like(454, "zz-2-qa"),
    ...base.slice(455),
  ];
}

describe("a search index whose plan holds reference terms aside", () => {
  it("is the same files as one that numbers every term, for any block of terms held in memory", () => {
    const records = crossingRecords();
    const docs = arrayDocs(records);
    const layout = { docs, shardStarts: shardStartsOf(records.length, (d) => d >> 6, 15), shardCount: 15 };
    const build = (options: Parameters<typeof planSearch>[1]) => {
      const plan = planSearch(layout, { shards: 3, ...options });
      const out = new AssetWriter();
      const shards = Array.from({ length: plan.shardCount }, (_, k) => buildSearchShard(plan, k, out));
      // finishSearch lets the term list go.
      const numberedTerms = plan.termList.length;
      finishSearch(plan, shards, out, { thesaurus: null });
      return { plan, numberedTerms, files: [...out.files].sort((a, b) => (a[0] < b[0] ? -1 : 1)) };
    };
    const numbered = build({ refAside: false });
    expect(numbered.plan.shardCount).toBe(3);
    const whole = build({});
    // Held aside: most reference terms have no number, and some that more than one doc holds got one at the end.
    expect(whole.numberedTerms).toBeLessThan(numbered.numberedTerms - records.length);
    expect(whole.plan.asideNumbers.get("qa")).toBeDefined();
    expect(whole.plan.asideNumbers.get("zz3qc")).toBeDefined();
    expect(whole.plan.asideNumbers.get("zz1qb")).toBeUndefined();
    expect([...whole.plan.loneTerms()]).toContain("zz-1-qa");
    expect(whole.plan.countedTerms).toBe(numbered.plan.countedTerms);
    expect(whole.files).toEqual(numbered.files);
    // Blocks of 5 terms spilled as sorted runs (hundreds of them, merged 64 at a time), the terms in a file whose
    // tail holds the lone terms.
    const termsPath = join(root, "terms.bin");
    const spilled = build({ asideBlockTerms: 5, termsPath });
    expect(spilled.plan.terms).toBeInstanceOf(TermsFile);
    expect(spilled.plan.countedTerms).toBe(numbered.plan.countedTerms);
    expect(spilled.files).toEqual(numbered.files);
    expect(readdirSync(root)).toEqual(["terms.bin"]);
  }, 120_000);

  it("counts a term's documents past 16 bits as it counts them within", () => {
    const records = crossingRecords();
    const layout = {
      docs: arrayDocs(records),
      shardStarts: shardStartsOf(records.length, (d) => d >> 6, 15),
      shardCount: 15,
    };
    const files = (options: Parameters<typeof planSearch>[1]) => {
      const plan = planSearch(layout, { shards: 3, ...options });
      const termDf = [...plan.termDf];
      const out = new AssetWriter();
      const shards = Array.from({ length: plan.shardCount }, (_, k) => buildSearchShard(plan, k, out));
      finishSearch(plan, shards, out, { thesaurus: null });
      return { termDf, files: [...out.files].sort((a, b) => (a[0] < b[0] ? -1 : 1)) };
    };
    const wide = files({});
    // Every count from 2 on held in the map: the reference field's settled terms add a run's count at once.
    const narrow = files({ dfOverAt: 2 });
    expect(Math.max(...wide.termDf)).toBeGreaterThan(100);
    expect(narrow.termDf).toEqual(wide.termDf);
    expect(narrow.files).toEqual(wide.files);
  }, 120_000);
});
