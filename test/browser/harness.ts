/**
 * What the browser tests stand on: the real Worker (wrangler's local runtime)
 * on one loopback port, a plain host page on another, and Debian's headless
 * Chromium driven by playwright-core. Everything started here is stopped by
 * the returned `stop` functions; every wait is bounded.
 */
import { createServer, type Server } from "node:http";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Built by test/browser/global-setup.ts: the catalogue from data/ plus widget.js. */
export const BROWSER_ASSETS_DIR = "dist/browser-assets";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

async function withTimeout<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface RunningWorker {
  url: string;
  stop: () => Promise<void>;
}

/** The Worker from wrangler.toml, served locally with the browser-test assets. */
export async function startWorker(assetsDir = BROWSER_ASSETS_DIR): Promise<RunningWorker> {
  if (!existsSync(join(assetsDir, "manifest.json")) || !existsSync(join(assetsDir, "widget.js"))) {
    throw new Error(`${assetsDir} is not built; run npm run test:browser, which builds it`);
  }
  process.env.WRANGLER_SEND_METRICS = "false";
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  const { unstable_startWorker } = await import("wrangler");
  const worker = await unstable_startWorker({
    config: "wrangler.toml",
    assets: assetsDir,
    sendMetrics: false,
    dev: {
      server: { hostname: "127.0.0.1", port: 0 },
      inspector: false,
      persist: false,
      watch: false,
      remote: false,
      logLevel: "warn",
    },
  });
  try {
    await withTimeout("starting the Worker", 60_000, worker.ready);
    const url = (await worker.url).origin;
    return { url, stop: () => withTimeout("stopping the Worker", 15_000, worker.dispose()) };
  } catch (e) {
    await worker.dispose().catch(() => {});
    throw e;
  }
}

export interface HostServer {
  url: string;
  stop: () => Promise<void>;
}

/** A plain static page on its own port: a different origin from the Worker, like a real host site. */
export async function startHostPage(pages: Record<string, string>): Promise<HostServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const body = pages[path];
    if (body === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(body);
  });
  await withTimeout(
    "starting the host page server",
    5_000,
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    }),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      withTimeout(
        "stopping the host page server",
        5_000,
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
      ),
  };
}

export interface RunningBrowser {
  browser: Browser;
  stop: () => Promise<void>;
}

export async function startBrowser(): Promise<RunningBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with scripts/ci-browser-deps.sh`);
  // Playwright gives every launch a fresh temporary --user-data-dir of its own and deletes it on close
  // (it refuses one passed in args), so no profile state leaks between runs.
  const browser = await withTimeout(
    "launching Chromium",
    30_000,
    chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    }),
  );
  return { browser, stop: () => withTimeout("closing Chromium", 15_000, browser.close()).catch(() => {}) };
}

export const DESKTOP = { width: 1280, height: 900 };
export const MOBILE = { width: 390, height: 844 };

export interface ContextOptions {
  javaScriptEnabled?: boolean;
  mobile?: boolean;
  /** prefers-color-scheme the page sees (default light). */
  colorScheme?: "light" | "dark";
  viewport?: { width: number; height: number };
}

export async function newContext(browser: Browser, opts: ContextOptions = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    viewport: opts.viewport ?? (opts.mobile ? MOBILE : DESKTOP),
    colorScheme: opts.colorScheme ?? "light",
    deviceScaleFactor: 1,
    isMobile: !!opts.mobile,
    hasTouch: !!opts.mobile,
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    reducedMotion: "reduce",
  });
  // Generous: CI runs on a shared 2-core machine, and a page's first request may warm a cold local runtime.
  ctx.setDefaultTimeout(20_000);
  ctx.setDefaultNavigationTimeout(45_000);
  return ctx;
}

export interface BrowserSuite {
  worker: RunningWorker;
  /** The host page server, when the suite was given host pages. */
  host: HostServer;
  chrome: RunningBrowser;
  /** Runs `fn` on a page of a fresh context, closed afterwards whatever happens. */
  withPage<T>(opts: ContextOptions, fn: (page: Page) => Promise<T>): Promise<T>;
}

/**
 * One test file's stack: the Worker, the host pages (built from the Worker's
 * URL) when given, and Chromium, started before the file's tests and stopped
 * in reverse order after them. Its fields are set once `beforeAll` has run.
 */
export function browserSuite(hostPages?: (workerUrl: string) => Record<string, string>): BrowserSuite {
  const suite = {
    async withPage<T>(opts: ContextOptions, fn: (page: Page) => Promise<T>): Promise<T> {
      const ctx = await newContext(suite.chrome.browser, opts);
      try {
        return await fn(await ctx.newPage());
      } finally {
        await ctx.close();
      }
    },
  } as BrowserSuite;
  beforeAll(async () => {
    suite.worker = await startWorker();
    if (hostPages) suite.host = await startHostPage(hostPages(suite.worker.url));
    suite.chrome = await startBrowser();
  });
  afterAll(async () => {
    await suite.chrome?.stop();
    await suite.host?.stop();
    await suite.worker?.stop();
  });
  return suite;
}
