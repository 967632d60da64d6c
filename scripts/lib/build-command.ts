/**
 * How scripts start `npm run build` as a child process: the same Node, with
 * the launcher watchdog (a killed parent stops the build) and tsx, exactly as
 * the npm script runs it.
 */
export function buildCommand(...args: string[]): [string, string[]] {
  return [
    process.execPath,
    ["--import", "./scripts/lib/exit-with-launcher.mjs", "--import", "tsx", "scripts/build.ts", ...args],
  ];
}
