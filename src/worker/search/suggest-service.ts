/**
 * Typeahead over the suggest partitions: a prefix reads the one partition
 * whose key is the longest prefix of it, and returns the heaviest entries.
 */
import type { PersonEntry, SearchManifest, SuggestEntry as Entry } from "../../shared/index-format";
import { peopleChunkPath, searchMeta } from "./search-index";
import { words } from "../../shared/text/fold";
import { referenceToId } from "../../shared/reference";
import type { AssetStore } from "../asset-store";
import { variantKey } from "../../shared/text/variants";
import type { z } from "@hono/zod-openapi";
import type { SuggestionSchema } from "../../shared/api-schemas";

/** One suggestion, as the API schema declares it; a title carries its record's `reference` beside its `id`. */
export type Suggestion = z.infer<typeof SuggestionSchema>;

/**
 * What makes two suggestions the same: a person by first initial and
 * surname variant key (as the name authority groups spellings, so "Leon
 * Helfland" and "Leon Helfand" are one suggestion), a title by its folded
 * text (many files share one title), anything else by its id or text.
 */
function sameness(kind: Entry[2], text: string, id: string | null): string {
  if (kind === "person") {
    const ws = words(text);
    return ws.length ? `person|${ws.length > 1 ? ws[0]![0] : ""}|${variantKey(ws.at(-1)!)}` : `person|${text}`;
  }
  if (kind === "title") return `title|${words(text).join(" ")}`;
  return `${kind}|${id ?? text}`;
}

export class SuggestService {
  constructor(private readonly assets: AssetStore) {}

  async suggest(q: string, limit: number, kinds?: Set<Entry[2]>): Promise<Suggestion[]> {
    const meta = await searchMeta(this.assets);
    const textKey = words(q).join(" ");
    const refKey = referenceToId(q);
    const found: Entry[] = [];
    for (const key of new Set([textKey, refKey]))
      if (key) found.push(...(await this.lookup(meta, key, q.trimEnd().length < q.length)));
    const seen = new Set<string>();
    const out: Suggestion[] = [];
    found.sort((a, b) => b[4] - a[4] || a[1].length - b[1].length);
    for (const entry of found) {
      const [, text, kind, id] = entry;
      if (kinds && !kinds.has(kind)) continue;
      const k = kind === "person" && id ? `person|${await this.canonical(meta, id)}` : sameness(kind, text, id);
      if (seen.has(k)) continue;
      seen.add(k);
      // A title's reference was stored beside it at build time: no record shard is read here.
      const reference = entry.length > 5 ? entry[5] : undefined;
      out.push(
        kind === "person"
          ? { text, kind, ...(id ? { slug: id } : {}) }
          : id
            ? { text, kind, id, ...(reference ? { reference } : {}) }
            : { text, kind },
      );
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The name authority's canonical slug for a spelling's slug (spellings of one person point to it). */
  private async canonical(meta: SearchManifest, slug: string): Promise<string> {
    const path = await peopleChunkPath(this.assets, meta, slug);
    if (!path) return slug;
    const hit = (await this.assets.json<PersonEntry[]>(path)).find((p) => p.slug === slug);
    return hit && "see" in hit ? hit.see : slug;
  }

  private async lookup(meta: SearchManifest, key: string, wholeWord: boolean): Promise<Entry[]> {
    for (let n = Math.min(key.length, 6); n >= 1; n--) {
      const prefix = key.slice(0, n);
      // The directory is a paged table out of the manifest root; its lookups take own keys only.
      const path = await this.assets.tableGet<string>(meta.suggest, prefix);
      if (path) {
        const list = await this.assets.json<Entry[]>(path);
        const matches: Entry[] = [];
        let lo = 0,
          hi = list.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (list[mid]![0] < key) lo = mid + 1;
          else hi = mid;
        }
        for (let i = lo; i < list.length && list[i]![0].startsWith(key); i++) {
          // A trailing space means the last word is complete: "kim " should not offer "kimber".
          if (wholeWord && list[i]![0].length > key.length && list[i]![0][key.length] !== " ") continue;
          matches.push(list[i]!);
        }
        return matches;
      }
      const top = n === key.length ? await this.assets.tableGet<string>(meta.suggest, `${prefix}*`) : undefined;
      if (top) return (await this.assets.json<Entry[]>(top)).filter((e) => e[0].startsWith(key));
    }
    return [];
  }
}
