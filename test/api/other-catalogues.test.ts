import { describe, expect, it } from "vitest";
import { call, refs } from "../helpers";

// The test catalogue holds the fixtures of every ingest format beside the built-in data.
describe("records from other archives", () => {
  it("looks up an NAA reference written as 'A6119, 45'", async () => {
    const { status, body } = await call(`/api/lookup?ref=${encodeURIComponent("A6119, 45")}`);
    expect(status).toBe(200);
    expect(body.records[0]).toMatchObject({ reference: "A6119, 45", series: "A6119" });
    expect(body.records[0].people.join(" ")).toMatch(/Considine/i);
  });

  it("looks up an NAA reference with a control symbol suffix", async () => {
    const { status, body } = await call(`/api/lookup?ref=${encodeURIComponent("A6119, 950/REFERENCE COPY")}`);
    expect(status).toBe(200);
    expect(body.records[0].reference).toBe("A6119, 950/REFERENCE COPY");
  });

  it("looks up every item filed under one NAA reference, the bare id first", async () => {
    const { status, body } = await call(`/api/lookup?ref=${encodeURIComponent("A6119, 141")}`);
    expect(status).toBe(200);
    expect(body.records.map((r: any) => [r.id, r.barcode])).toEqual([
      ["a-6119-141", "276682"],
      ["a-6119-141-b1140156", "1140156"],
    ]);
  });

  it("includes every item sharing a reference in a range lookup", async () => {
    const { status, body } = await call(`/api/lookup?ref=${encodeURIComponent("A6119, 112-141")}`);
    expect(status).toBe(200);
    expect(body.records.map((r: any) => r.id)).toEqual(["a-6119-112", "a-6119-141", "a-6119-141-b1140156"]);
  });

  it("serves the second item under a shared reference by its own id, merged with its duplicate listing", async () => {
    const { status, body } = await call("/api/records/a-6119-141-b1140156");
    expect(status).toBe(200);
    expect(body.record).toMatchObject({ reference: "A6119, 141", barcode: "1140156", people: ["David Parkinson"] });
  });

  it("finds the second item by its person's surname without bringing up the first", async () => {
    const { body } = await call("/api/search?q=Parkinson");
    const ids = body.hits.map((h: any) => h.id);
    expect(ids).toContain("a-6119-141-b1140156");
    expect(ids).not.toContain("a-6119-141");
  });

  it("still suggests nearby references, each once, when a reference does not exist", async () => {
    const { status, body } = await call(`/api/lookup?ref=${encodeURIComponent("A6119, 142")}`);
    expect(status).toBe(404);
    const suggestions: string[] = body.error.suggestions;
    expect(suggestions).toContain("A6119, 141");
    expect(new Set(suggestions).size).toBe(suggestions.length);
  });

  it("looks up a JFK record number", async () => {
    const { status, body } = await call("/api/lookup?ref=104-10001-10015");
    expect(status).toBe(200);
    expect(body.records[0]).toMatchObject({ reference: "104-10001-10015", startDate: "1964-03-31" });
  });

  it("finds an NAA personal file by a misspelt surname", async () => {
    const { body } = await call("/api/search?q=Konsidine");
    expect(refs(body.hits)).toContain("A6119, 45");
  });

  it("counts each source in the health of a mixed catalogue", async () => {
    const { body } = await call("/api/health");
    expect(body.records).toBeGreaterThan(290);
  });
});
