"""The installable web app in Chromium: the service worker registers at scope /, shows the offline
page for any page while offline, and keeps nothing of the patient's in Cache Storage."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_flows import sign_in
from tests.factories import EntryFactory, PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)

CACHED_URLS = """async () => {
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      found.push([name, new URL(request.url).pathname, await response.clone().text()]);
    }
  }
  return found;
}"""


def controlled(page: Page) -> None:
    """Wait until the service worker controls the page. A page opened before the worker was active
    is not controlled (the worker claims open pages when it activates, but a page that loaded while
    it was activating can miss that); a reload, as a person's next visit would, is. Fails after
    30 s rather than hanging the run."""
    wait = """async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((resolve) => {
          navigator.serviceWorker.addEventListener("controllerchange", resolve);
          setTimeout(resolve, 3000);
        });
      }
      return !!navigator.serviceWorker.controller;
    }"""
    for _ in range(10):
        if page.evaluate(wait):
            return
        page.reload()
    raise AssertionError("the service worker never controlled the page")


def test_offline_page_and_nothing_of_the_patient_in_cache_storage(server, screen: Page, shoot):
    patient = PatientFactory(user__username="offlinepat", display_name="Robin Quill")
    EntryFactory(patient=patient, notes="private note xyzzy")
    sign_in(screen, server.url, "offlinepat")
    expect(screen.get_by_role("heading", level=1)).to_be_visible()
    controlled(screen)
    scope = screen.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == server.url + "/"
    for path in ["/", "/diary/", "/accounts/profile/"]:
        screen.goto(server.url + path)  # through the service worker: from the network, never stored
        controlled(screen)
    for path in ["/diary/export.csv", "/accounts/export.json"]:
        assert screen.evaluate("(url) => fetch(url).then((r) => r.status)", path) == 200

    cached = screen.evaluate(CACHED_URLS)
    paths = sorted({path for _, path, _ in cached})
    assert paths, "the service worker cached nothing"
    assert all(path.startswith("/static/") or path == "/offline/" for path in paths), paths
    assert {name for name, _, _ in cached} == {screen.evaluate("caches.keys()")[0]}
    for _, _, body in cached:
        assert "Robin Quill" not in body and "offlinepat" not in body and "xyzzy" not in body

    # Offline: a form sent stays on its page with what was typed; any page opened is the offline page.
    screen.goto(server.url + "/diary/new/")
    screen.locator("label[for=id_mood_4]").click()
    screen.fill("#id_notes", "typed before going offline")
    screen.context.set_offline(True)
    try:
        screen.get_by_role("button", name="Save").click()
        expect(screen.locator("[data-offline-notice]")).to_contain_text("You are offline; your entry was not saved")
        shoot(screen, "offline-after-save")
        assert screen.url == server.url + "/diary/new/"
        expect(screen.locator("#id_notes")).to_have_value("typed before going offline")
        screen.goto(server.url + "/diary/")
        expect(screen.get_by_role("heading", level=1)).to_have_text("You are offline; your entry was not saved")
    finally:
        screen.context.set_offline(False)
    assert patient.entries.count() == 1  # nothing was saved while offline


def test_the_reminders_switch_explains_when_notifications_are_refused(server, screen: Page, settings):
    from tests.pushservice import vapid_pair

    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = vapid_pair()
    settings.VAPID_SUBJECT = "mailto:clinic@example.org"
    PatientFactory(user__username="switchpat")
    sign_in(screen, server.url, "switchpat")
    screen.goto(server.url + "/accounts/profile/")
    switch = screen.get_by_role("switch", name="Reminders on this device")
    expect(switch).to_be_enabled()  # the script ran (no CSP error) and found a service worker
    status = screen.locator("[data-push-status]")
    expect(status).to_have_attribute("data-push-state", "off")
    screen.context.clear_permissions()
    screen.evaluate("Notification.requestPermission = () => Promise.resolve('denied')")  # the person says no
    switch.click()
    expect(status).to_have_attribute("data-push-state", "denied")
    expect(status).to_contain_text("blocked in this browser's settings")
    expect(switch).not_to_be_checked()
