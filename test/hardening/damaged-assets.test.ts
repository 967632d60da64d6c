/**
 * What a damaged build looks like from outside: assets cut short or emptied
 * (a build killed mid-write, a bad copy) answer 503 `index_unavailable`
 * naming the kind of asset, never 500, and the deep health check finds them.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bindings, request } from "../cache/worker-env";

/** Emptied, cut to half, or one byte in the middle changed (a bad copy: the length stays). */
type Damage = "empty" | "truncated" | "flipped";

/**
 * The real ASSETS binding with every file whose path matches `target` damaged.
 * Each call makes a new binding object, so the Worker's per-binding store starts cold.
 */
function damagedAssets(target: RegExp, damage: Damage): Fetcher {
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const res = await env.ASSETS.fetch(req);
    if (!res.ok || !target.test(new URL(req.url).pathname)) return res;
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (damage === "flipped") bytes[Math.floor(bytes.length / 2)]! ^= 0x5a;
    const body =
      damage === "empty" ? new Uint8Array(0) : damage === "flipped" ? bytes : bytes.subarray(0, bytes.length >> 1);
    return new Response(body, { headers: res.headers });
  };
  return { fetch } as unknown as Fetcher;
}

const damaged = (target: RegExp, damage: Damage) => bindings({ ASSETS: damagedAssets(target, damage) });

describe("a damaged record shard", () => {
  // A changed byte too: a shard is deflated, and zlib's checksum finds what a JSON parse might not.
  it.each<Damage>(["empty", "truncated", "flipped"])(
    "answers 503 index_unavailable naming the records kind when %s",
    async (damage) => {
      const b = damaged(/^\/records\/\d+\./, damage);
      for (const path of ["/api/records/kv-2-2681", "/api/lookup?ref=KV%202/2681"]) {
        const { status, body } = await request(path, b);
        expect(status, path).toBe(503);
        expect(body.error.code).toBe("index_unavailable");
        expect(body.error.asset).toBe("records");
        expect(body.error.message).toMatch(/records asset \/records\/\d+\.[0-9a-f]{12}\.jsonz is unreadable/);
      }
    },
  );

  it("gives the record page an HTML error page, not JSON", async () => {
    const { status, headers, text } = await request("/records/kv-2-2681", damaged(/^\/records\/\d+\./, "truncated"));
    expect(status).toBe(503);
    expect(headers.get("content-type")).toContain("text/html");
    expect(headers.get("cache-control")).toBe("no-store");
    expect(text).toContain("cannot be shown right now");
    expect(text).not.toContain("index_unavailable");
  });
});

describe("a damaged manifest", () => {
  it("answers 503 index_unavailable, not 500", async () => {
    const b = damaged(/^\/manifest\.json$/, "truncated");
    for (const path of ["/api/health", "/api/records/kv-2-2681", "/api/search?q=fuchs"]) {
      const { status, body } = await request(path, b);
      expect(status, path).toBe(503);
      expect(body.error.code).toBe("index_unavailable");
      expect(body.error.asset).toBe("manifest");
    }
  });

  it("reports degraded from the deep health check", async () => {
    const { status, body } = await request("/api/health?deep=1", damaged(/^\/manifest\.json$/, "empty"));
    expect(status).toBe(503);
    expect(body.status).toBe("degraded");
    expect(body.failing.map((f: { kind: string }) => f.kind)).toEqual(["manifest"]);
  });
});

describe("the deep health check", () => {
  it("reads one asset of every kind and reports ok on a whole build", async () => {
    const { status, body } = await request("/api/health?deep=1");
    expect(status).toBe(200);
    expect(body.status).toBe("ok");
    expect(Object.keys(body.checked)).toEqual(
      expect.arrayContaining(["records", "series", "search/terms", "search/lexicon", "search/filters"]),
    );
    // The tables outside the manifest root, and a chunk each of them names.
    expect(Object.keys(body.checked)).toEqual(
      expect.arrayContaining([
        "records/table",
        "series/dir",
        "series/summary",
        "series/archives",
        "series/lists",
        "search/shard-dir",
        "search/term-table",
        "search/suggest-dir",
        "search/suggest",
        "search/people-dir",
        "search/people",
        "search/vocab-dir",
        "search/vocab",
      ]),
    );
  });

  it("names every failing kind, and only those", async () => {
    const b = damaged(/^\/(series\/|search\/lexicon\/)/, "truncated");
    const { status, body } = await request("/api/health?deep=1", b);
    expect(status).toBe(503);
    expect(body.status).toBe("degraded");
    // Under series/: the directory's table page (which names the page lists), its summary and its archives.
    expect(body.failing.map((f: { kind: string }) => f.kind)).toEqual([
      "search/lexicon",
      "series/archives",
      "series/dir",
      "series/summary",
    ]);
    expect(body.failing[0].message).toMatch(/hash/);
  });

  it("keeps the plain health check cheap: no asset beyond the manifest is read", async () => {
    const { status, body } = await request("/api/health", damaged(/^\/(records|series|search)\//, "empty"));
    expect(status).toBe(200);
    expect(body.status).toBe("ok");
  });
});
