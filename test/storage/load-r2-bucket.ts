/**
 * Setup file of the R2 suite, run in workerd before each test file: puts the
 * test catalogue (dist/test-assets-packed, served by the Node-side TEST_BUILD_FILES
 * service) into Miniflare's R2 bucket through the same upload code
 * `npm run deploy:r2` uses, so every test reads the catalogue from R2.
 */
import { env } from "cloudflare:workers";
import { beforeAll } from "vitest";
import { bucketTarget, uploadBuild, type BuildSource } from "../../scripts/lib/r2-upload";

export interface R2SuiteEnv {
  CATALOGUE_BUCKET: R2Bucket;
  /** The test build's files, served from Node (see vitest.config.ts). */
  TEST_BUILD_FILES: Fetcher;
}

export const r2Env = env as Env & R2SuiteEnv;

export function testBuildSource(): BuildSource {
  const files = r2Env.TEST_BUILD_FILES;
  return {
    list: async () => (await files.fetch("http://build/")).json(),
    read: async (path) => new Uint8Array(await (await files.fetch(`http://build${path}`)).arrayBuffer()),
  };
}

beforeAll(async () => {
  await uploadBuild(testBuildSource(), bucketTarget(r2Env.CATALOGUE_BUCKET));
}, 60_000);
