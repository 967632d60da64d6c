import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { canonicalKey, ResponseCache, type CachedResponse } from "../../src/worker/cache/response-cache";

const entry = (body: string): CachedResponse => ({ status: 200, contentType: "application/json", body });

/** A clock the test moves by hand, so the once-a-second guard is exercised without waiting. */
function manualClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** The real KV binding behind an object whose every call throws: a KV outage, injected. */
function brokenKv(): KVNamespace {
  const fail = () => {
    throw new Error("KV is down");
  };
  return { get: fail, put: fail, list: fail, delete: fail, getWithMetadata: fail } as unknown as KVNamespace;
}

const quiet = () => {};
let n = 0;
const unique = (label: string) => `https://dossier.test/api/search?q=${label}-${Date.now()}-${n++}`;

describe("canonicalKey", () => {
  it("gives the same key whatever the parameter order", () => {
    expect(canonicalKey("https://x.test/api/search?q=fuchs&limit=10", "v1")).toBe(
      canonicalKey("https://x.test/api/search?limit=10&q=fuchs", "v1"),
    );
  });

  it("folds case and whitespace of the free-text query", () => {
    expect(canonicalKey("https://x.test/api/search?q=Fuchs&limit=10", "v1")).toBe(
      canonicalKey("https://x.test/api/search?limit=10&q=%20%20fuchs%20", "v1"),
    );
    expect(canonicalKey("https://x.test/api/search?q=Klaus%20%20%20FUCHS", "v1")).toBe(
      canonicalKey("https://x.test/api/search?q=klaus+fuchs", "v1"),
    );
  });

  it("keeps numbers and path ids as typed, since their validation sees them as typed", () => {
    expect(canonicalKey("https://x.test/api/search?q=a&limit=10", "v1")).not.toBe(
      canonicalKey("https://x.test/api/search?q=a&limit=%2010", "v1"),
    );
    expect(canonicalKey("https://x.test/api/records/kv-2-1", "v1")).not.toBe(
      canonicalKey("https://x.test/api/records/KV-2-1", "v1"),
    );
  });

  it("tells different queries, paths and repeated parameters apart", () => {
    const keys = [
      "https://x.test/api/search?q=fuchs",
      "https://x.test/api/search?q=fuchs&limit=5",
      "https://x.test/api/suggest?q=fuchs",
      "https://x.test/api/search?q=philby",
      "https://x.test/api/search?q=fuchs&q=philby",
    ].map((u) => canonicalKey(u, "v1"));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("never lets an undecodable parameter share an entry with the text it would be mistaken for", () => {
    // The router sees "%ff" as the three characters %, f, f; URLSearchParams would make it U+FFFD.
    expect(canonicalKey("https://x.test/api/search?q=%ff", "v1")).not.toBe(
      canonicalKey("https://x.test/api/search?q=%EF%BF%BD", "v1"),
    );
    expect(canonicalKey("https://x.test/api/search?q=%ff", "v1")).not.toBe(
      canonicalKey("https://x.test/api/search?q=%25ff", "v1"),
    );
    expect(canonicalKey("https://x.test/api/search?q=%ff", "v1")).toBe(
      canonicalKey("https://x.test/api/search?q=%ff", "v1"),
    );
  });

  it("reads + as a space, as the router does", () => {
    expect(canonicalKey("https://x.test/api/search?q=klaus+fuchs", "v1")).toBe(
      canonicalKey("https://x.test/api/search?q=klaus%20fuchs", "v1"),
    );
    expect(canonicalKey("https://x.test/api/search?q=c%2B%2B", "v1")).not.toBe(
      canonicalKey("https://x.test/api/search?q=c++", "v1"),
    );
  });

  it("keys free text exactly as typed (after the trim validation does) when folding is off", () => {
    const exact = (u: string) => canonicalKey(u, "v1", { foldText: false });
    expect(exact("https://x.test/api/search?q=toString")).not.toBe(exact("https://x.test/api/search?q=tostring"));
    const spaced = exact("https://x.test/api/search?q=KV%20%202%2F1");
    expect(spaced).not.toBe(exact("https://x.test/api/search?q=KV%202%2F1"));
    expect(exact("https://x.test/api/search?q=a&limit=5")).toBe(exact("https://x.test/api/search?limit=5&q=a"));
  });

  it("changes with the index version", () => {
    expect(canonicalKey("https://x.test/api/search?q=fuchs", "aaa")).not.toBe(
      canonicalKey("https://x.test/api/search?q=fuchs", "bbb"),
    );
  });

  it("ignores the host, so every hostname of the service shares entries", () => {
    expect(canonicalKey("https://a.test/api/lookup?ref=x", "v")).toBe(
      canonicalKey("http://b.test/api/lookup?ref=x", "v"),
    );
  });
});

describe("ResponseCache on a real KV binding", () => {
  it("returns what was put, and null for what was not", async () => {
    const cache = new ResponseCache(env.CACHE, manualClock().now, quiet);
    const key = canonicalKey(unique("roundtrip"), "v-roundtrip");
    expect(await cache.get(key)).toBeNull();
    expect(await cache.put(key, entry('{"a":1}'), 60)).toBe(true);
    expect(await cache.get(key)).toEqual(entry('{"a":1}'));
  });

  it("never serves one index version's answer to another", async () => {
    const cache = new ResponseCache(env.CACHE, manualClock().now, quiet);
    const url = unique("versions");
    await cache.put(canonicalKey(url, "index-old"), entry('{"old":true}'), 60);
    expect(await cache.get(canonicalKey(url, "index-new"))).toBeNull();
    await cache.put(canonicalKey(url, "index-new"), entry('{"new":true}'), 60);
    expect((await cache.get(canonicalKey(url, "index-new")))?.body).toBe('{"new":true}');
    expect((await cache.get(canonicalKey(url, "index-old")))?.body).toBe('{"old":true}');
  });

  it("keeps the headers an entry was stored with", async () => {
    const cache = new ResponseCache(env.CACHE, manualClock().now, quiet);
    const key = canonicalKey(unique("headers"), "v-headers");
    const headers = { "content-security-policy": "frame-ancestors *" };
    const page = { ...entry("<p>x</p>"), contentType: "text/html", headers };
    await cache.put(key, page, 60);
    expect(await cache.get(key)).toEqual(page);
  });

  it("writes a key at most once a second", async () => {
    const clock = manualClock();
    const cache = new ResponseCache(env.CACHE, clock.now, quiet);
    const key = canonicalKey(unique("hot"), "v");
    expect(await cache.put(key, entry("first"), 60)).toBe(true);
    clock.advance(999);
    expect(await cache.put(key, entry("second"), 60)).toBe(false);
    expect((await cache.get(key))?.body).toBe("first");
    clock.advance(1000);
    expect(await cache.put(key, entry("third"), 60)).toBe(true);
    expect((await cache.get(key))?.body).toBe("third");
    expect(cache.stats.skippedWrites).toBe(1);
  });

  it("lets concurrent misses of one key make a single write", async () => {
    const cache = new ResponseCache(env.CACHE, manualClock().now, quiet);
    const key = canonicalKey(unique("stampede"), "v");
    const wrote = await Promise.all(Array.from({ length: 20 }, (_, i) => cache.put(key, entry(`w${i}`), 60)));
    expect(wrote.filter(Boolean)).toHaveLength(1);
  });

  it("skips writing a key it has just read as a HIT", async () => {
    const clock = manualClock();
    const writer = new ResponseCache(env.CACHE, clock.now, quiet);
    const key = canonicalKey(unique("readhit"), "v");
    await writer.put(key, entry("stored"), 60);
    const reader = new ResponseCache(env.CACHE, clock.now, quiet);
    expect(await reader.get(key)).not.toBeNull();
    expect(await reader.put(key, entry("again"), 60)).toBe(false);
  });

  it("stores entries with an expiry of at least 60 seconds, even when asked for less", async () => {
    const cache = new ResponseCache(env.CACHE, manualClock().now, quiet);
    const key = canonicalKey(unique("ttl"), "v-ttl");
    // Read before the write: KV sets the expiry from its own clock when it stores the key.
    const before = Math.floor(Date.now() / 1000);
    await cache.put(key, entry("x"), 5);
    const listed = await env.CACHE.list({ prefix: key });
    expect(listed.keys).toHaveLength(1);
    expect(listed.keys[0]!.expiration).toBeGreaterThanOrEqual(before + 60);
  });

  it("stores keys longer than KV allows under a hash, and still finds them", async () => {
    const cache = new ResponseCache(env.CACHE, manualClock().now, quiet);
    const key = canonicalKey(unique("long") + "x".repeat(900), "v-long");
    expect(new TextEncoder().encode(key).byteLength).toBeGreaterThan(512);
    expect(await cache.put(key, entry("long"), 60)).toBe(true);
    expect((await cache.get(key))?.body).toBe("long");
  });

  it("treats a malformed stored value as a miss", async () => {
    const cache = new ResponseCache(env.CACHE, manualClock().now, quiet);
    const key = canonicalKey(unique("garbage"), "v");
    await env.CACHE.put(key, "{not json");
    expect(await cache.get(key)).toBeNull();
  });

  it("turns KV read and write failures into a miss and a skipped write", async () => {
    const cache = new ResponseCache(brokenKv(), manualClock().now, quiet);
    const key = canonicalKey(unique("broken"), "v");
    expect(await cache.get(key)).toBeNull();
    await expect(cache.put(key, entry("x"), 60)).resolves.toBe(false);
    expect(cache.stats.errors).toBe(2);
  });
});
