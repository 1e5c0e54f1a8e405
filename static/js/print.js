// Print buttons (<button data-print>) without an inline onclick, which the
// Content-Security-Policy refuses.
document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("[data-print]");
  if (button) window.print();
});

// Plotly sizes a figure to its box when drawn, i.e. to the screen: before printing the council
// report, fit its charts to the page's width (A4 with its margins), and give them back their
// own size afterwards.
(function () {
  const charts = () => document.querySelectorAll(".report .js-plotly-plot");
  window.addEventListener("beforeprint", () => {
    charts().forEach((chart) => window.Plotly.relayout(chart, { width: 680, autosize: false }));
  });
  window.addEventListener("afterprint", () => {
    charts().forEach((chart) => window.Plotly.relayout(chart, { width: null, autosize: true }));
  });
})();
