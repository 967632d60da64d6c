/**
 * Random bytes, unicode, huge and malformed parameters, and every
 * Object.prototype name, at every API route and page: the Worker must always
 * answer below 500, in JSON under /api/ and in HTML on pages. Over 10,000 cases.
 */
import { exports } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import app from "../../src/index";
import { bindings } from "../cache/worker-env";
import { PROTOTYPE_NAMES } from "../helpers";

/**
 * Most cases call the app in-process with the real bindings, which is about
 * ten times faster than a round trip through the pool's worker entry; the
 * limiter is off there (it has its own tests) so every case reaches a route,
 * search shards are scored in-process (the same scoring code) rather than
 * through Durable Objects, and KV is left out (a local KV write costs more
 * than most cases; test/cache covers it). A smaller run goes through `exports.default.fetch`,
 * the real entry point, shards and all.
 */
const inProcess = bindings({ RATE_LIMIT_PER_MINUTE: "0", SEARCH_SHARDS: undefined, CACHE: undefined });
type Send = (req: Request) => Promise<Response>;
const viaApp: Send = async (req) => {
  const ctx = createExecutionContext();
  const res = await app.fetch(req, inProcess, ctx);
  await waitOnExecutionContext(ctx);
  return res;
};
const viaEntry: Send = (req) => exports.default.fetch(req);

/** Percent-encodes arbitrary bytes, including ones that are not UTF-8 at all. */
const pct = (bytes: Uint8Array) => [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
const utf8 = (s: string) => pct(new TextEncoder().encode(s));

const NASTY = [
  "",
  " ",
  "%",
  "%%",
  "%zz",
  "%E0%A4%A",
  "%C0%AF",
  "%00",
  "+",
  "&",
  "=",
  "==",
  "?",
  "#",
  "/",
  "//",
  "..",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "\"'`",
  "{}",
  "[]",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "-0",
  "-1",
  "0",
  "1.5",
  "1e9",
  "9".repeat(40),
  "0x10",
  " 10",
  "10 ",
  "１０",
  "true",
  "KV 2/2681",
  "KV 2/1-99999999",
  "kv-2-2681",
  "*",
  "~",
  "\\",
  "\u0000",
  "\u202e",
  "\ud800",
  "\uffff",
  "🦊",
  "ǅ",
  "İ",
  "ß",
  "a".repeat(300),
  "a ".repeat(40),
  '"unterminated',
  "person:",
  "series:",
  "-",
  "--",
  "- - -",
  "1920-1910",
  "in the 0s",
  'person:""',
  ...PROTOTYPE_NAMES,
  ...PROTOTYPE_NAMES.map((n) => n.toLowerCase()),
  "ship constructor",
  "constructors",
  "person:constructor",
  "series:__proto__",
  '"hasOwnProperty valueOf"',
  "-constructor",
];

/** One parameter value, as it goes on the wire. */
const wireValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY).map((s) => (s.includes("%") ? s : utf8(s))) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }).map(utf8) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }).map(utf8) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 40 }).map(pct) },
  { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 40 }).map((s) => s.replace(/[#\s]/g, "")) },
  { weight: 1, arbitrary: fc.integer({ min: -1e9, max: 1e9 }).map(String) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 200, max: 3000 })
      .chain((n) => fc.constantFrom("a", "é", "%", "+", "ab ").map((c) => utf8(c.repeat(n)))),
  },
);

/** 15 properties of this many runs plus the entry-point run: over 10,000 cases. */
const RUNS_PER_ROUTE = 680;

const KNOWN_PARAMS = ["q", "ref", "limit", "offset", "series", "from", "to", "match", "synonyms", "explain", "prefix"];
const paramName: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KNOWN_PARAMS) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }).map(utf8) },
  { weight: 1, arbitrary: fc.constantFrom("", "q[]", "q%00", "Q", "%", ...PROTOTYPE_NAMES) },
);

const query: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.tuple(paramName, wireValue).map(([k, v]) => `${k}=${v}`),
      paramName,
      wireValue,
    ),
    { maxLength: 40 },
  )
  .map((parts) => (parts.length ? `?${parts.join("&")}` : ""));

const segment: fc.Arbitrary<string> = fc.oneof(
  wireValue.filter((s) => s.length > 0),
  fc.constantFrom(
    "kv-2-2681",
    "KV%202",
    "leon-helfland",
    ...PROTOTYPE_NAMES,
    ...PROTOTYPE_NAMES.map((n) => n.toLowerCase()),
  ),
);

const ROUTES: Array<[string, fc.Arbitrary<string>]> = [
  ["/api/search", fc.constant("/api/search")],
  ["/api/suggest", fc.constant("/api/suggest")],
  ["/api/lookup", fc.constant("/api/lookup")],
  ["/api/records/:id", segment.map((s) => `/api/records/${s}`)],
  ["/api/records/:id/related", segment.map((s) => `/api/records/${s}/related`)],
  ["/api/series/:s", segment.map((s) => `/api/series/${s}`)],
  ["/api/health", fc.constant("/api/health")],
  ["/api/people", fc.constant("/api/people")],
  ["/api/people/:slug", segment.map((s) => `/api/people/${s}`)],
];

/** Pages the Worker renders itself, and the type each answers in. */
const PAGES: Array<[string, fc.Arbitrary<string>, string]> = [
  ["/", fc.constant("/"), "text/html"],
  ["/embed", fc.constant("/embed"), "text/html"],
  ["/records/:id", segment.map((s) => `/records/${s}`), "text/html"],
  ["/docs", fc.constant("/docs"), "text/html"],
  ["/opensearch.xml", fc.constant("/opensearch.xml"), "application/opensearchdescription+xml"],
];

const headers: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    "if-none-match": fc.oneof(
      fc.constant(""),
      fc.constant("*"),
      fc.string({ unit: "binary-ascii", maxLength: 60 }).map((s) => s.replace(/[\r\n\0]/g, "")),
    ),
    "cf-connecting-ip": fc.oneof(
      fc.constant(""),
      fc.ipV4(),
      fc.ipV6(),
      fc.string({ unit: "binary-ascii", maxLength: 40 }).map((s) => s.replace(/[\r\n\0]/g, "")),
    ),
    "accept-encoding": fc.constantFrom("gzip, br", "identity", "*", ""),
  },
  { requiredKeys: [] },
);

async function assertJsonBelow500(send: Send, path: string, method: "GET" | "HEAD", h: Record<string, string>) {
  let url: string;
  try {
    url = new URL(`http://dossier.test${path}`).href;
  } catch {
    return; // a URL no client could send
  }
  // Dot segments (`/api/%2e%2e`) resolve out of the API before any Worker sees them.
  if (!new URL(url).pathname.startsWith("/api/")) return;
  const res = await send(new Request(url, { method, headers: h }));
  const text = await res.text();
  const where = `${method} ${path.slice(0, 300)} → ${res.status} ${text.slice(0, 200)}`;
  expect(res.status, where).toBeLessThan(500);
  if (res.status === 304) return;
  expect(res.headers.get("content-type"), where).toContain("application/json");
  if (method === "HEAD") return;
  const body = JSON.parse(text) as unknown;
  expect(typeof body === "object" && body !== null, where).toBe(true);
  if (res.status >= 400)
    expect((body as { error?: { code?: unknown } }).error?.code, where).toEqual(expect.any(String));
}

type Method = "GET" | "HEAD";
const methodArb = fc.constantFrom<Method>("GET", "GET", "GET", "HEAD");

async function assertPageBelow500(send: Send, path: string, method: Method, h: Record<string, string>, type: string) {
  let url: string;
  try {
    url = new URL(`http://dossier.test${path}`).href;
  } catch {
    return; // a URL no client could send
  }
  // Dot segments resolve to other paths (even into /api/) before any Worker sees them.
  if (new URL(url).pathname.startsWith("/api/")) return;
  const res = await send(new Request(url, { method, headers: h }));
  const text = await res.text();
  const where = `${method} ${path.slice(0, 300)} → ${res.status} ${text.slice(0, 200)}`;
  expect(res.status, where).toBeLessThan(500);
  if (res.status === 304) return;
  const got = res.headers.get("content-type") ?? "";
  // An error on any page is an HTML page; only a 200 of /opensearch.xml is XML.
  expect(got, where).toContain(res.status === 200 ? type : "text/html");
  if (method === "GET") expect(text.length, where).toBeGreaterThan(0);
}

describe("every page under random, huge and malformed input", () => {
  it.each(PAGES)(
    "%s answers below 500",
    async (_, pathArb, type) => {
      await fc.assert(
        fc.asyncProperty(pathArb, query, methodArb, headers, async (path, q, method, h) => {
          await assertPageBelow500(viaApp, path + q, method, h, type);
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    },
    120_000,
  );
});

describe("every API route under random, huge and malformed input", () => {
  it.each(ROUTES)(
    "%s answers JSON below 500",
    async (_, pathArb) => {
      await fc.assert(
        fc.asyncProperty(
          pathArb,
          query,
          fc.constantFrom<"GET" | "HEAD">("GET", "GET", "GET", "HEAD"),
          headers,
          async (path, q, method, h) => {
            await assertJsonBelow500(viaApp, path + q, method, h);
          },
        ),
        { numRuns: RUNS_PER_ROUTE },
      );
    },
    120_000,
  );

  it("answers JSON below 500 for raw junk after /api/", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 5 }), query, async (segs, q) => {
        await assertJsonBelow500(viaApp, `/api/${segs.join("/")}${q}`, "GET", {});
      }),
      { numRuns: RUNS_PER_ROUTE },
    );
  }, 120_000);

  it("answers JSON below 500 through the Worker's real entry point", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(...ROUTES.map(([, p]) => p)), query, headers, async (path, q, h) => {
        await assertJsonBelow500(viaEntry, path + q, "GET", h);
      }),
      { numRuns: 200 },
    );
  }, 120_000);

  it("answers pages below 500 through the Worker's real entry point", async () => {
    const page = fc.oneof(...PAGES.map(([, p, type]) => p.map((path) => [path, type] as const)));
    await fc.assert(
      fc.asyncProperty(page, query, headers, async ([path, type], q, h) => {
        await assertPageBelow500(viaEntry, path + q, "GET", h, type);
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
