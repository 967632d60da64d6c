/**
 * Builds the catalogue the Worker tests read, in Node, before workerd starts:
 * the built-in data plus the small fixtures of every format. It is built with
 * three search shards, so every API test runs the production fan-out through
 * Durable Objects (a single-shard build takes the in-process path, which the
 * evaluation, the benchmark and the browser tests exercise).
 */
import { buildCatalogue } from "../src/indexer/build-catalogue";

export const TEST_ASSETS_DIR = "dist/test-assets";
export const TEST_SEARCH_SHARDS = 3;

export default function setup() {
  // Both workerd projects (static assets and R2) read this build: made once per test run.
  if (process.env.DOSSIER_TEST_ASSETS_BUILT === String(process.pid)) return;
  const result = buildCatalogue({
    dataDirs: ["data", "test/fixtures/ingest"],
    outDir: TEST_ASSETS_DIR,
    searchShards: TEST_SEARCH_SHARDS,
    // Beside the test assets, not dist/ingest-report.json: a test run must not overwrite a real build's report.
    reportPath: "dist/test-ingest-report.json",
  });
  if (result.rejects.length === 0)
    throw new Error("test fixtures must include rejected rows, so the reject path is exercised");
  process.env.DOSSIER_TEST_ASSETS_BUILT = String(process.pid);
}
