import { describe, expect, it } from "vitest";
import { terminalProgress } from "../../src/indexer/build-progress";

describe("build progress", () => {
  it("stays silent when the output is not a terminal", () => {
    expect(
      terminalProgress({
        isTTY: false,
        write: () => {
          throw new Error("wrote to a pipe");
        },
      }),
    ).toBeUndefined();
  });

  it("draws a line per phase on a terminal, redrawn while running and kept with its count and elapsed time", () => {
    const out: string[] = [];
    let t = 0;
    const progress = terminalProgress({ isTTY: true, write: (s: string) => out.push(s) }, () => t)!;
    progress({ phase: "reading data", state: "start" });
    t = 1500;
    progress({ phase: "reading data", state: "done", count: 27329, unit: "records" });
    progress({ phase: "search index", state: "start" });
    t = 4000;
    progress({ phase: "search index", state: "done", count: 2, unit: "shard(s)" });
    expect(out).toEqual([
      "\r\x1b[K  … reading data",
      "\r\x1b[K  ✓ reading data: 27,329 records  1.5 s (total 1.5 s)\n",
      "\r\x1b[K  … search index",
      "\r\x1b[K  ✓ search index: 2 shard(s)  2.5 s (total 4.0 s)\n",
    ]);
  });
});
