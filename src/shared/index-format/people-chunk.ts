/**
 * The name authority's chunk layout (PEOPLE_FORMAT 2): columns rather than objects, without what the rest gives
 * back. A person's slug is their name's (`words(name).join("-")`, as the build makes it), so it is not stored; doc
 * numbers are ascending, so they are stored as gaps in base 36. Two thirds of format 1's bytes at 100k records.
 */
import { words } from "../text/fold";
import type { PersonEntry, PersonRecord } from "./side-assets";

/** 1: an array of `PersonEntry` objects; 2: `PeopleChunkFile`. */
export const PEOPLE_FORMAT = 2;

/** A chunk of the name authority as written. */
export interface PeopleChunkFile {
  /** Each person: their name, then their other spellings. */
  n: string[][];
  /** Each person's doc numbers, ascending, as gaps in base 36 (the first from 0), comma-separated; people ";"-separated. */
  d: string;
  /** Spellings filed under another person: slug, then that person's slug, flat. */
  s: string[];
}

const slugOf = (name: string) => words(name).join("-");

/** Writes a chunk; every person's slug must be their name's (the decoder derives it). */
export function encodePeopleChunk(entries: readonly PersonEntry[]): PeopleChunkFile {
  const n: string[][] = [];
  const d: string[] = [];
  const s: string[] = [];
  for (const e of entries) {
    if ("see" in e) {
      s.push(e.slug, e.see);
      continue;
    }
    if (slugOf(e.name) !== e.slug) throw new Error(`people: slug "${e.slug}" is not the slug of "${e.name}"`);
    n.push([e.name, ...e.variants]);
    let prev = 0;
    d.push(
      e.docs
        .map((doc) => {
          if (!(Number.isInteger(doc) && doc >= prev)) throw new Error(`people: "${e.slug}"'s docs are not ascending`);
          const gap = doc - prev;
          prev = doc;
          return gap.toString(36);
        })
        .join(","),
    );
  }
  return { n, d: d.join(";"), s };
}

/** The asset store's decoder for a chunk: every slug it files, to its entry (a Map: slugs come from the URL). */
export function decodePeopleChunk(parsed: unknown): Map<string, PersonEntry> {
  const file = parsed as PeopleChunkFile;
  if (!file || !Array.isArray(file.n) || typeof file.d !== "string" || !Array.isArray(file.s))
    throw new Error("people chunk: not a chunk object");
  const docs = file.n.length ? file.d.split(";") : [];
  if (docs.length !== file.n.length) throw new Error("people chunk: doc lists for a different number of people");
  const out = new Map<string, PersonEntry>();
  file.n.forEach(([name, ...variants], i) => {
    let prev = 0;
    const list = docs[i] ? docs[i]!.split(",").map((gap) => (prev += parseInt(gap, 36))) : [];
    const person: PersonRecord = { slug: slugOf(name!), name: name!, variants, docs: list };
    out.set(person.slug, person);
  });
  for (let i = 0; i + 1 < file.s.length; i += 2) out.set(file.s[i]!, { slug: file.s[i]!, see: file.s[i + 1]! });
  return out;
}
