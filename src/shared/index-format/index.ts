/**
 * The search index's asset contract: for each asset kind, its type, the
 * build's encoder and the Worker's decoder, and the format version. Adding an
 * asset kind touches this folder.
 */
export * from "./search-manifest";
export * from "./term-chunk";
export * from "./filter-columns";
export * from "./side-assets";
export * from "./suggest-partition";
export * from "./people-chunk";
export * from "./term-family";
