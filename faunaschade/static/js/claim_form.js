// The claim form: the province and crop questions (#ask-province, #ask-crop) are shown only
// while the parcels ticked do not tell them — they disagree, or one has none registered.
// A hidden question is disabled, so it is not posted and the server takes the parcels' value.
// Without JavaScript the server decides the same after the first save (claims/from_parcels.py).
(function () {
  "use strict";
  function update(boxes) {
    ["province", "crop"].forEach(function (field) {
      var question = document.getElementById("ask-" + field);
      var select = document.getElementById("f-" + field);
      if (!question || !select) {
        return;
      }
      var values = {};
      var ticked = 0;
      var unknown = false;
      boxes.forEach(function (box) {
        if (!box.checked) {
          return;
        }
        ticked += 1;
        var value = box.getAttribute("data-" + field);
        if (value) {
          values[value] = true;
        } else {
          unknown = true;
        }
      });
      var ask = ticked > 0 && (unknown || Object.keys(values).length !== 1);
      question.hidden = !ask;
      select.disabled = !ask;
    });
  }
  function start() {
    var parcels = document.querySelector("[data-parcels]");
    if (!parcels) {
      return;
    }
    var boxes = Array.prototype.slice.call(parcels.querySelectorAll("input[data-province]"));
    // The page as the server sent it stands (a question it asked stays) until a parcel changes.
    parcels.addEventListener("change", function (event) {
      if (event.target.hasAttribute("data-province")) {
        update(boxes);
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
