import { env } from "cloudflare:workers";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { WindowLimiter } from "../../src/worker/middleware/rate-limit";
import { bindings, request } from "../cache/worker-env";

let n = 0;
/** An address no other test uses, so its window starts empty. */
const ip = () => `203.0.113.${n++}-${Date.now()}`;

/**
 * Miniflare's rate-limit binding counts in windows aligned to the wall clock, so a burst
 * that straddles a minute boundary starts a fresh count midway. Wait out the last seconds
 * of a minute first: a burst of a few requests then falls in one window.
 */
async function clearOfWindowEdge(periodMs = 60_000, marginMs = 5_000): Promise<void> {
  const left = periodMs - (Date.now() % periodMs);
  if (left < marginMs) await new Promise((r) => setTimeout(r, left + 50));
}

async function burst(count: number, b: ReturnType<typeof bindings>, from: string) {
  const out = [];
  for (let i = 0; i < count; i++) out.push(await request("/api/health", b, { headers: { "cf-connecting-ip": from } }));
  return out;
}

describe("rate limiting", () => {
  it("answers 429 with Retry-After and the API's error shape once the binding's limit is spent", async () => {
    const low = bindings({ RATE_LIMITER: (env as unknown as Record<string, RateLimit>).RATE_LIMITER_LOW });
    await clearOfWindowEdge();
    const answers = await burst(5, low, ip());
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([200, 200, 200]);
    const limited = answers[3]!;
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    expect(limited.headers.get("content-type")).toContain("application/json");
    expect(limited.headers.get("cache-control")).toBe("no-store");
    expect(limited.body).toEqual({ error: { code: "rate_limited", message: expect.any(String) } });
    expect(answers[4]!.status).toBe(429);
  });

  it("counts each client address on its own", async () => {
    const low = bindings({ RATE_LIMITER: (env as unknown as Record<string, RateLimit>).RATE_LIMITER_LOW });
    await burst(4, low, ip());
    const other = await burst(1, low, ip());
    expect(other[0]!.status).toBe(200);
  });

  it("takes its limit from RATE_LIMIT_PER_MINUTE when that is set", async () => {
    const b = bindings({ RATE_LIMIT_PER_MINUTE: "2" });
    const statuses = (await burst(3, b, ip())).map((a) => a.status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it("does not limit at all when RATE_LIMIT_PER_MINUTE is 0", async () => {
    const b = bindings({
      RATE_LIMIT_PER_MINUTE: "0",
      RATE_LIMITER: (env as unknown as Record<string, RateLimit>).RATE_LIMITER_LOW,
    });
    const statuses = (await burst(6, b, ip())).map((a) => a.status);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it("keeps serving when the limiter binding itself fails", async () => {
    const broken = { limit: () => Promise.reject(new Error("limiter down")) } as unknown as RateLimit;
    const warned = vi.spyOn(console, "warn").mockImplementation(() => {});
    onTestFinished(() => warned.mockRestore());
    const res = await request("/api/health", bindings({ RATE_LIMITER: broken }));
    expect(res.status).toBe(200);
    const cause = expect.objectContaining({ message: "limiter down" });
    expect(warned).toHaveBeenCalledWith(expect.stringContaining("rate-limit: binding failed"), cause);
  });

  it("does not count CORS preflights", async () => {
    const b = bindings({ RATE_LIMIT_PER_MINUTE: "1" });
    const from = ip();
    for (let i = 0; i < 3; i++) {
      const pre = await request("/api/search", b, {
        method: "OPTIONS",
        headers: {
          origin: "https://elsewhere.example",
          "access-control-request-method": "GET",
          "cf-connecting-ip": from,
        },
      });
      expect(pre.status).toBe(204);
    }
    expect((await burst(1, b, from))[0]!.status).toBe(200);
  });

  it("puts clients without a CF-Connecting-IP into one shared 'anonymous' bucket", async () => {
    const b = bindings({ RATE_LIMIT_PER_MINUTE: "1" });
    expect((await request("/api/health", b)).status).toBe(200);
    expect((await request("/api/health", b, { headers: { "cf-connecting-ip": "anonymous" } })).status).toBe(429);
  });

  it("limits page searches too, with an HTML 429 and Retry-After", async () => {
    const b = bindings({ RATE_LIMIT_PER_MINUTE: "2" });
    const from = ip();
    const pages = [];
    for (const path of ["/?q=fuchs", "/embed?q=philby", "/?q=kim"]) {
      pages.push(await request(path, b, { headers: { "cf-connecting-ip": from } }));
    }
    expect(pages.map((p) => p.status)).toEqual([200, 200, 429]);
    expect(pages[2]!.headers.get("content-type")).toContain("text/html");
    expect(pages[2]!.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    expect(pages[2]!.headers.get("cache-control")).toBe("no-store");
    expect(pages[2]!.text).toContain("Too many requests");
  });

  it("counts API and page requests in one budget per client", async () => {
    const low = bindings({ RATE_LIMITER: (env as unknown as Record<string, RateLimit>).RATE_LIMITER_LOW });
    const from = ip();
    expect((await burst(4, low, from)).at(-1)!.status).toBe(429);
    for (const path of ["/?q=fuchs", "/embed?q=fuchs"]) {
      expect((await request(path, low, { headers: { "cf-connecting-ip": from } })).status, path).toBe(429);
    }
  });

  it("reopens a client's window after a minute", () => {
    let now = 0;
    const limiter = new WindowLimiter(2, () => now);
    expect([limiter.take("a"), limiter.take("a")]).toEqual([null, null]);
    expect(limiter.take("a")).toBe(60);
    now = 45_000;
    expect(limiter.take("a")).toBe(15);
    now = 60_000;
    expect(limiter.take("a")).toBeNull();
  });
});
