/**
 * The screenshots in docs/: `/`, a search, a record page and a series page,
 * at 1280×800 and 390×844, each what the reader sees without scrolling.
 * Usage: npx tsx test/browser/docs-screenshots.ts <assets dir built from the shared corpora>
 * e.g. `npm run build -- --data /work/shared/corpora --out /tmp/corpora-assets` first.
 */
import { mkdirSync } from "node:fs";
import { newContext, startBrowser, startWorker } from "./harness";

const assetsDir = process.argv[2];
if (!assetsDir) throw new Error("docs-screenshots: give the assets directory to serve");
const SEARCH = "Oswald Mexico City";
const SIZES = [
  { name: "desktop", viewport: { width: 1280, height: 800 }, mobile: false },
  { name: "mobile", viewport: { width: 390, height: 844 }, mobile: true },
];

const worker = await startWorker(assetsDir);
const chrome = await startBrowser();
try {
  mkdirSync("docs", { recursive: true });
  const probe = (await (await fetch(`${worker.url}/api/search?q=${encodeURIComponent(SEARCH)}&limit=1`)).json()) as {
    hits: Array<{ id: string }>;
  };
  const record = probe.hits[0]!.id;
  const shots: Array<[string, string]> = [
    ["home", "/"],
    ["search", `/?q=${encodeURIComponent(SEARCH)}`],
    ["record", `/records/${record}`],
    ["series", "/series/a-6119"],
  ];
  for (const size of SIZES) {
    const ctx = await newContext(chrome.browser, { viewport: size.viewport, mobile: size.mobile });
    const page = await ctx.newPage();
    for (const [name, path] of shots) {
      await page.goto(`${worker.url}${path}`);
      if (path.includes("q=")) await page.locator("dossier-search [part=result]").first().waitFor();
      const file = `docs/screenshot-${name}-${size.name}.png`;
      await page.screenshot({ path: file, animations: "disabled" });
      console.log(`${file}  ${path}`);
    }
    await ctx.close();
  }
} finally {
  await chrome.stop();
  await worker.stop();
}
