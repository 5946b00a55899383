/* Django admin, periodic task form (django-celery-beat): show the chosen crontab in words
   under the crontab field, as the package's inline script did. */
(function ($) {
  "use strict";
  const source = document.getElementById("readable-crontabs");
  if (!$ || !source) {
    return;
  }
  const readableCrontabs = JSON.parse(source.textContent);
  const help = $(".field-crontab .help");
  const originalHelp = help.text();
  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    const words = readableCrontabs[$("#id_crontab").val()];
    help.text(words ? `${originalHelp} — ${words}` : originalHelp);
  });
})(window.django && window.django.jQuery);
