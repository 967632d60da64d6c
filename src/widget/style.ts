/**
 * The widget's shadow stylesheet. Hosts theme it through `--dossier-*`
 * custom properties (they pierce the shadow root) and `::part()`; the
 * defaults meet WCAG AA contrast on their own, in light and in dark.
 * The default theme follows prefers-color-scheme; `theme="light"` or
 * `theme="dark"` on the element pins one.
 * Facets sit in a sidebar when the element is 56rem wide or more, else in a
 * collapsed "Filters" disclosure above the results.
 */
const DARK = `--fg:var(--dossier-color,#e8e6e3);--bg:var(--dossier-bg,#1c1f24);--ib:var(--dossier-input-bg,#121417);
--a:var(--dossier-accent,#0b5394);--l:var(--dossier-link,#8ab4f8);--m:var(--dossier-muted,#b0b3b8);
--b:var(--dossier-border,#8a8f98);
--ru:var(--dossier-rule,#3a3f47);--mk:var(--dossier-mark-bg,#6b5500);--er:var(--dossier-error,#ff8a80)`;

export const STYLE = `
:host{display:block;container-type:inline-size;
font:var(--dossier-font,16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);
--fg:var(--dossier-color,#1a1a1a);--bg:var(--dossier-bg,#fff);--ib:var(--dossier-input-bg,#fff);
--a:var(--dossier-accent,#0b5394);
--l:var(--dossier-link,var(--a));--m:var(--dossier-muted,#4d4d4d);--b:var(--dossier-border,#767676);
--ru:var(--dossier-rule,#ddd);
--mk:var(--dossier-mark-bg,#fff1a8);--er:var(--dossier-error,#b00020);--r:var(--dossier-radius,6px);color:var(--fg)}
@media (prefers-color-scheme:dark){:host(:not([theme=light])){${DARK}}}
:host([theme=dark]){${DARK}}
:host([hidden]),[hidden]{display:none!important}
.c{background:var(--bg);max-width:var(--dossier-max-width,48rem)}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.box{position:relative;display:flex;gap:.5rem}
input,select{font:inherit;color:inherit;background:var(--ib);border:1px solid var(--b);border-radius:var(--r);
padding:.5rem .75rem}
select{padding:.35rem .5rem}
.box input{flex:1;min-width:0}
button{font:inherit;cursor:pointer;border:1px solid var(--a);border-radius:var(--r);padding:.45rem .9rem;
background:var(--a);color:var(--dossier-accent-text,#fff)}
button:disabled{opacity:.55;cursor:default}
:focus-visible{outline:3px solid var(--dossier-focus,#ffbf47);outline-offset:1px}
.lb{position:absolute;z-index:10;top:100%;left:0;right:0;margin:.25rem 0 0;padding:.25rem 0;list-style:none;
background:var(--bg);border:1px solid var(--b);border-radius:var(--r);box-shadow:0 4px 14px rgba(0,0,0,.15);
max-height:22rem;overflow:auto}
[role=option]{display:flex;justify-content:space-between;gap:1rem;padding:.4rem .75rem;cursor:pointer}
[role=option][aria-selected=true],[role=option]:hover{background:var(--a);color:var(--dossier-accent-text,#fff)}
.ok{font-size:.8em;opacity:.9}
.tb{display:flex;align-items:center;flex-wrap:wrap;gap:.25rem .75rem;margin:.4rem 0}
.st{margin:0;color:var(--m);min-height:1.4em;flex:1 1 12rem}
.st:empty{min-height:0}
.st[part~=error]{color:var(--er);font-weight:600}
.so{display:inline-flex;align-items:center;gap:.35rem}
.so[hidden]{display:none}
.spin{display:none;width:1em;height:1em;border:2px solid var(--ru);border-top-color:var(--l);border-radius:50%}
:host([aria-busy=true]) .spin{display:inline-block;animation:sp .8s linear infinite}
:host([aria-busy=true]) .rs,:host([aria-busy=true]) slot{opacity:.6}
@keyframes sp{to{transform:rotate(1turn)}}
@media (prefers-reduced-motion:reduce){:host([aria-busy=true]) .spin{animation-duration:3s}}
.rs{list-style:none;margin:0;padding:0}
.hit{padding:.6rem 0;border-top:1px solid var(--ru)}
.h{font-size:1.05em;margin:0}
a{color:var(--l)}
.ref{font-weight:700}
.meta{margin:.15rem 0;color:var(--m);font-size:.9em}
.sn{margin:.25rem 0 0}
mark{background:var(--mk);color:inherit;padding:0 .1em}
.fl{margin:0 0 .5rem;border:1px solid var(--ru);border-radius:var(--r)}
.ft{cursor:pointer;padding:.35rem .75rem;font-weight:600}
.fb{padding:0 .75rem .5rem}
.fs{border:0;padding:0;margin:.6rem 0 0;min-width:0}
.fs legend{font-weight:600;padding:0;margin-bottom:.2rem}
.row{margin:.15rem 0}
.row label{margin-left:.35rem}
.more>summary{cursor:pointer;color:var(--l);margin:.2rem 0}
.hist{display:flex;align-items:flex-end;gap:2px;height:2.5rem;border-bottom:1px solid var(--b)}
.bar{flex:1;background:var(--l);min-height:2px;border-radius:2px 2px 0 0}
.h0{height:2px}.h1{height:12.5%}.h2{height:25%}.h3{height:37.5%}.h4{height:50%}.h5{height:62.5%}.h6{height:75%}
.h7{height:87.5%}.h8{height:100%}
.ax{display:flex;justify-content:space-between;font-size:.8em;color:var(--m);margin:.1rem 0 .4rem}
.yw{display:inline-flex;align-items:center;gap:.35rem;margin:0 .5rem .35rem 0}
.yr{width:5.5rem}
.pg{display:flex;align-items:center;gap:1rem;margin:1rem 0}
@container (min-width:56rem){
  .lay.has-f{display:grid;grid-template-columns:15rem minmax(0,1fr);gap:1.75rem;align-items:start}
  .lay.has-f .fl{border:0}
  .lay.has-f .fb{padding:0}
}
@supports selector(::details-content){@container (min-width:56rem){
  .lay.has-f .ft{display:none}
  .lay.has-f .fl::details-content{content-visibility:visible;block-size:auto}
}}
`;
