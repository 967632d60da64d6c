import { describe, expect, it, onTestFinished, vi } from "vitest";
import { call } from "../helpers";

describe("record lookups", () => {
  it("returns the Leon HELFLAND record for kv2/2681", async () => {
    const { status, body } = await call("/api/lookup?ref=kv2/2681");
    expect(status).toBe(200);
    expect(body.records).toHaveLength(1);
    expect(body.records[0]).toMatchObject({
      id: "kv-2-2681",
      reference: "KV 2/2681",
      title: "Leon HELFLAND",
      startDate: "1929-01-01",
    });
  });

  it.each(["KV 2/2681", "kv2/2681", "KV2 2681", "kv 2 2681", "KV.2.2681", "  kv-2-2681 "])(
    "accepts the loose reference form %j",
    async (ref) => {
      const { status, body } = await call(`/api/lookup?ref=${encodeURIComponent(ref)}`);
      expect(status).toBe(200);
      expect(body.records.map((r: any) => r.reference)).toEqual(["KV 2/2681"]);
    },
  );

  it("returns both Besedovskiy files for the range KV 2/2670-2671", async () => {
    const { status, body } = await call(`/api/lookup?ref=${encodeURIComponent("KV 2/2670-2671")}`);
    expect(status).toBe(200);
    expect(body.records.map((r: any) => r.reference)).toEqual(["KV 2/2670", "KV 2/2671"]);
  });

  it("reads a shortened range end such as KV 2/1245-47", async () => {
    const { body } = await call(`/api/lookup?ref=${encodeURIComponent("KV 2/1245-47")}`);
    expect(body.records.map((r: any) => r.reference)).toEqual(["KV 2/1245", "KV 2/1246", "KV 2/1247"]);
  });

  it("serves a record by id with its fields", async () => {
    const { status, body } = await call("/api/records/kv-2-2670");
    expect(status).toBe(200);
    expect(body.record.people).toContain("Grigoriy Besedovskiy");
    expect(body.record.source.name).toBe("tna-kv");
  });

  it("answers an unknown reference with 404 and the nearest existing references", async () => {
    const { status, body } = await call("/api/lookup?ref=KV%202/2682");
    expect(status).toBe(404);
    expect(body.error.code).toBe("not_found");
    expect(body.error.suggestions[0]).toBe("KV 2/2681");
  });

  it("answers a piece catalogued only by its items with those items", async () => {
    const { status, body } = await call(`/api/lookup?ref=${encodeURIComponent("KV 2/9916")}`);
    expect(status).toBe(200);
    expect(body.records.map((r: { reference: string }) => r.reference)).toEqual(["KV 2/9916/1"]);
  });

  it("answers an unknown id with 404 and suggestions", async () => {
    const { status, body } = await call("/api/records/kv-2-2680");
    expect(status).toBe(404);
    expect(body.error.suggestions).toContain("KV 2/2681");
  });

  it("lists related records computed at build time", async () => {
    const { status, body } = await call("/api/records/kv-2-2670/related");
    expect(status).toBe(200);
    expect(body.related[0]).toMatchObject({ reference: "KV 2/2671" });
    expect(body.related[0].why).toMatch(/person|organisation|place|word/);
  });
});

describe("series listings", () => {
  it("orders references numerically, so KV 2/875 comes before KV 2/1034", async () => {
    const { status, body } = await call("/api/series/KV%202?limit=1000");
    expect(status).toBe(200);
    const refs: string[] = body.items.map((i: any) => i.reference);
    expect(refs.indexOf("KV 2/875")).toBeLessThan(refs.indexOf("KV 2/1034"));
    const nums = refs.map((r) => Number(r.split("/")[1]));
    expect(nums).toEqual([...nums].sort((a, b) => a - b));
    expect(body.total).toBe(refs.length);
  });

  it("pages with limit and offset without gaps or repeats", async () => {
    const all = (await call("/api/series/kv2?limit=30")).body.items.map((i: any) => i.id);
    const p1 = (await call("/api/series/kv2?limit=10&offset=0")).body.items.map((i: any) => i.id);
    const p2 = (await call("/api/series/kv2?limit=10&offset=10")).body.items.map((i: any) => i.id);
    const p3 = (await call("/api/series/kv2?limit=10&offset=20")).body.items.map((i: any) => i.id);
    expect([...p1, ...p2, ...p3]).toEqual(all);
  });

  it("answers an unknown series with 404 and near series names", async () => {
    const { status, body } = await call("/api/series/KV%209");
    expect(status).toBe(404);
    expect(body.error.suggestions.length).toBeGreaterThan(0);
  });
});

describe("health", () => {
  it("reports the record count and the index version", async () => {
    const { status, body } = await call("/api/health");
    expect(status).toBe(200);
    expect(body.status).toBe("ok");
    expect(body.records).toBeGreaterThanOrEqual(283);
    expect(body.indexVersion).toMatch(/^[0-9a-f]{12}$/);
  });
});

describe("errors", () => {
  it.each([
    ["/api/lookup", "ref"],
    ["/api/lookup?ref=", "ref"],
    [`/api/lookup?ref=${"x".repeat(257)}`, "ref"],
    ["/api/lookup?ref=%2F%2F%2F", "ref"],
    ["/api/series/KV%202?limit=abc", "limit"],
    ["/api/series/KV%202?limit=0", "limit"],
    ["/api/series/KV%202?offset=-1", "offset"],
    ["/api/records/KV%202%2F2681", "id"],
  ])("answers %s with a 400 JSON error naming %s", async (path, field) => {
    const { status, body } = await call(path);
    expect(status).toBe(400);
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toContain(field);
  });

  it("refuses a range wider than 500 references", async () => {
    const { status, body } = await call(`/api/lookup?ref=${encodeURIComponent("KV 2/1-9999")}`);
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/range/);
  });

  it.each(["POST", "PUT", "DELETE", "PATCH"])("answers %s with 405 and the JSON error shape", async (method) => {
    const { status, body } = await call("/api/records/kv-2-2681", { method });
    expect(status).toBe(405);
    expect(body.error.code).toBe("method_not_allowed");
  });

  it("answers an unknown API path with 404 JSON", async () => {
    const { status, body } = await call("/api/nothing-here");
    expect(status).toBe(404);
    expect(body.error.code).toBe("not_found");
  });

  it("lets any site call GET through CORS", async () => {
    const { headers } = await call("/api/health", { headers: { Origin: "https://example.org" } });
    expect(headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("internal errors", () => {
  it("answers an unexpected exception with a 500 JSON error that carries no stack or message", async () => {
    const { Hono } = await import("hono");
    const { onError } = await import("../../src/worker/errors");
    const app = new Hono();
    app.get("/boom", () => {
      throw new Error("secret detail at /srv/app.js:12");
    });
    app.onError(onError);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    onTestFinished(() => logged.mockRestore());
    const res = await app.request("/boom");
    const text = await res.text();
    // The detail goes to the log, and only there.
    const detail = expect.objectContaining({ message: "secret detail at /srv/app.js:12" });
    expect(logged).toHaveBeenCalledWith("dossier: unhandled error", detail);
    expect(res.status).toBe(500);
    expect(JSON.parse(text).error.code).toBe("internal");
    expect(text).not.toMatch(/secret|app\.js|at /);
  });
});
