import { describe, expect, it, onTestFinished, vi } from "vitest";
import { API_CACHE_CONTROL, CLIENT_ERROR_CACHE_CONTROL } from "../../src/worker/cache/http-cache";
import { canonicalKey } from "../../src/worker/cache/response-cache";
import { edgeCache, edgeRequest } from "../../src/worker/middleware/cached-api";
import { assetsAtVersion, bindings, brokenKv, freshVersion, request } from "./worker-env";

/** Captures the warnings an injected KV outage is expected to log, so they are checked rather than printed. */
function kvWarnings() {
  const warned = vi.spyOn(console, "warn").mockImplementation(() => {});
  onTestFinished(() => warned.mockRestore());
  return () => warned.mock.calls.map(([message]) => String(message));
}

const fresh = (label: string) => bindings({ ASSETS: assetsAtVersion(freshVersion(label)) });

describe("the API response cache", () => {
  it("answers a first request live and its repeat from the cache, byte for byte", async () => {
    const b = fresh("repeat");
    const first = await request("/api/lookup?ref=KV%202/2681", b);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache")).toBe("MISS");
    const second = await request("/api/lookup?ref=KV%202/2681", b);
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(second.text).toBe(first.text);
    expect(second.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(second.headers.get("content-type")).toBe(first.headers.get("content-type"));
  });

  it("reports the phases of a live answer and of a cached one in Server-Timing", async () => {
    const b = fresh("timing");
    const live = await request("/api/records/kv-2-2681", b);
    expect(live.headers.get("server-timing")).toMatch(
      /cache;dur=[\d.]+;desc="miss", index;dur=[\d.]+, total;dur=[\d.]+/,
    );
    const cached = await request("/api/records/kv-2-2681", b);
    expect(cached.headers.get("server-timing")).toMatch(/cache;dur=[\d.]+;desc="(edge|kv) hit", total;dur=[\d.]+/);
    expect(cached.headers.get("server-timing")).not.toContain("index;");
  });

  it("serves reordered parameters and differently cased, spaced text from one entry where it is folded", async () => {
    const b = fresh("canonical");
    const first = await request("/api/people?q=Helfand&limit=5", b);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache")).toBe("MISS");
    const other = await request(`/api/people?limit=5&q=${encodeURIComponent("  helfand ")}`, b);
    expect(other.headers.get("x-cache")).toBe("HIT");
    expect(other.text).toBe(first.text);
  });

  it("serves reordered search parameters from one entry", async () => {
    const b = fresh("search-order");
    const first = await request("/api/search?q=Fuchs&limit=10", b);
    const other = await request("/api/search?limit=10&q=Fuchs", b);
    expect(other.headers.get("x-cache")).toBe("HIT");
    expect(other.text).toBe(first.text);
  });

  it("echoes each request's own spelling of the query, never a cached caller's", async () => {
    const b = fresh("echo");
    const first = await request("/api/search?q=toString", b);
    expect(first.body.query.text).toBe("toString");
    const second = await request("/api/search?q=tostring", b);
    expect(second.status).toBe(200);
    expect(second.body.query.text).toBe("tostring");
    const refs = await request(`/api/search?q=${encodeURIComponent("kv 2/2681")}`, b);
    expect(refs.body.query.references).toEqual(["kv 2/2681"]);
    const again = await request("/api/search?q=tostring", b);
    expect(again.headers.get("x-cache")).toBe("HIT");
    expect(again.body.query.text).toBe("tostring");
  });

  it("keeps answers for different parameters apart", async () => {
    const b = fresh("apart");
    await request("/api/people?q=helfand&limit=3", b);
    const other = await request("/api/people?q=helfand&limit=4", b);
    expect(other.headers.get("x-cache")).toBe("MISS");
  });

  it("answers typeahead live every time, with headers for the browser's own cache", async () => {
    // A warm keystroke costs less than a shared-cache lookup (see CACHEABLE in cached-api.ts).
    const b = fresh("typeahead");
    const first = await request("/api/suggest?q=besed&limit=5", b);
    const again = await request("/api/suggest?q=besed&limit=5", b);
    expect([first.headers.get("x-cache"), again.headers.get("x-cache")]).toEqual(["MISS", "MISS"]);
    expect(again.text).toBe(first.text);
    expect(again.headers.get("cache-control")).toBe(API_CACHE_CONTROL);
    expect(again.headers.get("etag")).toMatch(/^"[0-9a-f]{16}-[0-9a-z]+"$/);
    expect(again.headers.get("etag")).toBe(first.headers.get("etag"));
    const revalidated = await request("/api/suggest?q=besed&limit=5", b, {
      headers: { "if-none-match": first.headers.get("etag")! },
    });
    expect(revalidated.status).toBe(304);
    expect(revalidated.text).toBe("");
    // Another answer, another tag.
    const other = await request("/api/suggest?q=helf&limit=5", b);
    expect(other.headers.get("etag")).not.toBe(first.headers.get("etag"));
  });

  it("answers a new index version live, never with the old version's entry", async () => {
    const old = fresh("old-index");
    await request("/api/series/KV%202?limit=5", old);
    expect((await request("/api/series/KV%202?limit=5", old)).headers.get("x-cache")).toBe("HIT");
    const deployed = fresh("new-index");
    const after = await request("/api/series/KV%202?limit=5", deployed);
    expect(after.headers.get("x-cache")).toBe("MISS");
  });

  it("answers live when KV throws on every read and write", async () => {
    const warnings = kvWarnings();
    const healthy = await request("/api/lookup?ref=kv2/2670", fresh("kv-ok"));
    const down = bindings({ ASSETS: assetsAtVersion(freshVersion("kv-down")), CACHE: brokenKv() });
    const first = await request("/api/lookup?ref=kv2/2670", down);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache")).toBe("MISS");
    expect(first.text).toBe(healthy.text);
    const second = await request("/api/lookup?ref=kv2/2670", down);
    expect(second.status).toBe(200);
    expect(second.headers.get("x-cache-layer")).not.toBe("kv");
    expect(second.text).toBe(healthy.text);
    const expected = [expect.stringContaining("KV read failed"), expect.stringContaining("KV write failed")];
    expect(warnings()).toEqual(expect.arrayContaining(expected));
  });

  it("never caches an error answer", async () => {
    const b = fresh("errors");
    for (const path of ["/api/lookup?ref=KV%202/99999", "/api/search?limit=abc&q=x", "/api/records/kv-2-99999"]) {
      const first = await request(path, b);
      expect(first.status).toBeGreaterThanOrEqual(400);
      const again = await request(path, b);
      expect(again.headers.get("x-cache")).toBe("MISS");
      expect(again.status).toBe(first.status);
    }
  });

  it("answers HEAD from the cache with headers and no body", async () => {
    const b = fresh("head");
    await request("/api/records/kv-2-2670", b);
    const head = await request("/api/records/kv-2-2670", b, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("x-cache")).toBe("HIT");
    expect(head.text).toBe("");
  });
});

describe("HTTP caching headers", () => {
  it("marks API answers short-lived, revalidatable, and varying by encoding", async () => {
    const ok = await request("/api/records/kv-2-2681", fresh("headers"));
    expect(ok.headers.get("cache-control")).toBe(API_CACHE_CONTROL);
    expect(ok.headers.get("vary")).toContain("Accept-Encoding");
    // Tagged by the cache layer from the body it holds (body-etag.ts), not by re-reading and digesting it.
    expect(ok.headers.get("etag")).toMatch(/^"[0-9a-f]{16}-[0-9a-z]+"$/);
  });

  it("keeps client errors brief and health checks out of caches", async () => {
    expect((await request("/api/records/kv-2-99999")).headers.get("cache-control")).toBe(CLIENT_ERROR_CACHE_CONTROL);
    expect((await request("/api/health")).headers.get("cache-control")).toBe("no-store");
  });

  it("gives the same ETag to the same answer however it was produced", async () => {
    const a = await request("/api/records/kv-2-2681", fresh("etag-a"));
    const b = await request("/api/records/kv-2-2681", fresh("etag-b"));
    expect(a.headers.get("etag")).toBe(b.headers.get("etag"));
    const c = await request("/api/records/kv-2-2670", fresh("etag-c"));
    expect(c.headers.get("etag")).not.toBe(a.headers.get("etag"));
  });

  it("answers a matching If-None-Match with 304 and no body, live and cached", async () => {
    const b = fresh("304");
    const first = await request("/api/lookup?ref=KV%202/2681", b);
    const etag = first.headers.get("etag")!;
    for (const tag of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const again = await request("/api/lookup?ref=KV%202/2681", b, { headers: { "if-none-match": tag } });
      expect(again.status).toBe(304);
      expect(again.text).toBe("");
      expect(again.headers.get("etag")).toBe(etag);
      expect(again.headers.get("cache-control")).toBe(API_CACHE_CONTROL);
    }
    const liveB = fresh("304-live");
    const live = await request("/api/lookup?ref=KV%202/2681", liveB, { headers: { "if-none-match": etag } });
    expect(live.status).toBe(304);
    expect(live.headers.get("x-cache")).toBe("MISS");
  });

  it("gives answers it does not cache itself an ETag and 304s too", async () => {
    const doc = await request("/api/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.headers.get("x-cache")).toBe("MISS");
    const etag = doc.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(doc.headers.get("cache-control")).toBe(API_CACHE_CONTROL);
    const again = await request("/api/openapi.json", bindings(), { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get("x-cache")).toBe("MISS");
  });

  it("answers a stale If-None-Match with the full body", async () => {
    const res = await request("/api/records/kv-2-2681", fresh("stale-tag"), { headers: { "if-none-match": '"0000"' } });
    expect(res.status).toBe(200);
    expect(res.body.record.id).toBe("kv-2-2681");
  });
});

describe("the search pages' cache", () => {
  it("answers a repeated page search from the cache, with the page's own security headers", async () => {
    const b = fresh("page");
    const first = await request("/?q=Fuchs", b);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache")).toBe("MISS");
    const second = await request("/?q=Fuchs", b);
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(second.text).toBe(first.text);
    for (const h of ["content-type", "content-security-policy", "x-frame-options", "cache-control"]) {
      expect(second.headers.get(h), h).toBe(first.headers.get(h));
    }
  });

  it("keeps the embed page frameable when it comes from the cache", async () => {
    const b = fresh("embed");
    const first = await request("/embed?q=Fuchs", b);
    const second = await request("/embed?q=Fuchs", b);
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(second.headers.get("x-frame-options")).toBeNull();
    expect(second.headers.get("content-security-policy")).toBe(first.headers.get("content-security-policy"));
    expect(second.headers.get("content-security-policy")).not.toContain("frame-ancestors 'none'");
  });

  it("never shows one reader's spelling to another", async () => {
    const b = fresh("page-echo");
    await request("/?q=Fuchs", b);
    const other = await request("/?q=fuchs", b);
    expect(other.headers.get("x-cache")).toBe("MISS");
    expect(other.text).toContain('value="fuchs"');
    expect(other.text).not.toContain("Fuchs”");
  });

  it("does not cache a page that reports a problem", async () => {
    const b = fresh("page-400");
    const path = "/?q=fuchs&from=1950&to=1940";
    expect((await request(path, b)).status).toBe(400);
    expect((await request(path, b)).headers.get("x-cache")).toBe("MISS");
  });
});

describe("the two cache layers", () => {
  async function evictEdge(path: string, version: string) {
    const url = new URL(`http://dossier.test${path}`);
    await edgeCache()!.delete(await edgeRequest(url, canonicalKey(url, version)));
  }

  it("answers from KV when the edge copy is gone, then puts it back at the edge", async () => {
    const version = freshVersion("layers");
    const b = bindings({ ASSETS: assetsAtVersion(version) });
    const path = "/api/records/kv-2-2670/related";
    const live = await request(path, b);
    expect(live.headers.get("x-cache-layer")).toBe("live");
    expect((await request(path, b)).headers.get("x-cache-layer")).toBe("edge");
    await evictEdge(path, version);
    const fromKv = await request(path, b);
    expect(fromKv.headers.get("x-cache-layer")).toBe("kv");
    expect(fromKv.text).toBe(live.text);
    expect((await request(path, b)).headers.get("x-cache-layer")).toBe("edge");
  });

  it("answers live, not with an error, when the edge copy is gone and KV is down", async () => {
    const warnings = kvWarnings();
    const version = freshVersion("both-down");
    const path = "/api/people?q=helfand";
    const healthy = await request(path, bindings({ ASSETS: assetsAtVersion(version) }));
    await evictEdge(path, version);
    const down = await request(path, bindings({ ASSETS: assetsAtVersion(version), CACHE: brokenKv() }));
    expect(down.status).toBe(200);
    expect(down.headers.get("x-cache")).toBe("MISS");
    expect(down.text).toBe(healthy.text);
    expect(warnings()).toContainEqual(expect.stringContaining("KV read failed"));
  });
});
