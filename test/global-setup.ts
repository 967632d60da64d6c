/** Builds the catalogue the Worker tests read: the built-in data plus the small fixtures, in Node, before workerd starts. */
import { buildCatalogue } from "../src/build/build-catalogue";

export const TEST_ASSETS_DIR = "dist/test-assets";

export default function setup() {
  const result = buildCatalogue({ dataDirs: ["data", "test/fixtures/ingest"], outDir: TEST_ASSETS_DIR });
  if (result.rejects.length === 0) throw new Error("test fixtures must include rejected rows, so the reject path is exercised");
}
