/**
 * Global setup of the R2 suite: the test catalogue of test/global-setup.ts,
 * also built packed (small packs, so even this catalogue spans many of them
 * and many directory pages, and a record-shard table of more pages than the manifest root lists, so its page
 * list is a file of its own) into
 * TEST_PACKED_ASSETS_DIR, which the suite's bucket is loaded from. So the R2
 * suite checks the R2 layout: packs read by range, tables read in pieces.
 */
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import setupTestAssets, { TEST_SEARCH_SHARDS } from "../global-setup";

export const TEST_PACKED_ASSETS_DIR = "dist/test-assets-packed";

export default function setup() {
  setupTestAssets();
  buildCatalogue({
    dataDirs: ["data", "test/fixtures/ingest"],
    outDir: TEST_PACKED_ASSETS_DIR,
    searchShards: TEST_SEARCH_SHARDS,
    reportPath: "dist/test-packed-ingest-report.json",
    recordTablePageShards: 2,
    packs: { targetBytes: 64 * 1024, maxBytes: 256 * 1024, dirPageBytes: 2 * 1024 },
  });
}
