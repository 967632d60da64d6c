import { defineConfig } from "vitest/config";

// Browser tests run in Node (not the Workers pool): they start the real Worker
// with wrangler, a host page on another port, and Debian's Chromium.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    globalSetup: ["./test/browser/global-setup.ts"],
    environment: "node",
    // One Worker and one Chromium per file; files in parallel would fight over CPU and make timeouts flaky.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
