/**
 * `<dossier-search>`: a search box with typeahead and results, for any page.
 *
 * It follows the WAI-ARIA 1.2 combobox pattern (list autocomplete, no
 * automatic selection): focus stays in the input and the active option is
 * conveyed through aria-activedescendant. Everything it shows from users or
 * records is set as text; snippets are split on `<mark>` and rebuilt as
 * nodes, so a record can never inject markup into the host page. It never
 * throws into the host: every handler catches and reports in its status line.
 */
import type { z } from "@hono/zod-openapi";
import type { SearchAnswerSchema, SearchHitSchema, SuggestionSchema } from "../shared/api-schemas";
import { facetValues } from "../shared/facet-values";
import { resultCountText } from "../shared/result-count";
import { parseSnippet } from "./snippet";
import { STYLE } from "./style";

// The API's own schemas, as types only: nothing of zod reaches the bundle.
/** An API suggestion, or a record the widget lists itself when no suggestion matched. */
export type Suggestion = z.infer<typeof SuggestionSchema> | { text: string; kind: "record"; id: string };
/** A full hit: the widget asks for neither fields= nor compact=1. */
export type Hit = z.infer<typeof SearchHitSchema>;
export type SearchResponse = Omit<z.infer<typeof SearchAnswerSchema>, "hits"> & { hits: Hit[] };

/** What a `dossier:select` event carries. */
export interface SelectDetail {
  source: "suggestion" | "result";
  kind: string;
  text: string;
  id?: string;
  url?: string;
}

interface Query {
  q: string;
  series: string[];
  heldBy: string[];
  from: string;
  to: string;
  sort: string;
  offset: number;
}

/** The API's `sort=` values; relevance is the default and is left out of requests and URLs. */
const SORTS: Array<[string, string]> = [
  ["", "Relevance"],
  ["date", "Oldest first"],
  ["-date", "Newest first"],
  ["reference", "Reference"],
];
/** Facet values shown before "more". */
const FACET_TOP = 5;
const EMPTY: Query = { q: "", series: [], heldBy: [], from: "", to: "", sort: "", offset: 0 };

const DEBOUNCE_MS = 150;
const TIMEOUT_MS = 10_000;
const MAX_OPTIONS = 8;

// Captured while the classic script runs: afterwards currentScript is null.
const SCRIPT_ORIGIN = (() => {
  try {
    const s = document.currentScript as HTMLScriptElement | null;
    return s?.src ? new URL(s.src).origin : "";
  } catch {
    return "";
  }
})();

let instances = 0;

// A constructed sheet is not an inline style, so host pages with a strict CSP (no 'unsafe-inline') still style the
// widget.
let shared: CSSStyleSheet | null | undefined;
function styleSheet(): CSSStyleSheet | null {
  if (shared === undefined) {
    try {
      shared = new CSSStyleSheet();
      shared.replaceSync(STYLE);
    } catch {
      shared = null;
    }
  }
  return shared;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]!);
  if (text != null) e.textContent = text;
  return e;
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;

export class DossierSearch extends HTMLElement {
  static observedAttributes = ["placeholder", "value"];

  private readonly root: ShadowRoot;
  private readonly input: HTMLInputElement;
  private readonly listbox: HTMLUListElement;
  private readonly status: HTMLParagraphElement;
  private readonly results: HTMLOListElement;
  private readonly filters: HTMLDivElement;
  private readonly filterBox: HTMLDetailsElement;
  private readonly layout: HTMLDivElement;
  private readonly sortSelect: HTMLSelectElement;
  private readonly sortBox: HTMLSpanElement;
  /** Shows the server-rendered results (slot="results") until the first answer replaces them. */
  private fallback: HTMLSlotElement | null;
  private readonly pager: HTMLElement;
  private readonly uid = `d${++instances}`;
  private options: Suggestion[] = [];
  private active = -1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private suggestCtl: AbortController | null = null;
  private searchCtl: AbortController | null = null;
  private query: Query = EMPTY;
  private started = false;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: "open" });
    const sheet = styleSheet();
    const wrap = el("div", { part: "container", class: "c" });
    const form = el("form", { part: "form", role: "search", class: "frm" });
    const id = (s: string) => `${this.uid}-${s}`;
    const label = el("label", { for: id("i"), class: "vh" }, "Search the catalogue");
    const box = el("div", { class: "box" });
    this.input = el("input", {
      part: "input",
      id: id("i"),
      type: "text",
      role: "combobox",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": id("lb"),
      autocomplete: "off",
      autocapitalize: "off",
      spellcheck: "false",
      enterkeyhint: "search",
    });
    const button = el("button", { part: "button", type: "submit" }, "Search");
    this.listbox = el("ul", {
      part: "listbox",
      id: id("lb"),
      role: "listbox",
      "aria-label": "Suggestions",
      class: "lb",
    });
    this.listbox.hidden = true;
    box.append(this.input, button, this.listbox);
    form.append(label, box);
    this.status = el("p", { part: "status", class: "st", role: "status", "aria-live": "polite" });
    const bar = el("div", { class: "tb" });
    this.sortBox = el("span", { class: "so" });
    this.sortSelect = el("select", { id: id("so"), part: "sort" });
    for (const [value, text] of SORTS) this.sortSelect.append(el("option", { value }, text));
    this.sortBox.append(el("label", { for: id("so") }, "Sort"), this.sortSelect);
    this.sortBox.hidden = true;
    bar.append(el("span", { class: "spin", "aria-hidden": "true" }), this.status, this.sortBox);
    this.fallback = el("slot", { name: "results" });
    this.layout = el("div", { class: "lay" });
    this.layout.hidden = true;
    this.filterBox = el("details", { part: "filters", class: "fl" });
    this.filterBox.append(el("summary", { class: "ft" }, "Filters"));
    this.filters = el("div", { class: "fb" });
    this.filterBox.append(this.filters);
    this.filterBox.hidden = true;
    const main = el("div", { class: "mn" });
    this.results = el("ol", { part: "results", class: "rs", "aria-label": "Search results" });
    this.pager = el("nav", { part: "pager", class: "pg", "aria-label": "Result pages" });
    this.pager.hidden = true;
    main.append(this.results, this.pager);
    this.layout.append(this.filterBox, main);
    wrap.append(form, bar, this.fallback, this.layout);
    if (sheet) this.root.adoptedStyleSheets = [sheet];
    else this.root.append(el("style", {}, STYLE));
    this.root.append(wrap);

    this.guard(form, "submit", (e) => {
      e.preventDefault();
      this.submit();
    });
    this.guard(this.input, "input", () => this.scheduleSuggest());
    this.guard(this.input, "keydown", (e) => this.onKey(e as KeyboardEvent));
    this.guard(this.input, "blur", () => this.close());
    // mousedown would blur the input and close the list before the click lands.
    this.guard(this.listbox, "mousedown", (e) => e.preventDefault());
    this.guard(this.listbox, "click", (e) => {
      const li = (e.target as Element).closest("li");
      if (li) this.choose(Number(li.dataset.i));
    });
    this.guard(this.results, "click", (e) => this.onResultClick(e as MouseEvent));
    this.guard(this.sortSelect, "change", () =>
      this.run({ ...this.query, sort: this.sortSelect.value, offset: 0 }, true),
    );
  }

  /** Focuses the search box (Dossier's pages bind the `/` key to this). */
  override focus(options?: FocusOptions): void {
    this.input.focus(options);
  }

  connectedCallback(): void {
    try {
      this.input.placeholder = this.getAttribute("placeholder") ?? "Search the catalogue";
      if (this.started) return;
      this.started = true;
      if (this.hasAttribute("sync-url")) {
        addEventListener("popstate", this.onPop);
        this.fromUrl(false);
      } else if (this.getAttribute("value")) {
        this.input.value = this.getAttribute("value")!;
        this.run({ ...this.query, q: this.input.value }, false);
      }
    } catch (e) {
      this.fail(e);
    }
  }

  disconnectedCallback(): void {
    removeEventListener("popstate", this.onPop);
    this.suggestCtl?.abort();
    this.searchCtl?.abort();
    clearTimeout(this.timer);
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    if (name === "placeholder") this.input.placeholder = value ?? "Search the catalogue";
  }

  /** The service base URL: the attribute, else the origin widget.js came from, else this page. */
  get endpoint(): string {
    return (this.getAttribute("endpoint") || SCRIPT_ORIGIN || location.origin).replace(/\/+$/, "");
  }

  private get limit(): number {
    const n = Number(this.getAttribute("limit"));
    return Number.isInteger(n) && n > 0 ? Math.min(n, 100) : 10;
  }

  private get fixedSeries(): string[] {
    return (this.getAttribute("series") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  }

  recordUrl(id: string): string {
    return `${this.endpoint}/records/${encodeURIComponent(id)}`;
  }

  /** Wraps a listener so nothing it throws reaches the host page. */
  private guard(target: EventTarget, type: string, fn: (e: Event) => void): void {
    target.addEventListener(type, (e) => {
      try {
        fn(e);
      } catch (err) {
        this.fail(err);
      }
    });
  }

  private onPop = () => {
    try {
      this.fromUrl(false);
    } catch (e) {
      this.fail(e);
    }
  };

  private fromUrl(push: boolean): void {
    const p = new URLSearchParams(location.search);
    const q = p.get("q") ?? this.getAttribute("value") ?? "";
    this.input.value = q;
    const offset = Math.max(0, Number(p.get("offset")) || 0);
    const sort = p.get("sort") ?? "";
    const query: Query = {
      q,
      series: p.getAll("series"),
      heldBy: p.getAll("heldBy"),
      from: p.get("from") ?? "",
      to: p.get("to") ?? "",
      sort: SORTS.some(([k]) => k === sort) ? sort : "",
      offset,
    };
    if (q.trim()) this.run(query, push);
    else {
      this.query = query;
      this.clearResults();
    }
  }

  // ---- typeahead ----

  private scheduleSuggest(): void {
    clearTimeout(this.timer);
    this.suggestCtl?.abort();
    this.setActive(-1);
    const q = this.input.value.trim();
    if (!q) {
      this.close();
      this.options = [];
      return;
    }
    this.timer = setTimeout(() => {
      void this.suggest(q);
    }, DEBOUNCE_MS);
  }

  private async suggest(q: string): Promise<void> {
    const ctl = (this.suggestCtl = new AbortController());
    try {
      const data = await this.get<{ suggestions?: Suggestion[] }>(`/api/suggest?${new URLSearchParams({ q })}`, ctl);
      if (ctl !== this.suggestCtl || this.input.value.trim() !== q) return;
      let list = (data.suggestions ?? []).slice(0, MAX_OPTIONS);
      if (!list.length) {
        // No name or title starts with what was typed (a variant spelling, say): offer the best records instead.
        const found = await this.get<SearchResponse>(
          // Each option opens one record, so a file's volumes are listed one by one here.
          this.searchPath({ ...this.query, q, offset: 0 }, MAX_OPTIONS / 2, false),
          ctl,
        );
        if (ctl !== this.suggestCtl) return;
        list = found.hits.map((h) => ({ text: `${h.reference} — ${h.title}`, kind: "record", id: h.id }));
      }
      this.showOptions(list);
    } catch (e) {
      if (ctl.signal.aborted && !(e as { timeout?: boolean }).timeout) return;
      this.options = [];
      this.close();
      this.fail(e);
    }
  }

  private showOptions(list: Suggestion[]): void {
    this.options = list;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.listbox.replaceChildren(
      ...list.map((s, i) => {
        const li = el("li", {
          part: "option",
          role: "option",
          id: `${this.uid}-o${i}`,
          "aria-selected": "false",
          "data-i": String(i),
        });
        li.append(el("span", { class: "ot" }, s.text));
        // Two files can share a title (volumes of one person's file), so record kinds also show which file.
        const which = s.kind === "record" ? "" : (s.reference ?? (s.kind === "title" ? s.id : ""));
        li.append(el("span", { part: "option-kind", class: "ok" }, which ? `${s.kind} · ${which}` : s.kind));
        return li;
      }),
    );
    if (list.length && this.root.activeElement === this.input) this.open();
    else this.close();
    this.say(
      list.length
        ? `${plural(list.length, "suggestion", "suggestions")}; use the up and down arrows to choose`
        : "No suggestions",
    );
  }

  private open(): void {
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  private close(): void {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.setActive(-1);
  }

  private get isOpen(): boolean {
    return !this.listbox.hidden;
  }

  private setActive(i: number): void {
    const items = this.listbox.children;
    items[this.active]?.setAttribute("aria-selected", "false");
    this.active = i;
    const li = items[i] as HTMLElement | undefined;
    if (li) {
      li.setAttribute("aria-selected", "true");
      this.input.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView?.({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  private onKey(e: KeyboardEvent): void {
    const n = this.options.length;
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp": {
        if (!n) return;
        e.preventDefault();
        const down = e.key === "ArrowDown";
        if (!this.isOpen) {
          this.open();
          if (e.altKey) return;
        }
        this.setActive(down ? (this.active + 1) % n : this.active <= 0 ? n - 1 : this.active - 1);
        return;
      }
      case "Enter":
        if (this.isOpen && this.active >= 0) {
          e.preventDefault();
          this.choose(this.active);
        }
        return;
      case "Escape":
        e.preventDefault();
        if (this.isOpen) this.close();
        else if (this.input.value) {
          this.input.value = "";
          this.options = [];
          this.suggestCtl?.abort();
        }
        return;
      case "Tab":
        this.close();
        return;
    }
  }

  private choose(i: number): void {
    const s = this.options[i];
    if (!s) return;
    this.close();
    const isRecord = !!s.id && (s.kind === "record" || s.kind === "reference" || s.kind === "title");
    const detail: SelectDetail = {
      source: "suggestion",
      kind: s.kind,
      text: s.text,
      id: s.id,
      url: isRecord ? this.recordUrl(s.id!) : undefined,
    };
    if (!this.emit(detail)) return;
    if (isRecord) {
      this.go(detail.url!);
      return;
    }
    this.input.value = s.kind === "person" ? `person:"${s.text}"` : s.text;
    this.submit();
  }

  /** Fires `dossier:select`; false when the host called preventDefault. */
  private emit(detail: SelectDetail): boolean {
    return this.dispatchEvent(
      new CustomEvent("dossier:select", { detail, bubbles: true, composed: true, cancelable: true }),
    );
  }

  private get target(): string {
    return (this.getAttribute("open-in") ?? "self").replace(/^_/, "").toLowerCase();
  }

  private go(url: string): void {
    const t = this.target;
    if (t === "none") return;
    if (t === "blank" || t === "new") open(url, "_blank", "noopener");
    else if (t === "top" || t === "parent") open(url, `_${t}`);
    else location.assign(url);
  }

  private onResultClick(e: MouseEvent): void {
    const a = (e.target as Element).closest("a");
    const id = a?.dataset.id;
    if (!a || !id) return;
    const detail: SelectDetail = { source: "result", kind: "record", text: a.dataset.title ?? "", id, url: a.href };
    if (!this.emit(detail) || this.target === "none") e.preventDefault();
  }

  // ---- full search ----

  private submit(): void {
    clearTimeout(this.timer);
    this.suggestCtl?.abort();
    this.close();
    this.run({ ...this.query, q: this.input.value.trim(), offset: 0 }, true);
  }

  private searchPath(query: Query, limit: number, collapse = true): string {
    const p = new URLSearchParams({ q: query.q, limit: String(limit) });
    if (!collapse) p.set("collapse", "0");
    if (query.offset) p.set("offset", String(query.offset));
    for (const s of [...this.fixedSeries, ...query.series]) p.append("series", s);
    for (const h of query.heldBy) p.append("heldBy", h);
    if (query.from) p.set("from", query.from);
    if (query.to) p.set("to", query.to);
    if (query.sort) p.set("sort", query.sort);
    return `/api/search?${p}`;
  }

  private async run(query: Query, push: boolean): Promise<void> {
    this.searchCtl?.abort();
    this.query = query;
    if (!query.q) {
      this.clearResults();
      this.say("Type something to search for");
      return;
    }
    if (push && this.hasAttribute("sync-url")) this.pushUrl(query);
    const ctl = (this.searchCtl = new AbortController());
    // Whatever is on show (the server's results, or the last answer) stays until the new answer replaces it.
    this.setAttribute("aria-busy", "true");
    this.say(this.fallback ? "Updating results…" : "Searching…");
    try {
      const data = await this.get<SearchResponse>(this.searchPath(query, this.limit), ctl);
      if (ctl !== this.searchCtl) return;
      this.renderResults(query, data);
    } catch (e) {
      if (ctl.signal.aborted && !(e as { timeout?: boolean }).timeout) return;
      // Before the first answer the server's results are still right: keep them.
      if (!this.fallback) this.clearResults();
      this.fail(e);
    } finally {
      if (ctl === this.searchCtl) this.removeAttribute("aria-busy");
    }
  }

  private pushUrl(query: Query): void {
    const p = new URLSearchParams({ q: query.q });
    for (const s of query.series) p.append("series", s);
    for (const h of query.heldBy) p.append("heldBy", h);
    if (query.from) p.set("from", query.from);
    if (query.to) p.set("to", query.to);
    if (query.sort) p.set("sort", query.sort);
    if (query.offset) p.set("offset", String(query.offset));
    const url = `${location.pathname}?${p}`;
    if (url !== location.pathname + location.search) history.pushState(null, "", url);
  }

  private clearResults(): void {
    this.results.replaceChildren();
    this.filterBox.hidden = true;
    this.sortBox.hidden = true;
    this.pager.hidden = true;
  }

  /** The first answer is in: the server-rendered fallback gives way to the component's own results. */
  private takeOver(): void {
    this.fallback?.remove();
    this.fallback = null;
    this.layout.hidden = false;
  }

  private renderResults(query: Query, data: SearchResponse): void {
    this.takeOver();
    const records = data.total?.value ?? 0;
    // With volumes collapsed the list holds files; the records they stand for are said beside them.
    const total = data.files?.value ?? records;
    const hits = data.hits ?? [];
    this.sortSelect.value = query.sort;
    this.sortBox.hidden = total < 2;
    this.say(
      resultCountText({
        q: query.q,
        offset: query.offset,
        shown: hits.length,
        total: data.total ?? { value: 0, relation: "eq" },
        files: data.files,
      }),
    );
    this.status.setAttribute("part", "status");
    const blank = this.target === "blank" || this.target === "new";
    this.results.replaceChildren(
      ...hits.map((h) => {
        const li = el("li", { part: "result", class: "hit" });
        const a = el("a", { part: "result-link", href: this.recordUrl(h.id), "data-id": h.id, "data-title": h.title });
        if (blank) {
          a.target = "_blank";
          a.rel = "noopener";
        } else if (this.target === "top") a.target = "_top";
        a.append(
          el("span", { part: "reference", class: "ref" }, h.reference),
          document.createTextNode(" "),
          el("span", { part: "title", class: "ti" }, h.title),
        );
        const meta = el("p", { class: "meta" });
        if (h.coveringDates) meta.append(el("span", { part: "dates" }, h.coveringDates));
        if (h.volumes && h.volumes > 1) meta.append(` · ${h.volumes} volumes`);
        const snip = el("p", { part: "snippet", class: "sn" });
        for (const part of parseSnippet(h.snippet ?? "")) {
          snip.append(part.marked ? el("mark", { part: "mark" }, part.text) : document.createTextNode(part.text));
        }
        const heading = el("h3", { class: "h" });
        heading.append(a);
        li.append(heading, meta, snip);
        return li;
      }),
    );
    if (this.hasAttribute("facets")) this.renderFilters(query, data);
    this.renderPager(query, total, hits.length);
  }

  private renderFilters(query: Query, data: SearchResponse): void {
    const f = this.filters;
    f.replaceChildren();
    const active = query.series.length + query.heldBy.length + (query.from || query.to ? 1 : 0);
    this.filterBox.querySelector("summary")!.textContent = active ? `Filters (${active} on)` : "Filters";
    this.layout.classList.add("has-f");
    if (!data.total && !active) {
      this.filterBox.hidden = true;
      return;
    }
    this.checkFacet("Held by", "h", data.facets?.heldBy ?? {}, query.heldBy, (heldBy) => ({ ...this.query, heldBy }));
    this.checkFacet("Series", "s", data.facets?.series ?? {}, query.series, (series) => ({ ...this.query, series }));
    this.dateFacet(query, data.facets?.decade ?? {});
    this.filterBox.hidden = false;
  }

  /** A checkbox per value, by count; the top few, the rest behind "more". Checked values always show. */
  private checkFacet(
    title: string,
    key: string,
    counts: Record<string, number>,
    selected: string[],
    next: (values: string[]) => Query,
  ): void {
    const values = facetValues(counts, selected);
    if (!values.length) return;
    const fs = el("fieldset", { part: "facet", class: "fs" });
    fs.append(el("legend", {}, title));
    const row = ([name, count]: [string, number], i: number) => {
      const id = `${this.uid}-${key}${i}`;
      const box = el("input", { type: "checkbox", id, value: name });
      box.checked = selected.includes(name);
      this.guard(box, "change", () => {
        const set = new Set(selected);
        if (box.checked) set.add(name);
        else set.delete(name);
        this.run({ ...next([...set]), offset: 0 }, true);
      });
      const r = el("div", { class: "row" });
      r.append(box, el("label", { for: id }, `${name} (${count.toLocaleString("en-GB")})`));
      return r;
    };
    for (const [i, v] of values.slice(0, FACET_TOP).entries()) fs.append(row(v, i));
    if (values.length > FACET_TOP) {
      const more = el("details", { class: "more" });
      more.append(el("summary", {}, `${values.length - FACET_TOP} more`));
      for (const [i, v] of values.slice(FACET_TOP).entries()) more.append(row(v, i + FACET_TOP));
      fs.append(more);
    }
    this.filters.append(fs);
  }

  /** A histogram of hits per decade (a picture; the numbers are in its hidden text) over a from–to year form. */
  private dateFacet(query: Query, counts: Record<string, number>): void {
    const decades = Object.entries(counts)
      .map(([d, n]) => [Number(d), n] as const)
      .sort((a, b) => a[0] - b[0]);
    const dates = el("fieldset", { part: "facet", class: "fs" });
    dates.append(el("legend", {}, "Covering dates"));
    if (decades.length > 1) {
      const max = Math.max(...decades.map(([, n]) => n));
      const hist = el("div", { class: "hist", "aria-hidden": "true" });
      for (const [d, n] of decades)
        hist.append(el("span", { class: `bar h${Math.ceil((n / max) * 8)}`, title: `${d}s: ${n}` }));
      const axis = el("div", { class: "ax", "aria-hidden": "true" });
      axis.append(el("span", {}, `${decades[0]![0]}s`), el("span", {}, `${decades.at(-1)![0]}s`));
      dates.append(
        hist,
        axis,
        el("p", { class: "vh" }, `Results by decade: ${decades.map(([d, n]) => `${d}s ${n}`).join(", ")}.`),
      );
    }
    const year = (name: "from" | "to", text: string, hint: string) => {
      const id = `${this.uid}-${name}`;
      const input = el("input", {
        id,
        type: "number",
        inputmode: "numeric",
        min: "1000",
        max: "2099",
        name,
        class: "yr",
        placeholder: hint,
      });
      input.value = query[name];
      const wrap = el("span", { class: "yw" });
      wrap.append(el("label", { for: id }, text), input);
      dates.append(wrap);
      return input;
    };
    const fromIn = year("from", "From year", decades.length ? String(decades[0]![0]) : "");
    const toIn = year("to", "To year", decades.length ? String(decades.at(-1)![0] + 9) : "");
    const apply = el("button", { type: "button", part: "button" }, "Apply dates");
    this.guard(apply, "click", () => this.run({ ...this.query, from: fromIn.value, to: toIn.value, offset: 0 }, true));
    dates.append(apply);
    this.filters.append(dates);
  }

  private renderPager(query: Query, total: number, shown: number): void {
    const p = this.pager;
    p.replaceChildren();
    const limit = this.limit;
    const hasPrev = query.offset > 0;
    const hasNext = query.offset + shown < total;
    if (!hasPrev && !hasNext) {
      p.hidden = true;
      return;
    }
    const btn = (text: string, offset: number, enabled: boolean) => {
      const b = el("button", { type: "button", part: "button" }, text);
      b.disabled = !enabled;
      this.guard(b, "click", () => this.run({ ...this.query, offset }, true));
      return b;
    };
    p.append(
      btn("Previous", Math.max(0, query.offset - limit), hasPrev),
      el("span", { class: "pn" }, `Page ${Math.floor(query.offset / limit) + 1} of ${Math.ceil(total / limit)}`),
      btn("Next", query.offset + limit, hasNext),
    );
    p.hidden = false;
  }

  // ---- plumbing ----

  private async get<T>(path: string, ctl: AbortController): Promise<T> {
    let timedOut = false;
    const t = setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, TIMEOUT_MS);
    try {
      const res = await fetch(this.endpoint + path, { signal: ctl.signal, headers: { accept: "application/json" } });
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      if (!res.ok || !body) throw new Error(body?.error?.message ?? `the service answered HTTP ${res.status}`);
      return body as T;
    } catch (e) {
      if (timedOut) throw Object.assign(new Error("the service took too long to answer"), { timeout: true });
      throw e;
    } finally {
      clearTimeout(t);
    }
  }

  private say(text: string): void {
    this.status.setAttribute("part", "status");
    this.status.textContent = text;
  }

  private fail(e: unknown): void {
    const why =
      e instanceof TypeError
        ? "could not reach the search service; check your connection and try again"
        : (e as Error)?.message || String(e);
    this.status.textContent = `Search is unavailable: ${why}.`;
    this.status.setAttribute("part", "status error");
  }
}
