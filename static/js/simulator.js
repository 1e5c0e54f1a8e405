// Keeps each slider's visible value and its spoken value in step while it moves.
document.addEventListener("input", (event) => {
  const slider = event.target;
  if (!slider.classList || !slider.classList.contains("line-slider")) return;
  const text = `${slider.value} %`;
  slider.setAttribute("aria-valuetext", text);
  const output = slider.parentElement.querySelector("output");
  if (output) output.textContent = text;
});
