/**
 * npm start [-- --r2]: serve Dossier locally at http://127.0.0.1:8787 (PORT overrides)
 * on local KV. With `--r2`, the Worker of wrangler.toml's [env.r2] reads the
 * catalogue from Miniflare's R2, loaded from the build first (only the objects
 * it lacks, as `npm run deploy:r2 -- --local` does). Builds first when there is no whole build, or when it is older
 * than the data directories it was built from, so a build made with --data is
 * served as it is, and an edit to data/ is picked up.
 *
 * A build run while this serves (`npm run build` in another terminal) is picked
 * up once it is published: dist/assets is a link to one complete build folder
 * (src/indexer/build-folders.ts), and the dev server is pointed at the new folder
 * only when the link moves. It keeps serving the old one until then, and a
 * folder it serves is never written to, so it never sees half a build. With
 * `--r2`, a new build is uploaded and the server restarted on it (the bucket's
 * local store is one workerd's at a time).
 */
import { spawnSync } from "node:child_process";
import { basename, resolve } from "node:path";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { currentBuildDir, readBuiltManifest, rebuildReason } from "../src/indexer/build-folders";
import { configuredBucket, R2_STATIC_DIR, uploadLocal } from "./deploy-r2";
import { writeStaticPart } from "./lib/build-source";
import { buildCommand } from "./lib/build-command";

const OUT = "dist/assets";
const port = Number(process.env.PORT ?? "8787");
/** How often the link is checked for a newly published build: one readlink a second. */
const POLL_MS = 1000;
const PERSIST = ".wrangler/state";
const r2 = parseArgs({ options: { r2: { type: "boolean", default: false } } }).values.r2 === true;

// The programmatic form of `wrangler dev`: the only one whose assets folder can be switched
// without a restart (the CLI's watcher stays on the folder the link resolved to at start).
const require = createRequire(resolve("node_modules/wrangler/package.json"));
const { unstable_startWorker } = require("wrangler") as typeof import("wrangler");

const stale = rebuildReason(OUT);
if (stale) {
  console.log(stale.reason);
  const [node, argv] = buildCommand(...stale.dataDirs.flatMap((d) => ["--data", d]));
  const r = spawnSync(node, argv, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

process.env.WRANGLER_SEND_METRICS = "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
async function start(dir: string) {
  if (r2) {
    const bucket = configuredBucket();
    const up = await uploadLocal(dir, bucket, PERSIST);
    console.log(`Loaded local R2 bucket ${bucket}: ${up.uploaded} objects uploaded, ${up.kept} already there`);
    writeStaticPart(dir, R2_STATIC_DIR);
  }
  const w = await unstable_startWorker({
    config: "wrangler.toml",
    ...(r2 ? { env: "r2" } : {}),
    assets: r2 ? resolve(R2_STATIC_DIR) : dir,
    dev: { server: { hostname: "127.0.0.1", port }, persist: PERSIST, watch: true },
  });
  await w.ready;
  return w;
}

let served = currentBuildDir(OUT)!;
let worker = await start(served);
console.log(`Dossier is serving ${basename(served)}${r2 ? " from R2" : ""} at http://127.0.0.1:${port}`);

let switching = false;
const poll = setInterval(async () => {
  const next = currentBuildDir(OUT);
  if (switching || !next || next === served || !readBuiltManifest(next)) return;
  switching = true;
  try {
    if (r2) {
      await worker.dispose();
      worker = await start(next);
    } else await worker.patchConfig({ assets: next });
    served = next;
    console.log(`Dossier now serves ${basename(next)}`);
  } catch (e) {
    console.error(
      `start: could not switch to ${basename(next)}; still serving ${basename(served)}: ${(e as Error).message}`,
    );
  } finally {
    switching = false;
  }
}, POLL_MS);

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    clearInterval(poll);
    void worker.dispose().finally(() => process.exit(0));
  });
}
