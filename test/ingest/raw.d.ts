// Vite's `?raw` suffix imports a file's text; workerd has no fs, so fixtures come in this way.
declare module "*?raw" {
  const text: string;
  export default text;
}
