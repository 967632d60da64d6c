/**
 * The widget's shadow stylesheet. Hosts theme it through `--dossier-*`
 * custom properties (they pierce the shadow root) and `::part()`; the
 * defaults meet WCAG AA contrast on their own.
 */
export const STYLE = `
:host{display:block;font:var(--dossier-font,16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);color:var(--dossier-color,#1a1a1a);--a:var(--dossier-accent,#0b5394);--m:var(--dossier-muted,#4d4d4d);--b:var(--dossier-border,#767676);--r:var(--dossier-radius,6px)}
:host([hidden]){display:none}
.c{background:var(--dossier-bg,#fff);max-width:var(--dossier-max-width,48rem)}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.box{position:relative;display:flex;gap:.5rem}
input{font:inherit;color:inherit;background:var(--dossier-input-bg,#fff);border:1px solid var(--b);border-radius:var(--r);padding:.5rem .75rem}
.box input{flex:1;min-width:0}
button{font:inherit;cursor:pointer;border:1px solid var(--a);border-radius:var(--r);padding:.45rem .9rem;background:var(--a);color:var(--dossier-accent-text,#fff)}
button:disabled{opacity:.55;cursor:default}
:focus-visible{outline:3px solid var(--dossier-focus,#ffbf47);outline-offset:1px}
.lb{position:absolute;z-index:10;top:100%;left:0;right:0;margin:.25rem 0 0;padding:.25rem 0;list-style:none;background:var(--dossier-bg,#fff);border:1px solid var(--b);border-radius:var(--r);box-shadow:0 4px 14px rgba(0,0,0,.15);max-height:22rem;overflow:auto}
[role=option]{display:flex;justify-content:space-between;gap:1rem;padding:.4rem .75rem;cursor:pointer}
[role=option][aria-selected=true],[role=option]:hover{background:var(--a);color:var(--dossier-accent-text,#fff)}
.ok{font-size:.8em;opacity:.9}
.st{margin:.6rem 0;color:var(--m);min-height:1.4em}
.st[part~=error]{color:var(--dossier-error,#b00020);font-weight:600}
.rs{list-style:none;margin:0;padding:0}
.hit{padding:.75rem 0;border-top:1px solid var(--dossier-rule,#ddd)}
.h{font-size:1.05em;margin:0}
a{color:var(--a)}
.ref{font-weight:700}
.meta{margin:.15rem 0;color:var(--m);font-size:.9em}
.sn{margin:.25rem 0 0}
mark{background:var(--dossier-mark-bg,#fff1a8);color:inherit;padding:0 .1em}
.fl{display:flex;flex-wrap:wrap;gap:1rem;margin:.5rem 0}
.fs{border:1px solid var(--dossier-rule,#ddd);border-radius:var(--r);padding:.5rem .75rem;margin:0}
.fs label{margin:0 .35rem}
.yr{width:6rem}
.dec{margin:.15rem;background:transparent;color:var(--a)}
.dec[aria-pressed=true]{background:var(--a);color:var(--dossier-accent-text,#fff)}
.pg{display:flex;align-items:center;gap:1rem;margin:1rem 0}
`;
