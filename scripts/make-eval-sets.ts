/**
 * npx tsx scripts/make-eval-sets.ts [--shared ../shared]
 *
 * Writes the development query sets in eval/ from the shared corpora, in the
 * ../shared/eval format ({ q, relevant: { reference: grade }, kind }). Every
 * judgment comes from the records themselves (their titles, people, dates,
 * numbers and file names), never from Dossier's answers; eval/README.md says
 * how each kind is made. Deterministic: a fixed seed picks the records.
 */
import { parseArgs } from "node:util";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { CatalogueRecord } from "../src/shared/record";
import { readCatalogue } from "../src/indexer/build-catalogue";
import { STOPWORDS, words } from "../src/shared/text/fold";

interface EvalQuery {
  q: string;
  relevant: Record<string, number>;
  kind: string;
}
type Rec = CatalogueRecord & { originator?: string | null; additionalSourceUrls?: string[]; fileName?: string };

// --seed and --out make a second, private split of the generated kinds (other records, same recipes) to check that
// a rule tuned on the committed sets carries over; topics are hand-written and come out the same.
const { values } = parseArgs({
  options: { shared: { type: "string" }, seed: { type: "string" }, out: { type: "string" } },
});
const shared = resolve(values.shared ?? "../shared");
const corpus = (name: string) => readCatalogue([join(shared, "corpora", name)]).records as Rec[];
const kv = corpus("tna-kv"),
  naa = corpus("naa-asio"),
  jfk = corpus("nara-jfk"),
  disc = corpus("tna-discovery");

let seed = values.seed ? Number(values.seed) : 20261201;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function shuffled<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
const content = (t: string) => words(t).filter((w) => !STOPWORDS.has(w) && !/^\d+$/.test(w));
const grade = (recs: Rec[], g = 2) => Object.fromEntries(recs.map((r) => [r.reference, g]));
const yearOf = (r: Rec) => Number((r.startDate ?? r.endDate ?? "0").slice(0, 4));

// ---- JFK known items -------------------------------------------------------
function jfkKnownItems(): EvalQuery[] {
  const out: EvalQuery[] = [];
  const titleWords = jfk.map((r) => new Set(content(r.title)));
  const df = new Map<string, number>();
  for (const ws of titleWords) for (const w of ws) df.set(w, (df.get(w) ?? 0) + 1);
  const byRef = new Map(jfk.map((r) => [r.reference, r]));
  // Generic words of the release sheets that say nothing about the item.
  const generic = new Set([
    "re",
    "cable",
    "memo",
    "memorandum",
    "record",
    "director",
    "dispatch",
    "report",
    "letter",
    "mexi",
    "wave",
  ]);

  // Partial titles: 3–4 consecutive content words that together occur in no other title.
  for (const [i, r] of shuffled([...jfk.keys()]).map((i) => [i, jfk[i]!] as const)) {
    if (out.filter((q) => q.kind === "partial-title").length >= 16) break;
    const ws = content(r.title).filter((w) => !generic.has(w));
    if (ws.length < 6) continue;
    const span = ws.slice(1, 5);
    const holders = titleWords.filter((t) => span.every((w) => t.has(w))).length;
    if (holders !== 1 || !titleWords[i]) continue;
    out.push({ q: span.join(" "), relevant: { [r.reference]: 2 }, kind: "partial-title" });
  }

  // Misspelt names: a surname from the people field with one slip, plus a title word that pins the item.
  const slip = (s: string) => {
    const k = 1 + Math.floor(rand() * (s.length - 3));
    // Swap two letters or double one.
    return rand() < 0.5 ? s.slice(0, k) + s[k + 1] + s[k] + s.slice(k + 2) : s.slice(0, k) + s[k] + s.slice(k);
  };
  for (const r of shuffled(jfk.filter((r) => r.people.length))) {
    if (out.filter((q) => q.kind === "misspelt-name").length >= 12) break;
    const surname = words(r.people[0]!).at(-1)!;
    if (surname.length < 6 || !/^[a-z]+$/.test(surname)) continue;
    const topic = content(r.title)
      .filter((w) => w.length >= 5 && !generic.has(w) && w !== surname && (df.get(w) ?? 0) <= 200)
      .sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0))[0];
    if (!topic) continue;
    const rel = jfk.filter((x) => x.people.some((p) => words(p).includes(surname)) && content(x.title).includes(topic));
    const typo = slip(surname);
    if (typo === surname || rel.length > 5) continue;
    out.push({ q: `${typo} ${topic}`, relevant: grade(rel), kind: "misspelt-name" });
  }

  // Agency + topic + year: every record of that originator, dated that year, whose title has the word.
  for (const r of shuffled(jfk.filter((r) => r.originator && /^[A-Z]{2,5}$/.test(r.originator) && yearOf(r) > 1900))) {
    if (out.filter((q) => q.kind === "agency-topic-year").length >= 14) break;
    const y = yearOf(r);
    const topic = content(r.title).filter(
      (w) => w.length >= 5 && !generic.has(w) && (df.get(w) ?? 0) >= 3 && (df.get(w) ?? 0) <= 300,
    )[0];
    if (!topic) continue;
    const rel = jfk.filter((x) => x.originator === r.originator && yearOf(x) === y && content(x.title).includes(topic));
    if (rel.length > 8) continue;
    out.push({ q: `${r.originator} ${topic} ${y}`, relevant: grade(rel), kind: "agency-topic-year" });
  }

  // Number forms: spaced, the last two groups alone (when unique), and the PDF's docid.
  const numbered = shuffled(jfk.filter((r) => /^\d{3}-\d{5}-\d{5}$/.test(r.reference)));
  const tails = new Map<string, number>();
  for (const r of numbered) {
    const t = r.reference.slice(4);
    tails.set(t, (tails.get(t) ?? 0) + 1);
  }
  for (const r of numbered.slice(0, 5))
    out.push({ q: r.reference.replace(/-/g, " "), relevant: { [r.reference]: 2 }, kind: "number-form" });
  for (const r of numbered
    .slice(5, 40)
    .filter((r) => tails.get(r.reference.slice(4)) === 1)
    .slice(0, 5)) {
    out.push({ q: r.reference.slice(4), relevant: { [r.reference]: 2 }, kind: "number-form" });
  }
  const withDocid = shuffled(
    jfk.filter((r) => [r.fileName ?? "", ...(r.additionalSourceUrls ?? [])].some((u) => /docid-\d+/.test(u))),
  );
  for (const r of withDocid.slice(0, 5)) {
    const docid = [r.fileName ?? "", ...(r.additionalSourceUrls ?? [])]
      .map((u) => /docid-\d+/.exec(u)?.[0])
      .find(Boolean)!;
    const holders = jfk.filter((x) =>
      [x.fileName ?? "", ...(x.additionalSourceUrls ?? [])].some((u) => u.includes(`${docid}.`)),
    );
    out.push({ q: docid, relevant: grade(holders), kind: "number-form" });
  }
  void byRef;
  return out;
}

// ---- Hard names --------------------------------------------------------------
interface Person {
  name: string;
  given: string[];
  surname: string;
  refs: Set<string>;
}

function people(): Person[] {
  const byKey = new Map<string, Person>();
  for (const r of [...naa, ...kv]) {
    for (const p of r.people) {
      const ws = words(p);
      if (ws.length < 2 || ws.some((w) => w.length < 2 || /\d/.test(w))) continue;
      const key = ws.join(" ");
      const person = byKey.get(key) ?? { name: p, given: ws.slice(0, -1), surname: ws.at(-1)!, refs: new Set() };
      person.refs.add(r.reference);
      byKey.set(key, person);
    }
  }
  return [...byKey.values()];
}

/** Files of everyone whose folded name has these given names (as prefixes for initials) and surname. */
function filesOf(all: Person[], surname: string | RegExp, given: (g: string[]) => boolean): Record<string, number> {
  const rel: Record<string, number> = {};
  for (const p of all) {
    if (typeof surname === "string" ? p.surname !== surname : !surname.test(p.surname)) continue;
    if (given(p.given)) for (const r of p.refs) rel[r] = 2;
  }
  return rel;
}

const CYR: Array<[RegExp, string]> = [
  [/x/g, "кс"],
  [/shch/g, "щ"],
  [/zh/g, "ж"],
  [/kh/g, "х"],
  [/ts/g, "ц"],
  [/ch/g, "ч"],
  [/sh/g, "ш"],
  [/yu/g, "ю"],
  [/ya/g, "я"],
  [/iy$/g, "ий"],
  [/y$/g, "ий"],
  [/a/g, "а"],
  [/b/g, "б"],
  [/v/g, "в"],
  [/w/g, "в"],
  [/g/g, "г"],
  [/d/g, "д"],
  [/e/g, "е"],
  [/z/g, "з"],
  [/i/g, "и"],
  [/y/g, "й"],
  [/k/g, "к"],
  [/l/g, "л"],
  [/m/g, "м"],
  [/n/g, "н"],
  [/o/g, "о"],
  [/p/g, "п"],
  [/r/g, "р"],
  [/s/g, "с"],
  [/t/g, "т"],
  [/u/g, "у"],
  [/f/g, "ф"],
  [/h/g, "х"],
  [/c/g, "к"],
];
const toCyrillic = (w: string) => CYR.reduce((s, [re, to]) => s.replace(re, to), w);
const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);

function hardNames(nicknames: Map<string, string[]>): EvalQuery[] {
  const all = people();
  const out: EvalQuery[] = [];
  const pool = shuffled(all.filter((p) => p.refs.size <= 12));
  const take = (_kind: string, n: number, make: (p: Person) => EvalQuery | null) => {
    let k = 0;
    for (const p of pool) {
      if (k >= n) break;
      const q = make(p);
      if (
        q &&
        Object.keys(q.relevant).length &&
        Object.keys(q.relevant).length <= 15 &&
        !out.some((o) => o.q === q.q)
      ) {
        out.push(q);
        k++;
      }
    }
  };
  const sameGiven = (p: Person) => (g: string[]) => g[0] === p.given[0];
  take("nickname", 14, (p) => {
    const nick = (nicknames.get(p.given[0]!) ?? []).filter((n) => n.length >= 3 && n !== p.given[0])[0];
    return nick
      ? { q: `${cap(nick)} ${cap(p.surname)}`, relevant: filesOf(all, p.surname, sameGiven(p)), kind: "nickname" }
      : null;
  });
  take("initials", 14, (p) => {
    if (p.given.length < 2 || p.given.some((g) => g.length < 3) || p.surname.length < 4) return null;
    const ini = p.given.map((g) => g[0]!.toUpperCase());
    const forms = [
      `${ini.join(". ")}. ${cap(p.surname)}`,
      `${ini.join("")} ${cap(p.surname)}`,
      `${cap(p.surname)}, ${ini[0]}.`,
    ];
    const form = forms[Math.floor(rand() * forms.length)]!;
    const n = form.endsWith(".") && form.includes(",") ? 1 : ini.length;
    const given = (g: string[]) => g.length >= n && ini.slice(0, n).every((c, i) => g[i]![0] === c.toLowerCase());
    return { q: form, relevant: filesOf(all, p.surname, given), kind: "initials" };
  });
  take("order", 10, (p) => {
    if (p.surname.length < 4) return null;
    const q =
      rand() < 0.5
        ? `${p.surname.toUpperCase()}, ${p.given.map(cap).join(" ")}`
        : `${cap(p.surname)} ${cap(p.given[0]!)}`;
    return { q, relevant: filesOf(all, p.surname, sameGiven(p)), kind: "order" };
  });
  take("mc-mac", 8, (p) => {
    const m = /^(mc|mac)([a-z]{3,})$/.exec(p.surname);
    if (!m) return null;
    const other = m[1] === "mc" ? `Mac${cap(m[2]!)}` : `Mc${cap(m[2]!)}`;
    return {
      q: `${cap(p.given[0]!)} ${other}`,
      relevant: filesOf(all, new RegExp(`^(mc|mac)${m[2]}$`), sameGiven(p)),
      kind: "mc-mac",
    };
  });
  take("o-apostrophe", 7, (p) => {
    const orig = /\bO'(\w+)/.exec(p.name);
    if (!orig) return null;
    const rest = orig[1]!;
    const form = rand() < 0.5 ? `O ${cap(rest.toLowerCase())}` : `O${rest.toLowerCase()}`;
    return { q: `${cap(p.given[0]!)} ${form}`, relevant: filesOf(all, p.surname, sameGiven(p)), kind: "o-apostrophe" };
  });
  take("hyphenated", 8, (p) => {
    const m = /\b([A-Za-z]{3,})-([A-Za-z]{3,})\b/.exec(p.name);
    if (!m) return null;
    const part = rand() < 0.5 ? m[1]! : m[2]!;
    const first = p.name.split(/\s+/)[0]!;
    const rel: Record<string, number> = {};
    for (const x of all)
      if (x.name.includes(`${m[1]}-${m[2]}`) && words(x.name)[0] === words(first)[0])
        for (const r of x.refs) rel[r] = 2;
    return { q: `${first} ${part}`, relevant: rel, kind: "hyphenated" };
  });
  take("particle", 5, (p) => {
    const m = /^(.*?)\b(van|von|de|du|der|den|la|le)\s+([A-Za-z]{3,})$/i.exec(p.name);
    if (!m || !m[1]!.trim()) return null;
    const rel: Record<string, number> = {};
    for (const x of all) if (x.name === p.name) for (const r of x.refs) rel[r] = 2;
    const q =
      rand() < 0.5 ? `${m[1]!.trim()} ${m[2]!.toLowerCase()}${m[3]!.toLowerCase()}` : `${m[3]}, ${m[1]!.trim()}`;
    return { q, relevant: rel, kind: "particle" };
  });
  take("cyrillic", 8, (p) => {
    if (!/(ov|ev|sky|ski|enko|in|uk|vich|ova|eva)$/.test(p.surname) || p.given.length > 2) return null;
    const q = `${cap(toCyrillic(p.given[0]!))} ${cap(toCyrillic(p.surname))}`;
    return { q, relevant: filesOf(all, p.surname, sameGiven(p)), kind: "cyrillic" };
  });
  // Aliases as the catalogue gives them ("X alias Y", "nee", "aka"): the other name finds the file.
  const aliased = shuffled([...kv, ...naa].filter((r) => /\s(?:alias|@|aka|nee|née)\s/i.test(` ${r.title} `)));
  const seen = new Set<string>();
  for (const r of aliased) {
    if (out.filter((q) => q.kind === "alias").length >= 6) break;
    const alias = r.title
      .split(/\s(?:alias|@|aka|nee|née)\s/i)[1]!
      .replace(/[()[\]]/g, "")
      .replace(/\bvol(ume)?\.?\s*\d+.*$/i, "")
      .split(/[,;/]|\s-\s/)[0]!
      .trim();
    if (words(alias).length < 1 || words(alias).join("").length < 4 || seen.has(alias.toLowerCase())) continue;
    seen.add(alias.toLowerCase());
    const rel = [...kv, ...naa].filter((x) => x.title.toLowerCase().includes(alias.toLowerCase()));
    if (!rel.length || rel.length > 40) continue;
    out.push({
      q: alias.replace(/\b([A-Z])([A-Z]+)\b/g, (_, a, b) => a + b.toLowerCase()),
      relevant: grade(rel),
      kind: "alias",
    });
  }
  return out;
}

// ---- Topics over all four corpora -------------------------------------------
/**
 * Each topic: a query as a researcher would type it, and what counts as
 * relevant, written after reading the records: `strong` (grade 2) and `weak`
 * (grade 1) patterns over title, description, people, subjects and places.
 * The patterns use the catalogue's own wording and synonyms, which the query
 * does not always share; that is the point of a topic query.
 */
const TOPICS: Array<{ q: string; strong: RegExp; weak?: RegExp; where?: (r: Rec) => boolean }> = [
  {
    q: "Soviet defectors",
    strong:
      /\b(soviet|russian|kgb|ussr|moscow|ogpu|nkvd)\b.*\bdefect|\bdefect\w*\b.*\b(soviet|russian|kgb|ussr|moscow|ogpu|nkvd)\b|broke with moscow/i,
    weak: /\bdefect(ed|ors?|ions?|ing)\b|\bemigre\b|\bpetrov\b/i,
  },
  {
    q: "atomic spies",
    strong: /\b(atom(ic)? (spy|spies|bomb|scien)|nuclear (spy|secrets)|fuchs|nunn may|pontecorvo)\b/i,
  },
  {
    q: "Cambridge spy ring",
    strong: /\b(philby|maclean|burgess|blunt|cairncross)\b/i,
    where: (r) => r.series.startsWith("KV"),
  },
  { q: "British Union of Fascists", strong: /\b(british union of fascists|mosley|b\.?u\.?f\.?)\b/i, weak: /\bfascis/i },
  {
    q: "Communist Party of Great Britain",
    strong: /\b(communist party of great britain|cpgb)\b/i,
    weak: /\bcommunist party\b/i,
    where: (r) => r.series.startsWith("KV"),
  },
  { q: "German double agents", strong: /\bdouble agent/i, weak: /\b(abwehr|german intelligence|turned)\b/i },
  {
    q: "Communist Party of Australia Queensland branches",
    strong: /\b(communist party|cpa|cp of a)\b.*\b(queensland|qld|brisbane)\b/i,
  },
  { q: "Royal Commission on Espionage", strong: /\broyal commission on espionage\b/i, weak: /\b(petrov)\b/i },
  { q: "Petrov affair", strong: /\bpetrov\b/i },
  {
    q: "peace movement Australia",
    strong: /\b(peace (council|movement|congress|conference|committee))\b/i,
    weak: /\b(disarmament|anti-?war)\b/i,
  },
  {
    q: "trade unions waterside workers",
    strong: /\bwaterside workers\b/i,
    weak: /\b(wharf|seamen'?s union|waterfront)\b/i,
  },
  { q: "Aboriginal rights", strong: /\b(aborigin\w*)\b/i },
  {
    q: "migrant organisations Italian Greek",
    strong: /\b(italian|greek)\b.*\b(migrant|league|association|federation|club)\b|\bfilef\b/i,
  },
  {
    q: "ASIO surveillance photographs",
    strong: /\bsurveillance photograph/i,
    weak: /\bphotograph/i,
    where: (r) => r.series.startsWith("A"),
  },
  {
    q: "Soviet embassy Canberra",
    strong:
      /\b(soviet|ussr|russian)\b.*\b(embassy|legation|representation)\b.*\b(canberra|australia)|\b(canberra|australia)\b.*\b(soviet|ussr|russian)\b.*\b(embassy|legation|representation)\b/i,
    weak: /\b(soviet|ussr)\b.*\b(embassy|legation|representation)\b/i,
  },
  {
    q: "Oswald in Mexico City",
    strong:
      /\boswald\b.*\b(mexi(co)?|mexico city|cuban embassy|soviet embassy)\b|\b(mexi(co)?|mexico city)\b.*\boswald\b/i,
  },
  {
    q: "Oswald in the Soviet Union Minsk",
    strong: /\boswald\b.*\b(minsk|ussr|soviet union|russia|moscow|defect)/i,
    weak: /\bmarina oswald\b/i,
  },
  {
    q: "Jack Ruby",
    strong: /\b(jack ruby|ruby, jack|rubenstein)\b/i,
    weak: /\bruby\b/i,
    where: (r) => r.series === "JFK",
  },
  { q: "Cuban exile groups", strong: /\b(cuban exile|exile group|dre\b|jure|alpha 66|anti-castro|anti castro)/i },
  {
    q: "Castro assassination plots",
    strong: /\b(castro)\b.*\b(assassinat|plot|kill)/i,
    weak: /\b(amlash|mongoose)\b/i,
  },
  { q: "Warren Commission", strong: /\bwarren commission\b/i },
  { q: "Garrison investigation New Orleans", strong: /\bgarrison\b/i, weak: /\bnew orleans\b/i },
  { q: "CIA station JMWAVE Miami", strong: /\b(jmwave|wave station)\b/i, weak: /\bmiami\b/i },
  { q: "House Select Committee on Assassinations", strong: /\b(house select committee|hsca)\b/i },
  { q: "Rockefeller Commission", strong: /\brockefeller commission\b/i },
  { q: "Arctic exploration", strong: /\barctic\b/i, weak: /\b(polar|north west passage|northwest passage)\b/i },
  { q: "ships' logs", strong: /\blog(s|book)?\b/i, where: (r) => r.series.startsWith("ADM") },
  {
    q: "naval surgeons' journals",
    strong: /\b(surgeon|sick book|medical journal)\b/i,
    where: (r) => r.series.startsWith("ADM"),
  },
  {
    q: "Ordnance Survey maps of Scotland",
    strong:
      /\b(scotland|scottish|shire\b|argyll|aberdeen|fife|kincardine|stirling|perth|inverness|lanark|ayr|edinburgh|midlothian)/i,
    where: (r) => r.series.startsWith("OS"),
  },
  { q: "triangulation survey", strong: /\b(triangulation|trigonometrical)\b/i },
  {
    q: "parish boundaries",
    strong: /\bparish\w*\b.*\bboundar|\bboundar\w*\b.*\bparish/i,
    weak: /\b(boundar\w*|parish\w*)\b/i,
  },
  { q: "railways and roads", strong: /\brailways\b.*\broads\b/i, weak: /\brailway/i },
  { q: "merchant shipping", strong: /\b(merchant(man| ship| navy| shipping)?|mercantile marine)\b/i },
  { q: "Kwame Nkrumah Gold Coast independence", strong: /\bnkrumah\b/i, weak: /\bgold coast\b/i },
  { q: "Cheddi Jagan British Guiana", strong: /\bjagan\b/i, weak: /\bbritish guiana\b/i },
  { q: "Rote Kapelle", strong: /\brote kapelle\b|\bred orchestra\b/i },
  {
    q: "Indian nationalists in London",
    strong: /\b(india league|indian nationalis|krishna menon)\b/i,
    where: (r) => r.series.startsWith("KV"),
  },
  { q: "Spanish Civil War volunteers", strong: /\b(spanish civil war|international brigade)\b/i, weak: /\bspain\b/i },
];

function topics(): EvalQuery[] {
  const all = [...kv, ...naa, ...jfk, ...disc];
  const out: EvalQuery[] = [];
  for (const t of TOPICS) {
    const relevant: Record<string, number> = {};
    for (const r of all) {
      if (t.where && !t.where(r)) continue;
      const text = [r.title, r.description, ...r.people, ...r.subjects, ...r.places, ...r.corporateNames].join(" ; ");
      const g = t.strong.test(text) ? 2 : t.weak?.test(text) ? 1 : 0;
      if (g && (relevant[r.reference] ?? 0) < g) relevant[r.reference] = g;
    }
    if (Object.keys(relevant).length) out.push({ q: t.q, relevant, kind: "topic" });
    else console.warn(`topic "${t.q}": no record matches its judgment; left out`);
  }
  return out;
}

function nicknameTable(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  const text = readFileSync(join(shared, "data/nicknames/names.csv"), "utf8");
  for (const line of text.split("\n").slice(1)) {
    const [a, rel, b] = line.trim().split(",");
    if (rel === "has_nickname" && a && b) m.set(a, [...(m.get(a) ?? []), b]);
  }
  return m;
}

const outDir = values.out ?? "eval";
mkdirSync(outDir, { recursive: true });
const sets: Record<string, EvalQuery[]> = {
  "jfk-known-item-dev.json": jfkKnownItems(),
  "topics-dev.json": topics(),
  "hard-names-dev.json": hardNames(nicknameTable()),
};
for (const [file, qs] of Object.entries(sets)) {
  writeFileSync(join(outDir, file), JSON.stringify(qs, null, 1) + "\n");
  const kinds = new Map<string, number>();
  for (const q of qs) kinds.set(q.kind, (kinds.get(q.kind) ?? 0) + 1);
  console.log(file, qs.length, Object.fromEntries(kinds));
}
