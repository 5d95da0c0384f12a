// Error summaries: focus the first one when the page loads (where autofocus did not), and let
// a link in it put the focus on its field, not only scroll to it.
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary && document.activeElement !== summary) {
      summary.focus();
    }
  }
  function focusField(event) {
    var link = event.target.closest(".error-summary a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var label = field.id ? document.querySelector("label[for='" + field.id + "']") : null;
    (label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
  document.addEventListener("click", focusField);
})();
