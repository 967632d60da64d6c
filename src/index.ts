/** Dossier's Worker: mounts the routes; each concern lives in its own module. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import type { AppEnv } from "./worker/app-env";
import { withStores } from "./worker/app-env";
import { ApiError, errorHandler } from "./worker/errors";
import { validationHook } from "./worker/validation-hook";
import { healthRoutes } from "./worker/routes/health";
import { recordRoutes } from "./worker/routes/records";
import { searchRoutes } from "./worker/routes/search";
import { peopleRoutes } from "./worker/routes/people";
import { exportRoutes } from "./worker/routes/export";
import { discoveryRoutes } from "./worker/routes/discovery";
import { securityHeaders, requestLimits } from "./worker/middleware/security-headers";
import { rateLimit } from "./worker/middleware/rate-limit";
import { cachedApiMiddleware, revalidation } from "./worker/middleware/cached-api";
import { pageRoutes, mountApiDocs, errorPage } from "./worker/pages";

const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

/** What the API and the pages answer; anything else is a 405 that says so (RFC 9110 §15.5.6). */
const API_METHODS = "GET, HEAD, OPTIONS";
const PAGE_METHODS = "GET, HEAD";

app.use("*", securityHeaders);
app.use("/api/*", cors({ origin: "*", allowMethods: API_METHODS.split(", "), maxAge: 86400 }));
// Pages search the same index as the API, so they get the same caps, limits and cache.
app.use("*", requestLimits);
app.use("*", rateLimit);
app.use("*", withStores);
app.use("*", revalidation);
for (const path of ["/api/*", "/", "/embed"]) app.use(path, cachedApiMiddleware);
app.use("/discovery/*", cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"], maxAge: 86400 }));

app.route("/api", healthRoutes);
app.route("/api", recordRoutes);
app.route("/api", searchRoutes);
app.route("/api", peopleRoutes);
app.route("/api", exportRoutes);
app.route("/discovery/API", discoveryRoutes);
// Before the pages' catch-all, so a Discovery client gets JSON, not an HTML 404 page.
app.all("/discovery/*", (c) => {
  throw new ApiError(
    404,
    "not_found",
    `no Discovery-compatible route at ${new URL(c.req.url).pathname}; see /docs and docs/discovery-compat.md`,
  );
});

mountApiDocs(app);
app.route("/", pageRoutes);

app.all("/api/*", (c) => {
  const read = c.req.method === "GET" || c.req.method === "HEAD";
  if (read) throw new ApiError(404, "not_found", `no API route at ${c.req.path}`);
  const message = `the API only answers GET; ${c.req.method} is not allowed`;
  throw new ApiError(405, "method_not_allowed", message, {}, { allow: API_METHODS });
});
app.all("*", (c) => {
  if (c.req.method === "GET" || c.req.method === "HEAD") {
    throw new ApiError(404, "not_found", "There is no page at this address.");
  }
  const message = `pages only answer GET; ${c.req.method} is not allowed`;
  throw new ApiError(405, "method_not_allowed", message, {}, { allow: PAGE_METHODS });
});
app.onError(errorHandler(errorPage));

export default app;
// Durable Object classes must be exported by the Worker's main module.
export { SearchShard } from "./worker/search/search-shard-object";
