import { readCatalogue } from "../src/build/build-catalogue";
const all = readCatalogue(["/work/shared/corpora/tna-kv","/work/shared/corpora/naa-asio","/work/shared/corpora/nara-jfk","/work/shared/corpora/tna-discovery"]).records;
const pick = (f: (r: any) => boolean, n: number) => { const xs = all.filter(f); const step = Math.max(1, Math.floor(xs.length / n)); return xs.filter((_, i) => i % step === 0).slice(0, n); };
for (const r of pick(r => r.series.startsWith("A61") && r.series !== "A6119" || r.series === "A9626", 40)) console.log(r.reference, "|", r.title.slice(0, 110));
for (const r of pick(r => r.source.name === "tna-discovery", 30)) console.log(r.reference, "|", r.title.slice(0, 80), "|", r.description.slice(0, 80));
for (const r of pick(r => r.source.name === "tna-kv", 30)) console.log(r.reference, "|", r.title.slice(0, 80), "|", r.description.slice(0, 100));
