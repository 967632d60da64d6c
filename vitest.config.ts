import { defineConfig } from "vitest/config";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";

// Tests run inside workerd against a catalogue built by test/global-setup.ts
// from data/ plus the fixtures, served through a real ASSETS binding and KV.
export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: "./test/wrangler.test.toml" } })],
  test: {
    globalSetup: ["./test/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**", "node_modules/**"],
  },
});
