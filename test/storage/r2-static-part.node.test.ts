/**
 * Served from R2, a build's catalogue is in the bucket and only the rest (the widget, `_headers`) in static assets:
 * `[env.r2.assets]` names the folder `writeStaticPart` fills. Bound to the whole build, a deploy would send the
 * catalogue to static assets as well, and fail on a file over their 25 MiB.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { listBuildFiles, writeStaticPart } from "../../scripts/lib/build-source";
import { R2_STATIC_DIR } from "../../scripts/deploy-r2";

const dir = mkdtempSync(join(tmpdir(), "dossier-r2-static-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function buildOf(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("the static part of a build served from R2", () => {
  it("holds the widget and the headers file, and none of the catalogue the bucket holds", () => {
    const build = buildOf("b1", {
      "manifest.json": "{}",
      "records/0.aaaaaaaaaaaa.json": "[]",
      "search/terms/0.bbbbbbbbbbbb.bin": "x",
      "packs/0-0.cccccccccccc.pack": "x",
      "series/dir/page-0.dddddddddddd.json": "{}",
      "widget.js": "widget one",
      _headers: "/widget.js\n  Cache-Control: no-cache\n",
    });
    const out = join(dir, "static");
    expect(writeStaticPart(build, out).sort()).toEqual(["/_headers", "/widget.js"]);
    expect(listBuildFiles(out)).toEqual(["/_headers", "/widget.js"]);
    expect(readFileSync(join(out, "widget.js"), "utf8")).toBe("widget one");
  });

  it("replaces a previous build's part whole, dropping what the new build no longer has", () => {
    const out = join(dir, "static-2");
    writeStaticPart(buildOf("b2", { "manifest.json": "{}", "widget.js": "old", "old-extra.txt": "gone" }), out);
    writeStaticPart(buildOf("b3", { "manifest.json": "{}", "widget.js": "new" }), out);
    expect(listBuildFiles(out)).toEqual(["/widget.js"]);
    expect(readFileSync(join(out, "widget.js"), "utf8")).toBe("new");
    expect(existsSync(`${out}.staging-${process.pid}`)).toBe(false);
  });

  it("is what wrangler.toml's [env.r2] binds as ASSETS, while the default Worker binds the whole build", () => {
    const r2 = unstable_readConfig({ config: "wrangler.toml", env: "r2" }, { hideWarnings: true });
    const top = unstable_readConfig({ config: "wrangler.toml" }, { hideWarnings: true });
    expect(r2.assets?.binding).toBe("ASSETS");
    expect(r2.assets?.directory).toMatch(new RegExp(`${R2_STATIC_DIR.replace("/", "\\/")}$`));
    expect(top.assets?.directory).toMatch(/dist\/assets$/);
  });
});
