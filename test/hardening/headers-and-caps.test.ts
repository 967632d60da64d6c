import { describe, expect, it } from "vitest";
import { call } from "../helpers";
import { MAX_QUERY_PARAMS, MAX_URL_CHARS } from "../../src/worker/middleware/security-headers";
import { assetHeadersFile } from "../../scripts/write-asset-headers";

const ORIGIN = "https://some-other-site.example";

describe("security headers", () => {
  it.each(["/", "/no-such-page", "/records/kv-2-2681"])(
    "sends nosniff, a referrer policy and a CSP on the page %s",
    async (path) => {
      const { headers } = await call(path);
      expect(headers.get("content-type")).toContain("text/html");
      expect(headers.get("x-content-type-options")).toBe("nosniff");
      expect(headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(headers.get("content-security-policy")).toMatch(/default-src '(none|self)'/);
      expect(headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    },
  );

  const pages = ["/", "/?q=fuchs", "/embed?q=fuchs", "/records/kv-2-2681", "/docs", "/no-such-page"];
  it.each(pages)("sends HSTS and a Permissions-Policy on the page %s", async (path) => {
    const { headers } = await call(path);
    expect(headers.get("strict-transport-security")).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    expect(headers.get("permissions-policy")).toMatch(/(^|, )camera=\(\)/);
    expect(headers.get("permissions-policy")).toMatch(/(^|, )geolocation=\(\)/);
  });

  it("leaves a page that may be framed frameable", async () => {
    const { headers } = await call("/embed?q=fuchs");
    expect(headers.get("x-frame-options")).toBeNull();
    expect(headers.get("content-security-policy")).not.toContain("frame-ancestors 'none'");
  });

  it.each(["/api/records/kv-2-2681", "/api/records/kv-2-99999", "/api/nowhere", "/api/search?q="])(
    "sends nosniff, a referrer policy and a CSP on the JSON answer %s",
    async (path) => {
      const { headers } = await call(path);
      expect(headers.get("content-type")).toContain("application/json");
      expect(headers.get("x-content-type-options")).toBe("nosniff");
      expect(headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(headers.get("content-security-policy")).toContain("default-src 'none'");
    },
  );
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

  it.each(["POST", "PUT", "DELETE", "PATCH"])("refuses %s with 405, a JSON error and Allow", async (method) => {
    const init = { method, headers: { origin: ORIGIN }, body: method === "DELETE" ? undefined : "{}" };
    const { status, body, headers } = await call("/api/search?q=fuchs", init);
    expect(status).toBe(405);
    expect(body.error.code).toBe("method_not_allowed");
    expect(headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  });

  it.each(["POST", "PUT", "DELETE"])("refuses %s on a page with 405, an HTML page and Allow", async (method) => {
    const { status, headers } = await call("/?q=fuchs", { method, body: method === "DELETE" ? undefined : "q=x" });
    expect(status).toBe(405);
    expect(headers.get("allow")).toBe("GET, HEAD");
    expect(headers.get("content-type")).toContain("text/html");
  });
});

describe("request caps", () => {
  it(`answers a URL over ${MAX_URL_CHARS} characters with 414 before routing`, async () => {
    const { status, body } = await call(`/api/search?q=${"a".repeat(MAX_URL_CHARS)}`);
    expect(status).toBe(414);
    expect(body.error.code).toBe("uri_too_long");
  });

  it(`answers a page URL over ${MAX_URL_CHARS} characters with an HTML 414`, async () => {
    const { status, headers } = await call(`/?q=${"a".repeat(MAX_URL_CHARS)}`);
    expect(status).toBe(414);
    expect(headers.get("content-type")).toContain("text/html");
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
    ["a series offset past the documented maximum", "/api/series/KV%202?offset=10000001"],
  ])("answers %s with 400", async (_, path) => {
    const { status, body } = await call(path);
    expect(status).toBe(400);
    expect(body.error.code).toBe("bad_request");
  });

  it("accepts the documented maximum series offset", async () => {
    const { status, body } = await call("/api/series/KV%202?offset=10000000");
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.items).toEqual([]);
  });

  it.each(["/api/search", "/api/suggest", "/api/people"])("says plainly that q is required on %s", async (path) => {
    const { status, body } = await call(path);
    expect(status).toBe(400);
    expect(body.error.message).toBe("q is required");
    expect(body.error.field).toBe("q");
  });

  it("refuses a repeated q rather than picking one", async () => {
    const { status, body } = await call("/api/search?q=fuchs&q=philby");
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/^q must be given once/);
  });
});

describe("page searches have the API's caps", () => {
  const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join("+");

  it.each([
    ["an 86-word query", `q=${words(86)}`],
    ["a 33-word query", `q=${words(33)}`],
    ["a query over 256 characters", `q=${"a".repeat(257)}`],
    ["more than 20 series", `q=fuchs&${Array.from({ length: 21 }, (_, i) => `series=s${i}`).join("&")}`],
    ["an offset past the cap", "q=fuchs&offset=10001"],
  ])("refuses %s on / and /embed with an HTML 400 that says why", async (_, qs) => {
    for (const path of ["/", "/embed"]) {
      const { status, headers, body } = await call(`${path}?${qs}`);
      expect(status, path).toBe(400);
      expect(headers.get("content-type")).toContain("text/html");
      expect(String(body)).toMatch(/class="status error"[^>]*>[^<]*(words|characters|series|offset)/);
    }
  });

  it("still treats the form's empty year boxes as no filter", async () => {
    const { status } = await call("/?q=fuchs&from=&to=");
    expect(status).toBe(200);
  });
});

describe("percent-escapes that do not decode", () => {
  it.each(["%C3%28", "%FF", "%E0%A4%A", "abc%", "%zz"])("answer the API with a 400 naming it (q=%s)", async (raw) => {
    const { status, body } = await call(`/api/search?q=${raw}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toMatch(/is not a valid percent-escape/);
  });

  it.each(["/?q=%C3%28", "/embed?q=%FF", "/records/%FF"])("answer the page %s with an HTML 400", async (path) => {
    const { status, headers, body } = await call(path);
    expect(status).toBe(400);
    expect(headers.get("content-type")).toContain("text/html");
    expect(String(body)).toContain("not a valid percent-escape");
  });

  it("still accept a well-formed escape of any script", async () => {
    expect((await call(`/api/search?q=${encodeURIComponent("Беседовский ü %")}`)).status).toBe(200);
  });
});

describe("the public origin", () => {
  const EVIL = "http://attacker.example";
  const fromEvil = async (path: string) => {
    const { exports } = await import("cloudflare:workers");
    return (await exports.default.fetch(new Request(`${EVIL}${path}`))).text();
  };

  it("builds /opensearch.xml on PUBLIC_ORIGIN, whatever Host the request names", async () => {
    const xml = await fromEvil("/opensearch.xml");
    expect(xml).toContain('template="https://dossier.example/?q={searchTerms}"');
    expect(xml).not.toContain("attacker");
  });

  it("builds canonical links and JSON-LD on PUBLIC_ORIGIN", async () => {
    const record = await fromEvil("/records/kv-2-2681");
    expect(record).toContain('<link rel="canonical" href="https://dossier.example/records/kv-2-2681">');
    expect(record).toContain('"@id":"https://dossier.example/records/kv-2-2681"');
    expect(record).not.toContain("attacker");
    const search = await fromEvil("/?q=fuchs&offset=10");
    expect(search).toContain('<link rel="canonical" href="https://dossier.example/?q=fuchs">');
    for (const page of [search, await fromEvil("/"), await fromEvil("/docs")]) expect(page).not.toContain("attacker");
  });

  it("uses the request's own origin on a loopback address, where a local run serves", async () => {
    const { exports } = await import("cloudflare:workers");
    const xml = await (await exports.default.fetch(new Request("http://127.0.0.1:8787/opensearch.xml"))).text();
    expect(xml).toContain('template="http://127.0.0.1:8787/?q={searchTerms}"');
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

  it("marks content-hashed index chunks and packs immutable for a year", () => {
    for (const dir of ["/records/*", "/series/*", "/search/*", "/packs/*"]) {
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
