/** Runs `npm run build` as a child process, for the tests of its command line. */
import { spawn } from "node:child_process";
import { buildCommand } from "../../scripts/lib/build-command";

/** Runs `npm run build` with these arguments and resolves with what it printed (rejects on a non-zero exit). */
export function buildOutput(...args: string[]): Promise<string> {
  const [node, argv] = buildCommand(...args);
  return new Promise<string>((done, fail) => {
    const child = spawn(node, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (d) => (text += d));
    child.stderr.on("data", (d) => (text += d));
    child.on("error", fail).on("exit", (code) => (code === 0 ? done(text) : fail(new Error(`exit ${code}: ${text}`))));
  });
}
