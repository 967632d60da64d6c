/**
 * `<dossier-search>` embedded in a plain page on another origin, against the
 * real Worker, in headless Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { browserSuite, newContext } from "./harness";
import { axeViolations, formatViolations } from "./axe";
import { screenshot } from "./screenshots";

let ctx: BrowserContext;

const hostPages = (w: string): Record<string, string> => ({
  // The smallest embedding page: nothing but the script and the element.
  "/plain.html": `<!doctype html><html lang="en"><head><title>Plain host</title></head><body>
<script src="${w}/widget.js"></script>
<dossier-search></dossier-search>
</body></html>`,
  // A host that handles selection itself and themes the widget.
  "/suite.host.html": `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Host page</title>
<style>
  body { font-family: Georgia, serif; margin: 2rem; }
  dossier-search.themed { --dossier-accent: rgb(120, 0, 60); }
  dossier-search.themed::part(input) { border-width: 4px; }
</style></head><body>
<main><h1>A host site</h1>
<dossier-search class="themed" endpoint="${w}" placeholder="Find a file" limit="5" open-in="none"></dossier-search>
</main>
<script>
  window.selected = [];
  window.hostErrors = [];
  addEventListener("error", (e) => window.hostErrors.push(String(e.message)));
  addEventListener("unhandledrejection", (e) => window.hostErrors.push(String(e.reason)));
  document.addEventListener("dossier:select", (e) => { window.selected.push(e.detail); e.preventDefault(); });
</script>
<script src="${w}/widget.js"></script>
</body></html>`,
});

const suite = browserSuite(hostPages);

beforeAll(async () => {
  ctx = await newContext(suite.chrome.browser);
});

afterAll(async () => {
  await ctx?.close().catch(() => {});
});

const combobox = (page: Page) => page.locator("dossier-search input[role=combobox]");
const options = (page: Page) => page.locator("dossier-search [role=option]");
const status = (page: Page) => page.locator("dossier-search [role=status]");

async function openHost(path = "/suite.host.html"): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${suite.host.url}${path}`);
  await page.waitForFunction(() => !!customElements.get("dossier-search"));
  return page;
}

describe("the widget on a page served from another origin", () => {
  it("offers typeahead on a page of just the script and element; a chosen record opens", async () => {
    const page = await openHost("/plain.html");
    expect(new URL(page.url()).origin).not.toBe(suite.worker.url);
    await combobox(page).click();
    await combobox(page).pressSequentially("Besedovsky", { delay: 30 });
    await expect.poll(() => options(page).count()).toBeGreaterThan(1);
    // The variant spelling finds the person first, then the title of their file.
    expect(await options(page).nth(0).textContent()).toMatch(/^Grigoriy Besedovskiy/);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${suite.worker.url}/records/**`);
    expect(await page.locator("h1").textContent()).toMatch(/BESEDOVSKIY/);
    await page.close();
  });

  it("offers the best records, each volume on its own, when no name or title starts with the typed words", async () => {
    const page = await openHost();
    await combobox(page).click();
    await combobox(page).pressSequentially("counsellor Paris", { delay: 10 });
    await expect.poll(() => options(page).count()).toBeGreaterThan(1);
    expect(await options(page).nth(0).textContent()).toMatch(/^KV 2\/2670 — Grigoriy BESEDOVSKIY/);
    expect(await options(page).nth(1).textContent()).toMatch(/^KV 2\/2671 — Grigoriy BESEDOVSKIY/);
    await page.close();
  });

  it("is an ARIA combobox: arrows move aria-activedescendant, Enter fires dossier:select", async () => {
    const page = await openHost();
    const input = combobox(page);
    expect(await input.getAttribute("aria-expanded")).toBe("false");
    expect(await input.getAttribute("aria-autocomplete")).toBe("list");
    await input.click();
    await input.pressSequentially("Besedovsky", { delay: 30 });
    await expect.poll(() => input.getAttribute("aria-expanded")).toBe("true");
    const listboxId = await input.getAttribute("aria-controls");
    expect(await page.locator(`dossier-search [role=listbox]`).getAttribute("id")).toBe(listboxId);
    expect(await options(page).count()).toBeGreaterThanOrEqual(2);
    expect(await input.getAttribute("aria-activedescendant")).toBeNull();

    await page.keyboard.press("ArrowDown");
    const first = await options(page).nth(0).getAttribute("id");
    expect(await input.getAttribute("aria-activedescendant")).toBe(first);
    expect(await options(page).nth(0).getAttribute("aria-selected")).toBe("true");

    await page.keyboard.press("ArrowDown");
    const second = await options(page).nth(1).getAttribute("id");
    expect(await input.getAttribute("aria-activedescendant")).toBe(second);
    expect(await options(page).nth(0).getAttribute("aria-selected")).toBe("false");
    await page.keyboard.press("ArrowUp");
    expect(await input.getAttribute("aria-activedescendant")).toBe(first);
    // Focus never leaves the input: the option is only pointed at.
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute("role"))).toBe(
      "combobox",
    );
    // The second option is the file's title (the first is the person).
    await page.keyboard.press("ArrowDown");

    await page.keyboard.press("Enter");
    const selected = await page.evaluate(() => (window as unknown as { selected: unknown[] }).selected);
    expect(selected).toHaveLength(1);
    expect(selected[0]).toMatchObject({
      source: "suggestion",
      id: "kv-2-2670",
      url: `${suite.worker.url}/records/kv-2-2670`,
    });
    expect(await input.getAttribute("aria-expanded")).toBe("false");
    expect(await input.getAttribute("aria-activedescendant")).toBeNull();
    expect(page.url()).toBe(`${suite.host.url}/suite.host.html`); // the host cancelled the event, so nothing navigated
    await page.close();
  });

  it("closes the list on Escape, clears the text on a second Escape, and closes it on Tab", async () => {
    const page = await openHost();
    const input = combobox(page);
    await input.click();
    await input.pressSequentially("besed", { delay: 30 });
    await expect.poll(() => input.getAttribute("aria-expanded")).toBe("true");
    await page.keyboard.press("Escape");
    expect(await input.getAttribute("aria-expanded")).toBe("false");
    expect(await input.inputValue()).toBe("besed");
    await page.keyboard.press("Escape");
    expect(await input.inputValue()).toBe("");

    await input.pressSequentially("besed", { delay: 30 });
    await expect.poll(() => input.getAttribute("aria-expanded")).toBe("true");
    await page.keyboard.press("Tab");
    expect(await input.getAttribute("aria-expanded")).toBe("false");
    await page.close();
  });

  it("searches on Enter, announces the count politely, shows reference, dates, marks and link", async () => {
    const page = await openHost();
    await combobox(page).click();
    await combobox(page).pressSequentially("Besedovsky", { delay: 10 });
    await page.keyboard.press("Enter");
    await expect.poll(() => status(page).textContent()).toMatch(/^1 result \(2 records\) for “Besedovsky”/);
    expect(await status(page).getAttribute("aria-live")).toBe("polite");
    const hit = page.locator("dossier-search [part=result]").first();
    expect(await hit.locator("[part=reference]").textContent()).toBe("KV 2/2670");
    expect(await hit.locator("[part=dates]").textContent()).toBe("1926-1929");
    expect(await hit.locator(".meta").textContent()).toBe("1926-1929 · 2 volumes");
    expect(await hit.locator("mark").first().textContent()).toBe("Besedovskiy");
    expect(await hit.locator("a").getAttribute("href")).toBe(`${suite.worker.url}/records/kv-2-2670`);
    await page.close();
  });

  it("puts record text in as text: only <mark> from a snippet becomes an element", async () => {
    const page = await openHost();
    await page.route(`${suite.worker.url}/api/search**`, (route) =>
      route.fulfill({
        status: 200,
        contentType: "application/json",
        headers: { "access-control-allow-origin": "*" },
        body: JSON.stringify({
          query: { text: "x" },
          total: { value: 1, relation: "eq" },
          tookMs: 1,
          facets: { series: {}, decade: {}, scope: "all" },
          hits: [
            {
              id: "kv-2-1",
              reference: "KV 2/1",
              title: '<img src=x onerror="window.pwned=1">',
              coveringDates: "1939",
              snippet: "&lt;img src=x onerror=window.pwned=2&gt; <b>bold</b> <mark>hit</mark> &amp; more",
              score: 1,
            },
          ],
        }),
      }),
    );
    await combobox(page).fill("anything");
    await page.keyboard.press("Enter");
    await expect.poll(() => status(page).textContent()).toMatch(/1 result/);
    const hit = page.locator("dossier-search [part=result]");
    expect(await hit.locator("img, b").count()).toBe(0);
    expect(await hit.locator("mark").textContent()).toBe("hit");
    expect(await hit.locator("[part=snippet]").textContent()).toBe(
      "<img src=x onerror=window.pwned=2> <b>bold</b> hit & more",
    );
    expect(await hit.locator("[part=title]").textContent()).toBe('<img src=x onerror="window.pwned=1">');
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await page.close();
  });

  it("shows a clear message when the service cannot be reached, and throws nothing into the host page", async () => {
    const page = await openHost();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.route(`${suite.worker.url}/api/**`, (route) => route.abort("connectionrefused"));
    await combobox(page).click();
    await combobox(page).pressSequentially("Philby", { delay: 10 });
    await expect
      .poll(() => status(page).textContent())
      .toMatch(/Search is unavailable: could not reach the search service/);
    await page.keyboard.press("Enter");
    await expect.poll(() => status(page).getAttribute("part")).toBe("status error");
    expect(pageErrors).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { hostErrors: string[] }).hostErrors)).toEqual([]);
    await page.close();
  });

  it("aborts a typeahead request that a newer keystroke made stale, and shows only the newest answer", async () => {
    const page = await openHost();
    const aborted: string[] = [];
    page.on("requestfailed", (r) => {
      if (r.url().includes("/api/suggest")) aborted.push(new URL(r.url()).searchParams.get("q") ?? "");
    });
    // Hold the first answer back long enough for the next keystroke to supersede it.
    await page.route(`${suite.worker.url}/api/suggest**`, async (route) => {
      if (new URL(route.request().url()).searchParams.get("q") === "phil")
        await new Promise((r) => setTimeout(r, 1500));
      await route.fallback();
    });
    await combobox(page).click();
    await combobox(page).pressSequentially("phil", { delay: 10 });
    await page.waitForTimeout(400); // past the debounce: the "phil" request is in flight
    await combobox(page).pressSequentially("by", { delay: 10 });
    await expect.poll(() => options(page).count()).toBeGreaterThan(0);
    await expect.poll(() => aborted).toContain("phil");
    const texts = await options(page).allTextContents();
    expect(texts.join(" ").toLowerCase()).toContain("philby");
    await page.close();
  });

  it("is themable through --dossier-* custom properties and ::part()", async () => {
    const page = await openHost();
    const button = page.locator("dossier-search button[type=submit]");
    expect(await button.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe("rgb(120, 0, 60)");
    expect(await combobox(page).evaluate((i) => getComputedStyle(i).borderTopWidth)).toBe("4px");
    expect(await combobox(page).getAttribute("placeholder")).toBe("Find a file");
    await page.close();
  });

  it("has no serious or critical axe violations with the suggestions open, and its screenshots are saved", async () => {
    for (const mobile of [false, true]) {
      const c = await newContext(suite.chrome.browser, { mobile });
      const page = await c.newPage();
      await page.goto(`${suite.host.url}/suite.host.html`);
      await combobox(page).click();
      await combobox(page).pressSequentially("besed", { delay: 20 });
      await expect.poll(() => combobox(page).getAttribute("aria-expanded")).toBe("true");
      await page.keyboard.press("ArrowDown");
      const violations = await axeViolations(page);
      expect(violations, formatViolations(violations)).toEqual([]);
      await screenshot(page, `widget-open-${mobile ? "mobile" : "desktop"}`);
      await c.close();
    }
  });

  it("follows system dark mode, stays light when pinned, axe-clean with results in both", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const c = await newContext(suite.chrome.browser, { colorScheme });
      const page = await c.newPage();
      await page.goto(`${suite.host.url}/plain.html`);
      await page.evaluate(() => document.querySelector("dossier-search")!.setAttribute("facets", ""));
      await combobox(page).fill("Soviet");
      await combobox(page).press("Enter");
      await expect.poll(() => page.locator("dossier-search [part=result]").count()).toBeGreaterThan(0);
      const bg = () =>
        page.locator("dossier-search [part=container]").evaluate((e) => getComputedStyle(e).backgroundColor);
      expect(await bg()).toBe(colorScheme === "dark" ? "rgb(28, 31, 36)" : "rgb(255, 255, 255)");
      const violations = await axeViolations(page);
      expect(violations, `${colorScheme}\n${formatViolations(violations)}`).toEqual([]);
      if (colorScheme === "dark") {
        await page.evaluate(() => document.querySelector("dossier-search")!.setAttribute("theme", "light"));
        expect(await bg()).toBe("rgb(255, 255, 255)");
      }
      await c.close();
    }
  });

  it("would report a violation: the axe check sees into the widget's shadow root", async () => {
    const page = await openHost();
    // An unlabelled control inside the shadow root must be caught, or the scans above prove nothing.
    await page.evaluate(() => {
      const root = document.querySelector("dossier-search")!.shadowRoot!;
      root.querySelector("label")!.remove();
      root.querySelector("input")!.removeAttribute("placeholder");
    });
    const violations = await axeViolations(page);
    expect(violations.map((v) => v.id)).toContain("label");
    await page.close();
  });
});
