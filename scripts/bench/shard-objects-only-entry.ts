/**
 * A Worker entry holding only the search shard objects, for `isolate-start.ts`: what an isolate would cost to start
 * if the objects ran in a script of their own, without the HTTP app's routes, schemas and pages.
 */
export { SearchShard } from "../../src/worker/search/search-shard-object";
export default { fetch: () => new Response("search shard objects only", { status: 404 }) };
