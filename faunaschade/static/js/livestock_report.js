/* The livestock report: show each animal's value from the price table as it is chosen, and
   offer only the breed groups and age classes the table knows for the chosen kind.
   Progressive enhancement: without this script the page works the same, and the value is
   shown after saving. The prices come from the form's data-prices attribute:
   {"kind|breed|sex|age|0 or 1 (pregnant)": "240.00"}. */
(function () {
  "use strict";
  var form = document.getElementById("livestock-report");
  if (!form || !window.JSON) {
    return;
  }
  var prices = JSON.parse(form.getAttribute("data-prices") || "{}");
  var known = {};
  Object.keys(prices).forEach(function (key) {
    var part = key.split("|");
    var kind = known[part[0]] || (known[part[0]] = { breed_group: {}, age_class: {} });
    kind.breed_group[part[1]] = true;
    kind.age_class[part[3]] = true;
  });

  function euro(text) {
    var parts = Number(text).toFixed(2).split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return "€ " + whole + "," + parts[1];
  }

  function field(box, name) {
    return box.querySelector("[name='animal-" + box.getAttribute("data-row") + "-" + name + "']");
  }

  // Hide what the table does not know for the kind; a choice the server already has (and may
  // be showing an error for) stays until the assessor changes the kind.
  function offer(box, reset) {
    var kind = known[field(box, "animal_kind").value];
    ["breed_group", "age_class"].forEach(function (name) {
      var select = field(box, name);
      Array.prototype.forEach.call(select.options, function (option) {
        var fits = !kind || option.value === "" || kind[name][option.value] === true;
        var keep = fits || (!reset && option.selected);
        option.hidden = !keep;
        option.disabled = !keep;
      });
      if (reset && select.selectedIndex >= 0 && select.options[select.selectedIndex].disabled) {
        select.value = "";
      }
    });
  }

  function show(box) {
    var values = ["animal_kind", "breed_group", "sex", "age_class"].map(function (name) {
      return field(box, name).value;
    });
    var output = box.querySelector("output");
    var text;
    if (values.indexOf("") !== -1) {
      text = form.getAttribute("data-incomplete");
    } else {
      var price = prices[values.concat(field(box, "pregnant").checked ? "1" : "0").join("|")];
      text = price === undefined ? form.getAttribute("data-unknown") : euro(price);
    }
    var strong = document.createElement("strong");
    strong.textContent = text;
    output.replaceChildren(strong);
  }

  function changed(event) {
    var box = event.target.closest(".animal-row");
    if (!box) {
      return;
    }
    if (event.target === field(box, "animal_kind")) {
      offer(box, true);
    }
    show(box);
  }

  form.addEventListener("change", changed);
  form.addEventListener("input", changed);
  Array.prototype.forEach.call(form.querySelectorAll(".animal-row"), function (box) {
    offer(box, false);
    show(box);
  });
})();
