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
