/**
 * The contract every ingest format meets, and the probe detection hands them.
 * A format is `{ name, extensions, sniff, parse }`; index.ts keeps the list.
 * Adding a format means one module exporting one of these, and one line in
 * the registry.
 */
import { readCsvHeader } from "./csv";
import { isObject, type JsonObject, type ParseOutput } from "./normalise";

export type SourceFormat = "dossier-jsonl" | "discovery-json" | "naa-csv" | "jfk-csv";

/**
 * What detection knows about a file, computed on demand and at most once:
 * the whole text as one JSON document, the first line that parses as a JSON
 * object, the CSV header row.
 */
export interface Probe {
  text: string;
  /** Lowercased extension without the dot ("csv", "jsonl"), "" when none. */
  ext: string;
  /** The text as one JSON document, if it is one. */
  json(): { ok: true; value: unknown } | { ok: false };
  /** The first line that parses as a JSON object (JSON Lines), if any. */
  firstJsonObjectLine(): JsonObject | undefined;
  csvHeader(): string[];
}

export interface IngestFormat {
  name: SourceFormat;
  /** Extensions that make this format the first one tried. */
  extensions: readonly string[];
  /** True when the probed file is in this format. */
  sniff(probe: Probe): boolean;
  parse(text: string, file: string, probe: Probe): ParseOutput;
}

function memo<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

export function probe(text: string, file: string): Probe {
  const body = text.replace(/^\uFEFF/, "");
  const ext = /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase() ?? "";
  return {
    text,
    ext,
    json: memo(() => {
      const start = body.trimStart();
      if (!start.startsWith("{") && !start.startsWith("[")) return { ok: false };
      try {
        return { ok: true, value: JSON.parse(body) };
      } catch {
        return { ok: false };
      }
    }),
    firstJsonObjectLine: memo(() => {
      // Every line is tried, not the first few: a file whose first lines are broken is still JSON Lines.
      for (const line of body.split(/\r?\n/)) {
        const t = line.trim();
        if (!t.startsWith("{")) continue;
        try {
          const value: unknown = JSON.parse(t);
          if (isObject(value)) return value;
        } catch {
          // not this one
        }
      }
      return undefined;
    }),
    csvHeader: memo(() => readCsvHeader(body)),
  };
}
