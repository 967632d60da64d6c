/**
 * Index bytes by kind: every file under `search/` of a build, gzipped alone at level 6 (as `assetStats` counts
 * `indexGzipBytes`), grouped by what it holds.
 * `npx tsx scripts/bench/index-bytes.ts <build dir>`
 */
import { relative } from "node:path";
import { gzipSync } from "node:zlib";
import { walk } from "../../src/indexer/build-catalogue";
import { forEachChunk } from "./build-assets";

const dir = process.argv[2];
if (!dir) throw new Error("usage: index-bytes.ts <build dir>");
const gz = (b: Uint8Array) => gzipSync(b, { level: 6 }).length;
const sum = new Map<string, { n: number; raw: number; gzip: number }>();
const add = (kind: string, raw: number, gzip: number) => {
  const s = sum.get(kind) ?? { n: 0, raw: 0, gzip: 0 };
  s.n++;
  s.raw += raw;
  s.gzip += gzip;
  sum.set(kind, s);
};
function kindOf(p: string): string {
  const parts = p.replace(/^\//, "").split("/");
  if (parts[0] !== "search") return "";
  const rest = parts.slice(1).filter((x) => !/^s\d+$/.test(x));
  if (rest[0] === "suggest") {
    // File names escape "~" (variant keys) as _7e and "#" (sound keys) as _23; a split prefix's top list is "top-".
    const name = rest[1]?.replace(/^top-/, "") ?? "";
    return `suggest (${name.startsWith("_7e") ? "variant" : name.startsWith("_23") ? "sound" : "spelling"} keys)`;
  }
  return rest.length > 1 ? rest[0]! : rest[0]!.split(".")[0]!;
}
const files = walk(dir).map((p) => relative(dir, p));
forEachChunk(dir, files, (p, data) => {
  const k = kindOf(p);
  if (k) add(k, data.length, gz(data));
});
const MiB = (x: number) => (x / 1048576).toFixed(2);
let total = 0;
for (const [k, s] of [...sum].sort((a, b) => b[1].gzip - a[1].gzip)) {
  total += s.gzip;
  console.log(
    `${k.padEnd(24)} ${String(s.n).padStart(7)} files  raw ${MiB(s.raw).padStart(8)}  gzip ${MiB(s.gzip).padStart(7)} MiB  ${s.gzip} B`,
  );
}
console.log(`${"total search/".padEnd(24)} gzip ${MiB(total)} MiB  ${total} B`);
