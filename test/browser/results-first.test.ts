/**
 * Issue 15 in a real browser: results above the fold at 1280×800 and 390×844,
 * no flash of empty results while the API is slow, facets, sort, series
 * browsing, record facts, and axe in light and dark.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { browserSuite } from "./harness";
import { axeViolations, formatViolations } from "./axe";

const suite = browserSuite();

const SIZES = [
  { name: "1280×800", viewport: { width: 1280, height: 800 }, mobile: false },
  { name: "390×844", viewport: { width: 390, height: 844 }, mobile: true },
] as const;

/** The first result's box, in the component's shadow root once it answered, else in the server's markup. */
async function firstResultBottom(
  page: Page,
  scripted: boolean,
): Promise<{ bottom: number; height: number; top: number }> {
  const first = scripted
    ? page.locator("dossier-search [part=result]").first()
    : page.locator("main ol.hits > li").first();
  const box = (await first.boundingBox())!;
  const height = await page.evaluate(() => innerHeight);
  return { top: box.y, bottom: box.y + box.height, height };
}

describe("results first", () => {
  // Queries with few and many hits, facets of one and of several series, a reference.
  const QUERIES = ["Soviet defectors", "Besedovsky", "KV 2/2681", "Philby", "communist party 1930s"];

  for (const size of SIZES) {
    it(`shows the first result whole without scrolling at ${size.name}, with and without JavaScript`, async () => {
      for (const scripted of [false, true]) {
        await suite.withPage(
          { viewport: size.viewport, mobile: size.mobile, javaScriptEnabled: scripted },
          async (page) => {
            for (const q of QUERIES) {
              await page.goto(`${suite.worker.url}/?q=${encodeURIComponent(q)}`);
              if (scripted)
                await expect.poll(() => page.locator("dossier-search [part=result]").count()).toBeGreaterThan(0);
              const { top, bottom, height } = await firstResultBottom(page, scripted);
              expect(top, `${q} (${scripted ? "js" : "no js"})`).toBeGreaterThan(0);
              expect(
                bottom,
                `${q} (${scripted ? "js" : "no js"}): first result ends at ${bottom}px of ${height}px`,
              ).toBeLessThanOrEqual(height);
            }
          },
        );
      }
    });
  }

  it("puts facets in a sidebar at 1280 wide and in a closed Filters disclosure at 390", async () => {
    await suite.withPage({ viewport: SIZES[0].viewport }, async (page) => {
      await page.goto(`${suite.worker.url}/?q=Soviet`);
      const facets = page.locator("dossier-search [part=filters]");
      await expect.poll(() => facets.locator("input[type=checkbox]").first().isVisible()).toBe(true);
      const side = (await facets.boundingBox())!;
      const first = (await page.locator("dossier-search [part=result]").first().boundingBox())!;
      expect(side.x + side.width).toBeLessThanOrEqual(first.x);
      expect(await page.locator("dossier-search [part=filters] > summary").isVisible()).toBe(false);
    });
    await suite.withPage({ viewport: SIZES[1].viewport, mobile: true }, async (page) => {
      await page.goto(`${suite.worker.url}/?q=Soviet`);
      await expect.poll(() => page.locator("dossier-search [part=result]").count()).toBeGreaterThan(0);
      const summary = page.locator("dossier-search [part=filters] > summary");
      expect(await summary.isVisible()).toBe(true);
      const box = page.locator("dossier-search [part=filters] input[type=checkbox]").first();
      expect(await box.isVisible()).toBe(false);
      expect((await summary.boundingBox())!.y).toBeLessThan(
        (await page.locator("dossier-search [part=result]").first().boundingBox())!.y,
      );
      await summary.click();
      expect(await box.isVisible()).toBe(true);
    });
  });
});

describe("no flash of empty results", () => {
  for (const path of ["/?q=Soviet", "/embed?q=Soviet"]) {
    it(`keeps the server's results on ${path.split("?")[0]}, busy, while a slow API answers`, async () => {
      await suite.withPage({}, async (page) => {
        let delayed = 0;
        await page.route("**/api/search?**", async (route) => {
          delayed++;
          await new Promise((r) => setTimeout(r, 1500));
          await route.continue().catch(() => {});
        });
        // Sample every frame from the start: a frame with no visible result after one was shown is a flash.
        await page.addInitScript(() => {
          const w = window as unknown as { samples: Array<{ t: number; visible: number; busy: boolean }> };
          w.samples = [];
          const t0 = performance.now();
          const tick = () => {
            const host = document.querySelector("dossier-search");
            const light = [...document.querySelectorAll("dossier-search ol.hits > li")].filter((e) =>
              e.checkVisibility(),
            );
            const shadow = [...(host?.shadowRoot?.querySelectorAll("[part=result]") ?? [])].filter((e) =>
              e.checkVisibility(),
            );
            w.samples.push({
              t: performance.now() - t0,
              visible: light.length + shadow.length,
              busy: host?.getAttribute("aria-busy") === "true",
            });
            if (performance.now() - t0 < 5000) requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        });
        await page.goto(`${suite.worker.url}${path}`);
        await page.waitForFunction(() => !!customElements.get("dossier-search"));
        // While the component's first request is held back, the server's results show and the busy state is on.
        await expect.poll(() => page.locator("dossier-search").getAttribute("aria-busy")).toBe("true");
        expect(await page.locator("dossier-search ol.hits > li").first().isVisible()).toBe(true);
        expect(await page.locator("dossier-search .spin").isVisible()).toBe(true);
        await expect
          .poll(() => page.locator("dossier-search [part=result]").count(), { timeout: 10_000 })
          .toBeGreaterThan(0);
        expect(await page.locator("dossier-search").getAttribute("aria-busy")).toBeNull();
        expect(await page.locator("dossier-search ol.hits > li").first().isVisible()).toBe(false);
        expect(delayed).toBeGreaterThan(0);
        await page.waitForTimeout(300);
        const samples = await page.evaluate(
          () => (window as unknown as { samples: Array<{ t: number; visible: number; busy: boolean }> }).samples,
        );
        const firstShown = samples.findIndex((s) => s.visible > 0);
        expect(firstShown).toBeGreaterThanOrEqual(0);
        const gaps = samples.slice(firstShown).filter((s) => s.visible === 0);
        expect(gaps, `frames without results after ${samples[firstShown]!.t.toFixed(0)} ms`).toEqual([]);
        expect(samples.some((s) => s.busy && s.visible > 0)).toBe(true);
      });
    });
  }

  it("keeps the last answer on show, dimmed and busy, while the next one loads", async () => {
    await suite.withPage({}, async (page) => {
      await page.goto(`${suite.worker.url}/?q=Soviet`);
      await expect.poll(() => page.locator("dossier-search [part=result]").count()).toBeGreaterThan(0);
      await page.route("**/api/search?**", async (route) => {
        await new Promise((r) => setTimeout(r, 1500));
        await route.continue().catch(() => {});
      });
      const input = page.locator("dossier-search input[role=combobox]");
      await input.fill("Philby");
      await input.press("Enter");
      await expect.poll(() => page.locator("dossier-search").getAttribute("aria-busy")).toBe("true");
      expect(await page.locator("dossier-search [part=result]").count()).toBeGreaterThan(0);
      await expect
        .poll(() => page.locator("dossier-search p[part~=status]").textContent(), { timeout: 10_000 })
        .toMatch(/for “Philby”/);
    });
  });
});

describe("facets and sort", () => {
  it("lists facet values by count, shows five with the rest behind more, and filters by archive", async () => {
    await suite.withPage({ javaScriptEnabled: false }, async (page) => {
      await page.goto(`${suite.worker.url}/?q=Soviet`);
      const series = page.locator(".filters section", { hasText: "Series" });
      const counts = (await series.locator(":scope > ul .n").allTextContents()).map((t) =>
        Number(t.replace(/\D/g, "")),
      );
      expect(counts.length).toBeLessThanOrEqual(5);
      expect([...counts].sort((a, b) => b - a)).toEqual(counts);
      const held = page.locator(".filters section", { hasText: "Held by" }).locator("a").first();
      const archive = (await held.textContent())!.trim();
      await held.click();
      await page.waitForURL((u) => u.searchParams.get("heldBy") === archive);
      expect(
        await page.locator(".filters section", { hasText: "Held by" }).locator("a[aria-current=true]").count(),
      ).toBe(1);
    });
    const api = (await (
      await fetch(`${suite.worker.url}/api/search?q=Soviet&heldBy=${encodeURIComponent("The National Archives, Kew")}`)
    ).json()) as { total: { value: number }; facets: { heldBy: Record<string, number> } };
    expect(api.total.value).toBeGreaterThan(0);
    expect(api.facets.heldBy).toEqual({ "The National Archives, Kew": api.total.value });
    const none = (await (await fetch(`${suite.worker.url}/api/search?q=Soviet&heldBy=Nowhere`)).json()) as {
      total: { value: number };
    };
    expect(none.total.value).toBe(0);
  });

  it("sends the chosen sort to the API from the page form and from the widget, and keeps it in the URL", async () => {
    await suite.withPage({ javaScriptEnabled: false }, async (page) => {
      await page.goto(`${suite.worker.url}/?q=Soviet`);
      await page.locator("#sort").selectOption("date");
      await page.getByRole("button", { name: "Search", exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get("sort") === "date");
      expect(await page.locator("#sort").inputValue()).toBe("date");
    });
    await suite.withPage({}, async (page) => {
      const asked: string[] = [];
      page.on("request", (r) => {
        if (r.url().includes("/api/search?")) asked.push(r.url());
      });
      await page.goto(`${suite.worker.url}/?q=Soviet`);
      await expect.poll(() => page.locator("dossier-search [part=result]").count()).toBeGreaterThan(0);
      await page.locator("dossier-search [part=sort]").selectOption("-date");
      await page.waitForURL((u) => u.searchParams.get("sort") === "-date");
      await expect.poll(() => asked.some((u) => new URL(u).searchParams.get("sort") === "-date")).toBe(true);
      await page.reload();
      await expect.poll(() => page.locator("dossier-search [part=sort]").inputValue()).toBe("-date");
    });
  });
});

describe("browsing and record pages", () => {
  it("links a record to its series page: catalogue order, titles and dates, paged", async () => {
    await suite.withPage({ javaScriptEnabled: false }, async (page) => {
      await page.goto(`${suite.worker.url}/records/kv-2-2681`);
      await page.locator("dd a", { hasText: "KV 2" }).click();
      await page.waitForURL(`${suite.worker.url}/series/kv-2`);
      expect(await page.locator("h1").textContent()).toBe("Series KV 2");
      const items = page.locator("ol.series-items > li");
      expect(await items.count()).toBe(50);
      const refs = (await items.locator(".ref").allTextContents()).map((r) => Number(r.split("/")[1]));
      expect([...refs].sort((a, b) => a - b)).toEqual(refs);
      expect(await items.first().locator(".ref").textContent()).toMatch(/^KV 2\/\d+$/);
      expect(await items.locator(".dates").count()).toBeGreaterThan(0);
      expect(await items.locator(".dates").first().textContent()).toMatch(/^\d{4}/);
      await page.getByRole("link", { name: "Next" }).click();
      await page.waitForURL(/page=2/);
      expect(await page.locator("ol.series-items").getAttribute("start")).toBe("51");
    });
    const api = (await (await fetch(`${suite.worker.url}/api/series/KV%202?limit=50`)).json()) as {
      items: Array<{ title: string; coveringDates: string | null }>;
    };
    expect(api.items.every((i) => typeof i.title === "string" && i.title.length > 0)).toBe(true);
    expect(api.items.some((i) => typeof i.coveringDates === "string")).toBe(true);
    const missing = await fetch(`${suite.worker.url}/series/KV%209`);
    expect(missing.status).toBe(404);
  });

  it("shows a record's release facts, links out to Discovery by name, and offers its citation", async () => {
    await suite.withPage({}, async (page) => {
      await page.goto(`${suite.worker.url}/records/kv-2-2681`);
      const out = page.getByRole("link", { name: "Find in Discovery" });
      expect(await out.getAttribute("href")).toBe(
        "https://discovery.nationalarchives.gov.uk/results/r?_q=KV%202%2F2681",
      );
      expect(await page.locator("dl").textContent()).toMatch(/Released\s*September 2007 \(Soviet defectors\)/);
      expect(await page.locator("#cite-text").textContent()).toBe(
        "The National Archives, Kew, KV 2/2681, “Leon HELFLAND” (1929-1955)",
      );
      expect(await page.getByRole("button", { name: "Copy citation" }).isVisible()).toBe(true);
    });
  });

  it("the home page shows the catalogue's size, example searches and browsing by archive and series", async () => {
    await suite.withPage({ javaScriptEnabled: false }, async (page) => {
      await page.goto(`${suite.worker.url}/`);
      expect(await page.locator(".lede").textContent()).toMatch(/283 catalogue records from 1 archive/);
      expect(await page.locator(".examples a").count()).toBeGreaterThanOrEqual(3);
      const kv2 = page.locator(".archives a", { hasText: /^KV 2$/ });
      expect(await kv2.getAttribute("href")).toBe("/series/kv-2");
    });
  });
});

describe("polish", () => {
  it("focuses the search box on / , serves a favicon and OpenSearch suggestions", async () => {
    await suite.withPage({}, async (page) => {
      await page.goto(`${suite.worker.url}/records/kv-2-2681`);
      await page.keyboard.press("/");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("hq");
      await page.goto(`${suite.worker.url}/`);
      await page.waitForFunction(() => !!customElements.get("dossier-search"));
      await page.keyboard.press("/");
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute("role")))
        .toBe("combobox");
    });
    const icon = await fetch(`${suite.worker.url}/favicon.svg`);
    expect(icon.headers.get("content-type")).toBe("image/svg+xml");
    const xml = await (await fetch(`${suite.worker.url}/opensearch.xml`)).text();
    const template = `${suite.worker.url}/opensearch/suggest?q={searchTerms}`;
    expect(xml).toContain(`type="application/x-suggestions+json" method="get" template="${template}"`);
    const sugg = await fetch(`${suite.worker.url}/opensearch/suggest?q=besed`);
    expect(sugg.headers.get("content-type")).toMatch(/^application\/x-suggestions\+json/);
    const [q, list] = (await sugg.json()) as [string, string[]];
    expect(q).toBe("besed");
    expect(list.some((s) => /besedovsk/i.test(s))).toBe(true);
  });

  it("renders backticks in /docs as code, and the widget snippet wraps instead of clipping on a phone", async () => {
    await suite.withPage({ mobile: true }, async (page) => {
      await page.goto(`${suite.worker.url}/docs`);
      expect(await page.locator("main").textContent()).not.toMatch(/`KV 2\/2681`/);
      expect(await page.locator("main p code", { hasText: "kv2/2681" }).count()).toBeGreaterThan(0);
      const pre = page.locator("pre.snippet");
      expect(await pre.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
    });
  });
});

describe("accessibility in light and dark", () => {
  const PAGES = [
    "/",
    "/?q=Soviet%20defectors",
    "/?q=Soviet&series=KV%202&from=1930&to=1959",
    "/records/kv-2-2681",
    "/series/kv-2",
    "/series",
    "/records/kv-2-9999",
    "/docs",
  ];
  for (const colorScheme of ["light", "dark"] as const) {
    for (const size of SIZES) {
      it(`has no serious or critical axe violations at ${size.name} in ${colorScheme} mode`, async () => {
        await suite.withPage({ viewport: size.viewport, mobile: size.mobile, colorScheme }, async (page) => {
          for (const path of PAGES) {
            await page.goto(`${suite.worker.url}${path}`);
            if (path.includes("q="))
              await expect.poll(() => page.locator("dossier-search [part=result]").count()).toBeGreaterThan(0);
            const violations = await axeViolations(page);
            expect(violations, `${path}\n${formatViolations(violations)}`).toEqual([]);
          }
          if (colorScheme === "dark") {
            await page.goto(`${suite.worker.url}/records/kv-2-2681`);
            expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe(
              "rgb(18, 20, 23)",
            );
          }
        });
      });
    }
  }
});
