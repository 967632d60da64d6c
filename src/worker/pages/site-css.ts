/**
 * The pages' stylesheet, served as /site.css so the CSP can forbid inline
 * styles. The widget styles itself inside its shadow root; these rules only
 * theme it through its custom properties. Colours live in custom properties
 * so dark mode (prefers-color-scheme) swaps one block; both palettes meet
 * WCAG AA, which the browser tests check with axe.
 */
export const SITE_CSS = `
:root{--bg:#f6f5f2;--fg:#1a1a1a;--link:#0b5394;--muted:#4d4d4d;--card:#fff;--rule:#ddd;--line:#767676;--mark:#fff1a8;
--head:#14213d;--chip:#b8c4d6;--bar:#0b5394;--err:#b00020;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#121417;--fg:#e8e6e3;--link:#8ab4f8;--muted:#b0b3b8;--card:#1c1f24;
--rule:#3a3f47;
--line:#8a8f98;--mark:#6b5500;--head:#0d1526;--chip:#4a5568;--bar:#8ab4f8;--err:#ff8a80}}
*{box-sizing:border-box}
html{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
body{margin:0}
a{color:var(--link)}
:focus-visible{outline:3px solid #ffbf47;outline-offset:1px}
.skip{position:absolute;left:-9999px}.skip:focus{left:1rem;top:1rem;background:var(--card);padding:.5rem;z-index:5}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
header.site{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.6rem 1.25rem;background:var(--head);
color:#fff}
header.site a{color:#fff}
.brand{font-weight:700;font-size:1.25rem;text-decoration:none;letter-spacing:.02em}
header.site nav{margin-left:auto;display:flex;gap:1rem}
.hs{display:flex;gap:.4rem;flex:1;max-width:28rem}
.hs input{flex:1;min-width:0}
input,button,select{font:inherit}
input[type=search],input[type=number],input[type=text],select{border:1px solid var(--line);border-radius:6px;
padding:.45rem .6rem;background:var(--card);color:var(--fg)}
button,a.button{border:1px solid #0b5394;border-radius:6px;padding:.45rem .9rem;background:#0b5394;color:#fff;
cursor:pointer;text-decoration:none;display:inline-block}
main{max-width:72rem;margin:0 auto;padding:1rem 1.25rem}
body.bare main{padding:.75rem;max-width:none}
body.bare{background:var(--card)}
footer.site{max-width:72rem;margin:2rem auto;padding:0 1.25rem;color:var(--muted);font-size:.9rem}
h1{font-size:1.6rem;line-height:1.25;margin:.25rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
.lede{font-size:1.05rem;margin:-.25rem 0 1rem}
dossier-search{--dossier-bg:transparent;--dossier-max-width:none;display:block}
.search-form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
.search-form .q{flex:1 1 18rem;display:flex;flex-direction:column}
.sort{display:inline-flex;align-items:center;gap:.35rem}
.status{color:var(--muted);margin:.5rem 0}
.error{color:var(--err);font-weight:600}
.results-layout{display:block}
.filters{margin:.5rem 0;border:1px solid var(--rule);border-radius:6px;background:var(--card)}
.filters>summary{cursor:pointer;padding:.35rem .75rem;font-weight:600}
.filters-body{padding:0 .75rem .5rem}
@media (min-width:60rem){
  .results-layout{display:grid;grid-template-columns:15rem minmax(0,1fr);gap:1.75rem;align-items:start}
  .filters{border:0;background:transparent;margin:0}
  .filters-body{padding:0}
}
@supports selector(::details-content){@media (min-width:60rem){
  .filters>summary{display:none}
  .filters::details-content{content-visibility:visible;block-size:auto}
}}
.facet h3{font-size:1rem;margin:.75rem 0 .25rem}
.facet ul{list-style:none;margin:0;padding:0}
.facet li{margin:.15rem 0}
.facet a[aria-current=true]{font-weight:700}
.n{color:var(--muted);font-size:.9em}
.more>summary{cursor:pointer;color:var(--link);margin:.2rem 0}
.hist{display:flex;align-items:flex-end;gap:2px;height:2.5rem;margin:.25rem 0 0;border-bottom:1px solid var(--line)}
.bar{flex:1;background:var(--bar);min-height:2px;border-radius:2px 2px 0 0}
.h0{height:2px}.h1{height:12.5%}.h2{height:25%}.h3{height:37.5%}.h4{height:50%}.h5{height:62.5%}.h6{height:75%}
.h7{height:87.5%}.h8{height:100%}
.hist-axis{display:flex;justify-content:space-between;margin:.1rem 0 .4rem;font-size:.8rem;color:var(--muted)}
.dates{display:flex;flex-wrap:wrap;gap:.35rem .5rem;align-items:center}
.dates input{width:5.5rem}
.hits{list-style:none;margin:0;padding:0}
.hits li{padding:.6rem 0;border-top:1px solid var(--rule)}
.hits li p{margin:.2rem 0}
.hits h3{font-size:1.05rem;margin:0}
.meta{margin:.15rem 0;color:var(--muted);font-size:.9rem}
mark{background:var(--mark);color:inherit;padding:0 .1em}
.pager{display:flex;gap:1rem;align-items:center;margin:1rem 0}
.outlinks{display:flex;flex-wrap:wrap;gap:.5rem;margin:0 0 1rem}
.record dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0 0 1rem}
.record dt{font-weight:600}
.record dd{margin:0}
.citation{display:block;padding:.6rem .75rem;background:var(--card);border:1px solid var(--rule);border-radius:6px;
margin:0 0 .5rem;user-select:all}
.tags{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.4rem}
.tags li a{display:inline-block;padding:.1rem .5rem;border:1px solid var(--chip);border-radius:999px;
background:var(--card);text-decoration:none}
.related li,.suggestions li{margin:.35rem 0}
.why{color:var(--muted);font-size:.9rem}
.examples{padding-left:1.2rem}.examples li{margin:.25rem 0}
.archives{display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:1rem}
.archives h3{margin:0 0 .2rem;font-size:1.05rem}
.series-list{list-style:none;padding:0;margin:.4rem 0 0}.series-list li{margin:.2rem 0}
.series-items{padding-left:3.5rem}.series-items li{margin:.3rem 0}
.dates-inline,.series-items .dates{color:var(--muted);font-size:.9rem;white-space:nowrap}
.card{background:var(--card);border:1px solid var(--rule);border-radius:8px;padding:1rem 1.25rem}
table.endpoints{border-collapse:collapse;width:100%;background:var(--card)}
table.endpoints th,table.endpoints td{border:1px solid var(--rule);padding:.4rem .6rem;text-align:left;
vertical-align:top}
.card{overflow-wrap:anywhere}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}
p code,td code,li code{background:var(--bg);border:1px solid var(--rule);border-radius:4px;padding:0 .25em}
pre{background:var(--card);border:1px solid var(--rule);padding:.75rem;overflow:auto;max-width:100%}
pre.snippet{white-space:pre-wrap;overflow-wrap:anywhere}
@media (max-width:40rem){header.site .hs{order:3;flex-basis:100%;max-width:none}main{padding:.75rem}
h1{font-size:1.35rem}.record dl{grid-template-columns:1fr}.record dt{margin-top:.3rem}}
`;
