/**
 * Dossier records in the shapes of TNA Discovery's API: the search record of
 * `/search/records` and the details object of `/records/v1/details/{id}`.
 * Field names, order and JSON types follow real Discovery responses. A field
 * Dossier does not keep carries its type's empty value ("" , 0, [], false) or
 * null where Discovery itself uses null, so a typed client still parses it;
 * docs/discovery-compat.md lists which fields those are.
 */
import type { CatalogueRecord } from "../../shared/record";

/** The holders whose Discovery cross-reference ids are known (Discovery's own values for them). */
const KNOWN_HOLDERS: ReadonlyMap<string, { xReferenceId: string; xReferenceCode: string }> = new Map([
  ["The National Archives, Kew", { xReferenceId: "A13530124", xReferenceCode: "66" }],
]);

/** The id a Discovery client sees: Discovery's own where the record came from Discovery, Dossier's otherwise. */
export function discoveryIdOf(r: CatalogueRecord): string {
  return typeof r.discoveryId === "string" && r.discoveryId ? r.discoveryId : r.id;
}

/** `1811-04-09` → `09/04/1811`, Discovery's search-record date form. */
function dmy(iso: string | null): string {
  return iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : "";
}

/** `1811-04-09` → 18110409, Discovery's numeric date form (0 when unknown). */
function ymdNumber(iso: string | null): number {
  return iso ? Number(iso.replace(/-/g, "")) : 0;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const int = (v: unknown): number => (typeof v === "number" && Number.isInteger(v) ? v : 0);

/** The reference's last part, as Discovery gives it: `ADM 50/111` → `111`. */
function referencePart(reference: string): string | null {
  const m = /[/ ]([^/ ]+)$/.exec(reference);
  return m ? m[1]! : null;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** One record of a `/search/records` answer. */
export function discoverySearchRecord(r: CatalogueRecord, score: number) {
  return {
    altName: "",
    places: r.places,
    corpBodies: r.corporateNames,
    taxonomies: [] as string[],
    formerReferenceDep: "",
    formerReferencePro: "",
    heldBy: r.heldBy,
    // Discovery's context is the catalogue hierarchy's titles; Dossier knows the series reference only.
    context: r.series,
    content: "",
    urlParameters: null,
    department: r.department ?? "",
    note: str(r.note) ?? "",
    adminHistory: "",
    arrangement: "",
    mapDesignation: "",
    mapScale: "",
    physicalCondition: "",
    catalogueLevel: int(r.catalogueLevel),
    openingDate: "",
    closureStatus: str(r.closureStatus),
    closureType: "",
    closureCode: "",
    documentType: null,
    coveringDates: r.coveringDates,
    description: r.description,
    endDate: dmy(r.endDate),
    numEndDate: ymdNumber(r.endDate),
    numStartDate: ymdNumber(r.startDate),
    startDate: dmy(r.startDate),
    id: discoveryIdOf(r),
    reference: r.reference,
    score,
    source: "",
    title: r.title,
  };
}

/** A `/records/v1/details/{id}` answer. */
export function discoveryDetails(r: CatalogueRecord) {
  return {
    accessRegulation: null,
    accruals: null,
    accumulationDates: null,
    administrativeBackground: null,
    appraisalInformation: null,
    arrangement: null,
    batchId: null,
    copiesInformation: [] as unknown[],
    corporateNames: r.corporateNames,
    creatorName: [] as unknown[],
    custodialHistory: null,
    detailedRelatedMaterial: [] as unknown[],
    detailedSeparatedMaterial: [] as unknown[],
    dimensions: null,
    formerReferenceDep: null,
    formerReferencePro: null,
    immediateSourceOfAcquisition: [] as unknown[],
    language: null,
    legalStatus: "",
    links: [] as unknown[],
    locationOfOriginals: [] as unknown[],
    mapDesignation: null,
    mapScaleNumber: 0,
    note: str(r.note),
    otherReferences: [] as unknown[],
    people: r.people,
    physicalCondition: null,
    physicalDescriptionExtent: null,
    physicalDescriptionForm: null,
    // Dossier keeps one list of places (Discovery's places and scopeContent.placeNames together).
    places: r.places,
    publicationNote: [] as unknown[],
    registryUrl: "",
    restrictionsOnUse: null,
    scannedLists: [] as unknown[],
    subjects: r.subjects,
    unpublishedFindingAids: [] as unknown[],
    accessConditions: null,
    catalogueId: 0,
    citableReference: r.reference,
    closureCode: "",
    closureStatus: str(r.closureStatus),
    closureType: "",
    coveringDates: r.coveringDates,
    coveringFromDate: ymdNumber(r.startDate),
    coveringToDate: ymdNumber(r.endDate),
    scopeContent: {
      placeNames: r.places,
      description: `<scopecontent><p>${escapeXml(r.description)}</p></scopecontent>`,
      ephemera: null,
      schema: null,
    },
    digitised: r.digitised === true,
    heldBy: r.heldBy.map((name) => ({
      xReferenceId: KNOWN_HOLDERS.get(name)?.xReferenceId ?? "",
      xReferenceCode: KNOWN_HOLDERS.get(name)?.xReferenceCode ?? "",
      xReferenceName: name,
      xReferenceType: null,
      xReferenceURL: null,
      xReferenceDescription: null,
      xReferenceSortWord: null,
    })),
    id: discoveryIdOf(r),
    isParent: false,
    catalogueLevel: int(r.catalogueLevel),
    parentId: str(r.parentId) ?? "",
    recordOpeningDate: null,
    referencePart: referencePart(r.reference),
    referenceParentId: null,
    sortKey: "",
    source: null,
    // Discovery leaves an item's title null when its description is all there is; the ingest marks those.
    title: r.titleDerived === true ? null : r.title,
  };
}
