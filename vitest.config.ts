import { defineConfig } from "vitest/config";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { unstable_readConfig } from "wrangler";

// The compatibility date lives in wrangler.toml only; the test config holds just the test bindings.
const compatibilityDate = unstable_readConfig({ config: "./wrangler.toml" }, { hideWarnings: true }).compatibility_date;

/**
 * Three projects, one config:
 * - workers: inside workerd, against a catalogue built by test/global-setup.ts
 *   from data/ plus the fixtures, through real ASSETS, KV and Durable Object bindings;
 * - node: what needs Node itself (loopback servers, child processes, Miniflare);
 * - browser: the widget and pages in Chromium against the real Worker.
 * `npm test` runs workers and node; `npm run test:browser` runs browser.
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
          exclude: ["test/browser/**", "node_modules/**", "test/**/*.node.test.ts"],
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
