import { readCatalogue } from "../src/build/build-catalogue";
const all = readCatalogue(["/work/shared/corpora/nara-jfk"]).records;
const c = new Map<string, number>(); for (const r of all) c.set((r as any).originator ?? r.department, (c.get((r as any).originator ?? r.department) ?? 0) + 1);
console.log([...c].sort((a,b)=>b[1]-a[1]).slice(0,15));
console.log(all.filter(r=>r.people.length).length, all.filter(r => r.title.split(" ").length>=7).length);
const t = new Map<string,number>(); for (const r of all) t.set(r.title,(t.get(r.title)??0)+1); console.log([...t].filter(x=>x[1]===1).length);
