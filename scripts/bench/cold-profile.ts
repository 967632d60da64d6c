/**
 * npm run bench:cold-cpu [-- --assets DIR] [--queries "Besedovsky|soviet|soviet embassy paris"] [--runs 5] [--top 0]
 *
 * CPU time of a cold search, which, unlike wall time, hardly depends on how
 * busy the machine is. The Worker is bundled as `wrangler deploy` would
 * bundle it (esbuild, one ESM file; the Durable Object base class stubbed),
 * and each sample is a fresh Node process (V8, as workerd) that imports the
 * bundle and makes one `GET /api/search?q=…` through the app, its ASSETS
 * binding reading the built files from disk (no KV, no Durable Objects: every
 * shard scored in process). Prints the CPU (user + system) of the module
 * load and of the request, medians over the runs, and the asset reads. With
 * `--top N`, a V8 CPU profile of the last run: the top N functions by self
 * time (builtins such as JSON.parse charged to their caller). What workerd
 * adds (its asset binding, the Durable Object hop) is in `npm run bench:cold`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { median } from "./stats";

const ROOT = resolve(import.meta.dirname, "../..");
const { values: args } = parseArgs({
  options: {
    assets: { type: "string", default: join(ROOT, "bench/out/synthetic-100000/assets") },
    queries: { type: "string", default: "Besedovsky|soviet|soviet embassy paris" },
    runs: { type: "string", default: "5" },
    top: { type: "string", default: "0" },
  },
});

const dir = mkdtempSync(join(tmpdir(), "dossier-cold-cpu-"));
console.log(`bundle: ${join(dir, "worker.mjs")}`);
writeFileSync(
  join(dir, "cf-workers.mjs"),
  "export class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }\n",
);
await build({
  entryPoints: [join(ROOT, "src/index.ts")],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  conditions: ["workerd", "worker", "browser"],
  alias: { "cloudflare:workers": join(dir, "cf-workers.mjs") },
  outfile: join(dir, "worker.mjs"),
  logLevel: "error",
});

/**
 * The bundle's modules by line: esbuild heads each module's code with a `// <path>` comment, so a frame's line
 * names the package (or source folder) it belongs to.
 */
const bundleLines = readFileSync(join(dir, "worker.mjs"), "utf8").split("\n");
const moduleStarts: Array<[line: number, module: string]> = [];
bundleLines.forEach((line, i) => {
  const m = /^\/\/ ((?:node_modules\/((?:@[^/]+\/)?[^/]+))|src\/[^/]+(?:\/[^/]+)?)/.exec(line);
  if (m) moduleStarts.push([i, m[2] ?? m[1]!]);
});
function moduleAt(line: number): string {
  let lo = 0,
    hi = moduleStarts.length - 1,
    found = "(bundle head)";
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (moduleStarts[mid]![0] <= line) {
      found = moduleStarts[mid]![1];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The child: one cold request in this fresh process; prints its figures as one JSON line. */
const CHILD = `
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { Session } from "node:inspector/promises";
const [, , bundle, assets, q, top] = process.argv;
let session = null;
if (Number(top) > 0) {
  session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 50 });
  await session.post("Profiler.start");
}
const ASSETS = {
  async fetch(req) {
    const file = join(assets, decodeURIComponent(new URL(req.url).pathname));
    if (!existsSync(file)) return new Response("not found", { status: 404 });
    const bytes = readFileSync(file);
    const range = /bytes=(\\d+)-(\\d+)/.exec(req.headers.get("range") ?? "");
    if (range) return new Response(bytes.subarray(Number(range[1]), Number(range[2]) + 1), { status: 206 });
    return new Response(bytes);
  },
};
const c0 = process.cpuUsage();
const mod = await import(bundle);
const c1 = process.cpuUsage();
let loadProfile = null;
if (session) {
  // The module load's profile apart from the request's: what a fresh isolate pays before any request arrives.
  loadProfile = (await session.post("Profiler.stop")).profile;
  await session.post("Profiler.start");
}
const env = { ASSETS, ASSET_BACKEND: "assets", RATE_LIMIT_PER_MINUTE: "0", PUBLIC_ORIGIN: "https://dossier.example" };
const ctx = { waitUntil() {}, passThroughOnException() {} };
const res = await mod.default.fetch(new Request("http://dossier.local/api/search?q=" + encodeURIComponent(q)), env, ctx);
const body = await res.text();
const c2 = process.cpuUsage();
const cpu = (a, b) => (b.user - a.user + b.system - a.system) / 1000;
const out = { status: res.status, loadCpu: cpu(c0, c1), requestCpu: cpu(c1, c2), tookMs: JSON.parse(body).tookMs };
if (session) {
  const { profile } = await session.post("Profiler.stop");
  out.profile = profile;
  out.loadProfile = loadProfile;
}
console.log(JSON.stringify(out));
`;
writeFileSync(join(dir, "child.mjs"), CHILD);

interface Sample {
  status: number;
  loadCpu: number;
  requestCpu: number;
  tookMs: number;
  profile?: Profile;
  loadProfile?: Profile;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

for (const q of args.queries!.split("|")) {
  const samples: Sample[] = [];
  const runs = Number(args.runs);
  for (let i = 0; i < runs; i++) {
    const top = i === runs - 1 ? args.top! : "0";
    const r = spawnSync(
      process.execPath,
      [join(dir, "child.mjs"), join(dir, "worker.mjs"), resolve(args.assets!), q, top],
      {
        encoding: "utf8",
        maxBuffer: 1 << 30,
      },
    );
    if (r.status !== 0) throw new Error(`cold-profile: child failed: ${r.stderr}`);
    const s = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Sample;
    if (s.status !== 200) throw new Error(`cold-profile: HTTP ${s.status}`);
    samples.push(s);
  }
  const f = (k: "loadCpu" | "requestCpu" | "tookMs") => median(samples.map((s) => s[k])).toFixed(1);
  console.log(
    `"${q}": module load ${f("loadCpu")} ms CPU, request ${f("requestCpu")} ms CPU, tookMs ${f("tookMs")} ` +
      `(medians of ${runs}; request CPU each: ${samples.map((s) => s.requestCpu.toFixed(0)).join(", ")})`,
  );
  const last = samples.at(-1)!;
  if (last.loadProfile) printTop(last.loadProfile, Number(args.top), "module load");
  if (last.profile) printTop(last.profile, Number(args.top), "request");
}

function printTop(profile: Profile, top: number, label: string) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const charge = (id: number): string => {
    const n = byId.get(id)!;
    const fn = n.callFrame.functionName || "(anonymous)";
    // The bundle's frames by name and line (of worker.mjs, kept in the temporary directory printed above).
    if (n.callFrame.url.includes("worker.mjs")) return `${fn}:${n.callFrame.lineNumber + 1}`;
    if (fn.startsWith("(")) return fn;
    const p = parent.get(id);
    return p === undefined ? fn : `${fn} ← ${charge(p)}`;
  };
  /** The nearest bundle frame at or above a sample: whose code (package or source folder) the time is spent for. */
  const owner = (id: number | undefined): string => {
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at)!;
      if (n.callFrame.url.includes("worker.mjs")) return moduleAt(n.callFrame.lineNumber);
    }
    return "(outside the bundle)";
  };
  /** The nearest frame of the project's own code at or above a sample: which of its modules asked for the work. */
  const asker = (id: number | undefined): string => {
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at)!;
      if (!n.callFrame.url.includes("worker.mjs")) continue;
      const m = moduleAt(n.callFrame.lineNumber);
      if (m.startsWith("src/")) return m;
    }
    return "(no project frame)";
  };
  const fns = new Map<string, number>();
  const modules = new Map<string, number>();
  const askers = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const key = charge(id);
    if (key === "(idle)") return;
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    fns.set(key, (fns.get(key) ?? 0) + dt);
    const m = owner(id);
    modules.set(m, (modules.get(m) ?? 0) + dt);
    const a = asker(id);
    askers.set(a, (askers.get(a) ?? 0) + dt);
  });
  console.log(`  ${label} profile: ${(total / 1000).toFixed(1)} ms sampled; top functions of the bundle (self time):`);
  for (const [f, t] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${(t / 1000).toFixed(1).padStart(7)} ms  ${f.split(" ← ").slice(0, 3).join(" ← ")}`);
  console.log(
    `  ${label}: time by the bundle module it is spent for (self time and what it calls outside the bundle):`,
  );
  for (const [m, t] of [...modules].sort((a, b) => b[1] - a[1]).slice(0, Math.min(top, 12)))
    console.log(`  ${(t / 1000).toFixed(1).padStart(7)} ms  ${m}`);
  console.log(`  ${label}: time by the project module whose code asked for it (nearest src/ frame):`);
  for (const [m, t] of [...askers].sort((a, b) => b[1] - a[1]).slice(0, Math.min(top, 12)))
    console.log(`  ${(t / 1000).toFixed(1).padStart(7)} ms  ${m}`);
}
