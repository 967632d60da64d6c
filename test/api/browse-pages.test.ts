/**
 * Issue 15's server side, in workerd: series listings with titles and dates,
 * the held-by facet and filter, and what the HTML pages say (series pages,
 * record facts and archive links, 404 suggestions, OpenSearch suggestions).
 */
import { describe, expect, it } from "vitest";
import { call } from "../helpers";

const page = async (path: string) => {
  const { status, body, headers } = await call(path);
  return { status, html: String(body), headers };
};

describe("series listings", () => {
  it("carry each item's title and covering dates, as the record has them", async () => {
    const { status, body } = await call("/api/series/KV%202?limit=500");
    expect(status).toBe(200);
    expect(body.heldBy).toBe("The National Archives, Kew");
    const item = body.items.find((i: { id: string }) => i.id === "kv-2-2681");
    expect(item).toEqual({
      id: "kv-2-2681",
      reference: "KV 2/2681",
      title: "Leon HELFLAND",
      coveringDates: "1929-1955",
    });
  });
});

describe("the held-by facet", () => {
  it("counts hits per archive, summing to the total, and filters by archive", async () => {
    const all = (await call("/api/search?q=files&limit=1")).body;
    const counts = Object.values(all.facets.heldBy as Record<string, number>);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(all.total.value);
    const naa = (
      await call(`/api/search?q=files&limit=1&heldBy=${encodeURIComponent("National Archives of Australia")}`)
    ).body;
    const kv = (await call(`/api/search?q=Soviet&limit=50&heldBy=${encodeURIComponent("The National Archives, Kew")}`))
      .body;
    expect(kv.total.value).toBeGreaterThan(0);
    expect(Object.keys(kv.facets.heldBy)).toEqual(["The National Archives, Kew"]);
    expect(naa.total.value).toBe(all.facets.heldBy["National Archives of Australia"] ?? 0);
  });

  it("answers an archive that holds nothing with no hits rather than everything", async () => {
    for (const name of ["Nowhere", "constructor", "__proto__"]) {
      const { status, body } = await call(`/api/search?q=Soviet&heldBy=${name}`);
      expect(status).toBe(200);
      expect(body.total.value).toBe(0);
    }
  });
});

describe("browse and record pages", () => {
  it("serves a series page in catalogue order with titles and dates, paged, and the record links to it", async () => {
    const record = await page("/records/kv-2-2681");
    expect(record.html).toContain('<a href="/series/kv-2">KV 2</a>');
    const first = await page("/series/kv-2");
    expect(first.status).toBe(200);
    expect(first.html).toMatch(/<h1>Series KV 2<\/h1>/);
    const refs = [...first.html.matchAll(/<span class="ref">KV 2\/(\d+)<\/span>/g)].map((m) => Number(m[1]));
    expect(refs).toHaveLength(50);
    expect([...refs].sort((a, b) => a - b)).toEqual(refs);
    expect(first.html).toMatch(/rel="next"/);
    const second = await page("/series/kv-2?page=2");
    expect(second.html).toContain('<ol class="series-items" start="51">');
    expect((await page("/series/KV%202")).status).toBe(200);
    const missing = await page("/series/KV%209");
    expect(missing.status).toBe(404);
    expect(missing.html).toContain("/series/kv-2");
  });

  it("shows an NAA record's access status and pages, links to RecordSearch and cites it NAA's way", async () => {
    const { html } = await page("/records/a-6119-45");
    expect(html).toMatch(/<dt>Access<\/dt><dd>Open<\/dd>/);
    expect(html).toMatch(/<dt>Digitised<\/dt><dd>Yes, 11 pages<\/dd>/);
    expect(html).toContain(
      'href="https://recordsearch.naa.gov.au/SearchNRetrieve/Interface/DetailsReports/ItemDetail.aspx?Barcode=217124"',
    );
    expect(html).toContain(">View in RecordSearch</a>");
    expect(html).toMatch(/<output id="cite-text" class="citation">NAA: A6119, 45<\/output>/);
  });

  it("shows a JFK record's release date and what was withheld, and links to the NARA PDF", async () => {
    const { html } = await page("/records/104-10105-10271");
    expect(html).toMatch(/<dt>Released by NARA<\/dt><dd>24 August 2023<\/dd>/);
    expect(html).toMatch(/<dt>Formerly withheld<\/dt><dd>Redact<\/dd>/);
    expect(html).toMatch(
      /href="https:\/\/www\.archives\.gov\/files\/research\/jfk\/releases\/2023\/08\/104-10105-10271\.pdf"[^>]*>NARA PDF<\/a>/,
    );
  });

  it("links a Discovery record to its Discovery page by id", async () => {
    const { body } = await call("/api/lookup?ref=ADM%2055%2F150");
    const r = body.records[0];
    const { html } = await page(`/records/${r.id}`);
    expect(html).toContain(`href="https://discovery.nationalarchives.gov.uk/details/r/${r.discoveryId}"`);
    expect(html).toContain(">View in Discovery</a>");
  });

  it("lists 404 suggestions with their titles, linking to the records", async () => {
    const { status, html } = await page("/records/kv-2-2672");
    expect(status).toBe(404);
    expect(html).toMatch(
      /<a href="\/records\/kv-2-2671"><span class="ref">KV 2\/2671<\/span>: Grigoriy BESEDOVSKIY<\/a>/,
    );
  });

  it("renders a Filters disclosure, a sort control and the results slot the widget keeps", async () => {
    const { html } = await page("/?q=Soviet&sort=date");
    expect(html).toContain('<div slot="results">');
    expect(html).toContain('<details class="filters">');
    expect(html).toMatch(/<option value="date" selected>Oldest first<\/option>/);
    expect(html).toMatch(/<h3 id="f-held">Held by<\/h3>/);
    // Page links keep the sort; the default order is left out of URLs.
    expect(html).toMatch(/href="\/\?q=Soviet&amp;sort=date&amp;offset=10" rel="next"/);
  });

  it("shows the catalogue's size, examples and its archives on the home page", async () => {
    const { body } = await call("/api/health");
    const { html } = await page("/");
    expect(html).toContain(`${Number(body.records).toLocaleString("en-GB")} catalogue records`);
    expect(html).toContain('class="examples"');
    expect(html).toContain("National Archives of Australia");
  });

  it("lists an archive's whole series list a page at a time, and answers 404 past its end", async () => {
    const index = await page("/series");
    expect(index.status).toBe(200);
    expect(index.html).toContain('href="/series/kv-2"');
    const first = await page("/series?archive=0");
    expect(first.status).toBe(200);
    expect(first.html).toMatch(/<h1>[^<]+: all series<\/h1>/);
    expect(first.html).toMatch(/<li><a href="\/series\/[^"]+">/);
    expect((await page("/series?archive=0&page=2")).status).toBe(404);
    expect((await page("/series?archive=99")).status).toBe(404);
    expect((await page("/series?archive=constructor")).status).toBe(404);
  });
});

describe("browser integration", () => {
  it("answers OpenSearch suggestions as application/x-suggestions+json", async () => {
    const { status, body, headers } = await call("/opensearch/suggest?q=besed");
    expect(status).toBe(200);
    expect(headers.get("content-type")).toMatch(/^application\/x-suggestions\+json/);
    expect(body[0]).toBe("besed");
    expect(body[1].length).toBeGreaterThan(0);
    expect((await call("/opensearch/suggest?q=")).body).toEqual(["", []]);
  });

  it("serves the favicon, the page script and the dark palette", async () => {
    expect((await call("/favicon.svg")).headers.get("content-type")).toBe("image/svg+xml");
    expect((await call("/site.js")).headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(String((await call("/site.css")).body)).toContain("prefers-color-scheme:dark");
  });
});
