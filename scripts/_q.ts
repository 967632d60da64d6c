import { startLocalWorker } from "./lib/local-worker";
const w = await startLocalWorker({ assetsDir: process.argv[2]! });
for (const p of process.argv.slice(3)) console.log(p, JSON.stringify(await (await w.fetch(p)).json()).slice(0, 900));
await w.dispose();
