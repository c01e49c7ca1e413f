// Move keyboard and screen-reader focus to the error summary when a form comes back with errors.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
});
