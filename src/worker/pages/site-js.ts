/**
 * `/site.js`: the little script Dossier's own pages share, served from this
 * origin so the CSP needs no inline-script exception. Pages work without it:
 * it only adds the `/` shortcut to the search box and the copy buttons.
 */
export const SITE_JS = `(() => {
  "use strict";
  const typing = (el) => !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  addEventListener("keydown", (e) => {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    let active = document.activeElement;
    while (active && active.shadowRoot && active.shadowRoot.activeElement) active = active.shadowRoot.activeElement;
    if (typing(active)) return;
    const box =
      document.querySelector("dossier-search") || document.getElementById("q") || document.getElementById("hq");
    if (!box) return;
    e.preventDefault();
    box.focus();
  });
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const source = document.getElementById(button.dataset.copy);
    if (!source) continue;
    button.hidden = false;
    const label = button.textContent;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.textContent.trim());
        button.textContent = "Copied";
      } catch {
        const range = document.createRange();
        range.selectNodeContents(source);
        const sel = getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        button.textContent = "Selected: press Ctrl+C";
      }
      setTimeout(() => { button.textContent = label; }, 2500);
    });
  }
})();
`;
