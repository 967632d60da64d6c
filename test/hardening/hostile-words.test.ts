/**
 * Words that are also names of Object.prototype members (`constructor`,
 * `__proto__`, `toString`, …) are ordinary words to Dossier: every route and
 * page answers them as it answers any other word, never with a 5xx. Lookups of
 * user text in plain objects would find the prototype's members instead.
 */
import { describe, expect, it } from "vitest";
import { call, PROTOTYPE_NAMES } from "../helpers";

/** The forms a word reaches the index in: as typed, folded, inflected, and inside a longer query. */
const forms = (name: string) => [
  ...new Set([name, name.toLowerCase(), `${name}s`, name[0]!.toUpperCase() + name.slice(1), `ship ${name}`]),
];
const WORDS = PROTOTYPE_NAMES.flatMap(forms);
const enc = encodeURIComponent;

describe("Object.prototype names as search words", () => {
  it("includes the names known to break plain-object lookups", () => {
    expect(PROTOTYPE_NAMES).toEqual(
      expect.arrayContaining(["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]),
    );
  });

  it.each(WORDS)("searches %j like any other word", async (word) => {
    const { status, body } = await call(`/api/search?q=${enc(word)}&explain=1`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.query.text).toBe(word);
    expect(Array.isArray(body.hits)).toBe(true);
    // No expansion came from a prototype member: each is a real thesaurus or typo entry with a label.
    for (const x of body.query.expansions) expect(typeof x.to).toBe("string");
    // Without the thesaurus the word goes straight to the term chunks (and their per-term maps).
    const literal = await call(`/api/search?q=${enc(word)}&synonyms=0&match=exact`);
    expect(literal.status, JSON.stringify(literal.body)).toBe(200);
  });

  it("finds the real records around a prototype word in a longer query", async () => {
    const plain = await call("/api/search?q=Besedovskiy");
    const withWord = await call("/api/search?q=Besedovskiy%20constructor");
    expect(withWord.status).toBe(200);
    expect(
      withWord.body.hits
        .map((h: { reference: string }) => h.reference)
        .slice(0, 2)
        .sort(),
    ).toEqual(
      plain.body.hits
        .map((h: { reference: string }) => h.reference)
        .slice(0, 2)
        .sort(),
    );
  });

  it.each(PROTOTYPE_NAMES)("suggests, looks up and finds people for %j without a server error", async (name) => {
    for (const path of [
      `/api/suggest?q=${enc(name)}`,
      `/api/suggest?q=${enc(name.toLowerCase().slice(0, 6))}`,
      `/api/people?q=${enc(name)}`,
      `/api/lookup?ref=${enc(name)}`,
      `/api/lookup?ref=${enc(`${name} 2/1`)}`,
      `/api/records/${enc(name.toLowerCase())}`,
      `/api/series/${enc(name)}`,
      `/api/people/${enc(name.toLowerCase())}`,
      `/api/search?q=fuchs&series=${enc(name)}`,
      `/api/search?q=${enc(`person:${name}`)}`,
    ]) {
      const { status, body } = await call(path);
      expect(status, `${path} → ${JSON.stringify(body).slice(0, 200)}`).toBeLessThan(500);
      expect([200, 400, 404], path).toContain(status);
    }
  });

  it.each(PROTOTYPE_NAMES)("renders the search pages for %j", async (name) => {
    for (const path of [
      `/?q=${enc(name)}`,
      `/embed?q=${enc(name)}`,
      `/?q=${enc(`ship ${name}`)}&series=${enc(name)}`,
      `/records/${enc(name.toLowerCase())}`,
    ]) {
      const { status, headers, body } = await call(path);
      expect(status, path).toBeLessThan(500);
      expect(headers.get("content-type"), path).toContain("text/html");
      if (!path.startsWith("/records/")) expect(String(body), path).not.toContain("Search is unavailable");
    }
  });
});
