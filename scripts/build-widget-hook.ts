/** Builds the embeddable widget into an assets directory when its source exists. */
import { existsSync } from "node:fs";

export async function buildWidget(outDir: string): Promise<void> {
  if (!existsSync("scripts/build-widget.ts")) return;
  const mod = (await import("./build-widget")) as { buildWidget?: (out: string) => Promise<unknown> };
  if (mod.buildWidget) await mod.buildWidget(outDir);
}
