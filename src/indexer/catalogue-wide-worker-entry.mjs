// The worker thread's entry (catalogue-wide-worker.ts `spawn`): registers tsx's loader in the thread, then loads
// the worker's TypeScript module. `execArgv: ["--import", "tsx"]` did the same under Node 22 only: under Node 20 a
// worker resolved its .ts entry before the flag's loader was in place ("Unknown file extension .ts").
import { register } from "tsx/esm/api";

register();
await import("./catalogue-wide-worker.ts");
