/* isodiary's service worker (served at /sw.js, scope /). It keeps the public static files and one
   offline page in Cache Storage, and nothing else: no page of a patient's, no diary, entry or export
   is ever stored on the device. Pages always come from the network; when there is none, the offline
   page is shown instead. A new release has a new cache name; the old caches are deleted. */
"use strict";

var CACHE = "isodiary-{{ version }}";
var OFFLINE_URL = "{{ offline }}";
var PRECACHE = {{ precache|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      var requests = PRECACHE.concat([OFFLINE_URL]).map(function (url) {
        return new Request(url, { credentials: "omit", cache: "reload" });  // nobody's cookies, fresh copies
      });
      return cache.addAll(requests);
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("isodiary-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    // Always the network (a GET or a form's POST); never stored. Offline: the offline page.
    event.respondWith(fetch(request).catch(function () {
      return caches.match(OFFLINE_URL, { cacheName: CACHE });
    }));
    return;
  }
  if (request.method === "GET" && PRECACHE.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(request, { cacheName: CACHE, ignoreSearch: true }).then(function (hit) {
      return hit || fetch(request);
    }));
  }
  // Anything else goes to the network as if there were no service worker.
});

self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  event.waitUntil(self.registration.showNotification(data.title || "", {
    icon: "{{ icon }}",
    data: { url: data.url || "/" },
    tag: "daily-reminder",
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL(event.notification.data && event.notification.data.url || "/", self.location.origin);
  if (target.origin !== self.location.origin) {
    target = new URL("/", self.location.origin);
  }
  event.waitUntil(self.clients.openWindow(target.href));
});
