/**
 * Preloaded by `npm run build` and `npm start` (`node --import ./scripts/lib/exit-with-launcher.mjs …`):
 * makes the script stop when whoever launched it is killed. npm runs
 * `npm → sh → node`; a signal sent to npm's PID reaches the shell at most, and
 * SIGKILL reaches nobody, so without this the build ran on to the end and
 * published. A worker thread polls the parent (and, under npm, npm itself: the
 * shell survives a SIGKILL to npm) and ends the process when one is gone.
 *
 * Plain JavaScript loaded before tsx, so it is watching within milliseconds of
 * start rather than after the build's modules are compiled; a thread, not a
 * timer, because the build's main thread is busy for seconds at a time.
 */
import { readFileSync } from "node:fs";
import { isMainThread, Worker } from "node:worker_threads";

const POLL_MS = 100;

/** The command name of `pid` from /proc (Linux), or null. */
function commandOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return null;
  }
}

/** The command line of `pid` from /proc, or "" when it cannot be read (or `pid` is null). */
function commandLineOf(pid) {
  if (pid === null) return "";
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** The parent of `pid` from /proc (Linux), or null where there is no /proc. */
function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may contain spaces.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) && ppid > 1 ? ppid : null;
  } catch {
    return null;
  }
}

const WATCHDOG = `
const { workerData } = require("node:worker_threads");
const { readFileSync, writeSync } = require("node:fs");
const signalable = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === "EPERM"; } };
// A killed process stays a zombie until its parent reaps it, and signal 0 still reaches a zombie.
const alive = (pid) => {
  let stat;
  try { stat = readFileSync("/proc/" + pid + "/stat", "utf8"); } catch { return signalable(pid); }
  const state = stat[stat.lastIndexOf(")") + 2];
  return state !== "Z" && state !== "X";
};
const check = () => {
  const { parent, launcher } = workerData;
  if (process.ppid === parent && alive(parent) && (launcher === null || alive(launcher))) return;
  writeSync(2, "dossier: the process that started this one is gone; stopping\\n");
  process.kill(process.pid, "SIGTERM");
};
check();
setInterval(check, ${POLL_MS});
`;

if (isMainThread) {
  const parent = process.ppid;
  // As an npm script, the parent is npm's shell, and npm is the process a user kills.
  const underNpm = Boolean(process.env.npm_lifecycle_event) && /^(sh|dash|bash)$/.test(commandOf(parent) ?? "");
  const launcher = underNpm ? parentOf(parent) : null;
  // npm may be killed before this runs: the shell then belongs to init or a subreaper, not to a package manager.
  const launcherGone =
    (process.env.npm_lifecycle_event && parent === 1) ||
    (underNpm && !/\b(npm|pnpm|yarn|bun|node)\b/.test(commandLineOf(launcher)));
  if (launcherGone) {
    console.error("dossier: npm, which started this script, is already gone; stopping");
    process.exit(143);
  }
  // No loaders in the thread (execArgv: []): it must start fast and not run this file again.
  const watchdog = new Worker(WATCHDOG, { eval: true, execArgv: [], workerData: { parent, launcher } });
  await new Promise((resolve, reject) => watchdog.once("online", resolve).once("error", reject));
  watchdog.unref();
}
