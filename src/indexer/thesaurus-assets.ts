/**
 * Compiles `data/thesaurus.json` into the lookup the Worker uses: a stemmed
 * phrase → the phrases it expands to, each with a weight below a literal match.
 *
 * Groups are either `terms` (all equivalent, one weight) or a `chain` of
 * levels (e.g. Soviet security services by era), where the weight decays with
 * the distance between levels, so "Cheka" reaches "GPU" more than "KGB".
 */
import { z } from "zod";
import { STOPWORDS, words } from "../shared/text/fold";
import { stem } from "../shared/text/stem";
import type { AssetWriter } from "./content-hash";

const GroupSchema = z
  .object({
    name: z.string().min(1),
    weight: z.number().gt(0).max(1),
    terms: z.array(z.string().min(1)).min(2).optional(),
    chain: z
      .array(z.array(z.string().min(1)).min(1))
      .min(2)
      .optional(),
    decay: z.number().gt(0).max(1).optional(),
  })
  .refine((g) => Boolean(g.terms) !== Boolean(g.chain), "a group has either terms or chain");

export const ThesaurusSchema = z.object({ version: z.string().min(1), groups: z.array(GroupSchema) });

/** `stemmed phrase` → `[expansion words, weight, group name][]` */
export type CompiledThesaurus = Record<string, Array<[string[], number, string]>>;

/** The lookup key of a phrase: its folded words, stemmed, space-joined. */
export function thesaurusKey(phrase: string[]): string {
  return phrase.map(stem).join(" ");
}

/**
 * Where JSON.parse fails in `text`: the offset it names, or else the shortest
 * prefix that fails other than by ending early (V8 names no position for
 * some errors, such as an unexpected token).
 */
function jsonErrorOffset(text: string, message: string): number {
  const named = /position (\d+)/.exec(message);
  if (named) return Number(named[1]);
  const failsInside = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return false;
    } catch (err) {
      // Ending early shows as "end of JSON input" or as an error at the prefix's last offset.
      const m = (err as Error).message;
      const pos = /position (\d+)/.exec(m);
      return !/end of JSON input/i.test(m) && (pos === null || Number(pos[1]) < n);
    }
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsInside(mid + 1)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Reads a thesaurus file's JSON. A syntax error names the file and its line and column. */
export function parseThesaurusJson(text: string, file: string): unknown {
  const body = text.replace(/^\uFEFF/, "");
  try {
    return JSON.parse(body);
  } catch (err) {
    const message = (err as Error).message;
    const at = jsonErrorOffset(body, message);
    const before = body.slice(0, at);
    const where = `line ${before.split("\n").length} column ${at - before.lastIndexOf("\n")}`;
    throw new Error(`thesaurus: ${file} at ${where} is not valid JSON (${message.split("\n")[0]})`);
  }
}

export function compileThesaurus(raw: unknown, out: AssetWriter): { path: string; version: string } | null {
  if (raw == null) return null;
  const parsed = ThesaurusSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`thesaurus: data/thesaurus.json at ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const compiled: CompiledThesaurus = {};
  const link = (from: string, to: string, weight: number, group: string) => {
    const f = words(from).filter((w) => !STOPWORDS.has(w));
    const t = words(to).filter((w) => !STOPWORDS.has(w));
    if (!f.length || !t.length || thesaurusKey(f) === thesaurusKey(t)) return;
    const list = (compiled[thesaurusKey(f)] ??= []);
    const existing = list.find((e) => e[0].join(" ") === t.join(" "));
    if (existing) existing[1] = Math.max(existing[1], weight);
    else list.push([t, weight, group]);
  };
  for (const g of parsed.data.groups) {
    const levels = g.chain ?? [g.terms!];
    const decay = g.decay ?? 1;
    for (const [i, li] of levels.entries()) {
      for (const [j, lj] of levels.entries()) {
        const w = Math.round(g.weight * decay ** Math.abs(i - j) * 1000) / 1000;
        for (const a of li) for (const b of lj) link(a, b, w, g.name);
      }
    }
  }
  return { path: out.addJson("search", "thesaurus", compiled), version: parsed.data.version };
}
