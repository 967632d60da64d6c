/**
 * npx tsx scripts/bench/suggest-answers.ts [--records 100000] [--assets DIR] --out FILE
 *
 * Every typeahead answer of the bench's suggest mix, and of more keystrokes around it, written as JSON: run it
 * before and after a change to the typeahead's layout or service and compare the files (`cmp`), since a new
 * layout must not change a single answer. Runs the Worker's SuggestService in Node over the built files.
 * Keystrokes: each bench prefix as typed, with a trailing space (a complete word), one to eight letters of it,
 * and as the people route asks (people only, three times the limit); the variant respellings of the search mix
 * (variant and sound-alike tiers), and every one- and two-letter prefix (the split partitions' top lists).
 */
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { SuggestService } from "../../src/worker/search/suggest-service";
import { diskAssets } from "../../test/scoring/local-index";
import { queryMix, syntheticCorpus } from "./synthetic-catalogue";

const ROOT = resolve(import.meta.dirname, "../..");
const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "100000" },
    assets: { type: "string" },
    out: { type: "string" },
  },
});
const size = Number(args.records);
const dir = resolve(args.assets ?? join(ROOT, `bench/out/synthetic-${size}/assets`));
if (!existsSync(join(dir, "manifest.json"))) throw new Error(`suggest-answers: no build at ${dir}`);
if (!args.out) throw new Error("suggest-answers: --out FILE");

const mix = queryMix(syntheticCorpus(size), 200);
const keystrokes = new Set<string>();
for (const p of mix.suggest) {
  keystrokes.add(p);
  keystrokes.add(`${p} `);
}
for (const { q } of mix.search) {
  for (let n = 1; n <= Math.min(8, q.length); n++) keystrokes.add(q.slice(0, n).toLowerCase());
  keystrokes.add(q);
  keystrokes.add(`${q} `);
}
const letters = "abcdefghijklmnopqrstuvwxyz";
for (const a of letters) {
  keystrokes.add(a);
  for (const b of letters) keystrokes.add(a + b);
}
keystrokes.add("kv 2/");
keystrokes.add("kv 2/12");

const service = new SuggestService(diskAssets(dir));
const out: Record<string, unknown> = {};
const t0 = performance.now();
for (const q of keystrokes) {
  out[q] = await service.suggest(q, 8);
  out[`people:${q}`] = await service.suggest(q, 24, new Set(["person"]));
}
writeFileSync(args.out, `${JSON.stringify(out, null, 1)}\n`);
console.log(
  `${keystrokes.size} keystrokes, ${Object.keys(out).length} answers in ${(performance.now() - t0).toFixed(0)} ms`,
);
