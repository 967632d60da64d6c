/** Calls the real Worker (in workerd, through the pool's `exports`) and reads JSON. */
import { exports } from "cloudflare:workers";

export async function call(path: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await exports.default.fetch(new Request(`http://dossier.test${path}`, init));
  // Decoded by hand: workerd warns when .text() reads a body whose type (CSV, JSON Lines) it does not call text.
  const text = new TextDecoder().decode(await res.arrayBuffer());
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: the test will say so */
  }
  return { status: res.status, body, headers: res.headers };
}

export const refs = (hits: Array<{ reference: string }>) => hits.map((h) => h.reference);

/** Every own name of Object.prototype, `__proto__` included: words user text must be able to hold. */
export const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
