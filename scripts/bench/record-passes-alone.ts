/**
 * `npx tsx scripts/bench/record-passes-alone.ts <records.jsonl> <scratch dir> [profile.cpuprofile]`: the build
 * worker's first passes (the records' fields, people, typeahead) alone, in one thread, over a JSON Lines catalogue
 * (the bench's synthetic records), each timed with the heap and RSS at its end; with a third argument, a CPU profile
 * of the whole run sampled every 5 ms. At ten million records people took 14.7× and the typeahead 12.2× their 1M time (docs/benchmarks-history.md,
 * "A shard's postings in two flat arrays"): this measures them without a two-hour build. Run it under the worker's
 * heap limit to see what the build's worker sees (`node --max-old-space-size=1690 --import tsx …` for
 * `--memory 3072`). The scratch dir is emptied first.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { getHeapStatistics } from "node:v8";
import { AssetWriter } from "../../src/indexer/content-hash";
import { LineWriter, type PassRecord, passFields } from "../../src/indexer/doc-file";
import { buildPeople } from "../../src/indexer/people-assets";
import { readJsonLines } from "../../src/indexer/people-partitions";
import { buildSuggest } from "../../src/indexer/suggest-assets";
import type { CatalogueRecord } from "../../src/shared/record";

const [input, work, profilePath] = process.argv.slice(2);
if (!input || !work) {
  console.error("usage: record-passes-alone.ts <records.jsonl> <scratch dir> [profile.cpuprofile]");
  process.exit(2);
}
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const t0 = performance.now();
const mb = (b: number) => Math.round(b / 2 ** 20);
const lap = (what: string) => {
  const { rss, arrayBuffers } = process.memoryUsage();
  console.log(
    `${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s from the start; heap ${mb(getHeapStatistics().used_heap_size)} MB, ` +
      `typed arrays ${mb(arrayBuffers)} MB, RSS ${mb(rss)} MB`,
  );
};
const session = profilePath ? new Session() : null;
if (session) {
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 5000 });
  session.post("Profiler.start");
}
const writer = new LineWriter<PassRecord>(`${work}/fields.jsonl`);
for (const record of readJsonLines<CatalogueRecord>(input)) writer.append(JSON.stringify(passFields(record)));
const fields = writer.finish();
lap("the records' fields");
const out = new AssetWriter(`${work}/spill`, { path: `${work}/appended`, packable: () => true });
const { canonical } = buildPeople(fields, out);
lap("people");
buildSuggest(fields, out, canonical);
lap("typeahead");
session?.post("Profiler.stop", (err, res) => {
  if (err) throw err;
  writeFileSync(profilePath!, JSON.stringify(res.profile));
  lap("profile written");
});
