/**
 * The typo rule reads a vocabulary length's file whole and the prefix rule reads slices of the same file by
 * byte range (src/worker/search/search-index.ts): in one isolate, either may come first, and neither may find
 * the other's form of the file in the isolate's cache.
 */
import { describe, expect, it } from "vitest";
import { call } from "../helpers";

const search = async (q: string, rules: string) =>
  (await call(`/api/search?q=${encodeURIComponent(q)}&rules=${rules}&explain=1`)).body;

describe("vocabulary read whole and by range in one isolate", () => {
  it("corrects a typo after the prefix rule read the same lengths, and expands a prefix after a typo", async () => {
    for (let round = 0; round < 2; round++) {
      const prefix = await search("espion", "exact,prefix");
      expect(prefix.hits.length).toBeGreaterThan(0);
      expect(prefix.hits[0].explain.parts[0].rule).toBe("prefix");
      const typo = await search("espionnage", "exact,typo");
      expect(typo.query.expansions).toContainEqual(
        expect.objectContaining({ rule: "typo", to: expect.stringMatching(/^espionage /) }),
      );
      expect(typo.hits.length).toBeGreaterThan(0);
    }
  });
});
