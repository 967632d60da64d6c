import { describe, expect, it } from "vitest";
import { bindings, request } from "../cache/worker-env";

let n = 0;
const ip = () => `198.51.100.${n++}-${Date.now()}`;

describe("exports and the Discovery endpoints are rate-limited like the rest of the API", () => {
  it.each([
    "/api/search.csv?q=Soviet&limit=5",
    "/api/search.jsonl?q=Soviet&limit=5",
    "/discovery/API/search/records?sps.searchQuery=Soviet",
    "/discovery/API/records/v1/details/kv-2-2681",
  ])("answers 429 once a client's limit is spent: %s", async (path) => {
    const b = bindings({ RATE_LIMIT_PER_MINUTE: "2" });
    const from = ip();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await request(path, b, { headers: { "cf-connecting-ip": from } })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
