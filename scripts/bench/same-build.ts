/**
 * `npx tsx scripts/bench/same-build.ts <assets dir A> <assets dir B>`: whether two published builds hold the same
 * files with the same bytes (the manifest's build time left out), for a build change that must not change its
 * output. Prints the first differences and exits 1 when there are any.
 */
import { publishedFileHashes as hashes } from "../lib/published-files";

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
