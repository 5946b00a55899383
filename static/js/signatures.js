/* Signing on the tablet (handover signatures): a SignaturePad on the [data-signature-pad]
   canvas of the [data-signature-form]; finger, pen and mouse. "Clear" starts again; on submit
   the drawing goes into the hidden "image" field as a PNG data URL (an empty pad is refused
   here and again by the server). Needs vendor/signature_pad. */
(function () {
  "use strict";
  const form = document.querySelector("[data-signature-form]");
  if (!form || typeof SignaturePad === "undefined") {
    return;
  }
  const canvas = form.querySelector("[data-signature-pad]");
  const empty = form.querySelector("[data-signature-empty]");
  const pad = new SignaturePad(canvas, {minWidth: 1, maxWidth: 3, penColor: "#000"});

  function resize() {
    // The drawing buffer at the device's pixel ratio, so the stroke is sharp on a tablet.
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const data = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(data);
  }
  window.addEventListener("resize", resize);
  resize();

  form.querySelector("[data-signature-clear]").addEventListener("click", function () {
    pad.clear();
    form.elements.image.value = "";
  });
  pad.addEventListener("beginStroke", function () {
    empty.classList.add("d-none");
  });
  form.addEventListener("submit", function (event) {
    if (pad.isEmpty()) {
      event.preventDefault();
      empty.classList.remove("d-none");
      return;
    }
    form.elements.image.value = pad.toDataURL("image/png");
  });
})();
