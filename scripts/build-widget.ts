/**
 * Bundles src/widget into widget.js for the static assets directories.
 * Usage: tsx scripts/build-widget.ts [outDir…] (default: dist/assets and dist/test-assets).
 * A classic IIFE, not a module: the widget reads document.currentScript to find
 * the service it was loaded from, which modules do not have.
 */
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** The widget's size budget, gzipped: small enough for any page to load it without a second thought. */
export const WIDGET_GZIP_BUDGET = 10 * 1024;

export async function buildWidget(
  outDirs: string | string[] = ["dist/assets", "dist/test-assets"],
): Promise<{ bytes: number; gzipBytes: number }> {
  const result = await build({
    entryPoints: ["src/widget/index.ts"],
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2020",
    legalComments: "none",
    write: false,
    logLevel: "warning",
  });
  const code = result.outputFiles[0]!.contents;
  const gzipBytes = gzipSync(code, { level: 9 }).length;
  if (gzipBytes > WIDGET_GZIP_BUDGET)
    throw new Error(
      `build-widget: widget.js is ${gzipBytes} bytes gzipped, over the ${WIDGET_GZIP_BUDGET}-byte budget`,
    );
  for (const dir of typeof outDirs === "string" ? [outDirs] : outDirs) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "widget.js"), code);
  }
  return { bytes: code.length, gzipBytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dirs = process.argv.slice(2);
  buildWidget(dirs.length ? dirs : undefined)
    .then(({ bytes, gzipBytes }) => {
      console.log(`widget.js: ${bytes} bytes, ${gzipBytes} bytes gzipped`);
    })
    .catch((e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
