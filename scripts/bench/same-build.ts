/**
 * `npx tsx scripts/bench/same-build.ts <assets dir A> <assets dir B>`: whether two published builds hold the same
 * files with the same bytes (the manifest's build time left out), for a build change that must not change its
 * output. Prints the first differences and exits 1 when there are any.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Every file under `dir` by path, with a hash of its bytes (the manifest's without its `builtAt`). */
function hashes(dir: string): Map<string, string> {
  const root = realpathSync(dir);
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const path = relative(root, p);
        const bytes = readFileSync(p);
        const data = path === "manifest.json" ? bytes.toString("utf8").replace(/"builtAt":"[^"]*"/, "") : bytes;
        out.set(path, createHash("sha256").update(data).digest("hex"));
      }
    }
  };
  walk(root);
  return out;
}

const [a, b] = process.argv.slice(2);
if (!a || !b) {
  console.error("usage: same-build.ts <assets dir A> <assets dir B>");
  process.exit(2);
}
const ha = hashes(a);
const hb = hashes(b);
const differ: string[] = [];
for (const [path, h] of ha)
  if (hb.get(path) !== h) differ.push(hb.has(path) ? `differs: ${path}` : `only in A: ${path}`);
for (const path of hb.keys()) if (!ha.has(path)) differ.push(`only in B: ${path}`);
if (differ.length) {
  console.log(`${differ.length} of ${ha.size} files differ:\n${differ.slice(0, 20).join("\n")}`);
  process.exit(1);
}
console.log(`same: ${ha.size} files, byte for byte (manifest's builtAt aside)`);
