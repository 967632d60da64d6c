/**
 * npx tsx scripts/bench/record-inflate.ts [--assets DIR] [--shards 200] [--rounds 20]
 *
 * What reading a record shard costs in workerd beyond its JSON: a Worker (Miniflare, the project's compatibility
 * date) given a build's record shards in memory inflates and parses them as the record store does
 * (DecompressionStream, then JSON.parse), and parses the same shards' JSON text alone, ten shards a request (a page
 * of hits), one after another and ten at once. Prints the medians per page over the rounds; workerd's clock ticks
 * in whole milliseconds, so each round times every page of the set and divides.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { inflateSync } from "node:zlib";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { builtRecordShardPaths, readBuiltChunk, readBuiltManifest } from "../../src/indexer/build-folders";
import { median } from "./stats";

const { values: args } = parseArgs({
  options: {
    assets: { type: "string", default: "bench/out/synthetic-100000/assets" },
    shards: { type: "string", default: "200" },
    rounds: { type: "string", default: "20" },
  },
});
const dir = resolve(args.assets!);
const m = readBuiltManifest(dir);
if (!m) throw new Error(`record-inflate: no build in ${dir}`);
const paths = builtRecordShardPaths(dir, m);
const take = Math.min(Number(args.shards), paths.length);
// Spread over the catalogue, as a page's hits are.
const chosen = Array.from({ length: take }, (_, i) => paths[Math.floor((i * paths.length) / take)]!);
const deflated = chosen.map((p) => readBuiltChunk(dir, m, p));
const texts = deflated.map((b) => inflateSync(b).toString("utf8"));
const deflatedBytes = deflated.reduce((n, b) => n + b.byteLength, 0);
const jsonBytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);

const script = `
const deflated = ${JSON.stringify(deflated.map((b) => b.toString("base64")))}
  .map((b) => Uint8Array.from(atob(b), (c) => c.charCodeAt(0)));
const texts = ${JSON.stringify(texts)};
async function inflated(bytes) {
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"))).text();
}
const pages = Math.floor(deflated.length / 10);
export default {
  async fetch(req) {
    const mode = new URL(req.url).searchParams.get("mode");
    let records = 0;
    const t = performance.now();
    for (let p = 0; p < pages; p++) {
      const page = Array.from({ length: 10 }, (_, i) => p * 10 + i);
      if (mode === "json") for (const i of page) records += JSON.parse(texts[i]).length;
      else if (mode === "serial") for (const i of page) records += JSON.parse(await inflated(deflated[i])).length;
      else for (const text of await Promise.all(page.map((i) => inflated(deflated[i])))) records += JSON.parse(text).length;
    }
    return Response.json({ msPerPage: (performance.now() - t) / pages, records });
  },
};`;

const mf = new Miniflare(
  convertV4MiniflareOptions({ workers: [{ name: "inflate", modules: true, script, compatibilityDate: "2026-11-01" }] }),
);
try {
  const modes = ["json", "serial", "parallel"] as const;
  const times = new Map<string, number[]>(modes.map((k) => [k, []]));
  let records = 0;
  for (let r = 0; r < Number(args.rounds); r++) {
    for (const mode of modes) {
      const res = (await (await mf.dispatchFetch(`http://bench/?mode=${mode}`)).json()) as {
        msPerPage: number;
        records: number;
      };
      // The first round runs each path's code for the first time.
      if (r > 0) times.get(mode)!.push(res.msPerPage);
      records = res.records;
    }
  }
  console.log(
    `${take} record shards of ${dir}: ${(jsonBytes / take / 1024).toFixed(1)} KiB of JSON a shard, ` +
      `${(deflatedBytes / take / 1024).toFixed(1)} KiB deflated (${((100 * deflatedBytes) / jsonBytes).toFixed(1)}%); ` +
      `${records} records`,
  );
  for (const mode of modes) {
    const label = {
      json: "JSON.parse alone",
      serial: "inflate + parse, one after another",
      parallel: "inflate + parse, ten at once",
    }[mode];
    console.log(
      `  a page of ten shards, ${label}: ${median(times.get(mode)!).toFixed(2)} ms (median of ${Number(args.rounds) - 1} rounds)`,
    );
  }
} finally {
  await mf.dispose();
}
