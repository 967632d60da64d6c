import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../helpers";

// The first search in a fresh isolate loads index chunks; keep that out of the tests' own time.
beforeAll(async () => {
  await call("/api/search?q=Soviet");
}, 60_000);

const years = (hits: Array<{ startDate: string | null; endDate: string | null }>) =>
  hits.map((h) => Number((h.startDate ?? h.endDate ?? "0").slice(0, 4)));

describe("fields= chooses what comes back", () => {
  it("trims search hits to the named fields, in the order asked", async () => {
    const { status, body } = await call("/api/search?q=Soviet&fields=reference,title,coveringDates");
    expect(status).toBe(200);
    expect(body.hits.length).toBeGreaterThan(0);
    for (const h of body.hits) expect(Object.keys(h)).toEqual(["reference", "title", "coveringDates"]);
  });

  it("widens search hits with record fields a hit does not carry", async () => {
    const { body } = await call("/api/search?q=Besedovskiy&fields=id,people,startDate");
    expect(body.hits[0].people).toContain("Grigoriy Besedovskiy");
    expect(body.hits[0].startDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("keeps a collapsed file's volumes when fields= names them", async () => {
    const { status, body } = await call("/api/search?q=Besedovsky&fields=reference,volumes,volumeIds");
    expect(status).toBe(200);
    expect(body.hits[0]).toEqual({ reference: "KV 2/2670", volumes: 2, volumeIds: ["kv-2-2670", "kv-2-2671"] });
  });

  it("answers an unknown field with 400 listing the valid ones", async () => {
    const { status, body } = await call("/api/search?q=Soviet&fields=title,colour");
    expect(status).toBe(400);
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toContain('"colour"');
    expect(body.error.valid).toContain("coveringDates");
    expect(body.error.message).toContain("coveringDates");
  });

  it("rejects field names that are Object.prototype members", async () => {
    for (const f of ["constructor", "__proto__", "toString"]) {
      const { status, body } = await call(`/api/records/kv-2-2681?fields=${f}`);
      expect(status).toBe(400);
      expect(body.error.valid).toContain("reference");
    }
  });

  it("trims a record, a lookup and a series page", async () => {
    const rec = await call("/api/records/kv-2-2681?fields=reference,title");
    expect(rec.body.record).toEqual({ reference: "KV 2/2681", title: "Leon HELFLAND" });
    const look = await call(`/api/lookup?ref=${encodeURIComponent("KV 2/2670-2671")}&fields=reference`);
    expect(look.body.records).toEqual([{ reference: "KV 2/2670" }, { reference: "KV 2/2671" }]);
    const series = await call("/api/series/KV%202?limit=3&fields=reference,title,coveringDates");
    expect(series.status).toBe(200);
    expect(series.body.items).toHaveLength(3);
    for (const it of series.body.items) expect(Object.keys(it)).toEqual(["reference", "title", "coveringDates"]);
    expect(typeof series.body.items[0].title).toBe("string");
  });
});

describe("compact=1", () => {
  it("leaves out snippets, explain, the query echo and facets", async () => {
    const { body } = await call("/api/search?q=Soviet&compact=1");
    expect(body.query).toBeUndefined();
    expect(body.facets).toBeUndefined();
    expect(body.hits[0].snippet).toBeUndefined();
    expect(body.hits[0].reference).toBeTruthy();
    expect(typeof body.total).not.toBe("undefined");
  });

  it("keeps what is asked for: explain=1, include=facets, fields=snippet", async () => {
    const { body } = await call("/api/search?q=Soviet&compact=1&explain=1&include=facets,query");
    expect(body.hits[0].explain.parts.length).toBeGreaterThan(0);
    expect(body.facets.series).toBeTruthy();
    expect(body.query.text).toBe("Soviet");
    const withSnippet = await call("/api/search?q=Soviet&compact=1&fields=reference,snippet");
    expect(Object.keys(withSnippet.body.hits[0])).toEqual(["reference", "snippet"]);
  });

  it("is smaller than the full answer", async () => {
    const full = await call("/api/search?q=Soviet");
    const compact = await call("/api/search?q=Soviet&compact=1");
    expect(JSON.stringify(compact.body).length).toBeLessThan(JSON.stringify(full.body).length / 2);
  });
});

describe("cursor paging", () => {
  it("walks a result list page by page, each hit once, in the offset order", async () => {
    const all = await call("/api/search?q=Soviet&limit=100&fields=id");
    const seen: string[] = [];
    let cursor: string | undefined;
    while (seen.length < 100) {
      const { status, body } = await call(`/api/search?q=Soviet&limit=7&fields=id${cursor ? `&cursor=${cursor}` : ""}`);
      expect(status).toBe(200);
      seen.push(...body.hits.map((h: { id: string }) => h.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(seen.slice(0, 100)).toEqual(all.body.hits.map((h: { id: string }) => h.id));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("refuses a cursor from another index version with cursor_expired", async () => {
    const { body } = await call("/api/search?q=Soviet&limit=2");
    const [format, , offset, query] = JSON.parse(atob(body.nextCursor.replace(/-/g, "+").replace(/_/g, "/")));
    const stale = btoa(JSON.stringify([format, "0123456789ab", offset, query]))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    const res = await call(`/api/search?q=Soviet&limit=2&cursor=${stale}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("cursor_expired");
  });

  it("refuses a cursor used with another query, a garbled cursor, and cursor with offset", async () => {
    const { body } = await call("/api/search?q=Soviet&limit=2");
    const other = await call(`/api/search?q=Paris&limit=2&cursor=${body.nextCursor}`);
    expect(other.status).toBe(400);
    expect(other.body.error.message).toContain("another query");
    const garbled = await call("/api/search?q=Soviet&cursor=not-a-cursor");
    expect(garbled.status).toBe(400);
    expect(garbled.body.error.code).toBe("bad_request");
    const both = await call(`/api/search?q=Soviet&offset=2&cursor=${body.nextCursor}`);
    expect(both.status).toBe(400);
  });

  it("gives no nextCursor on the last page", async () => {
    const { body } = await call("/api/search?q=Besedovskiy&limit=100");
    expect(body.total.value).toBeLessThanOrEqual(100);
    expect(body.nextCursor).toBeUndefined();
  });
});

describe("sort", () => {
  it("sorts by date, oldest first, undated last", async () => {
    const { status, body } = await call("/api/search?q=Soviet&sort=date&limit=100&fields=reference,startDate,endDate");
    expect(status).toBe(200);
    const ys = years(body.hits).filter((y) => y > 0);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    const firstUndated = years(body.hits).indexOf(0);
    if (firstUndated >= 0)
      expect(
        years(body.hits)
          .slice(firstUndated)
          .every((y) => y === 0),
      ).toBe(true);
  });

  it("sorts by -date, newest first", async () => {
    const { body } = await call("/api/search?q=Soviet&sort=-date&limit=100&fields=reference,startDate,endDate");
    const ends = body.hits
      .map((h: { endDate: string | null; startDate: string | null }) =>
        Number((h.endDate ?? h.startDate ?? "0").slice(0, 4)),
      )
      .filter((y: number) => y > 0);
    expect(ends).toEqual([...ends].sort((a, b) => b - a));
  });

  it("sorts by reference in catalogue order (KV 2/99 before KV 2/100)", async () => {
    const { body } = await call("/api/search?q=Soviet&sort=reference&limit=100&fields=reference");
    const kv = body.hits.map((h: { reference: string }) => h.reference).filter((r: string) => r.startsWith("KV 2/"));
    const nums = kv.map((r: string) => Number(r.slice(5)));
    expect(nums).toEqual([...nums].sort((a, b) => a - b));
  });

  it("keeps the same total whatever the sort, and rejects an unknown sort", async () => {
    const a = await call("/api/search?q=Soviet&sort=relevance");
    const b = await call("/api/search?q=Soviet&sort=date");
    expect(b.body.total).toEqual(a.body.total);
    const bad = await call("/api/search?q=Soviet&sort=title");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("sort must be");
  });
});

describe("bulk lookup", () => {
  it("answers several references and ranges at once, each record once, in catalogue order", async () => {
    const q = ["KV 2/2681", "KV 2/2670-2671", "kv2/2670"].map((r) => `ref=${encodeURIComponent(r)}`).join("&");
    const { status, body } = await call(`/api/lookup?${q}`);
    expect(status).toBe(200);
    expect(body.records.map((r: { reference: string }) => r.reference)).toEqual([
      "KV 2/2670",
      "KV 2/2671",
      "KV 2/2681",
    ]);
    expect(body.notFound).toBeUndefined();
  });

  it("lists the references that named nothing, with suggestions", async () => {
    const { status, body } = await call("/api/lookup?ref=KV%202/2681&ref=KV%202/2682");
    expect(status).toBe(200);
    expect(body.records).toHaveLength(1);
    expect(body.notFound).toEqual([{ ref: "KV 2/2682", suggestions: expect.arrayContaining(["KV 2/2681"]) }]);
  });

  it("rejects more than 100 references with a clear 400", async () => {
    const q = Array.from({ length: 101 }, (_, i) => `ref=KV%202/${i + 1}`).join("&");
    const { status, body } = await call(`/api/lookup?${q}`);
    expect(status).toBe(400);
    expect(body.error.message).toContain("at most 100");
  });

  it("names the bad reference when one range is too wide", async () => {
    const { status, body } = await call(`/api/lookup?ref=KV%202/2681&ref=${encodeURIComponent("KV 2/1-9999")}`);
    expect(status).toBe(400);
    expect(body.error.message).toContain("KV 2/1-9999");
  });
});

describe("exports", () => {
  it("streams CSV with a header row, the chosen fields and download headers", async () => {
    const res = await call("/api/search.csv?q=Soviet&fields=reference,title,people&limit=20");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="dossier-search-soviet.csv"');
    const lines = (res.body as string).trimEnd().split("\r\n");
    expect(lines[0]).toBe("reference,title,people");
    expect(lines.length).toBe(Math.min(20, Number(res.headers.get("x-total-count"))) + 1);
  });

  it("streams JSON Lines in the same order as the search", async () => {
    const res = await call("/api/search.jsonl?q=Soviet&limit=600&fields=id");
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const ids = (res.body as string)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).id);
    // Exports list every record: compared with the search's uncollapsed order.
    const search = await call("/api/search?q=Soviet&limit=100&fields=id&collapse=0");
    expect(ids.slice(0, 100)).toEqual(search.body.hits.map((h: { id: string }) => h.id));
    expect(ids.length).toBe(Math.min(600, search.body.total.value));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("refuses an export over 10,000 hits and unknown fields with 400", async () => {
    const huge = await call("/api/search.csv?q=Soviet&limit=50000");
    expect(huge.status).toBe(400);
    expect(huge.body.error.message).toContain("between 1 and 10000");
    const bad = await call("/api/search.jsonl?q=Soviet&fields=nope");
    expect(bad.status).toBe(400);
    expect(bad.body.error.valid).toContain("reference");
  });

  it("neutralises spreadsheet formulas in CSV cells", async () => {
    const res = await call("/api/search.csv?q=Soviet&fields=title&limit=5");
    for (const line of (res.body as string).split("\r\n").slice(1)) expect(line).not.toMatch(/^[=+@]/);
  });
});

describe("the OpenAPI document", () => {
  it("documents fields, compact, cursor, sort, bulk lookup, exports and the Discovery endpoints", async () => {
    const { body } = await call("/api/openapi.json");
    const params = (path: string) => (body.paths[path].get.parameters as Array<{ name: string }>).map((p) => p.name);
    expect(params("/api/search")).toEqual(expect.arrayContaining(["fields", "compact", "include", "cursor", "sort"]));
    expect(params("/api/records/{id}")).toContain("fields");
    expect(params("/api/series/{series}")).toContain("fields");
    expect(params("/api/lookup")).toEqual(expect.arrayContaining(["ref", "fields"]));
    expect(
      body.paths["/api/search"].get.responses["200"].content["application/json"].schema.properties.nextCursor,
    ).toBeTruthy();
    expect(Object.keys(body.paths["/api/search.csv"].get.responses["200"].content)).toEqual(["text/csv"]);
    expect(Object.keys(body.paths["/api/search.jsonl"].get.responses["200"].content)).toEqual(["application/x-ndjson"]);
    expect(params("/discovery/API/search/records")).toEqual(
      expect.arrayContaining([
        "sps.searchQuery",
        "sps.recordSeries",
        "sps.dateFrom",
        "sps.dateTo",
        "sps.startDate",
        "sps.endDate",
        "sps.heldByCode",
        "sps.sortByOption",
        "sps.page",
        "sps.resultsPageSize",
        "sps.batchStartMark",
      ]),
    );
    expect(body.paths["/discovery/API/records/v1/details/{id}"]).toBeTruthy();
  });
});

describe("the Discovery-compatible endpoints in the test catalogue", () => {
  it("finds a record that came from Discovery by Discovery's id, and one that did not by Dossier's id", async () => {
    const search = await call("/discovery/API/search/records?sps.searchQuery=HELFLAND", {
      headers: { Accept: "application/json" },
    });
    expect(search.status).toBe(200);
    expect(search.body.records[0]).toMatchObject({
      id: "C11184181",
      reference: "KV 2/2681",
      startDate: "01/01/1929",
      numEndDate: 19551231,
    });
    const details = await call("/discovery/API/records/v1/details/C11184181", {
      headers: { Accept: "application/json" },
    });
    expect(details.body).toMatchObject({ id: "C11184181", citableReference: "KV 2/2681", coveringDates: "1929-1955" });
    expect(details.body.scopeContent.description).toMatch(
      /^<scopecontent><p>.*Soviet diplomat.*<\/p><\/scopecontent>$/,
    );
    const own = await call("/discovery/API/records/v1/details/kv-2-2670");
    expect(own.body).toMatchObject({ id: "kv-2-2670", citableReference: "KV 2/2670" });
  });

  it("answers XML requests with 406 and unknown paths with a JSON 404", async () => {
    const xml = await call("/discovery/API/records/v1/details/C11184181", { headers: { Accept: "text/xml" } });
    expect(xml.status).toBe(406);
    expect(xml.body.error.code).toBe("not_acceptable");
    const none = await call("/discovery/API/nothing/here");
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe("not_found");
  });
});
