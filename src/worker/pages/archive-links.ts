/**
 * What a record page can say about the original: the archive's own catalogue
 * page (built from the source's identifiers), the archive's citation form,
 * and the access facts the ingest keeps (access status, digitised pages,
 * JFK release). Every field read here is optional: a record carries only
 * what its source published, and absent facts are simply not shown.
 */
import type { CatalogueRecord } from "../../shared/record";

const DISCOVERY_DETAILS = "https://discovery.nationalarchives.gov.uk/details/r/";
const DISCOVERY_SEARCH = "https://discovery.nationalarchives.gov.uk/results/r?_q=";
const RECORDSEARCH_ITEM =
  "https://recordsearch.naa.gov.au/SearchNRetrieve/Interface/DetailsReports/ItemDetail.aspx?Barcode=";

export interface ArchiveLink {
  label: string;
  href: string;
}
export interface Fact {
  label: string;
  value: string;
}

type Loose = CatalogueRecord & Record<string, unknown>;
const str = (r: Loose, k: string): string | null =>
  typeof r[k] === "string" && (r[k] as string).trim() ? (r[k] as string).trim() : null;
const num = (r: Loose, k: string): number | null =>
  typeof r[k] === "number" && Number.isFinite(r[k]) ? (r[k] as number) : null;
const bool = (r: Loose, k: string): boolean | null => (typeof r[k] === "boolean" ? (r[k] as boolean) : null);

type Archive = "tna" | "naa" | "nara" | "other";

const JFK_HOLDER = "National Archives and Records Administration";

export function archiveOf(r: CatalogueRecord): Archive {
  const held = r.heldBy.join(" ").toLowerCase();
  if (r.source.name === "naa-recordsearch" || held.includes("national archives of australia")) return "naa";
  if (r.source.name === "nara-jfk" || held.includes("records administration")) return "nara";
  if (r.source.name.startsWith("tna") || held.includes("the national archives")) return "tna";
  return "other";
}

/** Links to the original, labelled by the archive's name; the best first. */
export function archiveLinks(record: CatalogueRecord): ArchiveLink[] {
  const r = record as Loose;
  const links: ArchiveLink[] = [];
  const archive = archiveOf(r);
  const barcode = str(r, "barcode");
  const discoveryId = str(r, "discoveryId");
  if (archive === "naa" && barcode && /^\d+$/.test(barcode))
    links.push({ label: "View in RecordSearch", href: RECORDSEARCH_ITEM + barcode });
  if (archive === "nara" && r.source.url && /\.pdf$/i.test(r.source.url))
    links.push({ label: "NARA PDF", href: r.source.url });
  if (archive === "tna") {
    links.push(
      discoveryId
        ? { label: "View in Discovery", href: DISCOVERY_DETAILS + encodeURIComponent(discoveryId) }
        : { label: "Find in Discovery", href: DISCOVERY_SEARCH + encodeURIComponent(r.reference) },
    );
  }
  // The source's own page when it is something else (a release note, say).
  if (r.source.url && !links.some((l) => l.href === r.source.url)) {
    const release = r.release as { title?: unknown } | undefined;
    const label = typeof release?.title === "string" ? `Release notes: ${release.title}` : `Source (${r.source.name})`;
    links.push({ label, href: r.source.url });
  }
  return links;
}

/** The archive's own citation form: "NAA: A6119, 608", "The National Archives, Kew, KV 2/2681", … */
export function citation(r: CatalogueRecord): string {
  const dates = r.coveringDates ? ` (${r.coveringDates})` : "";
  switch (archiveOf(r)) {
    case "naa":
      return `NAA: ${r.reference}`;
    case "tna":
      return `The National Archives, Kew, ${r.reference}, “${r.title}”${dates}`;
    case "nara":
      return `${r.title}, Record Number ${r.reference}, JFK Assassination Records Collection, ${JFK_HOLDER}`;
    default:
      return `${r.heldBy[0] ? `${r.heldBy[0]}, ` : ""}${r.reference}, “${r.title}”`;
  }
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** `2023-08-24` → `24 August 2023`; anything else unchanged. */
export function longDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (m) return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
  const ym = /^(\d{4})-(\d{2})$/.exec(iso);
  return ym ? `${MONTHS[Number(ym[2]) - 1]} ${ym[1]}` : iso;
}

const CLOSURE: Record<string, string> = {
  O: "Open",
  C: "Closed",
  R: "Retained by the department",
  D: "Closed (description withheld)",
};

/** Access and release facts the record carries, in reading order. */
export function accessFacts(record: CatalogueRecord): Fact[] {
  const r = record as Loose;
  const facts: Fact[] = [];
  const add = (label: string, value: string | null) => {
    if (value) facts.push({ label, value });
  };
  const access =
    str(r, "accessStatus") ??
    (str(r, "closureStatus") ? (CLOSURE[str(r, "closureStatus")!] ?? str(r, "closureStatus")) : null);
  add("Access", access);
  const digitisedPages = num(r, "digitisedPages");
  const digitised = bool(r, "digitised");
  add(
    "Digitised",
    digitisedPages
      ? `Yes, ${digitisedPages.toLocaleString("en-GB")} ${digitisedPages === 1 ? "page" : "pages"}`
      : digitised === true
        ? "Yes"
        : digitised === false
          ? "No"
          : null,
  );
  add("Location", str(r, "location"));
  add("Document type", str(r, "documentType"));
  add("Originator", str(r, "originator"));
  add("File number", str(r, "fileNumber"));
  const pages = num(r, "pages");
  const released = num(r, "pagesReleased");
  const inPdf =
    released !== null && released !== pages ? ` (${released.toLocaleString("en-GB")} in the released PDF)` : "";
  add("Pages", pages !== null ? `${pages.toLocaleString("en-GB")}${inPdf}` : null);
  const releaseDate = str(r, "releaseDate");
  add("Released by NARA", releaseDate ? longDate(releaseDate) : null);
  add("Formerly withheld", str(r, "formerlyWithheld"));
  const review = str(r, "reviewDate");
  add("Last reviewed", review ? longDate(review) : null);
  const release = r.release as { date?: unknown; title?: unknown } | undefined;
  if (release && typeof release.date === "string") {
    add("Released", `${longDate(release.date)}${typeof release.title === "string" ? ` (${release.title})` : ""}`);
  }
  return facts;
}
