/**
 * Per-client rate limiting, keyed by the client address Cloudflare reports,
 * for the API and the pages alike: a page search costs what an API search does.
 *
 * In production the `RATE_LIMITER` binding (wrangler.toml `[[ratelimits]]`)
 * decides, counted across the colo. Setting the `RATE_LIMIT_PER_MINUTE` var
 * overrides it with a per-isolate fixed window of that size: the load run
 * raises the limit that way without editing wrangler.toml, tests lower it,
 * and "0" turns limiting off. With neither, requests are not limited.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { lruByCount } from "../../shared/lru";
import { ApiError } from "../errors";

/** The binding's period, as configured in wrangler.toml; Retry-After cannot be more precise. */
export const BINDING_PERIOD_SECONDS = 60;
const WINDOW_MS = 60_000;
/** Bounds the fallback limiter's memory under a flood of distinct addresses. */
const MAX_TRACKED_CLIENTS = 50_000;

export function clientKey(c: Context): string {
  return c.req.header("cf-connecting-ip")?.trim() || "anonymous";
}

interface Window {
  start: number;
  count: number;
}

/** The fallback limiter: a fixed one-minute window per client, per isolate. */
export class WindowLimiter {
  /** Full of live windows under a flood of addresses, it forgets the least recently seen client. */
  private readonly windows = lruByCount<string, Window>(MAX_TRACKED_CLIENTS);

  constructor(
    private readonly limit: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Null when allowed, else the seconds until the client's window reopens. */
  take(key: string): number | null {
    const now = this.clock();
    let w = this.windows.get(key);
    if (!w || now - w.start >= WINDOW_MS) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= this.limit) return Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000));
    w.count++;
    return null;
  }
}

const limiters = new Map<number, WindowLimiter>();
function windowLimiter(limit: number): WindowLimiter {
  let l = limiters.get(limit);
  if (!l) limiters.set(limit, (l = new WindowLimiter(limit)));
  return l;
}

/** The limit from `RATE_LIMIT_PER_MINUTE`, or null when it is unset or not a number. */
export function configuredLimit(env: Partial<Record<string, unknown>>): number | null {
  const raw = env.RATE_LIMIT_PER_MINUTE;
  if (raw === undefined || raw === null || raw === "") return null;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  // Preflights are answered by CORS before this runs; count only real requests.
  const key = clientKey(c);
  const env = c.env as unknown as Partial<Record<string, unknown>> & { RATE_LIMITER?: RateLimit };
  const limit = configuredLimit(env);
  let retryAfter: number | null = null;
  if (limit !== null) {
    if (limit > 0) retryAfter = windowLimiter(limit).take(key);
  } else if (env.RATE_LIMITER) {
    try {
      const { success } = await env.RATE_LIMITER.limit({ key });
      if (!success) retryAfter = BINDING_PERIOD_SECONDS;
    } catch (e) {
      // A limiter outage must not take the API down with it.
      console.warn("rate-limit: binding failed; letting the request through", e);
    }
  }
  if (retryAfter === null) return next();
  // Thrown, so pages get an HTML 429 and the API its JSON one, from the one error handler.
  throw new ApiError(
    429,
    "rate_limited",
    `too many requests from this client; retry after ${retryAfter} s`,
    {},
    {
      "retry-after": String(retryAfter),
      "cache-control": "no-store",
      "x-cache": "MISS",
    },
  );
};
