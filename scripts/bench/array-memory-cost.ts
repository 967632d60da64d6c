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
 *
 * The lines for WebAssembly memories measure what zeroed-arena.ts relies on: a memory's pages are touched when
 * written, so an array of which a query writes little costs little, and a compiled loop reads a view of one as fast as
 * a plain array.
 */
import { parseArgs } from "node:util";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { compatibilityDate } from "../lib/local-worker";
import { median } from "./stats";

const { values: args } = parseArgs({ options: { runs: { type: "string", default: "3" } } });

const SIZES = [1024, 16_384, 262_144, 1_048_576, 4_194_304];
const MIB = 10;

/**
 * Runs in the Worker and in Node alike: ms per MiB for each size of array; then the same arrays as views of
 * WebAssembly memories, as zeroed-arena.ts makes them (one memory an array here), each written once; then a loop over
 * a plain array and over a view, both compiled (the third of three passes each), in ms per 100 passes of 1 MiB.
 */
function measure(sizes: number[], mib: number): Record<string, number> {
  const out: Record<string, number> = {};
  const keep: Uint8Array[] = [];
  // The scripts' compiler options declare no WebAssembly global; Node and workerd both have one.
  type Memory = new (d: { initial: number }) => { buffer: ArrayBuffer };
  const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: Memory } }).WebAssembly;
  for (const size of sizes) {
    const t = performance.now();
    for (let k = 0; k < (mib * 1_048_576) / size; k++) keep.push(new Uint8Array(size));
    out[`${size} B arrays`] = (performance.now() - t) / mib;
  }
  for (const size of sizes.filter((s) => s >= 65_536)) {
    const t = performance.now();
    for (let k = 0; k < (mib * 1_048_576) / size; k++) {
      const view = new Uint8Array(new Memory({ initial: size / 65_536 }).buffer);
      view[size >> 1] = 1;
      keep.push(view);
    }
    out[`${size} B memories, written once`] = (performance.now() - t) / mib;
  }
  function sum(a: Float64Array): number {
    let z = 0;
    for (let i = 0; i < a.length; i++) z += a[i]!;
    return z;
  }
  const plain = new Float64Array(131_072);
  const view = new Float64Array(new Memory({ initial: 16 }).buffer);
  for (const [name, a] of [
    ["loop, plain array", plain],
    ["loop, memory view", view],
  ] as const) {
    let took = 0;
    for (let pass = 0; pass < 3; pass++) {
      const t = performance.now();
      for (let r = 0; r < 100; r++) sum(a);
      took = performance.now() - t;
    }
    out[name] = took;
  }
  return out;
}

// tsx names nested functions through esbuild's `__name` helper, which the Worker's script must then define.
const script = `var __name = (f) => f; const measure = ${measure.toString()};
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
console.log(
  `ms per MiB of typed arrays, and per 100 passes of a 1 MiB loop (workerd: median of ${args.runs} fresh runtimes; ` +
    "its clock ticks in whole ms)",
);
for (const [k, v] of Object.entries(workerd))
  console.log(
    `  ${k.padEnd(32)} workerd ${median(v).toFixed(2).padStart(5)}   node ${node[k]!.toFixed(2).padStart(5)}`,
  );

const touch = new Uint8Array(64 * 1_048_576);
let t = performance.now();
touch.fill(1);
const first = (performance.now() - t) / 64;
t = performance.now();
touch.fill(2);
const again = (performance.now() - t) / 64;
console.log(`ms per MiB written in Node: first touch ${first.toFixed(2)}, touched again ${again.toFixed(2)}`);
