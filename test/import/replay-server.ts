/**
 * A loopback stand-in for the Discovery API that replays stored responses
 * (array of { series, results: [{ url, series, record, details, record_children }] }).
 *
 * It pages `/API/search/records` by `sps.batchStartMark` (and `sps.page`) over
 * the stored hits and answers `/API/records/v1/details/{id}` from the stored
 * details. A `fault` hook can answer any request with a status, or kill the
 * server, to rehearse outages.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StoredResult {
  url: string;
  series: string;
  record: { id: string; [key: string]: unknown };
  details: { id: string; [key: string]: unknown } | null;
  record_children?: unknown;
}
export interface StoredSeries {
  series: string;
  results: StoredResult[];
}

export type Fault =
  | { status: number; retryAfter?: string; body?: string }
  /** Close the listener and every open socket: later requests are refused. */
  | "die"
  /** Send headers and half a body, then drop the connection. */
  | "cut";

export interface ReplayRequest {
  n: number;
  path: string;
  query: URLSearchParams;
  rawQuery: string;
  kind: "search" | "details" | "other";
  detailsId?: string;
}

export interface ReplayServer {
  baseUrl: string;
  requests: ReplayRequest[];
  /** Ids whose details were answered 200. */
  detailsServed: string[];
  close(): Promise<void>;
  dead: Promise<void>;
}

export async function startReplayServer(
  corpus: StoredSeries[],
  fault?: (request: ReplayRequest) => Fault | null | undefined,
): Promise<ReplayServer> {
  const hitsBySeries = new Map<string, StoredResult["record"][]>();
  const detailsById = new Map<string, NonNullable<StoredResult["details"]>>();
  for (const s of corpus) {
    hitsBySeries.set(
      s.series,
      s.results.map((r) => r.record),
    );
    for (const r of s.results) if (r.details) detailsById.set(r.record.id, r.details);
  }

  const requests: ReplayRequest[] = [];
  const detailsServed: string[] = [];
  let server: Server;
  let resolveDead!: () => void;
  const dead = new Promise<void>((resolve) => (resolveDead = resolve));

  const kill = () => {
    server.close(() => resolveDead());
    server.closeAllConnections();
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://replay");
    const detailsMatch = /^\/API\/records\/v1\/details\/([^/]+)$/.exec(url.pathname);
    const request: ReplayRequest = {
      n: requests.length + 1,
      path: url.pathname,
      query: url.searchParams,
      rawQuery: url.search,
      kind: url.pathname === "/API/search/records" ? "search" : detailsMatch ? "details" : "other",
      detailsId: detailsMatch ? decodeURIComponent(detailsMatch[1]!) : undefined,
    };
    requests.push(request);

    const f = fault?.(request);
    if (f === "die") {
      req.socket.destroy();
      kill();
      return;
    }
    if (f === "cut") {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"records":[');
      setImmediate(() => req.socket.destroy());
      return;
    }
    if (f) {
      const headers: Record<string, string> = { "content-type": "text/plain" };
      if (f.retryAfter !== undefined) headers["retry-after"] = f.retryAfter;
      res.writeHead(f.status, headers);
      res.end(f.body ?? `replayed ${f.status}`);
      return;
    }

    if (request.kind === "search") {
      const series = url.searchParams.get("sps.recordSeries") ?? "";
      const hits = hitsBySeries.get(series) ?? [];
      const size = Math.max(1, Number(url.searchParams.get("sps.resultsPageSize") ?? 15));
      const mark = url.searchParams.get("sps.batchStartMark");
      let start: number;
      if (mark !== null) {
        // Opaque to the client, as the real marks are.
        start = mark === "*" ? 0 : Number(Buffer.from(mark, "base64url").toString().replace(/^at:/, ""));
        if (!Number.isInteger(start) || start < 0) return json(res, 400, { message: `bad batchStartMark ${mark}` });
      } else {
        start = Number(url.searchParams.get("sps.page") ?? 0) * size;
      }
      const page = hits.slice(start, start + size);
      const nextBatchMark = Buffer.from(`at:${start + page.length}`).toString("base64url");
      return json(res, 200, { records: page, count: hits.length, nextBatchMark });
    }
    if (request.kind === "details") {
      const details = detailsById.get(request.detailsId!);
      if (!details) return json(res, 404, { message: `no record ${request.detailsId}` });
      detailsServed.push(request.detailsId!);
      return json(res, 200, details);
    }
    json(res, 404, { message: "not a replayed endpoint" });
  };

  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/API`,
    requests,
    detailsServed,
    dead,
    close: async () => {
      if (!server.listening) return;
      kill();
      await dead;
    },
  };
}
