/** Screenshots are artifacts for review (test/screenshots/ is gitignored); one is copied to docs/ for the README. */
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";

export const SCREENSHOT_DIR = "test/screenshots";

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}/${name}.png`;
  await page.screenshot({ path, fullPage: true, animations: "disabled" });
  return path;
}
