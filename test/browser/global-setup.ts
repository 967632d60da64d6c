/**
 * Builds the assets the browser tests serve: the catalogue from data/ and widget.js, in a folder no other test run
 * rewrites.
 */
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { buildWidget } from "../../scripts/build-widget";
import { BROWSER_ASSETS_DIR } from "./harness";

export default async function setup() {
  buildCatalogue({ dataDirs: ["data"], outDir: BROWSER_ASSETS_DIR });
  const { gzipBytes } = await buildWidget(BROWSER_ASSETS_DIR);
  console.log(`browser tests: widget.js is ${gzipBytes} bytes gzipped`);
}
