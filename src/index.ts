/** Dossier's Worker: mounts the routes; each concern lives in its own module. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import type { AppEnv } from "./worker/app-env";
import { withStores } from "./worker/app-env";
import { ApiError, onError } from "./worker/errors";
import { validationHook } from "./worker/validation-hook";
import { healthRoutes } from "./worker/routes/health";
import { recordRoutes } from "./worker/routes/records";
import { searchRoutes } from "./worker/routes/search";
import { peopleRoutes } from "./worker/routes/people";
import { exportRoutes } from "./worker/routes/export";
import { discoveryRoutes } from "./worker/routes/discovery";
import { securityHeaders, requestLimits } from "./worker/middleware/security-headers";
import { rateLimit } from "./worker/middleware/rate-limit";
import { cachedApiMiddleware } from "./worker/middleware/cached-api";
import { pageRoutes, mountApiDocs } from "./worker/pages";

const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

app.use("*", securityHeaders);
app.use("/api/*", cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"], maxAge: 86400 }));
app.use("/api/*", requestLimits);
app.use("/api/*", rateLimit);
app.use("*", withStores);
app.use("/api/*", cachedApiMiddleware);
app.use("/discovery/*", cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"], maxAge: 86400 }));
app.use("/discovery/*", requestLimits);
app.use("/discovery/*", rateLimit);

app.route("/api", healthRoutes);
app.route("/api", recordRoutes);
app.route("/api", searchRoutes);
app.route("/api", peopleRoutes);
app.route("/api", exportRoutes);
app.route("/discovery/API", discoveryRoutes);
// Before the pages' catch-all, so a Discovery client gets JSON, not an HTML 404 page.
app.all("/discovery/*", (c) => {
  throw new ApiError(404, "not_found", `no Discovery-compatible route at ${new URL(c.req.url).pathname}; see /docs and docs/discovery-compat.md`);
});

mountApiDocs(app);
app.route("/", pageRoutes);

app.all("/api/*", (c) => {
  throw new ApiError(c.req.method === "GET" || c.req.method === "HEAD" ? 404 : 405,
    c.req.method === "GET" || c.req.method === "HEAD" ? "not_found" : "method_not_allowed",
    c.req.method === "GET" || c.req.method === "HEAD" ? `no API route at ${new URL(c.req.url).pathname}` : `the API only answers GET; ${c.req.method} is not allowed`);
});
app.notFound((c) => c.json({ error: { code: "not_found", message: "no such page" } }, 404));
app.onError(onError);

export default app;
// Durable Object classes must be exported by the Worker's main module.
export { SearchShard } from "./worker/search/search-shard-object";
