/**
 * A word rule remembered per word. Catalogues and query traffic repeat their
 * vocabulary, so stemming, transliteration keys and sound codes are mostly
 * recomputed for words already seen. Bounded, and simply emptied when full,
 * which costs less than an LRU's bookkeeping on every lookup.
 */
export function memoised<T>(derive: (word: string) => T, maxWords: number): (word: string) => T {
  const cache = new Map<string, T>();
  return (word) => {
    let v = cache.get(word);
    if (v === undefined) {
      if (cache.size >= maxWords) cache.clear();
      cache.set(word, (v = derive(word)));
    }
    return v;
  };
}
