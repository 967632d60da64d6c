import { describe, expect, it } from "vitest";
import { resultCountText } from "../../src/shared/result-count";

const eq = (value: number) => ({ value, relation: "eq" });
const gte = (value: number) => ({ value, relation: "gte" });

describe("the result count sentence the pages and the widget share", () => {
  it("says no results when nothing matched", () => {
    expect(resultCountText({ q: "Zzyzx", offset: 0, shown: 0, total: eq(0) })).toBe("No results for “Zzyzx”");
  });

  it("counts one result in the singular and gives no range when all are shown", () => {
    expect(resultCountText({ q: "Besedovsky", offset: 0, shown: 1, total: eq(1) })).toBe("1 result for “Besedovsky”");
  });

  it("says the records beside the files when volumes are collapsed", () => {
    expect(resultCountText({ q: "Besedovsky", offset: 0, shown: 1, total: eq(2), files: eq(1) })).toBe(
      "1 result (2 records) for “Besedovsky”",
    );
  });

  it("reads a lower bound as over N and gives the range shown on a later page", () => {
    expect(resultCountText({ q: "soviet", offset: 20, shown: 10, total: gte(12000) })).toBe(
      "over 12,000 results for “soviet”, showing 21–30",
    );
  });

  it("gives the records alone when the files are counted only as far as the page looked", () => {
    expect(resultCountText({ q: "soviet", offset: 20, shown: 10, total: gte(12000), files: gte(31) })).toBe(
      "over 12,000 records for “soviet”, showing 21–30",
    );
    expect(resultCountText({ q: "soviet", offset: 0, shown: 10, total: eq(40), files: gte(11) })).toBe(
      "40 records for “soviet”, showing 1–10",
    );
  });
});
