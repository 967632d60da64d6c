import { defineConfig } from "vitest/config";

// Tests that need Node itself (loopback HTTP servers, the file system, child
// processes) and so cannot run in the workerd pool of vitest.config.ts.
export default defineConfig({
  test: {
    name: "node",
    environment: "node",
    include: ["test/**/*.node.test.ts"],
    exclude: ["node_modules/**"],
  },
});
