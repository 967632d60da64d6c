import { describe, expect, it } from "vitest";
import { call } from "../helpers";
import { MAX_QUERY_PARAMS, MAX_URL_CHARS } from "../../src/worker/middleware/security-headers";
import { assetHeadersFile } from "../../scripts/write-asset-headers";

const ORIGIN = "https://some-other-site.example";

describe("security headers", () => {
  it.each(["/", "/no-such-page", "/records/kv-2-2681"])("sends nosniff, a referrer policy and a CSP on the page %s", async (path) => {
    const { headers } = await call(path);
    expect(headers.get("content-type")).toContain("text/html");
    expect(headers.get("x-content-type-options")).toBe("nosniff");
    expect(headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(headers.get("content-security-policy")).toMatch(/default-src '(none|self)'/);
    expect(headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("leaves a page that may be framed frameable", async () => {
    const { headers } = await call("/embed?q=fuchs");
    expect(headers.get("x-frame-options")).toBeNull();
    expect(headers.get("content-security-policy")).not.toContain("frame-ancestors 'none'");
  });

  it.each(["/api/records/kv-2-2681", "/api/records/kv-2-99999", "/api/nowhere", "/api/search?q="])("sends nosniff, a referrer policy and a CSP on the JSON answer %s", async (path) => {
    const { headers } = await call(path);
    expect(headers.get("content-type")).toContain("application/json");
    expect(headers.get("x-content-type-options")).toBe("nosniff");
    expect(headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(headers.get("content-security-policy")).toContain("default-src 'none'");
  });
});

describe("CORS", () => {
  it("lets any site read a GET answer", async () => {
    const { headers } = await call("/api/records/kv-2-2681", { headers: { origin: ORIGIN } });
    expect(headers.get("access-control-allow-origin")).toBe("*");
  });

  it("allows only GET, HEAD and OPTIONS in a preflight for POST", async () => {
    const { status, headers } = await call("/api/search", {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST" },
    });
    expect(status).toBe(204);
    const allowed = (headers.get("access-control-allow-methods") ?? "").split(",").map((m) => m.trim());
    expect(allowed).not.toContain("POST");
    expect(allowed).toEqual(expect.arrayContaining(["GET", "HEAD"]));
  });

  it.each(["POST", "PUT", "DELETE", "PATCH"])("refuses %s with 405 and the JSON error shape", async (method) => {
    const { status, body } = await call("/api/search?q=fuchs", { method, headers: { origin: ORIGIN }, body: method === "DELETE" ? undefined : "{}" });
    expect(status).toBe(405);
    expect(body.error.code).toBe("method_not_allowed");
  });
});

describe("request caps", () => {
  it(`answers a URL over ${MAX_URL_CHARS} characters with 414 before routing`, async () => {
    const { status, body } = await call(`/api/search?q=${"a".repeat(MAX_URL_CHARS)}`);
    expect(status).toBe(414);
    expect(body.error.code).toBe("bad_request");
  });

  it(`refuses more than ${MAX_QUERY_PARAMS} query parameters`, async () => {
    const params = Array.from({ length: MAX_QUERY_PARAMS + 1 }, (_, i) => `p${i}=1`).join("&");
    const { status, body } = await call(`/api/search?q=fuchs&${params}`);
    expect(status).toBe(400);
    expect(body.error.message).toContain(String(MAX_QUERY_PARAMS));
  });

  it("still answers a request just inside both caps", async () => {
    const params = Array.from({ length: MAX_QUERY_PARAMS - 1 }, (_, i) => `p${i}=1`).join("&");
    expect((await call(`/api/search?q=fuchs&${params}`)).status).toBe(200);
  });

  it.each([
    ["a query over 256 characters", `/api/search?q=${"a".repeat(257)}`],
    ["more than 32 query words", `/api/search?q=${Array.from({ length: 33 }, (_, i) => `w${i}`).join("+")}`],
    ["a limit over the maximum", "/api/search?q=fuchs&limit=101"],
    ["a negative offset", "/api/search?q=fuchs&offset=-1"],
    ["an offset past the cap", "/api/search?q=fuchs&offset=10001"],
    ["a series page limit over the maximum", "/api/series/KV%202?limit=1001"],
  ])("answers %s with 400", async (_, path) => {
    const { status, body } = await call(path);
    expect(status).toBe(400);
    expect(body.error.code).toBe("bad_request");
  });
});

describe("user text in answers", () => {
  const evil = `<script>alert("x")</script>`;

  it.each([
    `/api/lookup?ref=${encodeURIComponent(evil + " 2/1")}`,
    `/api/lookup?ref=${encodeURIComponent(evil)}`,
    `/api/records/${encodeURIComponent(evil)}`,
    `/api/series/${encodeURIComponent(evil)}`,
    `/api/people/${encodeURIComponent(evil)}`,
    `/api/${encodeURIComponent(evil)}`,
  ])("comes back only inside JSON strings, never as markup (%s)", async (path) => {
    const res = await call(path);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(typeof res.body).toBe("object");
    // Whatever was echoed is a JSON string value: re-serialising the parsed body gives the same text.
    expect(JSON.stringify(res.body)).not.toMatch(/(^|[^\\])<script>(?![^"]*")/);
  });
});

describe("the static assets' _headers file", () => {
  const rules = parseHeaders(assetHeadersFile());

  it("marks content-hashed index chunks immutable for a year", () => {
    for (const dir of ["/records/*", "/series/*", "/search/*"]) {
      expect(rules.get(dir)?.get("cache-control")).toBe("public, max-age=31536000, immutable");
    }
  });

  it("keeps the manifest short-lived, so a new index is picked up quickly", () => {
    const cc = rules.get("/manifest.json")?.get("cache-control") ?? "";
    expect(Number(/max-age=(\d+)/.exec(cc)?.[1])).toBeLessThanOrEqual(60);
    expect(cc).not.toContain("immutable");
  });

  it("sends nosniff on every asset and sets Cache-Control in only one rule per path", () => {
    expect(rules.get("/*")?.get("x-content-type-options")).toBe("nosniff");
    expect(rules.get("/*")?.has("cache-control")).toBe(false);
  });
});

/** Reads a `_headers` file the way the platform does: a path line, then indented `Name: value` lines. */
function parseHeaders(text: string): Map<string, Map<string, string>> {
  const rules = new Map<string, Map<string, string>>();
  let current: Map<string, string> | null = null;
  for (const line of text.split("\n")) {
    if (!line.trim() || line.trim().startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      current = new Map();
      rules.set(line.trim(), current);
    } else {
      const i = line.indexOf(":");
      current!.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
    }
  }
  return rules;
}
