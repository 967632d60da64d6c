/**
 * The prefix rule's filter (`VOCAB_PREFIX_FILTER`, src/worker/search/search-index.ts): a prefix that no longer
 * vocabulary word begins with reads no vocabulary file, and what the rule finds is what reading every file finds.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AssetStore } from "../../src/worker/asset-store";
import { SearchLexicon, searchMeta } from "../../src/worker/search/search-index";
import { storageFor } from "../../src/worker/storage/asset-storage";

const fresh = () => new AssetStore(storageFor(env).storage());
const lengthsAfter = (w: string) => [1, 2, 3, 4].map((k) => w.length + k);

describe("the prefix rule's vocabulary filter", () => {
  it("is in the build, and words nothing longer begins with read almost no vocabulary file", async () => {
    const store = fresh();
    expect((await searchMeta(store)).vocabPrefixes).toBeDefined();
    const lexicon = new SearchLexicon(store);
    const words = ["qzxvwk", "blorfing", "zzyzxq", "wuqqaph", "xyloqqv"];
    for (const w of words) for (const len of lengthsAfter(w)) expect(await lexicon.vocabPrefixed(len, w)).toEqual([]);
    // 20 lookups over six lengths (7–12): without the filter each length's file is read, six reads; the filter's
    // false "yes" is about one in eleven, so with it a read or two.
    expect(store.reads.get("search/vocab") ?? 0).toBeLessThanOrEqual(5);
  });

  it("finds the same longer words as a scan of each length's whole vocabulary", async () => {
    const lexicon = new SearchLexicon(fresh());
    const scan = new SearchLexicon(fresh());
    let found = 0;
    for (const w of ["espion", "soviet", "intelli", "commun", "besedovsky", "agent", "paris", "qzxvwk"])
      for (const len of lengthsAfter(w)) {
        const filtered = await lexicon.vocabPrefixed(len, w);
        expect(filtered).toEqual((await scan.vocab(len)).startingWith(w));
        found += filtered.length;
      }
    expect(found).toBeGreaterThan(0);
  });

  it("answers a prefix from a length's whole file once the typo rule has read it, holding no part of it twice", async () => {
    const store = fresh();
    const lexicon = new SearchLexicon(store);
    const scan = new SearchLexicon(fresh());
    for (const [w, len] of [
      ["espion", 9],
      ["agent", 6],
      ["commun", 9],
    ] as const) {
      await lexicon.vocab(len);
      const vocabHeld = () => [store.reads.get("search/vocab") ?? 0, store.heldBytesByKind().get("search/vocab")];
      const before = vocabHeld();
      const found = await lexicon.vocabPrefixed(len, w);
      expect(found).toEqual((await scan.vocab(len)).startingWith(w));
      expect(found.length).toBeGreaterThan(0);
      expect(vocabHeld()).toEqual(before);
    }
  });
});
