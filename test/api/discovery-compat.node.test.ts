/**
 * The Discovery-compatible API against Discovery's own responses: the
 * committed fixture always, the stored real responses in ../shared when
 * present. Each catalogue is built from those responses and served by the
 * real Worker in workerd (Miniflare) on a loopback port, so the clients
 * below talk plain HTTP to it as they would to Discovery.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCatalogue } from "../../src/indexer/build-catalogue";
import { DiscoveryImporter, type Checkpoint, type Usage } from "../../src/importer/discovery-importer";
import { bundleWorker, startLocalWorker, type LocalWorker } from "../../scripts/lib/local-worker";
import {
  DETAILS_FIELDS_COMPARED,
  SEARCH_FIELDS_COMPARED,
  typeMismatches,
  typeSets,
  valueMismatches,
  type StoredResult,
} from "./discovery-contract";

const FIXTURE_DIR = "test/fixtures/discovery-compat";
const SHARED_FILE = "../../shared/corpora/tna-discovery/discovery-api-responses.json";
const SHARED = existsSync(SHARED_FILE)
  ? SHARED_FILE
  : existsSync("/work/shared/corpora/tna-discovery/discovery-api-responses.json")
    ? "/work/shared/corpora/tna-discovery/discovery-api-responses.json"
    : null;
const JSON_HEADERS = { Accept: "application/json" };

let script: string;
const dirs: string[] = [];
const workers: LocalWorker[] = [];

beforeAll(async () => {
  script = await bundleWorker();
}, 120_000);
afterAll(async () => {
  for (const w of workers) await w.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  rmSync(join(script, ".."), { recursive: true, force: true });
});

async function serve(dataDir: string, port: number): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), "dossier-discovery-"));
  dirs.push(out);
  buildCatalogue({ dataDirs: [dataDir], outDir: out });
  const w = await startLocalWorker({ assetsDir: out, scriptPath: script, httpPort: port });
  workers.push(w);
  return `${w.url}/discovery/API`;
}

function stored(file: string): StoredResult[] {
  const seen = new Set<string>();
  const out: StoredResult[] = [];
  for (const s of JSON.parse(readFileSync(file, "utf8")) as Array<{ series: string; results: StoredResult[] }>) {
    for (const r of s.results) {
      const id = r.record.id as string;
      if (!seen.has(id)) {
        seen.add(id);
        out.push({ ...r, series: s.series });
      }
    }
  }
  return out;
}

type DiscoveryRecord = { id: string; reference: string } & Record<string, unknown>;
/** A search answer, or a details object (then only the index signature applies). */
type Answer = { count: number; records: DiscoveryRecord[]; nextBatchMark: string } & Record<string, unknown>;

async function getJson(url: string): Promise<Answer> {
  const res = await fetch(url, { headers: JSON_HEADERS });
  expect(res.status, `${url}: ${res.status}`).toBe(200);
  return (await res.json()) as Answer;
}

/** Checks every stored record against Dossier's answers; returns the problems found, per record. */
async function contract(base: string, results: StoredResult[]) {
  const recordTypes = typeSets(results.map((r) => r.record));
  const detailTypes = typeSets(results.map((r) => r.details));
  const problems: string[] = [];
  const bySeries = new Map<string, DiscoveryRecord[]>();
  for (const series of new Set(results.map((r) => r.series))) {
    const body = await getJson(
      `${base}/search/records?sps.searchQuery=*&sps.recordSeries=${encodeURIComponent(series)}` +
        "&sps.resultsPageSize=1000&sps.sortByOption=REFERENCE_ASCENDING",
    );
    bySeries.set(series, body.records);
  }
  let compared = 0;
  for (const r of results) {
    const id = r.record.id as string;
    const ours = bySeries.get(r.series)!.find((x) => x.id === id);
    if (!ours) {
      problems.push(`${id}: not in the search answer for ${r.series}`);
      continue;
    }
    const details = await getJson(`${base}/records/v1/details/${encodeURIComponent(id)}`);
    for (const p of [...valueMismatches(r.record, ours, SEARCH_FIELDS_COMPARED), ...typeMismatches(ours, recordTypes)])
      problems.push(`${id} record ${p}`);
    for (const p of [
      ...valueMismatches(r.details, details, DETAILS_FIELDS_COMPARED),
      ...typeMismatches(details, detailTypes),
    ])
      problems.push(`${id} details ${p}`);
    compared++;
  }
  return { problems, compared };
}

/** A Discovery client as scripts write one: only its base URL changes. */
async function discoveryClientRun(base: string, query: string, pageSize: number) {
  const search = async (mark: string) => {
    const url =
      `${base}/search/records?sps.searchQuery=${encodeURIComponent(query)}&sps.resultsPageSize=${pageSize}` +
      `&sps.batchStartMark=${encodeURIComponent(mark)}&sps.sortByOption=RELEVANCE`;
    const res = await fetch(url, { headers: { Accept: "application/json" } });
    if (!res.ok) throw new Error(`search ${res.status}`);
    return (await res.json()) as {
      count: number;
      records: Array<{ id: string; reference: string; title: string }>;
      nextBatchMark: string;
    };
  };
  const first = await search("*");
  const firstId = first.records[0]!.id;
  const detailsRes = await fetch(`${base}/records/v1/details/${encodeURIComponent(firstId)}`, {
    headers: { Accept: "application/json" },
  });
  const details = (await detailsRes.json()) as {
    id: string;
    citableReference: string;
    scopeContent: { description: string };
  };
  const all = [...first.records];
  let mark = "*";
  let page = first;
  while (page.nextBatchMark && page.nextBatchMark !== mark) {
    mark = page.nextBatchMark;
    page = await search(mark);
    all.push(...page.records);
  }
  return { count: first.count, first: first.records[0]!, details, all };
}

describe("the Discovery-compatible API on the committed fixture", () => {
  let base: string;
  beforeAll(async () => {
    base = await serve(FIXTURE_DIR, 8871);
  }, 300_000);

  it("answers every fixture record as Discovery did: same kept values, same JSON types", async () => {
    const results = stored(join(FIXTURE_DIR, "wo-999.json"));
    const { problems, compared } = await contract(base, results);
    expect(compared).toBe(results.length);
    expect(problems).toEqual([]);
  });

  it("serves a Discovery client changed only in its base URL: search, details, nextBatchMark paging", async () => {
    const run = await discoveryClientRun(base, "Tidewater", 1);
    expect(run.count).toBe(2);
    expect(run.details.id).toBe(run.first.id);
    expect(run.details.citableReference).toBe(run.first.reference);
    expect(run.details.scopeContent.description).toContain("Tidewater");
    expect(run.all.map((r) => r.id).sort()).toEqual(["C9900001", "C9900004"]);
  });

  it("lets Dossier's own Discovery importer, pointed at Dossier, list and fetch a whole series", async () => {
    let checkpoint: Checkpoint | null = null;
    let usage: Usage | null = null;
    const written: Array<Record<string, unknown>> = [];
    const importer = new DiscoveryImporter({
      series: "WO 999",
      baseUrl: base,
      pageSize: 2,
      rateMs: 0,
      fetch: (url, init) => fetch(url, init),
      clock: { now: () => Date.now(), sleep: async () => {} },
      checkpoints: {
        load: async () => checkpoint,
        save: async (c) => {
          checkpoint = structuredClone(c);
        },
      },
      usage: {
        load: async () => usage,
        save: async (u) => {
          usage = { ...u };
        },
      },
      sink: {
        existingIds: async () => written.map((r) => r.id as string),
        append: async (r) => {
          written.push(r);
        },
      },
    });
    const result = await importer.run();
    expect(result.stopped).toBe("complete");
    expect(written.map((r) => r.citableReference)).toEqual([
      "WO 999/1",
      "WO 999/2",
      "WO 999/3",
      "WO 999/4",
      "WO 999/5",
    ]);
  });

  it("answers 406 with a clear JSON message to a client asking for XML", async () => {
    const res = await fetch(`${base}/search/records?sps.searchQuery=Tidewater`, {
      headers: { Accept: "application/xml" },
    });
    expect(res.status).toBe(406);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("not_acceptable");
    expect(body.error.message).toContain("application/json");
  });

  it("filters by series, years and ISO dates, and sorts by date both ways", async () => {
    const q = (params: string) => getJson(`${base}/search/records?sps.searchQuery=*&${params}`);
    expect((await q("sps.recordSeries=WO%20999")).count).toBe(5);
    expect((await q("sps.startDate=1944&sps.endDate=1944")).records.map((r) => r.reference)).toEqual([
      "WO 999/1",
      "WO 999/2",
    ]);
    expect(
      (await q("sps.dateFrom=1945-02-01&sps.dateTo=1946-12-31&sps.sortByOption=DATE_DESCENDING")).records.map(
        (r) => r.reference,
      ),
    ).toEqual(["WO 999/5", "WO 999/4"]);
    expect((await q("sps.sortByOption=DATE_ASCENDING")).records.map((r) => r.reference)).toEqual([
      "WO 999/3",
      "WO 999/1",
      "WO 999/2",
      "WO 999/4",
      "WO 999/5",
    ]);
    expect((await q("sps.heldByCode=OTH")).count).toBe(0);
    expect((await q("sps.heldByCode=TNA")).count).toBe(5);
  });

  it("pages with sps.page and sps.resultsPageSize, 1 for the first page", async () => {
    const q = (page: number) =>
      getJson(
        `${base}/search/records?sps.searchQuery=*&sps.sortByOption=REFERENCE_ASCENDING` +
          `&sps.resultsPageSize=2&sps.page=${page}`,
      );
    expect((await q(1)).records.map((r) => r.reference)).toEqual(["WO 999/1", "WO 999/2"]);
    expect((await q(3)).records.map((r) => r.reference)).toEqual(["WO 999/5"]);
  });

  it("rejects bad parameters with 400s that name them, and unknown ids with 404", async () => {
    const bad = async (params: string, word: string) => {
      const res = await fetch(`${base}/search/records?${params}`, { headers: JSON_HEADERS });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(word);
    };
    await bad("sps.searchQuery=x&sps.sortByOption=TITLE_ASCENDING", "sps.sortByOption");
    await bad("sps.searchQuery=x&sps.dateFrom=1944-02-30", "sps.dateFrom");
    await bad("sps.searchQuery=x&sps.heldByCode=XYZ", "sps.heldByCode");
    await bad("sps.searchQuery=x&sps.batchStartMark=garbage", "cursor");
    const missing = await fetch(`${base}/records/v1/details/C1`, { headers: JSON_HEADERS });
    expect(missing.status).toBe(404);
  });
});

describe.skipIf(!SHARED)("the Discovery-compatible API on the stored real Discovery responses (../shared)", () => {
  let base: string;
  beforeAll(async () => {
    base = await serve(join(SHARED!, ".."), 8872);
  }, 300_000);

  it("answers every stored record as Discovery did: same kept values, same JSON types", async () => {
    const results = stored(SHARED!);
    const { problems, compared } = await contract(base, results);
    expect(compared).toBe(results.length);
    expect(problems).toEqual([]);
  }, 120_000);
});
