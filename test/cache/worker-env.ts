/** Bindings for calling the app directly, so a test can change what the Worker sees. */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import app from "../../src/index";

/**
 * The real ASSETS binding, with the manifest's version replaced: a stand-in
 * for a deploy of a new index, and a way to give each test its own cache keys.
 */
export function assetsAtVersion(version: string): Fetcher {
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const res = await env.ASSETS.fetch(req);
    if (new URL(req.url).pathname !== "/manifest.json" || !res.ok) return res;
    const manifest = (await res.json()) as { version: string };
    return Response.json({ ...manifest, version });
  };
  return { fetch } as unknown as Fetcher;
}

/** The real KV binding behind an object whose every call throws: a KV outage, injected. */
export function brokenKv(): KVNamespace {
  const fail = () => {
    throw new Error("KV is down");
  };
  return { get: fail, put: fail, list: fail, delete: fail, getWithMetadata: fail } as unknown as KVNamespace;
}

let n = 0;
/** A version no other test uses, so its cache starts empty. */
export const freshVersion = (label: string) => `test-${label}-${Date.now().toString(36)}-${n++}`;

export type Bindings = Env & Record<string, unknown>;

export function bindings(overrides: Partial<Bindings> = {}): Bindings {
  return { ...(env as Bindings), ...overrides } as Bindings;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** One request through the whole app; waits for its waitUntil work (cache writes) before returning. */
export async function request(path: string, b: Bindings = bindings(), init?: RequestInit): Promise<Answer> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://dossier.test${path}`, init), b, ctx);
  // Decoded by hand: workerd warns when .text() reads a body whose type (CSV, JSON Lines) it does not call text.
  const text = new TextDecoder().decode(await res.arrayBuffer());
  await waitOnExecutionContext(ctx);
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON; the test says so */
  }
  return { status: res.status, headers: res.headers, text, body };
}
