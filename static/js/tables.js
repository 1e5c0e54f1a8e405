// Wide tables scroll inside their box (.table-wrap, app.css): a box that does scroll becomes a
// named, focusable region, so that keyboard users can scroll it with the arrow keys (WCAG
// 2.1.1; axe's scrollable-region-focusable). Boxes that fit are left alone. Runs on load, on
// resize and on every htmx swap.
(function () {
  function mark(root) {
    if (!root || !root.querySelectorAll) return;
    const boxes = Array.from(root.querySelectorAll(".table-wrap"));
    if (root.matches && root.matches(".table-wrap")) boxes.push(root);
    boxes.forEach((box) => {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("scrolls", scrolls);
      if (!scrolls || box.hasAttribute("tabindex")) return;
      box.setAttribute("tabindex", "0");
      if (!box.hasAttribute("role")) box.setAttribute("role", "region");
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        const caption = box.querySelector("caption");
        const fallback = document.documentElement.lang === "en"
          ? "Table (scrolls sideways)" : "Tableau (défile horizontalement)";
        box.setAttribute("aria-label", (caption && caption.textContent.trim()) || fallback);
      }
    });
  }

  let pending = null;
  document.addEventListener("DOMContentLoaded", () => mark(document));
  document.addEventListener("htmx:load", (event) => mark(event.target));
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => mark(document), 150);
  });
})();
