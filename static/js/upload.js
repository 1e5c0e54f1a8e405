// Upload progress (htmx:xhr:progress) and a size check before sending anything. The French
// messages come from the page (data-sent on #upload-status, data-too-big on the file input).
document.addEventListener("htmx:xhr:progress", (event) => {
  const bar = document.getElementById("upload-progress");
  if (!bar || !event.detail.lengthComputable || !event.detail.total) return;
  bar.hidden = false;
  bar.value = Math.round((event.detail.loaded * 100) / event.detail.total);
  if (event.detail.loaded >= event.detail.total) {
    const status = document.getElementById("upload-status");
    if (status) status.textContent = status.getAttribute("data-sent") || "";
  }
});

document.addEventListener("change", (event) => {
  const input = event.target;
  if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
  const file = input.files && input.files[0];
  const tooBig = file && file.size > Number(input.getAttribute("data-max-bytes"));
  input.setCustomValidity(tooBig ? input.getAttribute("data-too-big") || "" : "");
  if (tooBig) input.reportValidity();
});
