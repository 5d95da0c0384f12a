// The letter check's page while the worker checks the file: ask the check's JSON every second
// and show the answer (the page itself, loaded again) once it is no longer pending. Without
// script the page offers a link to look again.
(function () {
  "use strict";
  var section = document.querySelector("[data-letter-check]");
  if (!section || !window.fetch) {
    return;
  }
  var url = section.getAttribute("data-letter-check");
  var tries = 0;
  function ask() {
    tries += 1;
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (answer) {
        return answer.ok ? answer.json() : { status: "gone" };
      })
      .then(function (check) {
        if (check.status !== "pending") {
          window.location.reload();
        } else if (tries < 180) {
          window.setTimeout(ask, 1000);
        }
      })
      .catch(function () {
        if (tries < 180) {
          window.setTimeout(ask, 2000);
        }
      });
  }
  window.setTimeout(ask, 700);
})();
