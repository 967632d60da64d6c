/**
 * A build's scratch files (the docs, their terms, fields and ranks, written beside the output) take about twice the
 * catalogue's size on disk, and packing holds every chunk twice until the packs are whole: a 10M build ran out of
 * disk there with them still on it. They go once the last reader is done, before packing.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildCatalogue } from "../../src/indexer/build-catalogue";

const root = mkdtempSync(join(tmpdir(), "dossier-build-scratch-"));
afterAll(() => rmSync(root, { recursive: true, force: true }), 30_000);

describe("a packed build's scratch files", { timeout: 60_000 }, () => {
  it("are removed before packing begins, having been there through the search index", () => {
    const outDir = join(root, "out", "assets");
    mkdirSync(dirname(outDir), { recursive: true });
    const scratch = () =>
      readdirSync(dirname(outDir))
        .filter((name) => /^\.dossier-(?:(?:docs|terms|fields)-\d+\.jsonl|ranks-\d+\.bin)$/.test(name))
        .map((name) => name.replace(/-\d+\.(?:jsonl|bin)$/, ""))
        .sort();
    const seen = new Map<string, string[]>();
    buildCatalogue({
      dataDirs: ["test/fixtures/ingest"],
      outDir,
      packs: true,
      progress: ({ phase, state }) => {
        if (state === "start") seen.set(phase, scratch());
      },
    });
    expect(seen.get("record store")).toEqual([".dossier-docs", ".dossier-fields", ".dossier-ranks", ".dossier-terms"]);
    expect(seen.get("packing")).toEqual([]);
  });
});
