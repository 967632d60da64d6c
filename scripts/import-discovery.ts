/**
 * npm run import:discovery -- --series "KV 2" [--out data] [--base-url URL]
 *   [--max-requests N] [--rate MS] [--page-size N] [--resume | --fresh]
 *
 * See docs/discovery-import.md. Exit codes: 0 finished or paused at a request
 * budget (resume later), 1 failed (the checkpoint still allows --resume),
 * 2 bad arguments.
 */
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  DAILY_REQUEST_LIMIT,
  DISCOVERY_API_BASE,
  DiscoveryHttpError,
  DiscoveryImporter,
  FileCheckpointStore,
  FileUsageStore,
  JsonlFileSink,
  MIN_RATE_MS,
  TERMS_WARNING,
  isLoopback,
  seriesSlug,
  systemClock,
} from "../src/importer/discovery-importer";

const USAGE = `usage: npm run import:discovery -- --series "KV 2" [--out data] [--base-url ${DISCOVERY_API_BASE}]
       [--max-requests N] [--rate ms] [--page-size N] [--resume | --fresh]`;

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`--${name} must be a whole number, got "${value}"\n${USAGE}`);
  return Number(value);
}

function parseCli() {
  return parseArgs({
    options: {
      series: { type: "string" },
      out: { type: "string", default: "data" },
      "base-url": { type: "string", default: DISCOVERY_API_BASE },
      "max-requests": { type: "string" },
      rate: { type: "string" },
      "page-size": { type: "string" },
      resume: { type: "boolean", default: false },
      fresh: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  }).values;
}

async function main(): Promise<void> {
  let values: ReturnType<typeof parseCli>;
  try {
    values = parseCli();
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const series = values.series?.trim();
  if (!series) fail(`--series is required\n${USAGE}`);
  if (values.resume && values.fresh) fail("--resume and --fresh exclude each other");
  const baseUrl = values["base-url"]!;
  try {
    new URL(baseUrl);
  } catch {
    fail(`--base-url is not a URL: ${baseUrl}`);
  }
  const rateMs = positiveInt("rate", values.rate) ?? MIN_RATE_MS;
  if (rateMs < MIN_RATE_MS && !isLoopback(baseUrl)) {
    fail(
      `--rate ${rateMs} refused: the Discovery API asks for no more than one request per second (--rate >= ` +
        `${MIN_RATE_MS}); only a loopback --base-url may go faster`,
    );
  }

  const outDir = resolve(values.out!);
  const slug = seriesSlug(series);
  // Dot-named working files: the build skips them, and reads only the exported array.
  const sink = new JsonlFileSink(join(outDir, `.discovery-${slug}.jsonl`));
  const checkpoints = new FileCheckpointStore(join(outDir, `.discovery-${slug}.checkpoint.json`));
  const published = join(outDir, `discovery-${slug}.json`);
  const hasCheckpoint = existsSync(checkpoints.path);

  if (values.fresh) {
    await checkpoints.remove();
    await sink.remove();
    await rm(published, { force: true });
  } else if (!values.resume) {
    // Guessing here would either repeat a day's requests or silently append to an old import.
    if (hasCheckpoint) fail(`${checkpoints.path} exists: pass --resume to continue it or --fresh to start over`);
    if (existsSync(sink.path))
      fail(`${sink.path} exists without a checkpoint: pass --fresh to replace it (or --resume to keep its records)`);
    if (existsSync(published)) fail(`${published} exists: pass --fresh to replace it`);
  } else if (!hasCheckpoint) {
    console.error(`no checkpoint at ${checkpoints.path}; starting from the first page`);
  }

  console.error(`WARNING\n${TERMS_WARNING}\n`);

  const importer = new DiscoveryImporter({
    series,
    baseUrl,
    rateMs,
    maxRequests: positiveInt("max-requests", values["max-requests"]),
    pageSize: positiveInt("page-size", values["page-size"]),
    fetch: (url, init) =>
      fetch(url, { ...init, headers: { ...init?.headers, "User-Agent": "dossier-discovery-importer" } }),
    clock: systemClock,
    checkpoints,
    sink,
    usage: new FileUsageStore(join(outDir, ".discovery-usage.json")),
    log: (message) => console.error(message),
  });

  // Whatever was fetched is exported, even on failure, so a paused or broken
  // import still leaves the build a valid file.
  const publish = async () => {
    const count = await sink.exportJsonArray(published);
    console.error(`${count} records in ${published}`);
  };

  try {
    const result = await importer.run();
    await publish();
    const cp = result.checkpoint;
    const summary =
      `${result.written} records written this run (${cp.idsDone.length} in total), ${result.requests} ` +
      `requests this run, ${cp.requestsToday}/${DAILY_REQUEST_LIMIT} today (UTC ${cp.day}, all series in ` +
      `${values.out})`;
    if (result.stopped === "complete") {
      console.log(`done: ${series} → ${published}\n${summary}`);
    } else {
      const why =
        result.stopped === "daily-limit"
          ? "the day's request allowance is spent; resume after midnight UTC"
          : "--max-requests reached";
      console.log(
        `paused: ${why}\n${summary}\nresume with: npm run import:discovery -- --series "${series}" ` +
          `--resume${values.out !== "data" ? ` --out ${values.out}` : ""}`,
      );
    }
  } catch (error) {
    await publish().catch((e: Error) => console.error(`could not export ${published}: ${e.message}`));
    const hint = error instanceof DiscoveryHttpError ? "" : `\nthe checkpoint is saved; rerun with --resume`;
    fail(`import failed: ${(error as Error).message}${hint}`, 1);
  }
}

await main();
