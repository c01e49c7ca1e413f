// The profile's "Reminders on this device" switch: asks permission, subscribes this browser to push
// with the server's VAPID key and posts the subscription (PushSubscription.toJSON()) to the server;
// switched off, it tells the server and unsubscribes. The messages it shows are in the page
// (data-push-message, translated there); a browser that cannot subscribe keeps e-mail.
(function () {
  var root = document.querySelector("[data-push]");
  if (!root) {
    return;
  }
  var toggle = root.querySelector("[data-push-toggle]");
  var status = root.querySelector("[data-push-status]");

  function say(key, text) {
    var message = root.querySelector('[data-push-message="' + key + '"]');
    status.textContent = text || (message ? message.textContent : "");
    status.setAttribute("data-push-state", key);
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  function known(endpoint) {
    return Array.prototype.some.call(root.querySelectorAll("[data-endpoint]"), function (item) {
      return item.getAttribute("data-endpoint") === endpoint;
    });
  }

  var iOS = /iPad|iPhone|iPod/.test(navigator.userAgent) ||
    (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  var standalone = navigator.standalone === true || window.matchMedia("(display-mode: standalone)").matches;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say(iOS && !standalone ? "ios" : "unsupported");
    return;
  }
  if (Notification.permission === "denied") {
    say("denied");
    return;
  }

  function subscribe(registration) {
    return registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(root.getAttribute("data-vapid-key")),
    });
  }

  function send(registration, subscription, retried) {
    return post(root.getAttribute("data-subscribe-url"), subscription.toJSON()).then(function (response) {
      if (response.status === 409 && !retried) {
        // This browser's subscription is another account's: make a new one for this account.
        return subscription.unsubscribe().then(function () { return subscribe(registration); })
          .then(function (fresh) { return send(registration, fresh, true); });
      }
      if (!response.ok) {
        return response.json().then(function (data) { throw { serverMessage: data.error }; });
      }
      return response;
    });
  }

  function turnOn(registration) {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        toggle.checked = false;
        say(permission === "denied" ? "denied" : "off");
        return;
      }
      return subscribe(registration).then(function (subscription) {
        return send(registration, subscription, false);
      }).then(function () {
        window.location.reload();  // the list of devices shows this one
      });
    });
  }

  function turnOff(registration) {
    return registration.pushManager.getSubscription().then(function (subscription) {
      if (!subscription) {
        return;
      }
      return post(root.getAttribute("data-unsubscribe-url"), { endpoint: subscription.endpoint }).then(function () {
        return subscription.unsubscribe();
      });
    }).then(function () {
      window.location.reload();
    });
  }

  navigator.serviceWorker.ready.then(function (registration) {
    return registration.pushManager.getSubscription().then(function (subscription) {
      toggle.checked = Boolean(subscription && known(subscription.endpoint));
      toggle.disabled = false;
      say(toggle.checked ? "on" : "off");
      toggle.addEventListener("change", function () {
        toggle.disabled = true;
        var change = toggle.checked ? turnOn(registration) : turnOff(registration);
        change.catch(function (error) {
          toggle.checked = false;
          say("failed", error && error.serverMessage);  // the server's words, translated there
        }).then(function () {
          toggle.disabled = false;
        });
      });
    });
  });
})();
