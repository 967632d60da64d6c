import { defineConfig } from "vitest/config";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { unstable_readConfig } from "wrangler";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// The compatibility date lives in wrangler.toml only; the test config holds just the test bindings.
const compatibilityDate = unstable_readConfig({ config: "./wrangler.toml" }, { hideWarnings: true }).compatibility_date;

/**
 * Serves a test build (test/storage/global-setup-r2.ts's packed one) to workerd as a
 * service binding: `GET /` lists its asset paths, `GET /<path>` answers a file.
 * Inline, not imported: this config is loaded before any TypeScript loader.
 */
function testBuildFiles(dir: string) {
  return async (request: Request): Promise<Response> => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    if (path === "/") {
      const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      return Response.json(files.map((e) => "/" + join(e.parentPath, e.name).slice(dir.length + 1)));
    }
    try {
      return new Response(readFileSync(join(dir, path)));
    } catch {
      return new Response(`no file ${path} in ${dir}`, { status: 404 });
    }
  };
}

/** The API suite, run against both storage backends (the workers-r2 project reads only R2). */
const API_SUITE = ["test/api/**/*.test.ts", "test/storage/**/*.test.ts"];

/**
 * Four projects, one config:
 * - workers: inside workerd, against a catalogue built by test/global-setup.ts
 *   from data/ plus the fixtures, through real ASSETS, KV and Durable Object bindings;
 * - workers-r2: the API suite again, with the catalogue built packed and read
 *   from Miniflare's R2 (test/wrangler.r2.test.toml: no static assets bound at all);
 * - node: what needs Node itself (loopback servers, child processes, Miniflare);
 * - browser: the widget and pages in Chromium against the real Worker.
 * `npm test` runs workers and node; `npm run test:r2` runs workers-r2 (.ci/run
 * runs it too); `npm run test:browser` runs browser.
 *
 * Timeouts fit a loaded two-core machine: a cold isolate's first search reads
 * its index chunks, and starting or disposing workerd can take seconds there.
 */
export default defineConfig({
  test: {
    teardownTimeout: 60_000,
    // Vitest's default on two cores is one file at a time, but most test time is spent
    // waiting on workerd (a separate process), so three files in flight keep both cores busy.
    maxWorkers: 3,
    projects: [
      {
        plugins: [
          cloudflareTest({ wrangler: { configPath: "./test/wrangler.test.toml" }, miniflare: { compatibilityDate } }),
        ],
        test: {
          name: "workers",
          globalSetup: ["./test/global-setup.ts"],
          include: ["test/**/*.test.ts"],
          // R2-only cases (damaged packs) run in workers-r2; here they could only be skipped.
          exclude: ["test/browser/**", "node_modules/**", "test/**/*.node.test.ts", "test/storage/r2-*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./test/wrangler.r2.test.toml" },
            miniflare: {
              compatibilityDate,
              // The setup file uploads the test build into the bucket from this service.
              serviceBindings: { TEST_BUILD_FILES: testBuildFiles("dist/test-assets-packed") },
            },
          }),
        ],
        test: {
          name: "workers-r2",
          globalSetup: ["./test/storage/global-setup-r2.ts"],
          setupFiles: ["./test/storage/load-r2-bucket.ts"],
          include: API_SUITE,
          exclude: ["node_modules/**", "test/**/*.node.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/**/*.node.test.ts"],
          exclude: ["node_modules/**"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // Runs in Node (not the Workers pool): starts the real Worker with wrangler,
          // a host page on another port, and Debian's Chromium.
          name: "browser",
          environment: "node",
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["./test/browser/global-setup.ts"],
          // One Worker and one Chromium per file; files in parallel would fight over CPU and make timeouts flaky.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // A cold Worker's first typeahead answer can take seconds on a loaded machine; 1 s (the default) flaked.
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
