/**
 * Pages a record series out of TNA's Discovery API, one Discovery details
 * object (enriched with the search hit's fields and a `sourceUrl`) per record:
 * appended to a JSON Lines working file as it goes, then exported as the JSON
 * array that Dossier's ingest reads.
 *
 * Everything with side effects — fetch, time, the checkpoint and the output —
 * is passed in, so the whole loop can be driven against a loopback replay
 * server with a virtual clock.
 *
 * Published guidance (API terms): no more than 3,000 calls a day and no more
 * often than one a second. Both are enforced here, not in the CLI, so no
 * caller can forget them; only a loopback base URL may go faster.
 */

import { appendFile, mkdir, readFile, rename, rm, truncate, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export const DISCOVERY_API_BASE = "https://discovery.nationalarchives.gov.uk/API";
export const DISCOVERY_DETAILS_PAGE = "https://discovery.nationalarchives.gov.uk/details/r/";
export const MIN_RATE_MS = 1000;
export const DAILY_REQUEST_LIMIT = 3000;

export const TERMS_WARNING = [
  "Discovery API terms: catalogue descriptions are offered for re-use under the Open Government Licence,",
  "but the API's published terms have also asked users not to cache or store content returned by the API,",
  "and limit use to 3,000 calls a day at no more than one a second.",
  "Check the current terms " +
    "(https://www.nationalarchives.gov.uk/help/discovery-for-developers-about-the-application-programming-interface-api/)",
  "before storing or republishing what this importer writes, and keep each record's sourceUrl as attribution.",
].join("\n");

/** A search hit as `/search/records` returns it; only `id` is relied on. */
export interface SearchRecord {
  id: string;
  [key: string]: unknown;
}

export interface Checkpoint {
  version: 1;
  series: string;
  /** `sps.batchStartMark` of the page to fetch next; null once listing is exhausted. */
  cursor: string | null;
  /** Hits of the last fetched page not yet written, so a resume need not refetch the page. */
  pending: SearchRecord[];
  /** Hits listed so far, compared with the API's `count` to stop without an extra empty page. */
  listed: number;
  total: number | null;
  idsDone: string[];
  /** UTC day the counter below belongs to. */
  day: string;
  requestsToday: number;
  /** Epoch ms of the last request start, so the spacing holds across process restarts too. */
  lastRequestAt: number | null;
  complete: boolean;
}

export interface CheckpointStore {
  load(): Promise<Checkpoint | null>;
  save(checkpoint: Checkpoint): Promise<void>;
}

/**
 * The API's allowance is per client, not per series: a store shared by every
 * series imported into one folder keeps their requests on one daily count.
 */
export interface UsageStore {
  load(): Promise<Usage | null>;
  save(usage: Usage): Promise<void>;
}

export interface Usage {
  day: string;
  requestsToday: number;
  lastRequestAt: number | null;
}

export interface RecordSink {
  /** Ids already in the output; covers a crash between writing a line and saving the checkpoint. */
  existingIds(): Promise<Iterable<string>>;
  append(record: Record<string, unknown>): Promise<void>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export type FetchLike = (
  url: string,
  init?: { headers?: Record<string, string>; signal?: AbortSignal },
) => Promise<Response>;

export interface ImporterOptions {
  series: string;
  fetch: FetchLike;
  clock: Clock;
  checkpoints: CheckpointStore;
  sink: RecordSink;
  usage?: UsageStore;
  baseUrl?: string;
  /** Minimum ms between request starts. */
  rateMs?: number;
  /** Requests this run may make (retries included). */
  maxRequests?: number;
  /** Only lowerable for loopback, so tests can reach the daily cap quickly. */
  dailyLimit?: number;
  pageSize?: number;
  maxRetries?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** A Retry-After longer than this ends the run (resumable) instead of holding the process. */
  maxRetryAfterMs?: number;
  requestTimeoutMs?: number;
  random?: () => number;
  log?: (message: string) => void;
}

export type StopReason = "complete" | "max-requests" | "daily-limit";

export interface ImportResult {
  stopped: StopReason;
  written: number;
  requests: number;
  checkpoint: Checkpoint;
}

/** A 4xx the API will keep giving: retrying cannot help, so the run stops with the URL and status. */
export class DiscoveryHttpError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    body: string,
  ) {
    super(`Discovery API answered ${status} for ${url}${body ? `: ${body.slice(0, 200)}` : ""}`);
    this.name = "DiscoveryHttpError";
  }
}

/** Retries ran out (or the server asked for too long a pause); the checkpoint allows a resume. */
export class DiscoveryUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DiscoveryUnavailableError";
  }
}

class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

class BudgetExhausted extends Error {
  constructor(readonly reason: Exclude<StopReason, "complete">) {
    super(reason);
  }
}

export function isLoopback(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127(?:\.\d{1,3}){3}$/.test(host);
}

export function sourceUrlFor(id: string): string {
  return DISCOVERY_DETAILS_PAGE + encodeURIComponent(id);
}

/** `KV 2` → `kv-2`, for file names. */
export function seriesSlug(series: string): string {
  return series
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
}

/**
 * Details are the authoritative shape; the search hit fills what details leave
 * empty (details often carry `title: null`, and only the hit has `reference`).
 */
export function mergeRecord(hit: SearchRecord, details: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...details };
  for (const [key, value] of Object.entries(hit)) {
    if (key === "score" || key === "urlParameters") continue;
    if (isEmpty(merged[key]) && !isEmpty(value)) merged[key] = value;
  }
  merged.id = details.id ?? hit.id;
  merged.sourceUrl = sourceUrlFor(String(merged.id));
  return merged;
}

export function freshCheckpoint(series: string, nowMs: number): Checkpoint {
  return {
    version: 1,
    series,
    cursor: "*",
    pending: [],
    listed: 0,
    total: null,
    idsDone: [],
    day: utcDay(nowMs),
    requestsToday: 0,
    lastRequestAt: null,
    complete: false,
  };
}

export class DiscoveryImporter {
  private readonly baseUrl: string;
  private readonly rateMs: number;
  private readonly dailyLimit: number;
  private readonly pageSize: number;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly backoffCapMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly requestTimeoutMs: number;
  private readonly random: () => number;
  private readonly log: (message: string) => void;
  private requestsThisRun = 0;

  constructor(private readonly options: ImporterOptions) {
    this.baseUrl = (options.baseUrl ?? DISCOVERY_API_BASE).replace(/\/+$/, "");
    const loopback = isLoopback(this.baseUrl);
    this.rateMs = options.rateMs ?? MIN_RATE_MS;
    if (!loopback && this.rateMs < MIN_RATE_MS) {
      throw new Error(
        `--rate ${this.rateMs} is below the API's one request per second; only a loopback --base-url may go faster`,
      );
    }
    this.dailyLimit = options.dailyLimit ?? DAILY_REQUEST_LIMIT;
    if (!loopback && this.dailyLimit > DAILY_REQUEST_LIMIT) {
      throw new Error(`daily limit ${this.dailyLimit} exceeds the API's ${DAILY_REQUEST_LIMIT} calls a day`);
    }
    if (!options.series.trim()) throw new Error('series is required, e.g. "KV 2"');
    this.pageSize = options.pageSize ?? 100;
    this.maxRetries = options.maxRetries ?? 6;
    this.backoffBaseMs = options.backoffBaseMs ?? 2000;
    this.backoffCapMs = options.backoffCapMs ?? 60_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 15 * 60_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? (() => {});
  }

  async run(): Promise<ImportResult> {
    const { clock, checkpoints, sink, series } = this.options;
    const loaded = await checkpoints.load();
    if (loaded && loaded.series !== series) {
      throw new Error(`checkpoint is for series "${loaded.series}", not "${series}"; use --fresh or another --out`);
    }
    const cp = loaded ?? freshCheckpoint(series, clock.now());
    const shared = await this.options.usage?.load();
    if (shared) {
      const today = utcDay(clock.now());
      if (shared.day === today) {
        cp.requestsToday = Math.max(cp.day === today ? cp.requestsToday : 0, shared.requestsToday);
        cp.day = today;
      }
      if (shared.lastRequestAt !== null && (cp.lastRequestAt ?? -Infinity) < shared.lastRequestAt)
        cp.lastRequestAt = shared.lastRequestAt;
    }
    const save = async () => {
      await checkpoints.save(cp);
      await this.options.usage?.save({ day: cp.day, requestsToday: cp.requestsToday, lastRequestAt: cp.lastRequestAt });
    };
    const done = new Set(cp.idsDone);
    for (const id of await sink.existingIds()) {
      if (!done.has(id)) {
        done.add(id);
        cp.idsDone.push(id);
      }
    }
    let written = 0;

    const finish = async (stopped: StopReason): Promise<ImportResult> => {
      await save();
      return { stopped, written, requests: this.requestsThisRun, checkpoint: cp };
    };

    try {
      while (!cp.complete) {
        if (cp.pending.length === 0) {
          if (cp.cursor === null) {
            cp.complete = true;
            break;
          }
          await this.fetchPage(cp);
          await save();
          continue;
        }
        const hit = cp.pending[0]!;
        if (!done.has(hit.id)) {
          const details = await this.getJson(cp, `${this.baseUrl}/records/v1/details/${encodeURIComponent(hit.id)}`);
          if (!details || typeof details !== "object" || Array.isArray(details)) {
            throw new DiscoveryUnavailableError(`details for ${hit.id} were not a JSON object`);
          }
          await sink.append(mergeRecord(hit, details as Record<string, unknown>));
          done.add(hit.id);
          cp.idsDone.push(hit.id);
          written++;
        }
        cp.pending.shift();
        await save();
      }
    } catch (error) {
      if (error instanceof BudgetExhausted) return finish(error.reason);
      await save();
      throw error;
    }
    return finish("complete");
  }

  private async fetchPage(cp: Checkpoint): Promise<void> {
    const cursor = cp.cursor ?? "*";
    const params = Object.entries({
      "sps.recordSeries": cp.series,
      "sps.searchQuery": "*",
      // A cursor only advances stably under an explicit sort.
      "sps.sortByOption": "REFERENCE_ASCENDING",
      "sps.resultsPageSize": String(this.pageSize),
      "sps.batchStartMark": cursor,
    })
      // %20 rather than URLSearchParams' "+", as in the API's own documented examples.
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join("&");
    const body = (await this.getJson(cp, `${this.baseUrl}/search/records?${params}`)) as {
      records?: SearchRecord[];
      count?: number;
      nextBatchMark?: string | null;
    };
    const records = Array.isArray(body?.records) ? body.records.filter((r) => r && typeof r.id === "string") : [];
    if (typeof body?.count === "number") cp.total = body.count;
    cp.listed += records.length;
    cp.pending = records;
    const next = body?.nextBatchMark ?? null;
    const exhausted = records.length === 0 || !next || next === cursor || (cp.total !== null && cp.listed >= cp.total);
    cp.cursor = exhausted ? null : next;
    this.log(`listed ${cp.listed}${cp.total !== null ? ` of ${cp.total}` : ""} hits in ${cp.series}`);
  }

  /** Waits for the rate and budget, then fetches; retries transient failures. */
  private async getJson(cp: Checkpoint, url: string): Promise<unknown> {
    const { clock } = this.options;
    for (let attempt = 0; ; attempt++) {
      await this.takeRequestSlot(cp);
      try {
        return await this.attempt(url);
      } catch (error) {
        if (!(error instanceof RetryableError)) throw error;
        if (attempt >= this.maxRetries) {
          throw new DiscoveryUnavailableError(
            `gave up on ${url} after ${attempt + 1} attempts: ${error.message}; rerun with --resume later`,
            { cause: error },
          );
        }
        let wait: number;
        if (error.retryAfterMs !== null) {
          if (error.retryAfterMs > this.maxRetryAfterMs) {
            throw new DiscoveryUnavailableError(
              `the API asked to wait ${Math.round(error.retryAfterMs / 1000)} s (${url}); rerun with --resume later`,
              { cause: error },
            );
          }
          wait = error.retryAfterMs;
        } else {
          // Full jitter: spreads retries from several importers instead of syncing them.
          const ceiling = Math.min(this.backoffCapMs, this.backoffBaseMs * 2 ** attempt);
          wait = Math.round(this.random() * ceiling);
        }
        this.log(`${error.message}; retry ${attempt + 1}/${this.maxRetries} in ${wait} ms`);
        await clock.sleep(wait);
      }
    }
  }

  private async attempt(url: string): Promise<unknown> {
    let response: Response;
    try {
      response = await this.options.fetch(url, {
        headers: { Accept: "application/json" },
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (error) {
      throw new RetryableError(`network error for ${url}: ${(error as Error).message}`, null, { cause: error });
    }
    if (response.status === 429) {
      await response.body?.cancel().catch(() => {});
      throw new RetryableError(
        `429 for ${url}`,
        parseRetryAfter(response.headers.get("retry-after"), this.options.clock.now()),
      );
    }
    if (response.status >= 500) {
      await response.body?.cancel().catch(() => {});
      throw new RetryableError(`${response.status} for ${url}`);
    }
    if (!response.ok) {
      const body = await response.text().catch(() => "");
      throw new DiscoveryHttpError(response.status, url, body);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // A connection dropped mid-body is as transient as one refused.
      throw new RetryableError(`body of ${url} was cut off: ${(error as Error).message}`, null, { cause: error });
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new RetryableError(`body of ${url} was not JSON (${text.length} chars)`, null, { cause: error });
    }
  }

  private async takeRequestSlot(cp: Checkpoint): Promise<void> {
    const { clock, maxRequests } = this.options;
    if (maxRequests !== undefined && this.requestsThisRun >= maxRequests) throw new BudgetExhausted("max-requests");
    const today = utcDay(clock.now());
    if (cp.day !== today) {
      cp.day = today;
      cp.requestsToday = 0;
    }
    if (cp.requestsToday >= this.dailyLimit) throw new BudgetExhausted("daily-limit");
    if (cp.lastRequestAt !== null) {
      const wait = cp.lastRequestAt + this.rateMs - clock.now();
      if (wait > 0) await clock.sleep(wait);
    }
    cp.lastRequestAt = clock.now();
    // Counted before the call: a request that fails still spent the day's allowance.
    cp.requestsToday++;
    this.requestsThisRun++;
  }
}

// ── Node file-backed stores used by the CLI (and the tests) ─────────────────

export class FileCheckpointStore implements CheckpointStore {
  constructor(readonly path: string) {}

  async load(): Promise<Checkpoint | null> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    const parsed = JSON.parse(text) as Checkpoint;
    if (parsed.version !== 1) throw new Error(`${this.path}: unknown checkpoint version ${String(parsed.version)}`);
    return parsed;
  }

  /** Written beside and renamed over, so a kill mid-write never leaves half a checkpoint. */
  async save(checkpoint: Checkpoint): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, JSON.stringify(checkpoint) + "\n");
    await rename(tmp, this.path);
  }

  async remove(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

export class FileUsageStore implements UsageStore {
  constructor(readonly path: string) {}

  async load(): Promise<Usage | null> {
    try {
      return JSON.parse(await readFile(this.path, "utf8")) as Usage;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async save(usage: Usage): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, JSON.stringify(usage) + "\n");
    await rename(tmp, this.path);
  }
}

export class JsonlFileSink implements RecordSink {
  constructor(readonly path: string) {}

  /** Also cuts off a trailing partial line left by a kill mid-append. */
  async existingIds(): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const ids: string[] = [];
    const complete = text.endsWith("\n") ? text : text.slice(0, text.lastIndexOf("\n") + 1);
    if (complete.length !== text.length) await truncate(this.path, Buffer.byteLength(complete));
    for (const line of complete.split("\n")) {
      if (!line.trim()) continue;
      const id = (JSON.parse(line) as { id?: unknown }).id;
      if (typeof id === "string") ids.push(id);
    }
    return ids;
  }

  async append(record: Record<string, unknown>): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, JSON.stringify(record) + "\n");
  }

  async remove(): Promise<void> {
    await rm(this.path, { force: true });
  }

  /**
   * Dossier's ingest reads Discovery JSON only as whole documents (JSON Lines
   * are taken for its own record format), so the build gets an array, one
   * record a line; the JSON Lines stay the append-only working copy.
   */
  async exportJsonArray(target: string): Promise<number> {
    let text = "";
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    // A partial last line (killed mid-append) is left for existingIds() to cut off.
    const lines = text
      .slice(0, text.lastIndexOf("\n") + 1)
      .split("\n")
      .filter((l) => l.trim());
    await mkdir(dirname(target), { recursive: true });
    // Dot-named so a build reading the folder meanwhile skips it.
    const tmp = join(dirname(target), `.${basename(target)}.tmp`);
    await writeFile(tmp, lines.length ? `[\n${lines.join(",\n")}\n]\n` : "[]\n");
    await rename(tmp, target);
    return lines.length;
  }
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
