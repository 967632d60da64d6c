/**
 * npx tsx scripts/bench/array-memory-cost.ts [--runs 3]
 *
 * What making typed arrays costs a Worker, apart from any Dossier code: in a fresh workerd runtime (as every cold
 * sample of the bench starts one), a Worker makes arrays of 1 KiB to 4 MiB, 10 MiB of each size, and reports
 * milliseconds per MiB; Node's figure for the same arrays, in this process, is beside it. Typed arrays come zeroed,
 * and in workerd their cost follows their bytes at every size: what a cold isolate's first query pays for the
 * scoring arrays it takes (query-arrays.ts). Memory an isolate had before and gave back may cost less; workerd
 * offers no way to collect garbage on demand, so this does not measure it.
 *
 * The cost is the machine's, not V8's: the last lines write 64 MiB of a fresh array in Node twice. The first write
 * takes each page's fault (on this machine, a Firecracker guest of a PVM host, about 2.6 ms a MiB, as a C program's
 * `memset` of fresh `mmap` memory measured, 1.6–2.1 with huge pages), the second about 0.04.
 */
import { parseArgs } from "node:util";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { compatibilityDate } from "../lib/local-worker";
import { median } from "./stats";

const { values: args } = parseArgs({ options: { runs: { type: "string", default: "3" } } });

const SIZES = [1024, 16_384, 262_144, 1_048_576, 4_194_304];
const MIB = 10;

/** Runs in the Worker and in Node alike: ms per MiB for each size of array. */
function measure(sizes: number[], mib: number): Record<string, number> {
  const out: Record<string, number> = {};
  const keep: Uint8Array[] = [];
  for (const size of sizes) {
    const t = performance.now();
    for (let k = 0; k < (mib * 1_048_576) / size; k++) keep.push(new Uint8Array(size));
    out[`${size} B arrays`] = (performance.now() - t) / mib;
  }
  return out;
}

const script = `const measure = ${measure.toString()};
export default { fetch: () => Response.json(measure(${JSON.stringify(SIZES)}, ${MIB})) };`;

const workerd: Record<string, number[]> = {};
for (let r = 0; r < Number(args.runs); r++) {
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: [{ name: "arrays", modules: true, script, compatibilityDate: compatibilityDate() }],
    }),
  );
  try {
    const got = (await (await mf.dispatchFetch("http://arrays.local/")).json()) as Record<string, number>;
    for (const [k, v] of Object.entries(got)) (workerd[k] ??= []).push(v);
  } finally {
    await mf.dispose();
  }
}
const node = measure(SIZES, MIB);
console.log(`ms per MiB of typed arrays (workerd: median of ${args.runs} fresh runtimes; its clock ticks in whole ms)`);
for (const [k, v] of Object.entries(workerd))
  console.log(
    `  ${k.padEnd(18)} workerd ${median(v).toFixed(2).padStart(5)}   node ${node[k]!.toFixed(2).padStart(5)}`,
  );

const touch = new Uint8Array(64 * 1_048_576);
let t = performance.now();
touch.fill(1);
const first = (performance.now() - t) / 64;
t = performance.now();
touch.fill(2);
const again = (performance.now() - t) / 64;
console.log(`ms per MiB written in Node: first touch ${first.toFixed(2)}, touched again ${again.toFixed(2)}`);
