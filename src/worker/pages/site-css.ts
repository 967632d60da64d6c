/**
 * The pages' stylesheet, served as /site.css so the CSP can forbid inline
 * styles. The widget styles itself inside its shadow root; these rules only
 * theme it through its custom properties.
 */
export const SITE_CSS = `
*{box-sizing:border-box}
html{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f6f5f2}
body{margin:0}
a{color:#0b5394}
:focus-visible{outline:3px solid #ffbf47;outline-offset:1px}
.skip{position:absolute;left:-9999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:5}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
header.site{display:flex;flex-wrap:wrap;align-items:center;gap:1rem;padding:.75rem 1.25rem;background:#14213d;color:#fff}
header.site a{color:#fff}
.brand{font-weight:700;font-size:1.25rem;text-decoration:none;letter-spacing:.02em}
header.site nav{margin-left:auto;display:flex;gap:1rem}
.hs{display:flex;gap:.4rem;flex:1;max-width:28rem}
.hs input{flex:1;min-width:0}
input,button,select{font:inherit}
input[type=search],input[type=number],input[type=text]{border:1px solid #767676;border-radius:6px;padding:.45rem .6rem;background:#fff;color:#1a1a1a}
button{border:1px solid #0b5394;border-radius:6px;padding:.45rem .9rem;background:#0b5394;color:#fff;cursor:pointer}
main{max-width:64rem;margin:0 auto;padding:1.25rem}
body.bare main{padding:.75rem;max-width:none}
body.bare{background:#fff}
footer.site{max-width:64rem;margin:2rem auto;padding:0 1.25rem;color:#4d4d4d;font-size:.9rem}
h1{font-size:1.6rem;line-height:1.25;margin:.25rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
dossier-search{--dossier-bg:transparent;--dossier-max-width:none;display:block}
.search-form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
.search-form .q{flex:1 1 18rem;display:flex;flex-direction:column}
.search-form fieldset{border:1px solid #ccc;border-radius:6px;padding:.4rem .7rem;margin:0}
.search-form fieldset input{width:6rem}
.status{color:#4d4d4d;margin:.75rem 0}
.error{color:#b00020;font-weight:600}
.layout{display:grid;grid-template-columns:14rem 1fr;gap:1.5rem}
@media (max-width:720px){.layout{grid-template-columns:1fr}}
.facets h2{font-size:1rem;margin:.75rem 0 .25rem}
.facets ul{list-style:none;margin:0;padding:0}
.facets li{margin:.15rem 0}
.facets a[aria-current=true]{font-weight:700}
.hits{list-style:none;margin:0;padding:0}
.hits li{padding:.75rem 0;border-top:1px solid #ddd}
.hits h3{font-size:1.05rem;margin:0}
.meta{margin:.15rem 0;color:#4d4d4d;font-size:.9rem}
mark{background:#fff1a8;color:inherit;padding:0 .1em}
.pager{display:flex;gap:1rem;align-items:center;margin:1rem 0}
.record dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0 0 1rem}
.record dt{font-weight:600;color:#333}
.record dd{margin:0}
.tags{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.4rem}
.tags li a{display:inline-block;padding:.1rem .5rem;border:1px solid #b8c4d6;border-radius:999px;background:#fff;text-decoration:none}
.related li{margin:.35rem 0}
.why{color:#4d4d4d;font-size:.9rem}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:1rem 1.25rem}
table.endpoints{border-collapse:collapse;width:100%;background:#fff}
table.endpoints th,table.endpoints td{border:1px solid #ddd;padding:.4rem .6rem;text-align:left;vertical-align:top}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}
pre{background:#fff;border:1px solid #ddd;padding:.75rem;overflow:auto}
`;
