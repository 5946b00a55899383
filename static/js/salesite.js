/* Salesite page behaviour, by event delegation on data- attributes (the Content-Security-Policy
   allows no inline script or event-handler attribute):
   - data-action="print"            prints the page (print layouts);
   - data-action="back"             goes back one page in the history;
   - data-action="submit-on-change" submits the control's form when its value changes;
   - data-confirm="question"        on a submit button or link: asks before going on. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    const confirmed = event.target.closest("[data-confirm]");
    if (confirmed && !window.confirm(confirmed.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    const trigger = event.target.closest("[data-action]");
    if (!trigger) {
      return;
    }
    if (trigger.dataset.action === "print") {
      event.preventDefault();
      window.print();
    } else if (trigger.dataset.action === "back") {
      event.preventDefault();
      window.history.back();
    }
  });

  document.addEventListener("change", function (event) {
    const control = event.target.closest("[data-action='submit-on-change']");
    if (control && control.form) {
      control.form.requestSubmit ? control.form.requestSubmit() : control.form.submit();
    }
  });
})();
