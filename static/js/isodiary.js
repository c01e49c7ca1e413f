document.addEventListener("DOMContentLoaded", function () {
  // Move keyboard and screen-reader focus to the error summary when a form comes back with errors.
  var summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }

  // Sign-up: the browser's time zone (the server checks it).
  var zone = document.querySelector("input[data-browser-time-zone]");
  if (zone && window.Intl) {
    zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  }

  // Entry form: the red-flag list opens under "yes" or a ticked sign; without this script it is shown.
  var list = document.getElementById("div_id_symptoms");
  var answers = document.querySelectorAll("input[name=anything_unusual]");
  if (list && answers.length) {
    var update = function () {
      var yes = document.querySelector("input[name=anything_unusual][value=yes]:checked");
      list.hidden = !yes && !list.querySelector("input:checked");
    };
    answers.forEach(function (input) { input.addEventListener("change", update); });
    update();
  }
});
