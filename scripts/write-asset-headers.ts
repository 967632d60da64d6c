/**
 * The `_headers` file for the static assets. Workers serve built files
 * without running our code, so their caching and hardening headers must come
 * from this file, which the platform reads from the assets directory.
 *
 * Usage from the build: `writeAssetHeaders(outDir)`; or run this script with
 * the assets directory as its argument.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { IMMUTABLE_CACHE_CONTROL, MANIFEST_CACHE_CONTROL } from "../src/worker/cache/http-cache";

/** Asset folders whose file names carry a content hash: a name never gets new bytes (packs and their directory too). */
export const IMMUTABLE_ASSET_DIRS = ["records", "series", "search", "packs"];

export function assetHeadersFile(): string {
  const rules: string[] = [
    // Rules add up, and a header named twice is joined with a comma, so
    // Cache-Control appears in exactly one rule per path.
    "/*",
    "  X-Content-Type-Options: nosniff",
    "  Referrer-Policy: strict-origin-when-cross-origin",
    "",
    ...IMMUTABLE_ASSET_DIRS.flatMap((dir) => [
      `/${dir}/*`,
      `  Cache-Control: ${IMMUTABLE_CACHE_CONTROL}`,
      "  Access-Control-Allow-Origin: *",
      "",
    ]),
    "/manifest.json",
    `  Cache-Control: ${MANIFEST_CACHE_CONTROL}`,
    "  Access-Control-Allow-Origin: *",
    "",
  ];
  return rules.join("\n");
}

export function writeAssetHeaders(assetsDir: string): string {
  const path = join(resolve(assetsDir), "_headers");
  writeFileSync(path, assetHeadersFile());
  return path;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dir = process.argv[2] ?? "dist/assets";
  console.log(`wrote ${writeAssetHeaders(dir)}`);
}
