declare module "talisman/phonetics/daitch-mokotoff.js" {
  const daitchMokotoff: (word: string) => string[];
  export default daitchMokotoff;
}
declare module "talisman/metrics/damerau-levenshtein.js" {
  const damerauLevenshtein: ((a: string, b: string) => number) & { limited(max: number, a: string, b: string): number };
  export default damerauLevenshtein;
}
declare module "talisman/metrics/levenshtein.js" {
  const levenshtein: (a: string, b: string) => number;
  export default levenshtein;
}
