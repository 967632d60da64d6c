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
