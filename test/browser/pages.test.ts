/**
 * The public pages (`/`, `/records/:id`, `/embed`, `/docs`, `/opensearch.xml`)
 * served by the real Worker, seen through headless Chromium with and without
 * JavaScript.
 */
import { describe, expect, it } from "vitest";
import { browserSuite } from "./harness";
import { axeViolations, formatViolations } from "./axe";
import { screenshot } from "./screenshots";

const suite = browserSuite((workerUrl) => ({
  "/framed.html": `<!doctype html><html lang="en"><head><title>Framing host</title></head><body>
<iframe title="Catalogue search" src="${workerUrl}/embed?q=Besedovsky" width="600" height="500"></iframe>
</body></html>`,
}));

describe("the home page", () => {
  it("works without JavaScript: GET form, server results, facet counts, date range, paging", async () => {
    await suite.withPage({ javaScriptEnabled: false }, async (page) => {
      await page.goto(`${suite.worker.url}/`);
      await page.getByLabel("Search words, names or references").fill("Besedovsky");
      await page.getByRole("button", { name: "Search", exact: true }).last().click();
      await page.waitForURL(/\/\?q=Besedovsky/);
      // Two volumes of one file: one result, its volumes linked one by one.
      expect(await page.locator("main [role=status]").textContent()).toBe("1 result (2 records) for “Besedovsky”");
      expect(await page.locator("main ol.hits > li").count()).toBe(1);
      const links = page.locator("main ol.hits a");
      expect(await links.first().getAttribute("href")).toBe("/records/kv-2-2670");
      const volumes = page.locator("main ol.hits .volumes a");
      expect(await volumes.evaluateAll((as) => as.map((a) => a.getAttribute("href")))).toEqual([
        "/records/kv-2-2670",
        "/records/kv-2-2671",
      ]);
      expect(await volumes.nth(1).getAttribute("aria-label")).toBe("Volume 2 of 2");
      expect(await page.locator("main ol.hits mark").first().textContent()).toBe("Besedovskiy");
      expect(await page.locator(".filters").textContent()).toMatch(/KV 2\s*\(2\)/);
      expect(await page.locator(".filters").textContent()).toMatch(/Held by\s*The National Archives, Kew\s*\(2\)/);
      expect(await page.locator(".filters .vh").textContent()).toMatch(/1920s \d+/);

      // A date range is a GET form of its own that keeps the query, and filters the server's answer.
      await page.getByLabel("From year").fill("1950");
      await page.getByLabel("To year").fill("1960");
      await page.getByRole("button", { name: "Apply dates" }).click();
      await page.waitForURL(/from=1950/);
      expect(await page.locator("main [role=status]").textContent()).toBe("1 result for “Besedovsky”");

      // Paging: a broad query has a Next link that moves the offset.
      await page.goto(`${suite.worker.url}/?q=Soviet`);
      const next = page.getByRole("link", { name: "Next" });
      expect(await next.getAttribute("href")).toMatch(/offset=10/);
      await next.click();
      expect(await page.locator("main [role=status]").textContent()).toMatch(/showing 11–/);
    });
  });

  it("with JavaScript, searches in the component, puts the query in the URL, filters by facet", async () => {
    await suite.withPage({}, async (page) => {
      await page.goto(`${suite.worker.url}/`);
      const input = page.locator("dossier-search input[role=combobox]");
      await input.fill("Soviet");
      await page.keyboard.press("Enter");
      await page.waitForURL(/\?q=Soviet/);
      await expect
        .poll(() => page.locator("dossier-search p[part~=status]").textContent())
        // More matches than a page looks at: its files are a lower bound, so the sentence gives the records.
        .toMatch(/^\d+ records for “Soviet”, showing 1–10$/);
      const seriesBox = page
        .locator("dossier-search [part=filters] fieldset", { hasText: "Series" })
        .locator("input[type=checkbox]")
        .first();
      const seriesName = await seriesBox.getAttribute("value");
      await seriesBox.check();
      await page.waitForURL((u) => u.searchParams.get("series") === seriesName);
      const pager = page.locator("dossier-search [part=pager]");
      if (await pager.isVisible()) {
        await pager.getByRole("button", { name: "Next" }).click();
        await page.waitForURL(/offset=10/);
      }
      // The URL alone restores the search: open it afresh.
      const shared = page.url();
      await page.goto("about:blank");
      await page.goto(shared);
      await expect.poll(() => input.inputValue()).toBe("Soviet");
      await expect
        .poll(() => page.locator("dossier-search [part=filters] input[type=checkbox]:checked").count())
        .toBe(1);
      await expect
        .poll(() => page.locator("dossier-search [part=filters] input[type=checkbox]:checked").getAttribute("value"))
        .toBe(seriesName);
    });
  });

  it("has no serious or critical axe violations; screenshots saved at desktop and phone widths", async () => {
    for (const mobile of [false, true]) {
      await suite.withPage({ mobile }, async (page) => {
        await page.goto(`${suite.worker.url}/?q=Soviet%20defectors`);
        await expect.poll(() => page.locator("dossier-search [part=result]").count()).toBeGreaterThan(0);
        const violations = await axeViolations(page);
        expect(violations, formatViolations(violations)).toEqual([]);
        const path = await screenshot(page, `home-${mobile ? "mobile" : "desktop"}`);
        void path;
      });
    }
  });
});

describe("a record page", () => {
  it("shows facts, people links and related records, a canonical URL and ArchiveComponent JSON-LD", async () => {
    await suite.withPage({ javaScriptEnabled: false }, async (page) => {
      const res = await page.goto(`${suite.worker.url}/records/kv-2-2681`);
      expect(res?.status()).toBe(200);
      expect(await page.locator("h1").textContent()).toBe("KV 2/2681: Leon HELFLAND");
      expect(await page.locator("link[rel=canonical]").getAttribute("href")).toBe(
        `${suite.worker.url}/records/kv-2-2681`,
      );
      expect(await page.locator("dl").textContent()).toMatch(/Covering dates\s*1929-1955/);
      const philby = page.getByRole("link", { name: "Kim Philby", exact: true });
      expect(new URL((await philby.getAttribute("href"))!, suite.worker.url).searchParams.get("q")).toBe(
        'person:"Kim Philby"',
      );
      expect(await page.locator(".related li a").count()).toBeGreaterThan(0);
      const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent())!);
      expect(ld).toMatchObject({
        "@context": "https://schema.org",
        "@type": "ArchiveComponent",
        identifier: "KV 2/2681",
        name: "Leon HELFLAND",
        url: `${suite.worker.url}/records/kv-2-2681`,
        temporalCoverage: "1929-01-01/1955-12-31",
      });
      expect(ld.about).toContainEqual({ "@type": "Person", name: "Kim Philby" });
      expect(res?.headers()["content-security-policy"]).toMatch(/script-src 'self'/);
      expect(res?.headers()["x-content-type-options"]).toBe("nosniff");
      expect(res?.headers()["referrer-policy"]).toBeTruthy();
    });
  });

  it("answers an unknown id with an HTML 404 that suggests nearby references", async () => {
    await suite.withPage({ javaScriptEnabled: false }, async (page) => {
      const res = await page.goto(`${suite.worker.url}/records/kv-2-2672`);
      expect(res?.status()).toBe(404);
      expect(res?.headers()["content-type"]).toMatch(/text\/html/);
      // Suggestions carry their titles and link to the records themselves.
      const near = page.locator("main .suggestions a", { hasText: "KV 2/2671" });
      expect(await near.textContent()).toMatch(/KV 2\/2671: Grigoriy BESEDOVSKIY/);
      expect(await near.getAttribute("href")).toBe("/records/kv-2-2671");
    });
  });

  it("has no serious or critical axe violations; screenshots saved at desktop and phone widths", async () => {
    for (const mobile of [false, true]) {
      await suite.withPage({ mobile }, async (page) => {
        await page.goto(`${suite.worker.url}/records/kv-2-2670`);
        const violations = await axeViolations(page);
        expect(violations, formatViolations(violations)).toEqual([]);
        await screenshot(page, `record-${mobile ? "mobile" : "desktop"}`);
      });
    }
  });
});

describe("the embed page", () => {
  it("renders server-side results inside an iframe on another origin, with links opening a new tab", async () => {
    await suite.withPage({ javaScriptEnabled: false }, async (page) => {
      const res = await page.request.get(`${suite.worker.url}/embed?q=Besedovsky`);
      expect(res.headers()["content-security-policy"]).toMatch(/frame-ancestors \*/);
      await page.goto(`${suite.host.url}/framed.html`);
      const frame = page.frameLocator("iframe");
      await expect
        .poll(() =>
          frame
            .locator("[role=status]")
            .first()
            .textContent({ timeout: 5000 })
            .catch(() => ""),
        )
        .toBe("1 result (2 records) for “Besedovsky”");
      expect(await frame.locator("ol.hits a").first().getAttribute("target")).toBe("_blank");
    });
  });
});

describe("discovery documents", () => {
  it("links an OpenSearch description from every page, pointing at the search URL", async () => {
    await suite.withPage({ javaScriptEnabled: false }, async (page) => {
      await page.goto(`${suite.worker.url}/records/kv-2-2670`);
      expect(
        await page.locator('link[rel=search][type="application/opensearchdescription+xml"]').getAttribute("href"),
      ).toBe("/opensearch.xml");
    });
    const res = await fetch(`${suite.worker.url}/opensearch.xml`);
    expect(res.headers.get("content-type")).toMatch(/application\/opensearchdescription\+xml/);
    expect(await res.text()).toContain(`template="${suite.worker.url}/?q={searchTerms}"`);
  });

  it("serves OpenAPI 3.1 generated from the request schemas, and a docs page of its endpoints", async () => {
    const doc = (await (await fetch(`${suite.worker.url}/api/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, { get?: { parameters?: Array<{ name: string }> } }>;
    };
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(doc.paths["/api/search"]?.get?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(["q", "limit", "offset", "series", "from", "to"]),
    );
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/suggest", "/api/records/{id}"]));
    await suite.withPage({ javaScriptEnabled: false }, async (page) => {
      await page.goto(`${suite.worker.url}/docs`);
      for (const path of Object.keys(doc.paths))
        expect(await page.locator("main").textContent()).toContain(`GET ${path}`);
    });
  });

  it("the docs and embed pages have no serious or critical axe violations either", async () => {
    for (const path of ["/docs", "/embed?q=Philby"]) {
      await suite.withPage({}, async (page) => {
        await page.goto(`${suite.worker.url}${path}`);
        const violations = await axeViolations(page);
        expect(violations, `${path}\n${formatViolations(violations)}`).toEqual([]);
      });
    }
  });
});
