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
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Document } from "flexsearch";
import { buildCatalogue, readCatalogue } from "../src/build/build-catalogue";
import { startLocalWorker } from "./lib/local-worker";

interface EvalQuery { q: string; relevant: Record<string, number>; kind: string }
type Ranker = (q: string) => Promise<string[]>;

const K = 10;

/** Rule sets, each adding one rule to the last, so each rule's worth shows. */
const CONFIGS: Array<[string, string]> = [
  ["literal words only", "&match=exact"],
  ["+ stemming", "&rules=exact,stem"],
  ["+ transliteration variants", "&rules=exact,stem,variant"],
  ["+ phonetic keys", "&rules=exact,stem,variant,phonetic"],
  ["+ typo tolerance", "&rules=exact,stem,variant,phonetic,typo"],
  ["+ thesaurus (full pipeline)", ""],
];

export function ndcgAt(ranked: string[], relevant: Record<string, number>, k = K): number {
  const dcg = ranked.slice(0, k).reduce((s, ref, i) => s + (2 ** (relevant[ref] ?? 0) - 1) / Math.log2(i + 2), 0);
  const ideal = Object.values(relevant).sort((a, b) => b - a).slice(0, k).reduce((s, g, i) => s + (2 ** g - 1) / Math.log2(i + 2), 0);
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

interface Scores { ndcg: number; recall: number; mrr: number; n: number }

async function score(queries: EvalQuery[], rank: Ranker): Promise<{ all: Scores; byKind: Record<string, Scores>; misses: string[] }> {
  const add = (s: Scores, n: number, r: number, m: number) => { s.ndcg += n; s.recall += r; s.mrr += m; s.n++; };
  const all: Scores = { ndcg: 0, recall: 0, mrr: 0, n: 0 };
  const byKind: Record<string, Scores> = {};
  const misses: string[] = [];
  for (const q of queries) {
    const ranked = await rank(q.q);
    const n = ndcgAt(ranked, q.relevant), r = recallAt(ranked, q.relevant), m = reciprocalRank(ranked, q.relevant);
    add(all, n, r, m);
    add((byKind[q.kind] ??= { ndcg: 0, recall: 0, mrr: 0, n: 0 }), n, r, m);
    if (m < 1) misses.push(`${q.kind}: "${q.q}" → first relevant at ${m ? 1 / m : "none"} (top: ${ranked.slice(0, 3).join(", ") || "nothing"})`);
  }
  const avg = (s: Scores): Scores => ({ ndcg: s.ndcg / s.n, recall: s.recall / s.n, mrr: s.mrr / s.n, n: s.n });
  return { all: avg(all), byKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, avg(v)])), misses };
}

/** Plain FlexSearch 0.8 with default options over the same records: the baseline every rule is measured against. */
function flexBaseline(dataDirs: string[]): Ranker {
  const { records } = readCatalogue(dataDirs);
  const doc = new Document({ document: { id: "i", index: ["reference", "title", "description", "people", "subjects", "corporateNames", "places"] } });
  records.forEach((r, i) => doc.add({ i, reference: r.reference, title: r.title, description: r.description, people: r.people.join(" "), subjects: r.subjects.join(" "), corporateNames: r.corporateNames.join(" "), places: r.places.join(" ") }));
  return async (q) => {
    const res = doc.search(q, { limit: K, merge: true } as never) as unknown as Array<{ id: number }>;
    return res.map((x) => records[x.id]!.reference);
  };
}

const fmt = (x: number) => x.toFixed(3);

async function main() {
  const { values } = parseArgs({ options: { data: { type: "string", multiple: true }, queries: { type: "string", multiple: true }, markdown: { type: "string" } } });
  if (!values.data?.length || !values.queries?.length) {
    console.error("usage: npm run eval -- --data <dir> --queries <file…> [--markdown out.md]");
    process.exit(2);
  }
  const queries: EvalQuery[] = values.queries.flatMap((f) => JSON.parse(readFileSync(f, "utf8")) as EvalQuery[]);
  const assetsDir = mkdtempSync(join(tmpdir(), "dossier-eval-"));
  buildCatalogue({ dataDirs: values.data, outDir: assetsDir });
  const worker = await startLocalWorker({ assetsDir });
  const lines: string[] = [];
  const out = (l = "") => { console.log(l); lines.push(l); };
  try {
    out(`### ${values.queries.map((f) => f.split("/").pop()).join(", ")} on ${values.data.join(", ")} (${queries.length} queries)`);
    out();
    out("| ranker | nDCG@10 | Recall@10 | MRR |");
    out("|---|---|---|---|");
    const baseline = await score(queries, flexBaseline(values.data));
    out(`| plain FlexSearch 0.8, default options (baseline) | ${fmt(baseline.all.ndcg)} | ${fmt(baseline.all.recall)} | ${fmt(baseline.all.mrr)} |`);
    let full: Awaited<ReturnType<typeof score>> | null = null;
    for (const [name, params] of CONFIGS) {
      const result = await score(queries, async (q) => {
        const res = await worker.fetch(`/api/search?limit=${K}&q=${encodeURIComponent(q)}${params}`);
        const body = (await res.json()) as { hits?: Array<{ reference: string }> };
        return (body.hits ?? []).map((h) => h.reference);
      });
      out(`| Dossier: ${name} | ${fmt(result.all.ndcg)} | ${fmt(result.all.recall)} | ${fmt(result.all.mrr)} |`);
      full = result;
    }
    out();
    out("Full pipeline by query kind:");
    out();
    out("| kind | queries | nDCG@10 | Recall@10 | MRR | baseline nDCG@10 |");
    out("|---|---|---|---|---|---|");
    for (const [kind, s] of Object.entries(full!.byKind)) out(`| ${kind} | ${s.n} | ${fmt(s.ndcg)} | ${fmt(s.recall)} | ${fmt(s.mrr)} | ${fmt(baseline.byKind[kind]?.ndcg ?? 0)} |`);
    out();
    if (full!.misses.length) {
      out("Queries whose first hit was not relevant (full pipeline):");
      out();
      for (const m of full!.misses) out(`- ${m}`);
      out();
    }
  } finally {
    await worker.dispose();
    rmSync(assetsDir, { recursive: true, force: true });
  }
  if (values.markdown) writeFileSync(values.markdown, lines.join("\n") + "\n");
}

await main();
