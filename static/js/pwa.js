// Register the service worker (/sw.js, scope /): it keeps the static files and an offline page.
(function () {
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) {
    return;
  }
  var url = script.getAttribute("data-service-worker");
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url, { scope: "/" }).catch(function () {
      // Not offered (private window, an old browser): the site works the same without it.
    });
  });
})();

// A form sent while the device knows it is offline: stay on the page, with what was typed, and say
// so. (A page sent from a patient's browser is never cached, so going back to it after the offline
// page would bring it back empty.) Nothing is stored on the device.
(function () {
  var notice = document.querySelector("[data-offline-notice]");
  if (!notice) {
    return;
  }
  document.addEventListener("submit", function (event) {
    if (navigator.onLine === false) {
      event.preventDefault();
      notice.hidden = false;
      notice.focus();
    }
  });
  window.addEventListener("online", function () {
    notice.hidden = true;
  });
})();
