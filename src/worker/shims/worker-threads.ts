/**
 * FlexSearch's ESM bundle mentions `worker_threads` for its worker-pool mode,
 * which Dossier never uses and Workers do not have. Bundlers alias the module
 * here, so the Worker bundles; reaching it is a bug, and says so.
 */
export class Worker {
  constructor() {
    throw new Error("dossier: FlexSearch's worker mode is not available on Cloudflare Workers");
  }
}
export default { Worker };
