/**
 * npm start: serve Dossier locally at http://127.0.0.1:8787 (PORT overrides)
 * on local KV. Builds first when the assets are missing, or older than the
 * data directories they were built from — so a build made with --data is
 * served as it is, and an edit to data/ is picked up.
 */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";
import { readBuiltManifest } from "../src/build/build-catalogue";

const OUT = "dist/assets";
const port = process.env.PORT ?? "8787";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(".")) continue;
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

const manifest = readBuiltManifest(OUT);
let buildArgs: string[] | null = null;
if (!manifest) buildArgs = [];
else if (manifest.dataDirs.some((d) => !existsSync(d) || newestMtime(d) > Date.parse(manifest.builtAt))) {
  buildArgs = manifest.dataDirs.flatMap((d) => ["--data", d]);
}
if (buildArgs) {
  console.log(manifest ? "Assets are older than their data; rebuilding…" : "No built assets; building from data/…");
  const r = spawnSync("npx", ["tsx", "scripts/build.ts", ...buildArgs], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const child = spawn("npx", ["wrangler", "dev", "--ip", "127.0.0.1", "--port", port, "--local", "--persist-to", ".wrangler/state", "--show-interactive-dev-session=false"], { stdio: "inherit", env });
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
