// Draws the plotly figures the server sends as <div data-plotly="…"> (budget/figures.py):
// the Content-Security-Policy forbids inline scripts, so no page carries its own.
// Runs on page load and on every htmx swap (htmx:load is fired for each new element).
(function () {
  const drawn = new WeakSet();

  function draw(root) {
    if (!window.Plotly || !root || !root.querySelectorAll) return;
    const nodes = Array.from(root.querySelectorAll("[data-plotly]"));
    if (root.matches && root.matches("[data-plotly]")) nodes.push(root);
    nodes.forEach((node) => {
      if (drawn.has(node)) return;
      drawn.add(node);
      const figure = JSON.parse(node.getAttribute("data-plotly"));
      // Sizes go through the CSSOM (allowed), never a style attribute (refused by the policy).
      node.style.width = "100%";
      if (figure.layout && figure.layout.height) node.style.height = `${figure.layout.height}px`;
      window.Plotly.newPlot(node, figure.data, figure.layout, figure.config);
    });
  }

  document.addEventListener("DOMContentLoaded", () => draw(document));
  document.addEventListener("htmx:load", (event) => draw(event.target));
})();
