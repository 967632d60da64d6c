/**
 * A search index numbers a catalogue's series in 16 bits (its filter columns and facet column): a catalogue with
 * more is refused, on first sight of the one too many, rather than built with series facets and filters that name
 * the wrong series.
 */
import { describe, expect, it } from "vitest";
import { arrayDocs } from "../../src/indexer/doc-file";
import { planSearch } from "../../src/indexer/search-assets";
import { MAX_SERIES } from "../../src/shared/index-format";
import { testRecord } from "../record-fixture";

/** `count` records, each alone in a series of its own. */
function oneSeriesEach(count: number) {
  return Array.from({ length: count }, (_, i) =>
    testRecord({ id: `s-${i}-1`, reference: `S ${i}/1`, title: "File", series: `S ${i}` }),
  );
}

const planOf = (records: ReturnType<typeof oneSeriesEach>) =>
  planSearch(
    { docs: arrayDocs(records), shardStarts: Uint32Array.of(0, records.length), shardCount: 1, noHierarchy: true },
    { shards: 1 },
  );

describe("a catalogue's series", () => {
  it("are numbered up to the 65,536 a filter column holds", () => {
    expect(MAX_SERIES).toBe(65_536);
    const plan = planOf(oneSeriesEach(MAX_SERIES));
    expect(plan.seriesNames.length).toBe(MAX_SERIES);
    expect(Math.max(...plan.seriesRank)).toBe(MAX_SERIES - 1);
  }, 60_000);

  it("one past them refuse the catalogue, naming the record and its series", () => {
    expect(() => planOf(oneSeriesEach(MAX_SERIES + 1))).toThrow(
      /record S 65536\/1 names series "S 65536", one past the 65536 series a search index can number/,
    );
  }, 60_000);
});
