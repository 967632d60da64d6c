/**
 * Bloom filters over strings, shared by the build (which fills them) and the Worker (which asks them), and the
 * paged layout a catalogue-wide filter is written in. Written by hand: the filter is twenty lines, must be
 * bit-identical in Node and workerd, and a library would bring more than it saves. Double hashing from two FNV-1a
 * variants.
 *
 * Paged: a key's page is chosen by its first `BLOOM_PAGE_KEY_CHARS` characters (four), and each page is a Bloom filter of
 * its own keys, sized for how many it holds. A query asks about a word, its stem and its variant key, and about the
 * word's prefixes: all begin alike, so a word costs one page, a file of a few KB, where a filter over the whole
 * catalogue was read whole (3.4 MB of lexicon at a million records). Each page is sized for its own keys at the same
 * bits per key as one filter would be, so the false-positive rate is that of one filter (`LEXICON_FILTER`;
 * `test/storage/bloom-pages.node.test.ts` measures both against one filter of all the keys). A page holds several filters side by side
 * ("sections": the lexicon and the prefix rule's filter, which a word asks about together): a header of the
 * section count and each section's byte length (Uint32, little-endian), then each section's bits.
 */
import { fnv1a32 } from "./hash";

function hashes(key: string, k: number, bits: number): number[] {
  const h1 = fnv1a32(key);
  const h2 = fnv1a32(`${key}\u0001`) | 1;
  const out: number[] = [];
  for (let i = 0; i < k; i++) out.push(((h1 + Math.imul(i, h2)) >>> 0) % bits);
  return out;
}

/**
 * The lexicon's filter: at 14.4 bits a key and 10 hashes, a false "yes" about once in a thousand (0.1% in theory,
 * 0.12% measured by `test/storage/bloom-pages.node.test.ts`). Format 6 had 9.6 bits and 7 hashes, once in a hundred
 * (1.3% measured): read whole, each bit cost every cold query; now a query reads one page a word, so half as many
 * bits again cost it a few KB, and a misspelt word is taken for a catalogue word (and left uncorrected) ten times
 * less often. One of the bench's 200 queries ("Kuzarshiaew") was such a word in a paged filter at 9.6 bits.
 */
export const LEXICON_FILTER = { bitsPerKey: 14.4, hashes: 10 };

/** Bits of a filter of `n` keys at `bitsPerKey`: whole bytes, and at least 64. */
export function bloomBits(n: number, bitsPerKey: number): number {
  return Math.max(64, Math.ceil((n * bitsPerKey) / 8) * 8);
}

export function bloomAdd(filter: Uint8Array, key: string, k: number): void {
  for (const b of hashes(key, k, filter.length * 8)) filter[b >> 3] = filter[b >> 3]! | (1 << (b & 7));
}

export function bloomHas(filter: Uint8Array, key: string, k: number): boolean {
  for (const b of hashes(key, k, filter.length * 8)) if (!(filter[b >> 3]! & (1 << (b & 7)))) return false;
  return true;
}

/**
 * Leading characters of a key that choose its page: a word's stem and prefixes share them (its variant key mostly
 * does). Four, not three: names share their first three letters in thousands ("mil…", "dob…"), and at three the
 * biggest page of a 100k catalogue was 3.7 times the median, at four 2.2 times.
 */
export const BLOOM_PAGE_KEY_CHARS = 4;
/** Bytes a page aims at: a cold query reads one per word, so a few KB. */
export const BLOOM_PAGE_BYTES = 8 * 1024;
/**
 * Most pages a paged filter is split into: each is a file, named by its hash in the manifest root (12 characters
 * each), so past this many a catalogue's pages grow instead (about 18 KB at a million records, 180 KB at ten).
 */
export const BLOOM_PAGE_FILES = 256;

/**
 * The page of `pages` holding `key`. A key's word is the key up to a NUL (the prefix filter's keys carry a word
 * length after one). A word with a digit or a hyphen in it is paged by all of it: record ids and references
 * ("kv-2-1246", "kv21246", two of each record's terms, most of a catalogue's lexicon) and sound codes ("473000")
 * share their first letters by the thousand, and are asked about one at a time, if at all; at four letters they
 * made the biggest page of a 100k catalogue eight times the median.
 */
export function bloomPageOf(key: string, pages: number): number {
  if (pages <= 1) return 0;
  const cut = key.indexOf("\u0000");
  const word = cut < 0 ? key : key.slice(0, cut);
  return fnv1a32(WHOLE_KEY.test(word) ? word : word.slice(0, BLOOM_PAGE_KEY_CHARS)) % pages;
}

const WHOLE_KEY = /[\d-]/;

/** Pages for filters of `bytes` in all. */
export function bloomPageCount(bytes: number): number {
  return Math.min(BLOOM_PAGE_FILES, Math.max(1, Math.ceil(bytes / BLOOM_PAGE_BYTES)));
}

/** One filter of a paged set: its keys (visited twice, once to count, once to add), bits per key and hash count. */
export interface BloomSection {
  keys: (visit: (key: string) => void) => void;
  bitsPerKey: number;
  hashes: number;
}

/**
 * The pages of `sections`, each page a filter per section over the keys it holds (see the module comment). `count`:
 * the keys of each section, to choose the page count before the keys are visited.
 */
export function buildBloomPages(sections: BloomSection[], count: number[]): Uint8Array[] {
  const total = sections.reduce((sum, s, i) => sum + (count[i]! * s.bitsPerKey) / 8, 0);
  const pages = bloomPageCount(total);
  const perPage = sections.map((s) => {
    const n = new Uint32Array(pages);
    s.keys((key) => n[bloomPageOf(key, pages)]!++);
    return n;
  });
  const out: Uint8Array[] = [];
  const views: Uint8Array[][] = [];
  for (let p = 0; p < pages; p++) {
    const lengths = sections.map((s, i) => bloomBits(perPage[i]![p]!, s.bitsPerKey) / 8);
    const header = (sections.length + 1) * 4;
    const page = new Uint8Array(header + lengths.reduce((a, b) => a + b, 0));
    const dv = new DataView(page.buffer);
    dv.setUint32(0, sections.length, true);
    let at = header;
    views.push(
      lengths.map((len, i) => {
        dv.setUint32((i + 1) * 4, len, true);
        const v = page.subarray(at, at + len);
        at += len;
        return v;
      }),
    );
    out.push(page);
  }
  sections.forEach((s, i) => {
    s.keys((key) => bloomAdd(views[bloomPageOf(key, pages)]![i]!, key, s.hashes));
  });
  return out;
}

/** Section `section`'s filter in a page; throws, naming `path`, when the page does not hold it whole. */
export function bloomPageSection(page: Uint8Array, section: number, path: string): Uint8Array {
  const dv = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const sections = page.byteLength >= 4 ? dv.getUint32(0, true) : 0;
  const header = (sections + 1) * 4;
  if (section >= sections || header > page.byteLength)
    throw new Error(`bloom: page ${path} of ${page.byteLength} bytes has ${sections} sections, not ${section + 1}`);
  let at = header;
  for (let i = 0; i < section; i++) at += dv.getUint32((i + 1) * 4, true);
  const len = dv.getUint32((section + 1) * 4, true);
  if (len === 0 || at + len > page.byteLength)
    throw new Error(`bloom: page ${path} section ${section} of ${len} bytes at ${at} passes its ${page.byteLength}`);
  return page.subarray(at, at + len);
}
