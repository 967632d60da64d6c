import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile, appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DiscoveryHttpError,
  DiscoveryImporter,
  DiscoveryUnavailableError,
  FileCheckpointStore,
  FileUsageStore,
  JsonlFileSink,
  type Checkpoint,
  type ImporterOptions,
} from "../../src/importer/discovery-importer";
import { ingestText } from "../../src/indexer/ingest";
import {
  startReplayServer,
  type Fault,
  type ReplayRequest,
  type ReplayServer,
  type StoredSeries,
} from "./replay-server";

const ROOT = resolve(__dirname, "../..");
const FIXTURE = join(ROOT, "test/fixtures/discovery-replay/kv-2.json");
const REAL_CORPUS = resolve(ROOT, "../shared/corpora/tna-discovery/discovery-api-responses.json");

const fixture = JSON.parse(readFileSync(FIXTURE, "utf8")) as StoredSeries[];
const fixtureIds = fixture[0]!.results.map((r) => r.record.id);

/** Sleeping moves virtual time on at once, so backoff and rate waits cost nothing but are recorded. */
function virtualClock(start = Date.UTC(2025, 5, 2, 9, 0, 0)) {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    advance: (ms: number) => (t += ms),
    clock: {
      now: () => t,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        t += ms;
      },
    },
  };
}

let dir: string;
const servers: ReplayServer[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "discovery-import-"));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

async function serve(corpus: StoredSeries[], fault?: (r: ReplayRequest) => Fault | null | undefined) {
  const server = await startReplayServer(corpus, fault);
  servers.push(server);
  return server;
}

function stores(slug = "kv-2") {
  return {
    checkpoints: new FileCheckpointStore(join(dir, `.discovery-${slug}.checkpoint.json`)),
    sink: new JsonlFileSink(join(dir, `.discovery-${slug}.jsonl`)),
  };
}

function importer(server: ReplayServer, overrides: Partial<ImporterOptions> = {}, slug = "kv-2") {
  const { clock } = overrides.clock ? { clock: overrides.clock } : virtualClock();
  return new DiscoveryImporter({
    series: "KV 2",
    baseUrl: server.baseUrl,
    fetch: (url, init) => fetch(url, init),
    clock,
    ...stores(slug),
    rateMs: 0,
    pageSize: 3,
    maxRetries: 3,
    random: () => 0.5,
    ...overrides,
  });
}

async function outputLines(slug = "kv-2"): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(dir, `.discovery-${slug}.jsonl`), "utf8");
  return text
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function publishedIds(slug = "kv-2"): Promise<unknown[]> {
  const array = JSON.parse(await readFile(join(dir, `discovery-${slug}.json`), "utf8")) as Array<{ id: unknown }>;
  return array.map((r) => r.id);
}

async function savedCheckpoint(slug = "kv-2"): Promise<Checkpoint> {
  return JSON.parse(await readFile(join(dir, `.discovery-${slug}.checkpoint.json`), "utf8")) as Checkpoint;
}

describe("Discovery importer against the fixture replay", () => {
  it("writes each record once: details merged with its search hit, with a Discovery sourceUrl", async () => {
    const server = await serve(fixture);
    const result = await importer(server).run();

    expect(result.stopped).toBe("complete");
    const lines = await outputLines();
    expect(lines.map((l) => l.id)).toEqual(fixtureIds);
    const first = lines[0]!;
    const stored = fixture[0]!.results[0]!;
    expect(first.sourceUrl).toBe(`https://discovery.nationalarchives.gov.uk/details/r/${stored.record.id}`);
    expect(first.citableReference).toBe(stored.details!.citableReference);
    expect(first.scopeContent).toEqual(stored.details!.scopeContent);
    // details carry title: null; the hit's title fills it
    expect(first.title).toBe(stored.record.title);
    expect(first.reference).toBe(stored.record.reference);
    expect((await savedCheckpoint()).complete).toBe(true);
  });

  it("exports a JSON array ingest reads as Discovery API JSON, citing each Discovery page", async () => {
    const server = await serve(fixture);
    await importer(server).run();
    const target = join(dir, "discovery-kv-2.json");
    expect(await stores().sink.exportJsonArray(target)).toBe(fixtureIds.length);

    const result = ingestText(await readFile(target, "utf8"), "discovery-kv-2.json");
    expect(result.format).toBe("discovery-json");
    expect(result.rejects).toEqual([]);
    expect(result.records.map((r) => r.reference)).toEqual(fixture[0]!.results.map((r) => r.details!.citableReference));
    expect(result.records.map((r) => r.source.url)).toEqual(
      fixtureIds.map((id) => `https://discovery.nationalarchives.gov.uk/details/r/${id}`),
    );
    expect(result.records[0]!.title).toBe(fixture[0]!.results[0]!.record.title);
  });

  it("pages the search with the stored responses' parameter names and a batchStartMark cursor", async () => {
    const server = await serve(fixture);
    await importer(server).run();

    const searches = server.requests.filter((r) => r.kind === "search");
    expect(searches.length).toBe(Math.ceil(fixtureIds.length / 3));
    for (const s of searches) {
      expect(s.query.get("sps.recordSeries")).toBe("KV 2");
      expect(s.rawQuery).toContain("sps.recordSeries=KV%202");
    }
    expect(searches[0]!.query.get("sps.batchStartMark")).toBe("*");
    expect(searches[1]!.query.get("sps.batchStartMark")).not.toBe("*");
  });

  it("retries a 503 with jittered backoff and waits out a 429's Retry-After before asking again", async () => {
    const server = await serve(fixture, (r) =>
      r.n === 2 ? { status: 503 } : r.n === 3 ? { status: 429, retryAfter: "7" } : null,
    );
    const v = virtualClock();
    const result = await importer(server, { clock: v.clock, backoffBaseMs: 1000 }).run();

    expect(result.stopped).toBe("complete");
    expect(v.sleeps).toContain(500); // random 0.5 × 1000 ms base for the first retry
    expect(v.sleeps).toContain(7000);
    expect((await outputLines()).map((l) => l.id)).toEqual(fixtureIds);
  });

  it("retries a response cut off mid-body", async () => {
    const server = await serve(fixture, (r) => (r.n === 1 ? "cut" : null));
    const result = await importer(server).run();
    expect(result.stopped).toBe("complete");
    expect((await outputLines()).length).toBe(fixtureIds.length);
  });

  it("survives 503, 429 and a dead server, resuming without duplicates or refetches", async () => {
    const dying = await serve(fixture, (r) =>
      r.n === 2 ? { status: 503 } : r.n === 4 ? { status: 429, retryAfter: "1" } : r.n === 7 ? "die" : null,
    );
    await expect(importer(dying).run()).rejects.toBeInstanceOf(DiscoveryUnavailableError);
    await dying.dead;

    const partial = await savedCheckpoint();
    expect(partial.complete).toBe(false);
    expect(partial.idsDone.length).toBeGreaterThan(0);
    expect(partial.idsDone.length).toBeLessThan(fixtureIds.length);
    expect(partial.requestsToday).toBeGreaterThanOrEqual(7);

    const revived = await serve(fixture);
    const result = await importer(revived).run();

    expect(result.stopped).toBe("complete");
    const ids = (await outputLines()).map((l) => l.id);
    expect(ids).toEqual(fixtureIds);
    for (const id of partial.idsDone) expect(revived.detailsServed).not.toContain(id);
  });

  it("does not rewrite a record when the crash fell between its line and the checkpoint", async () => {
    const server = await serve(fixture);
    await importer(server, { maxRequests: 4 }).run();
    const cp = await savedCheckpoint();
    const lost = cp.idsDone.pop()!;
    cp.pending.unshift(fixture[0]!.results.find((r) => r.record.id === lost)!.record);
    await writeFile(join(dir, ".discovery-kv-2.checkpoint.json"), JSON.stringify(cp));
    // and a half-written line after it, as a kill mid-append leaves
    await appendFile(join(dir, ".discovery-kv-2.jsonl"), '{"id":"C99000');

    await importer(server).run();
    expect((await outputLines()).map((l) => l.id)).toEqual(fixtureIds);
  });

  it("fails at once on a 4xx other than 429, naming the status and URL, and keeps the checkpoint", async () => {
    const missing = fixtureIds[1]!;
    const server = await serve(fixture, (r) => (r.detailsId === missing ? { status: 404, body: "Not found" } : null));
    const run = importer(server).run();

    await expect(run).rejects.toBeInstanceOf(DiscoveryHttpError);
    await expect(run).rejects.toThrow(new RegExp(`404 for .*/records/v1/details/${missing}`));
    expect(server.requests.filter((r) => r.detailsId === missing).length).toBe(1);
    expect((await savedCheckpoint()).idsDone).toEqual([fixtureIds[0]]);
  });

  it("gives up with a resumable error after the capped number of retries", async () => {
    const server = await serve(fixture, () => ({ status: 502 }));
    const v = virtualClock();
    await expect(
      importer(server, {
        clock: v.clock,
        maxRetries: 4,
        backoffBaseMs: 1000,
        backoffCapMs: 3000,
        random: () => 1,
      }).run(),
    ).rejects.toThrow(/gave up .* after 5 attempts/);
    expect(v.sleeps).toEqual([1000, 2000, 3000, 3000]);
  });

  it("leaves at least the rate interval between request starts, across a restart too", async () => {
    const server = await serve(fixture);
    const starts: number[] = [];
    const v = virtualClock();
    const timedFetch: ImporterOptions["fetch"] = (url, init) => {
      starts.push(v.clock.now());
      return fetch(url, init);
    };
    await importer(server, { clock: v.clock, fetch: timedFetch, rateMs: 1000, maxRequests: 3 }).run();
    await importer(server, { clock: v.clock, fetch: timedFetch, rateMs: 1000 }).run();

    expect(starts.length).toBeGreaterThan(4);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(1000);
  });

  it("stops at the day's request allowance, persists the count, and carries on the next UTC day", async () => {
    const server = await serve(fixture);
    const v = virtualClock(Date.UTC(2025, 5, 2, 23, 0, 0));
    const first = await importer(server, { clock: v.clock, dailyLimit: 4 }).run();
    expect(first.stopped).toBe("daily-limit");
    expect(first.requests).toBe(4);
    const cp = await savedCheckpoint();
    expect(cp).toMatchObject({ day: "2025-06-02", requestsToday: 4, complete: false });

    const sameDay = await importer(server, { clock: v.clock, dailyLimit: 4 }).run();
    expect(sameDay).toMatchObject({ stopped: "daily-limit", requests: 0 });

    v.advance(2 * 60 * 60 * 1000);
    const nextDay = await importer(server, { clock: v.clock, dailyLimit: 100 }).run();
    expect(nextDay.stopped).toBe("complete");
    expect((await savedCheckpoint()).day).toBe("2025-06-03");
    expect((await outputLines()).map((l) => l.id)).toEqual(fixtureIds);
  });

  it("counts every series imported into one folder against the same daily allowance", async () => {
    const twoSeries: StoredSeries[] = [...fixture, { series: "KV 3", results: fixture[0]!.results }];
    const server = await serve(twoSeries);
    const v = virtualClock();
    const usage = new FileUsageStore(join(dir, ".discovery-usage.json"));
    const kv2 = await importer(server, { clock: v.clock, usage, dailyLimit: 6 }).run();
    expect(kv2).toMatchObject({ stopped: "daily-limit", requests: 6 });

    const kv3 = await importer(server, { clock: v.clock, usage, dailyLimit: 6, series: "KV 3" }, "kv-3").run();
    expect(kv3).toMatchObject({ stopped: "daily-limit", requests: 0 });
    expect(await usage.load()).toMatchObject({ day: "2025-06-02", requestsToday: 6 });
  });

  it("refuses a rate faster than one request a second, or a higher daily limit, against a non-loopback host", () => {
    const base = {
      series: "KV 2",
      fetch: () => Promise.reject(new Error("no network in tests")),
      clock: virtualClock().clock,
      ...stores(),
    };
    expect(() => new DiscoveryImporter({ ...base, rateMs: 999 })).toThrow(/one request per second/);
    expect(() => new DiscoveryImporter({ ...base, baseUrl: "https://example.org/API", rateMs: 0 })).toThrow(/loopback/);
    expect(() => new DiscoveryImporter({ ...base, dailyLimit: 5000 })).toThrow(/3000/);
    expect(() => new DiscoveryImporter({ ...base, baseUrl: "http://127.0.0.1:9/API", rateMs: 0 })).not.toThrow();
  });

  it("refuses to resume a checkpoint made for another series", async () => {
    const server = await serve(fixture);
    await importer(server, { maxRequests: 2 }).run();
    await expect(importer(server, { series: "KV 3" }).run()).rejects.toThrow(/checkpoint is for series "KV 2"/);
  });
});

// Each case starts tsx processes, which a busy machine makes slow.
describe("import-discovery CLI", { timeout: 30_000 }, () => {
  const exec = promisify(execFile);
  const tsx = join(ROOT, "node_modules/.bin/tsx");
  const cli = (args: string[]) =>
    exec(tsx, [join(ROOT, "scripts/import-discovery.ts"), ...args], { cwd: ROOT, timeout: 60_000 });

  it("imports a series to <out>/discovery-<series>.json, with working files and the terms warning", async () => {
    const server = await serve(fixture);
    const { stdout, stderr } = await cli([
      "--series",
      "KV 2",
      "--out",
      dir,
      "--base-url",
      server.baseUrl,
      "--rate",
      "0",
    ]);

    expect(stderr).toMatch(/check the current terms/i);
    expect(stdout).toMatch(/^done: KV 2/);
    expect(await publishedIds()).toEqual(fixtureIds);
    expect(existsSync(join(dir, ".discovery-kv-2.checkpoint.json"))).toBe(true);
    expect(existsSync(join(dir, ".discovery-kv-2.jsonl"))).toBe(true);
  });

  it("asks for --resume or --fresh when a checkpoint exists, and --fresh starts over", async () => {
    const server = await serve(fixture);
    const args = ["--series", "KV 2", "--out", dir, "--base-url", server.baseUrl, "--rate", "0"];
    const paused = await cli([...args, "--max-requests", "3"]);
    expect(paused.stdout).toMatch(/^paused: --max-requests reached/);
    expect(await publishedIds()).toEqual(fixtureIds.slice(0, 2));

    await expect(cli(args)).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--resume .* --fresh/) });
    await cli([...args, "--resume"]);
    expect(await publishedIds()).toEqual(fixtureIds);
    const before = server.requests.length;
    await cli([...args, "--fresh"]);
    expect(server.requests.length - before).toBeGreaterThan(fixtureIds.length);
    expect(await publishedIds()).toEqual(fixtureIds);
  });

  it("refuses --rate below 1000 against the real Discovery host before making any request", async () => {
    await expect(cli(["--series", "KV 2", "--out", dir, "--rate", "200"])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--rate 200 refused/),
    });
    expect(existsSync(join(dir, ".discovery-kv-2.checkpoint.json"))).toBe(false);
  });
});

describe.skipIf(!existsSync(REAL_CORPUS))(
  "Discovery importer replaying the stored real responses (../shared)",
  { timeout: 60_000 },
  () => {
    // Read lazily: the file is absent in CI, where this block is skipped.
    const corpus = () => JSON.parse(readFileSync(REAL_CORPUS, "utf8")) as StoredSeries[];

    it("imports every stored series through failures to a duplicate-free copy like the stored crawl", async () => {
      const all = corpus();
      expect(all.length).toBeGreaterThan(0);
      for (const stored of all) {
        const slug = stored.series.toLowerCase().replace(/\s+/g, "-");
        const expected = stored.results.map((r) => r.record.id);
        const dieAt = Math.max(4, Math.floor(expected.length / 2));
        const dying = await serve(all, (r) =>
          r.n === 2 ? { status: 503 } : r.n === 3 ? { status: 429, retryAfter: "2" } : r.n === dieAt ? "die" : null,
        );
        await expect(importer(dying, { series: stored.series, pageSize: 4 }, slug).run()).rejects.toBeInstanceOf(
          DiscoveryUnavailableError,
        );
        const revived = await serve(all);
        const result = await importer(revived, { series: stored.series, pageSize: 4 }, slug).run();

        expect(result.stopped, stored.series).toBe("complete");
        const lines = await outputLines(slug);
        expect(
          lines.map((l) => l.id),
          stored.series,
        ).toEqual(expected);
        for (const [i, line] of lines.entries()) {
          const s = stored.results[i]!;
          expect(line.sourceUrl).toBe(`https://discovery.nationalarchives.gov.uk/details/r/${s.record.id}`);
          expect(line.catalogueId).toBe(s.details!.catalogueId);
        }
        // the build sees the same catalogue from the import as from the stored crawl itself
        await stores(slug).sink.exportJsonArray(join(dir, `discovery-${slug}.json`));
        const imported = ingestText(
          await readFile(join(dir, `discovery-${slug}.json`), "utf8"),
          `discovery-${slug}.json`,
        );
        const crawled = ingestText(
          JSON.stringify([{ ...stored, results: stored.results.map((r) => ({ ...r, record_children: [] })) }]),
          "crawl.json",
        );
        expect(imported.format).toBe("discovery-json");
        expect(imported.rejects.length, stored.series).toBe(crawled.rejects.length);
        expect(
          imported.records.map((r) => [r.id, r.title, r.startDate, r.source.url]),
          stored.series,
        ).toEqual(crawled.records.map((r) => [r.id, r.title, r.startDate, r.source.url]));
        // the parameter the stored responses were fetched with is the one the importer sends
        const storedParams = new URL(stored.results[0]!.url).searchParams;
        for (const search of revived.requests.filter((r) => r.kind === "search")) {
          expect(search.query.get("sps.recordSeries")).toBe(storedParams.get("sps.recordSeries"));
        }
      }
    });
  },
);

if (!existsSync(REAL_CORPUS)) {
  console.warn(
    `[discovery-importer] skipping the real-responses replay: ${REAL_CORPUS} is not present (expected in CI); the ` +
      `fixture cases still run.`,
  );
}
