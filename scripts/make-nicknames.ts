/**
 * npx tsx scripts/make-nicknames.ts [--shared ../shared]
 *
 * Derives data/nicknames/nicknames.json from the shared nickname table
 * (carltonnorthern/nicknames, Apache-2.0; its LICENSE.txt and SOURCE.md are
 * copied beside it) plus Russian diminutives written for this project
 * (russian-diminutives.csv here, same three columns). Output: folded name → related
 * names, both directions, sorted, so the Worker bundles one small table.
 */
import { parseArgs } from "node:util";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { words } from "../src/shared/text/fold";

const { values } = parseArgs({ options: { shared: { type: "string" } } });
const shared = resolve(values.shared ?? "../shared", "data/nicknames");
const out = "data/nicknames";
const related = new Map<string, Set<string>>();
const link = (a: string, b: string) => {
  if (a === b) return;
  (related.get(a) ?? related.set(a, new Set()).get(a)!).add(b);
  (related.get(b) ?? related.set(b, new Set()).get(b)!).add(a);
};
for (const file of [join(shared, "names.csv"), join(out, "russian-diminutives.csv")]) {
  for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
    const [a, rel, b] = line.trim().split(",");
    const fa = words(a ?? "").join(""),
      fb = words(b ?? "").join("");
    if (rel === "has_nickname" && fa.length >= 2 && fb.length >= 2) link(fa, fb);
  }
}
const table = Object.fromEntries([...related].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...v].sort()]));
writeFileSync(join(out, "nicknames.json"), JSON.stringify(table) + "\n");
copyFileSync(join(shared, "LICENSE.txt"), join(out, "LICENSE.txt"));
copyFileSync(join(shared, "SOURCE.md"), join(out, "SOURCE.md"));
console.log(`${Object.keys(table).length} names`);
