/**
 * npm run eval -- --data <dir> --queries <file…> [--markdown out.md]
 *
 * Builds the catalogue, runs every query through the real Worker (the HTTP
 * API in workerd) under several rule sets, and prints nDCG@10, Recall@10 and
 * MRR, overall and per query kind, beside plain FlexSearch with default
 * options as the baseline. Queries are only scored here: nothing in the
 * product reads them.
 */
import { parseArgs } from "node:util";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Document } from "flexsearch";
import MiniSearch from "minisearch";
import { buildCatalogue, readCatalogue } from "../src/indexer/build-catalogue";
import { bundleWorker, startLocalWorker } from "./lib/local-worker";
import { RULE_WEIGHTS } from "../src/shared/search-config";

interface EvalQuery {
  q: string;
  relevant: Record<string, number>;
  kind: string;
}
type Ranker = (q: string) => Promise<string[]>;

const K = 10;

/** Rule sets, each adding one rule to the last, so each rule's worth shows. */
const CONFIGS: Array<[string, string]> = [
  ["literal words only", "&match=exact"],
  ["+ stemming", "&rules=exact,stem"],
  ["+ transliteration variants", "&rules=exact,stem,variant"],
  ["+ phonetic keys", "&rules=exact,stem,variant,phonetic"],
  ["+ typo tolerance", "&rules=exact,stem,variant,phonetic,typo"],
  ["+ thesaurus", "&rules=exact,stem,variant,phonetic,typo,synonym"],
  ["+ prefix", "&rules=exact,stem,variant,phonetic,typo,synonym,prefix"],
  ["+ name rules", "&rules=exact,stem,variant,phonetic,typo,synonym,prefix,nickname,initial,closeness"],
  ["+ place hierarchy (full pipeline)", ""],
];

/** Rules dropped one at a time from the full pipeline (leave-one-out ablation). */
const ABLATE = Object.keys(RULE_WEIGHTS).filter((r) => r !== "exact");

/** Tries per query before a run stops: only a Worker error (a deadline missed under load) is retried. */
const EVAL_ATTEMPTS = 4;

/** Hits asked of every ranker: more than K, so a reference shared by several items still leaves K distinct ones. */
const FETCH = 2 * K;

/**
 * The ranked references, each counted once: items that share a reference
 * (NAA files two people under one control symbol) are one judged unit, so a
 * ranker is not paid twice for one reference, and nDCG stays ≤ 1.
 */
export function distinctRefs(refs: string[], k = K): string[] {
  return [...new Set(refs)].slice(0, k);
}

export function ndcgAt(ranked: string[], relevant: Record<string, number>, k = K): number {
  const dcg = ranked.slice(0, k).reduce((s, ref, i) => s + (2 ** (relevant[ref] ?? 0) - 1) / Math.log2(i + 2), 0);
  const ideal = Object.values(relevant)
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((s, g, i) => s + (2 ** g - 1) / Math.log2(i + 2), 0);
  return ideal ? dcg / ideal : 0;
}

export function recallAt(ranked: string[], relevant: Record<string, number>, k = K): number {
  const rel = Object.keys(relevant).filter((r) => relevant[r]! > 0);
  return rel.length ? ranked.slice(0, k).filter((r) => (relevant[r] ?? 0) > 0).length / rel.length : 0;
}

export function reciprocalRank(ranked: string[], relevant: Record<string, number>): number {
  const i = ranked.findIndex((r) => (relevant[r] ?? 0) > 0);
  return i < 0 ? 0 : 1 / (i + 1);
}

interface Scores {
  ndcg: number;
  recall: number;
  mrr: number;
  n: number;
}
interface Scored {
  all: Scores;
  byKind: Record<string, Scores>;
  misses: string[];
  perQuery: number[];
}

async function score(queries: EvalQuery[], rank: Ranker): Promise<Scored> {
  const add = (s: Scores, n: number, r: number, m: number) => {
    s.ndcg += n;
    s.recall += r;
    s.mrr += m;
    s.n++;
  };
  const all: Scores = { ndcg: 0, recall: 0, mrr: 0, n: 0 };
  const byKind: Record<string, Scores> = {};
  const misses: string[] = [];
  const perQuery: number[] = [];
  for (const q of queries) {
    const ranked = distinctRefs(await rank(q.q));
    const n = ndcgAt(ranked, q.relevant),
      r = recallAt(ranked, q.relevant),
      m = reciprocalRank(ranked, q.relevant);
    add(all, n, r, m);
    perQuery.push(n);
    add((byKind[q.kind] ??= { ndcg: 0, recall: 0, mrr: 0, n: 0 }), n, r, m);
    if (m < 1)
      misses.push(
        `${q.kind}: "${q.q}" → first relevant at ${m ? 1 / m : "none"} (top: ` +
          `${ranked.slice(0, 3).join(", ") || "nothing"})`,
      );
  }
  const avg = (s: Scores): Scores => ({ ndcg: s.ndcg / s.n, recall: s.recall / s.n, mrr: s.mrr / s.n, n: s.n });
  return {
    all: avg(all),
    byKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, avg(v)])),
    misses,
    perQuery,
  };
}

/** Plain FlexSearch 0.8 with default options over the same records: the baseline every rule is measured against. */
function flexBaseline(dataDirs: string[]): Ranker {
  const { records } = readCatalogue(dataDirs);
  const doc = new Document({
    document: {
      id: "i",
      index: ["reference", "title", "description", "people", "subjects", "corporateNames", "places"],
    },
  });
  for (const [i, r] of records.entries())
    doc.add({
      i,
      reference: r.reference,
      title: r.title,
      description: r.description,
      people: r.people.join(" "),
      subjects: r.subjects.join(" "),
      corporateNames: r.corporateNames.join(" "),
      places: r.places.join(" "),
    });
  return async (q) => {
    const res = doc.search(q, { limit: FETCH, merge: true } as never) as unknown as Array<{ id: number }>;
    return res.map((x) => records[x.id]!.reference);
  };
}

/**
 * MiniSearch 7 with `fuzzy: 0.2, prefix: true` over title, description and people: a generic fuzzy engine, no name
 * rules.
 */
function miniSearchBaseline(dataDirs: string[]): Ranker {
  const { records } = readCatalogue(dataDirs);
  const ms = new MiniSearch<{ i: number; title: string; description: string; people: string }>({
    idField: "i",
    fields: ["title", "description", "people"],
    searchOptions: { fuzzy: 0.2, prefix: true },
  });
  ms.addAll(records.map((r, i) => ({ i, title: r.title, description: r.description, people: r.people.join(" ; ") })));
  return async (q) =>
    ms
      .search(q)
      .slice(0, FETCH)
      .map((x) => records[x.id as number]!.reference);
}

/** Deterministic PRNG (mulberry32), so the interval is the same on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Paired bootstrap 95% interval of mean(a − b) over queries: resample queries
 * with replacement, keeping each query's pair together.
 */
export function pairedBootstrap(
  a: number[],
  b: number[],
  rounds = 10_000,
  seed = 12,
): { mean: number; lo: number; hi: number } {
  const d = a.map((x, i) => x - b[i]!);
  const n = d.length;
  if (!n) return { mean: 0, lo: 0, hi: 0 };
  const rand = prng(seed);
  const means = new Float64Array(rounds);
  for (let r = 0; r < rounds; r++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += d[Math.floor(rand() * n)]!;
    means[r] = s / n;
  }
  means.sort();
  return {
    mean: d.reduce((x, y) => x + y, 0) / n,
    lo: means[Math.floor(0.025 * rounds)]!,
    hi: means[Math.floor(0.975 * rounds)]!,
  };
}

const fmt = (x: number) => x.toFixed(3);

async function main() {
  const { values } = parseArgs({
    options: {
      data: { type: "string", multiple: true },
      queries: { type: "string", multiple: true },
      markdown: { type: "string" },
      // Only the full pipeline and the baselines (no cumulative rows, no ablation): a quick look.
      quick: { type: "boolean" },
      // Reuse a catalogue built by an earlier run (built there when missing): quicker when tuning.
      assets: { type: "string" },
      // Write each query's nDCG@10 for Dossier and MiniSearch (and their top references) to this JSON file.
      "per-query": { type: "string" },
    },
  });
  if (!values.data?.length || !values.queries?.length) {
    console.error("usage: npm run eval -- --data <dir…> --queries <file…> [--quick] [--markdown out.md]");
    process.exit(2);
  }
  const sets = values.queries.map((f) => ({ file: f, queries: JSON.parse(readFileSync(f, "utf8")) as EvalQuery[] }));
  const assetsDir = values.assets ?? mkdtempSync(join(tmpdir(), "dossier-eval-"));
  if (!values.assets || !existsSync(join(assetsDir, "manifest.json")))
    buildCatalogue({ dataDirs: values.data, outDir: assetsDir });
  const worker = await startLocalWorker({ assetsDir, scriptPath: await bundleWorker() });
  const flex = flexBaseline(values.data);
  const mini = miniSearchBaseline(values.data);
  const dossier =
    (params: string): Ranker =>
    async (q) => {
      // A loaded machine can make an asset read miss its deadline (503): ask again rather than score an error
      // page as a query with no hits, and stop the run if it keeps failing.
      for (let attempt = 1; ; attempt++) {
        const res = await worker
          .fetch(`/api/search?limit=${FETCH}&collapse=0&q=${encodeURIComponent(q)}${params}`)
          .catch((e: unknown) => {
            throw new Error(`eval: the Worker failed on "${q}" (${params || "full pipeline"})`, { cause: e });
          });
        const body = (await res.json()) as { hits?: Array<{ reference: string }> };
        if (res.status === 200) return (body.hits ?? []).map((h) => h.reference);
        if (attempt === EVAL_ATTEMPTS)
          throw new Error(`eval: "${q}" (${params || "full pipeline"}) answered ${res.status} ${JSON.stringify(body)}`);
        await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    };
  const lines: string[] = [];
  const perQueryDump: Array<{ file: string; q: string; kind: string; dossier: number; minisearch: number }> = [];
  const out = (l = "") => {
    console.log(l);
    lines.push(l);
  };
  const row = (name: string, s: Scores) => out(`| ${name} | ${fmt(s.ndcg)} | ${fmt(s.recall)} | ${fmt(s.mrr)} |`);
  const interval = (a: number[], b: number[]) => {
    const { mean, lo, hi } = pairedBootstrap(a, b);
    return `${mean >= 0 ? "+" : ""}${fmt(mean)} [${fmt(lo)}, ${fmt(hi)}]`;
  };
  try {
    for (const { file, queries } of sets) {
      out(
        `### ${file.split("/").pop()} on ${values.data.map((d) => d.split("/").pop()).join(", ")} ` +
          `(${queries.length} queries)`,
      );
      out();
      out("| ranker | nDCG@10 | Recall@10 | MRR |");
      out("|---|---|---|---|");
      const baseline = await score(queries, flex);
      row("plain FlexSearch 0.8, default options", baseline.all);
      const ms = await score(queries, mini);
      row("MiniSearch 7, fuzzy 0.2, prefix", ms.all);
      const configs = values.quick ? CONFIGS.slice(-1) : CONFIGS;
      let full: Scored | null = null;
      for (const [name, params] of configs) {
        full = await score(queries, dossier(params));
        row(`Dossier: ${name}`, full.all);
      }
      for (const [i, q] of queries.entries())
        perQueryDump.push({
          file: file.split("/").pop()!,
          q: q.q,
          kind: q.kind,
          dossier: full!.perQuery[i]!,
          minisearch: ms.perQuery[i]!,
        });
      out();
      out(
        `Dossier − MiniSearch nDCG@10, paired bootstrap 95% interval over queries: ` +
          `${interval(full!.perQuery, ms.perQuery)}`,
      );
      out();
      if (!values.quick) {
        out("Ablation: the full pipeline with one rule switched off (nDCG@10; negative Δ = the rule helps):");
        out();
        out("| without | nDCG@10 | Δ |");
        out("|---|---|---|");
        for (const rule of ABLATE) {
          const rules = Object.keys(RULE_WEIGHTS)
            .filter((r) => r !== rule)
            .join(",");
          const s = await score(queries, dossier(`&rules=${rules}`));
          out(
            `| ${rule} | ${fmt(s.all.ndcg)} | ` +
              `${s.all.ndcg - full!.all.ndcg >= 0 ? "+" : ""}${fmt(s.all.ndcg - full!.all.ndcg)} |`,
          );
        }
        out();
      }
      out("Full pipeline by query kind (nDCG@10; interval: Dossier − MiniSearch):");
      out();
      out("| kind | queries | Dossier nDCG@10 | Recall@10 | MRR | MiniSearch | FlexSearch | Dossier − MiniSearch |");
      out("|---|---|---|---|---|---|---|---|");
      for (const [kind, s] of Object.entries(full!.byKind)) {
        const idx = queries.map((q, i) => (q.kind === kind ? i : -1)).filter((i) => i >= 0);
        const pick = (xs: number[]) => idx.map((i) => xs[i]!);
        out(
          `| ${kind} | ${s.n} | ${fmt(s.ndcg)} | ${fmt(s.recall)} | ${fmt(s.mrr)} | ` +
            `${fmt(ms.byKind[kind]?.ndcg ?? 0)} | ` +
            `${fmt(baseline.byKind[kind]?.ndcg ?? 0)} | ${interval(pick(full!.perQuery), pick(ms.perQuery))} |`,
        );
      }
      out();
      if (full!.misses.length) {
        out("Queries whose first hit was not relevant (full pipeline):");
        out();
        for (const m of full!.misses) out(`- ${m}`);
        out();
      }
    }
  } finally {
    await worker.dispose();
    if (!values.assets) rmSync(assetsDir, { recursive: true, force: true });
  }
  if (values.markdown) writeFileSync(values.markdown, lines.join("\n") + "\n");
  if (values["per-query"]) writeFileSync(values["per-query"], JSON.stringify(perQueryDump, null, 1) + "\n");
}

await main();
