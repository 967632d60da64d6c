import { defineConfig } from "vitest/config";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { unstable_readConfig } from "wrangler";

// The compatibility date lives in wrangler.toml only; the test config holds just the test bindings.
const compatibilityDate = unstable_readConfig({ config: "./wrangler.toml" }, { hideWarnings: true }).compatibility_date;

// `npm test` runs two projects:
// - workers: inside workerd, against a catalogue built by test/global-setup.ts
//   from data/ plus the fixtures, through a real ASSETS binding and KV;
// - node: what needs Node itself (loopback servers, child processes).
// The browser suite has its own config (vitest.browser.config.ts).
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./test/wrangler.test.toml" }, miniflare: { compatibilityDate } })],
        test: {
          name: "workers",
          globalSetup: ["./test/global-setup.ts"],
          include: ["test/**/*.test.ts"],
          exclude: ["test/browser/**", "node_modules/**", "test/**/*.node.test.ts"],
        },
      },
      "./vitest.node.config.ts",
    ],
  },
});
