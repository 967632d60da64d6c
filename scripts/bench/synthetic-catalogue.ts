/**
 * A deterministic synthetic archive catalogue for benchmarks: the same seed
 * and size always give byte-identical records, so runs on different days and
 * machines index the same text.
 *
 * Shape follows src/shared/record.ts. Text is built to stress what Dossier's
 * index does differently from a plain one: personal-name titles with
 * transliteration variants (Besedovskiy / Bessedovsky, -off / -ov, -sky / -ski)
 * so the names/phon fields are as populous as in a real KV series, and
 * descriptions whose word frequencies follow a Zipf curve, so a few terms have
 * posting lists covering a large share of the catalogue (the solo chunks) and
 * most sit in the long tail (the buckets).
 *
 * `npx tsx scripts/bench/synthetic-catalogue.ts 10000 bench/out/x.jsonl` writes a file by hand.
 */
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { CatalogueRecord } from "../../src/shared/record";
import { referenceToId } from "../../src/shared/reference";

/** mulberry32: tiny, fast, and good enough that bench text has no visible period. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** Zipf sampler over ranks 0..n-1 with exponent s, by inverse CDF on a precomputed table. */
export function zipf(n: number, s: number): (r: Rand) => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) cdf[k] = sum += 1 / Math.pow(k + 1, s);
  for (let k = 0; k < n; k++) cdf[k]! /= sum;
  return (r) => {
    const x = r();
    let lo = 0,
      hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

// Series weighted roughly as the KV / FO / HO / WO holdings that Dossier's users search.
const SERIES: Array<[string, number, string]> = [
  ["KV 2", 30, "personal"],
  ["KV 3", 6, "subject"],
  ["KV 4", 4, "subject"],
  ["FO 371", 18, "subject"],
  ["HO 45", 8, "mixed"],
  ["HO 405", 8, "personal"],
  ["WO 208", 7, "subject"],
  ["HS 9", 8, "personal"],
  ["CAB 301", 3, "subject"],
  ["ADM 223", 3, "subject"],
  ["MEPO 38", 4, "mixed"],
];

const GIVEN = [
  "Ivan",
  "Grigori",
  "Grigory",
  "Aleksandr",
  "Alexander",
  "Dmitri",
  "Dmitry",
  "Nikolai",
  "Nicholas",
  "Sergei",
  "Sergey",
  "Vladimir",
  "Mikhail",
  "Pavel",
  "Boris",
  "Yuri",
  "Iouri",
  "Leon",
  "Lev",
  "Fyodor",
  "Feodor",
  "Anatoli",
  "Konstantin",
  "Olga",
  "Tatiana",
  "Tatyana",
  "Natalia",
  "Nadezhda",
  "Yelena",
  "Elena",
  "Maria",
  "Anna",
  "Vera",
  "Ludmila",
  "John",
  "William",
  "Harold",
  "Arthur",
  "Charles",
  "George",
  "Edith",
  "Margaret",
  "Dorothy",
  "Klaus",
  "Ernst",
  "Wilhelm",
  "Hans",
  "Josef",
  "Jan",
  "Stanislaw",
  "Tadeusz",
  "Wladyslaw",
  "Andrzej",
  "Jerzy",
  "Zbigniew",
  "Milan",
  "Dragan",
  "Stefan",
  "Karel",
  "Pierre",
  "Henri",
  "Jacques",
  "Marcel",
  "Giovanni",
  "Luigi",
  "Kim",
  "Guy",
  "Anthony",
];

// Syllables that compose Slavic-sounding surname roots; with the endings below they give ~40k distinct stems.
const ONSET = [
  "b",
  "v",
  "g",
  "d",
  "k",
  "l",
  "m",
  "n",
  "p",
  "r",
  "s",
  "t",
  "z",
  "kh",
  "zh",
  "sh",
  "ch",
  "br",
  "gr",
  "kr",
  "pr",
  "tr",
  "str",
  "sm",
  "sl",
  "kuz",
  "mil",
  "bel",
  "vol",
  "dob",
];
const NUCLEUS = ["a", "e", "i", "o", "u", "ya", "ye", "yu", "ie"];
const CODA = ["", "", "n", "r", "l", "s", "d", "t", "k", "sh", "ts", "m"];
const SLAVIC_ENDINGS: Array<[string, string[]]> = [
  ["ov", ["ov", "off", "ow", "of"]],
  ["ev", ["ev", "eff", "ew"]],
  ["ovsky", ["ovskiy", "ovsky", "ovski", "ovskii", "owski"]],
  ["sky", ["skiy", "sky", "ski", "skii"]],
  ["in", ["in", "ine"]],
  ["enko", ["enko"]],
  ["ovich", ["ovich", "owitch", "ovitch", "ović"]],
  ["yev", ["yev", "iev", "ieff", "jew"]],
  ["ova", ["ova", "owa"]],
  ["ek", ["ek", "ec"]],
];
const WESTERN = [
  "Smith",
  "Jones",
  "Philby",
  "Burgess",
  "Maclean",
  "Blunt",
  "Cairncross",
  "Fuchs",
  "Nunn May",
  "Houghton",
  "Gee",
  "Lonsdale",
  "Kroger",
  "Vassall",
  "Blake",
  "Bettaney",
  "Prime",
  "Mitchell",
  "Springhall",
  "Gallacher",
  "Pollitt",
  "Campbell",
  "Stewart",
  "Macdonald",
  "Fraser",
  "Hamilton",
  "Robertson",
  "Thompson",
  "Wright",
  "Walker",
  "Harris",
  "Clarke",
  "Lewis",
  "Hall",
  "Allen",
  "Young",
  "King",
  "Baker",
  "Green",
  "Hill",
  "Scott",
  "Adams",
  "Turner",
  "Dubois",
  "Moreau",
  "Lefebvre",
  "Rossi",
  "Bianchi",
  "Muller",
  "Schmidt",
  "Schneider",
  "Fischer",
  "Weber",
  "Becker",
];

/** Transliteration noise a clerk or another romanisation would add to a root. */
function spellVariant(r: Rand, root: string): string {
  let w = root;
  if (r() < 0.25) w = w.replace(/s(?=[aeiouy])/, "ss");
  if (r() < 0.2) w = w.replace(/kh/, "h");
  if (r() < 0.15) w = w.replace(/ch/, "tch");
  if (r() < 0.15) w = w.replace(/v/, "w");
  if (r() < 0.1) w = w.replace(/ya/, "ia");
  return w;
}

function capital(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}

export interface NameStock {
  /** Surname roots with their ending family, e.g. ["besed", "ovsky"]. */
  roots: Array<[string, string]>;
}

function nameStock(r: Rand, count: number): NameStock {
  const seen = new Set<string>();
  const roots: Array<[string, string]> = [];
  while (roots.length < count) {
    const syl = int(r, 1, 3);
    let root = "";
    for (let i = 0; i < syl; i++) root += pick(r, ONSET) + pick(r, NUCLEUS) + (i === syl - 1 ? "" : pick(r, CODA));
    const fam = pick(r, SLAVIC_ENDINGS)[0];
    if (seen.has(root + fam)) continue;
    seen.add(root + fam);
    roots.push([root, fam]);
  }
  // Names of real files (Besedovsky, Kutepov, Krivitsky), so the report's queries are recognisable.
  roots[0] = ["besed", "ovsky"];
  roots[1] = ["kutep", "ov"];
  roots[2] = ["krivit", "sky"];
  return { roots };
}

/** One spelling of a Slavic surname from a root: a random ending of its family plus clerk noise. */
export function surname(r: Rand, root: [string, string]): string {
  const endings = SLAVIC_ENDINGS.find((e) => e[0] === root[1])![1];
  return capital(spellVariant(r, root[0]) + pick(r, endings));
}

// Domain vocabulary; the head of the Zipf curve. The tail is generated below.
const DOMAIN = (
  "file papers correspondence report reports intelligence security service soviet embassy agent agents officer " +
  "officers communist party activities suspected espionage investigation surveillance police special branch " +
  "interrogation defector defection diplomat consulate trade delegation mission visit travel passport visa " +
  "naturalisation alien aliens registration internment detention release prisoner war military naval air ministry " +
  "foreign office home minutes memorandum telegram letters intercepted letter telephone check warrant source " +
  "informant contact contacts meeting meetings organisation organization propaganda trade union strike strikes " +
  "dockers seamen engineers workers refugee refugees emigre emigres russian polish czech german italian french " +
  "british american yugoslav hungarian sabotage subversion cipher ciphers codes wireless transmitter radio network " +
  "networks courier couriers money funds payments bank account forged documents identity cover name alias aliases " +
  "photograph photographs description statement statements interview interviews vetting clearance enquiry enquiries " +
  "allegation allegations evidence trial court conviction sentence deportation expulsion recruited recruitment " +
  "handler controller residency illegal legal scientific atomic research laboratory engineer scientist professor " +
  "student students university society friendship association committee congress conference peace movement youth " +
  "league newspaper journalist editor publisher book pamphlet lecture lectures speech speeches broadcast broadcasts " +
  "hostile activity activities links associates wife husband brother sister son daughter family relatives address " +
  "addresses residence lodging hotel shipping company firm business commercial export import licence permit border " +
  "frontier crossing escape escaped arrest arrested murder assassination kidnapping abduction general colonel major " +
  "captain lieutenant commander admiral attache counsellor secretary clerk chauffeur translator interpreter typist " +
  "caseworker assessment summary notes index card"
).split(" ");
const TAIL_ONSET = [
  "b",
  "c",
  "d",
  "f",
  "g",
  "h",
  "l",
  "m",
  "n",
  "p",
  "r",
  "s",
  "t",
  "v",
  "w",
  "st",
  "tr",
  "pl",
  "gr",
  "cl",
];
const TAIL_VOWEL = ["a", "e", "i", "o", "u", "ea", "ou", "ai"];
const TAIL_END = [
  "tion",
  "ment",
  "ing",
  "ed",
  "er",
  "al",
  "ity",
  "ous",
  "ive",
  "ant",
  "ence",
  "ary",
  "ism",
  "ist",
  "age",
];
const FILLER = [
  "the",
  "of",
  "and",
  "in",
  "to",
  "on",
  "with",
  "by",
  "for",
  "from",
  "at",
  "his",
  "her",
  "their",
  "was",
  "were",
  "a",
  "an",
];

function tailVocabulary(r: Rand, count: number): string[] {
  const seen = new Set(DOMAIN);
  const out: string[] = [];
  while (out.length < count) {
    const w = pick(r, TAIL_ONSET) + pick(r, TAIL_VOWEL) + pick(r, TAIL_ONSET) + pick(r, TAIL_VOWEL) + pick(r, TAIL_END);
    if (!seen.has(w)) {
      seen.add(w);
      out.push(w);
    }
  }
  return out;
}

const PLACE_ROOTS = [
  "London",
  "Paris",
  "Berlin",
  "Moscow",
  "Leningrad",
  "Warsaw",
  "Prague",
  "Vienna",
  "Rome",
  "Belgrade",
  "Sofia",
  "Bucharest",
  "Budapest",
  "Helsinki",
  "Stockholm",
  "Oslo",
  "Copenhagen",
  "Brussels",
  "Amsterdam",
  "Geneva",
  "Berne",
  "Madrid",
  "Lisbon",
  "Istanbul",
  "Ankara",
  "Tehran",
  "Cairo",
  "Shanghai",
  "Harbin",
  "Tokyo",
  "New York",
  "Washington",
  "Ottawa",
  "Montreal",
  "Buenos Aires",
  "Liverpool",
  "Glasgow",
  "Manchester",
  "Cardiff",
  "Hull",
  "Southampton",
  "Dover",
  "Harwich",
  "Riga",
  "Tallinn",
  "Kaunas",
  "Danzig",
  "Odessa",
  "Kiev",
  "Minsk",
  "Tiflis",
  "Baku",
];
const CORPORATE = [
  "OGPU",
  "NKVD",
  "GPU",
  "Comintern",
  "Communist Party of Great Britain",
  "Security Service",
  "Secret Intelligence Service",
  "Special Branch",
  "Arcos Ltd",
  "Soviet Trade Delegation",
  "Russian Oil Products",
  "Society for Cultural Relations with the USSR",
  "League Against Imperialism",
  "Friends of the Soviet Union",
  "Red International of Labour Unions",
  "Workers' International Relief",
  "Gestapo",
  "Abwehr",
  "Sicherheitsdienst",
  "Special Operations Executive",
  "Political Warfare Executive",
  "GRU",
  "MGB",
  "KGB",
  "Polish Government in Exile",
  "Czechoslovak Government in Exile",
  "Free French",
  "War Office",
  "Admiralty",
  "Home Office",
];
const SUBJECTS = [
  "Soviet intelligence",
  "Soviet defectors",
  "Communism",
  "Espionage",
  "Counter-espionage",
  "Subversion",
  "Aliens",
  "Naturalisation",
  "Internment",
  "Prisoners of war",
  "Sabotage",
  "Propaganda",
  "Trade unions",
  "Emigres",
  "Refugees",
  "Cipher security",
  "Atomic research",
  "German intelligence",
  "Italian intelligence",
  "Japanese intelligence",
  "Double agents",
  "Wireless interception",
  "Industrial unrest",
  "Peace movements",
  "Youth organisations",
  "Diplomatic immunity",
  "Deportation",
  "Passport control",
  "Special operations",
  "Resistance movements",
];
const SUBJECT_TITLES = [
  "{corp}: activities in {place}",
  "{corp}: general file",
  "Soviet espionage in {place}",
  "{subject}: policy file",
  "{subject} in {place}",
  "Communist activity among {group}",
  "{corp} and the {corp}",
  "Reports on {subject} ({place})",
  "{group} in {place}: surveillance",
  "Arrest of agents in {place}",
  "{corp}: penetration enquiries",
];
const GROUPS = [
  "dockers",
  "seamen",
  "students",
  "emigres",
  "refugees",
  "engineers",
  "journalists",
  "scientists",
  "miners",
  "railwaymen",
];

export interface SyntheticCorpus {
  /** Deterministic per (seed, size); records in reference order within series. */
  records(): Generator<CatalogueRecord>;
  /** What query mixes draw from, so queries hit real terms of this corpus. */
  stock: { roots: Array<[string, string]>; vocab: string[]; given: string[]; places: string[]; corporate: string[] };
}

export function syntheticCorpus(size: number, seed = 20260401): SyntheticCorpus {
  const setup = prng(seed);
  // Name and tail pools grow with the catalogue, as a real catalogue's vocabulary does (Heaps' law-ish).
  const stock = nameStock(setup, Math.max(500, Math.round(40 * Math.sqrt(size) + size / 25)));
  const vocab = [...DOMAIN, ...tailVocabulary(setup, Math.max(2000, Math.round(60 * Math.sqrt(size))))];
  const wordRank = zipf(vocab.length, 1.07);
  const nameRank = zipf(stock.roots.length, 0.85);
  const places = [...PLACE_ROOTS];
  const totalWeight = SERIES.reduce((s, x) => s + x[1], 0);

  function* records(): Generator<CatalogueRecord> {
    const r = prng(seed ^ size);
    const nextPiece = new Map<string, number>();
    for (let i = 0; i < size; i++) {
      let w = r() * totalWeight;
      let series = SERIES[0]!;
      for (const s of SERIES) {
        if ((w -= s[1]) < 0) {
          series = s;
          break;
        }
      }
      const piece = (nextPiece.get(series[0]) ?? int(r, 1, 40)) + int(r, 1, 3);
      nextPiece.set(series[0], piece);
      const reference = `${series[0]}/${piece}`;
      const personal = series[2] === "personal" ? r() < 0.92 : series[2] === "mixed" ? r() < 0.5 : r() < 0.08;

      const person = () => {
        if (r() < 0.2) return `${pick(r, GIVEN)} ${pick(r, WESTERN)}`;
        return `${pick(r, GIVEN)} ${surname(r, stock.roots[nameRank(r)]!)}`;
      };
      const people: string[] = [];
      let title: string;
      if (personal) {
        const main = person();
        const [given, ...rest] = main.split(" ");
        title = `${given} ${rest.join(" ").toUpperCase()}`;
        // Aliases as TNA writes them: "Ivan SMIRNOV @ John SMITH".
        if (r() < 0.12) {
          const alias = person();
          title += ` @ ${alias.split(" ")[0]} ${alias.split(" ").slice(1).join(" ").toUpperCase()}`;
          people.push(alias);
        }
        people.unshift(main);
        // The same person spelt another way, as files compiled by different desks do.
        if (r() < 0.3)
          people.push(
            `${given} ${rest
              .join(" ")
              .replace(/sky$/i, "skiy")
              .replace(/ov$/i, "off")
              .replace(/s(?=[aeiou])/i, "ss")}`,
          );
      } else {
        title = pick(r, SUBJECT_TITLES).replace(/\{(\w+)\}/g, (_, k: string) =>
          k === "corp"
            ? pick(r, CORPORATE)
            : k === "place"
              ? pick(r, places)
              : k === "subject"
                ? pick(r, SUBJECTS)
                : pick(r, GROUPS),
        );
      }
      for (let k = int(r, 0, 3); k > 0; k--) people.push(person());

      const placeList = [...new Set(Array.from({ length: int(r, 0, 3) }, () => pick(r, places)))];
      const corporateNames = [...new Set(Array.from({ length: int(r, 0, 2) }, () => pick(r, CORPORATE)))];
      const subjects = [...new Set(Array.from({ length: int(r, 1, 3) }, () => pick(r, SUBJECTS)))];

      const nWords = int(r, 30, 120);
      const desc: string[] = [];
      for (let k = 0; k < nWords; k++) {
        const x = r();
        if (x < 0.3) desc.push(pick(r, FILLER));
        else if (x < 0.33 && people.length) desc.push(pick(r, people));
        else if (x < 0.35 && placeList.length) desc.push(pick(r, placeList));
        else if (x < 0.36) desc.push(String(int(r, 1900, 1980)));
        else desc.push(vocab[wordRank(r)]!);
      }
      let description = "";
      for (let k = 0; k < desc.length; k++) {
        const word = desc[k]!;
        description += k === 0 ? capital(word) : word;
        description += k === desc.length - 1 ? "." : r() < 0.08 ? ". " : r() < 0.06 ? ", " : " ";
      }

      const undated = r() < 0.04;
      const startYear = int(r, 1905, 1975);
      const endYear = Math.min(1995, startYear + (r() < 0.3 ? 0 : int(r, 1, 25)));
      yield {
        id: referenceToId(reference),
        reference,
        title,
        description,
        coveringDates: undated ? null : startYear === endYear ? String(startYear) : `${startYear}-${endYear}`,
        startDate: undated ? null : `${startYear}-01-01`,
        endDate: undated ? null : `${endYear}-12-31`,
        series: series[0],
        department: series[0].split(" ")[0]!,
        heldBy: ["The National Archives, Kew"],
        people: [...new Set(people)],
        places: placeList,
        corporateNames,
        subjects,
        source: { name: "synthetic", url: null },
      };
    }
  }
  return { records, stock: { roots: stock.roots, vocab, given: GIVEN, places, corporate: CORPORATE } };
}

/** Writes the corpus as JSON Lines; returns the record count. */
/** Writes the corpus as JSON Lines; `seen` sees each record as it goes (the bench samples references with it). */
export async function writeJsonl(
  corpus: SyntheticCorpus,
  file: string,
  seen?: (record: CatalogueRecord, index: number) => void,
): Promise<number> {
  mkdirSync(dirname(file), { recursive: true });
  const out = createWriteStream(file);
  let n = 0;
  let buf = "";
  for (const rec of corpus.records()) {
    seen?.(rec, n);
    buf += JSON.stringify(rec) + "\n";
    n++;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((res) => out.once("drain", () => res()));
      buf = "";
    }
  }
  out.end(buf);
  await new Promise<void>((res, rej) => out.on("finish", () => res()).on("error", rej));
  return n;
}

export interface QueryMix {
  search: Array<{ q: string; kind: "name" | "variant" | "word" | "two" | "three" }>;
  suggest: string[];
}

/**
 * Queries drawn from the corpus's own stock, so every kind finds hits: surnames
 * as catalogued, the same surnames respelt (what the variants/phonetic rules
 * are for), single description words across the frequency range, and
 * two/three-word combinations.
 */
export function queryMix(corpus: SyntheticCorpus, count = 200, seed = 7): QueryMix {
  const r = prng(seed);
  const { roots, vocab, given, places } = corpus.stock;
  const hotRoot = () => roots[Math.floor(Math.pow(r(), 2.5) * Math.min(roots.length, 2000))]!;
  const word = () => vocab[Math.floor(Math.pow(r(), 2) * Math.min(vocab.length, 3000))]!;
  const search: QueryMix["search"] = [
    { q: "Besedovsky", kind: "name" },
    { q: "Bessedovskiy", kind: "variant" },
    { q: "Kutepoff", kind: "variant" },
    { q: "soviet embassy paris", kind: "three" },
  ];
  while (search.length < count) {
    const x = search.length % 5;
    if (x === 0) search.push({ q: surname(r, hotRoot()), kind: "name" });
    // Respelt the way no clerk did: a doubled s, a -skij ending, w for v; the variant and phonetic keys must bridge it.
    else if (x === 1)
      search.push({
        q: surname(r, hotRoot())
          .replace(/s(?=[aeiou])/, "ss")
          .replace(/sk(y|i|iy|ii)$/, "skij")
          .replace(/v/, "w"),
        kind: "variant",
      });
    else if (x === 2) search.push({ q: word(), kind: "word" });
    else if (x === 3) search.push({ q: `${pick(r, given)} ${surname(r, hotRoot())}`, kind: "two" });
    else search.push({ q: `${word()} ${word()} ${pick(r, places).split(" ")[0]}`, kind: "three" });
  }
  const suggest: string[] = [];
  while (suggest.length < Math.max(50, count / 2)) {
    const src = r() < 0.5 ? surname(r, hotRoot()) : r() < 0.5 ? word() : pick(r, places);
    suggest.push(src.slice(0, int(r, 2, 5)).toLowerCase());
  }
  return { search, suggest };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const size = Number(process.argv[2] ?? 10000);
  const file = process.argv[3] ?? `bench/out/synthetic-${size}/records.jsonl`;
  const n = await writeJsonl(syntheticCorpus(size), file);
  console.log(`wrote ${n} records to ${file}`);
}
