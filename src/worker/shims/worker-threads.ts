/**
 * FlexSearch's ESM bundle mentions `worker_threads` for its worker-pool mode,
 * which Workers do not have. Dossier's Worker no longer loads FlexSearch (it
 * reads binary term chunks); only the bench's plain-FlexSearch peer, bundled
 * for workerd, aliases the module here. Reaching it is a bug, and says so.
 */
export class Worker {
  constructor() {
    throw new Error("dossier: FlexSearch's worker mode is not available on Cloudflare Workers");
  }
}
export default { Worker };
