/** widget.js entry: defines `<dossier-search>` once, even if the script is included twice. */
import { DossierSearch } from "./dossier-search";

try {
  if (!customElements.get("dossier-search")) customElements.define("dossier-search", DossierSearch);
} catch (e) {
  // An old browser without custom elements keeps the host page working and its fallback content visible.
  console.warn("dossier-search: could not define the element", e);
}
