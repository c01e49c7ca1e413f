"""The installable web app and push subscriptions through the pages: manifest, service worker,
offline page, subscribe/unsubscribe (and who is refused), the profile's reminder time and devices."""

import json
import struct
from datetime import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from core.models import PushSubscription
from tests.factories import ClinicianFactory, PatientFactory
from tests.pushservice import Browser, vapid_pair

ROOT = Path(__file__).resolve().parent.parent
PUSH = "http://127.0.0.1:8765"


@pytest.fixture
def push_on(settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = vapid_pair()
    settings.VAPID_SUBJECT = "mailto:clinic@example.org"
    settings.WEBPUSH_ALLOWED_ORIGINS = [("http", "127.0.0.1", 8765), ("https", "*.push.apple.com", 443)]


def post_json(client, url: str, data, **extra):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(url, body, content_type="application/json", **extra)


def subscribe(client, endpoint=PUSH + "/push/1", browser=None, **extra):
    return post_json(client, "/accounts/push/subscribe/", (browser or Browser()).subscription(endpoint), **extra)


# --- Installable ------------------------------------------------------------------------------


def test_every_page_links_the_manifest_and_the_service_worker_script(client, db):
    page = client.get("/learn/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'src="/static/js/pwa.js" data-service-worker="/sw.js"' in page
    assert "<script>" not in page  # no inline script: the CSP stays as it is


def test_the_manifest_is_installable(client, db):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert manifest["name"] and manifest["short_name"] and manifest["theme_color"]
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("192x192", "maskable"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        png = (ROOT / "static" / icon["src"].removeprefix("/static/")).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])
        assert f"{width}x{height}" == icon["sizes"]


def test_the_service_worker_is_served_from_the_root_for_scope_slash(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    assert 'var CACHE = "isodiary-' in script
    assert '"/offline/"' in script
    precache = json.loads(script.split("var PRECACHE = ", 1)[1].split(";\n", 1)[0])
    assert all(url.startswith("/static/") for url in precache)  # public files only, no page


def test_the_cache_version_changes_with_a_release(client, db, monkeypatch):
    from core import push_views

    first = push_views.cache_version()
    push_views.cache_version.cache_clear()
    monkeypatch.setattr(push_views, "offline_html", lambda: "a new offline page")
    try:
        assert push_views.cache_version() != first
    finally:
        push_views.cache_version.cache_clear()


def test_the_offline_page_says_the_entry_was_not_saved_and_holds_nothing_of_the_patient(patient_client, patient):
    page = patient_client.get("/offline/").content.decode()
    assert "You are offline; your entry was not saved" in page
    assert "go back to the form and check every answer" in page
    assert "pat" not in page.lower().replace("path", "")  # not the signed-in patient's name
    assert "csrfmiddlewaretoken" not in page


# --- Subscribing -------------------------------------------------------------------------------


def test_a_patient_subscribes_with_the_subscription_json(patient_client, patient, push_on):
    browser = Browser()
    response = subscribe(patient_client, browser=browser)
    assert response.status_code == 201
    stored = PushSubscription.objects.get()
    assert (stored.patient, stored.endpoint) == (patient, PUSH + "/push/1")
    assert (stored.p256dh, stored.auth) == (browser.keys()["p256dh"], browser.keys()["auth"])
    assert subscribe(patient_client, browser=browser).status_code == 200  # again: the same row
    assert PushSubscription.objects.count() == 1


def test_it_needs_the_csrf_token_in_x_csrftoken(patient, push_on):
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient.user)
    assert subscribe(client).status_code == 403
    client.get("/accounts/profile/")
    token = client.cookies["csrftoken"].value
    assert subscribe(client, HTTP_X_CSRFTOKEN=token).status_code == 201


@pytest.mark.parametrize("body, message", [
    ("{not json", "not a subscription"),
    ("[]", "not a subscription"),
    ({"endpoint": PUSH + "/push/1"}, "without valid keys"),
    ({"endpoint": PUSH + "/push/1", "keys": {"p256dh": "AAAA", "auth": "A" * 22}}, "without valid keys"),
    ({"endpoint": 5, "keys": {}}, "not one isodiary sends to"),
])
def test_bad_input_is_a_400_with_a_message(patient_client, push_on, body, message):
    response = post_json(patient_client, "/accounts/push/subscribe/", body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize("endpoint", [
    "http://127.0.0.1:8766/push/1",  # another loopback port
    "http://localhost:8765/push/1",
    "https://127.0.0.1:8765/push/1",
    "ftp://127.0.0.1:8765/push/1",
    "http://127.0.0.1:8765@192.0.2.1/push/1",
    "https://push.apple.com/x",
    "http://web.push.apple.com/x",  # http where https is listed
])
def test_an_endpoint_outside_the_allow_list_is_refused_and_never_stored(patient_client, push_on, endpoint):
    response = subscribe(patient_client, endpoint)
    assert response.status_code == 400
    assert "not one isodiary sends to" in response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_a_listed_wildcard_host_is_accepted(patient_client, push_on):
    assert subscribe(patient_client, "https://web.push.apple.com/QGuQyavXutnMH").status_code == 201


def test_staff_and_anonymous_are_refused(client, db, push_on):
    assert subscribe(client).status_code == 403
    client.force_login(ClinicianFactory())
    assert subscribe(client).status_code == 403
    assert not PushSubscription.objects.exists()


def test_another_patients_endpoint_is_not_taken_over(patient_client, other_patient, push_on):
    theirs = PushSubscription.objects.create(patient=other_patient, endpoint=PUSH + "/push/1", **Browser().keys())
    response = subscribe(patient_client, PUSH + "/push/1")
    assert response.status_code == 409
    theirs.refresh_from_db()
    assert theirs.patient == other_patient


def test_without_keys_the_feature_is_off(patient_client, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    settings.WEBPUSH_ALLOWED_ORIGINS = [("http", "127.0.0.1", 8765)]
    assert subscribe(patient_client).status_code == 404
    page = patient_client.get("/accounts/profile/").content.decode()
    assert "Reminders on this device" not in page
    assert "js/push.js" not in page


# --- Unsubscribing and the profile ---------------------------------------------------------------


def test_a_patient_removes_their_own_subscription_by_json(patient_client, patient, push_on):
    PushSubscription.objects.create(patient=patient, endpoint=PUSH + "/push/1", **Browser().keys())
    response = post_json(patient_client, "/accounts/push/unsubscribe/", {"endpoint": PUSH + "/push/1"})
    assert response.status_code == 200
    assert not PushSubscription.objects.exists()


def test_nobody_removes_another_patients_subscription(patient_client, other_patient, push_on):
    PushSubscription.objects.create(patient=other_patient, endpoint=PUSH + "/push/1", **Browser().keys())
    response = post_json(patient_client, "/accounts/push/unsubscribe/", {"endpoint": PUSH + "/push/1"})
    assert response.status_code == 404
    response = patient_client.post("/accounts/push/unsubscribe/", {"endpoint": PUSH + "/push/1"})
    assert response.status_code == 302
    assert PushSubscription.objects.filter(patient=other_patient).count() == 1


def test_unsubscribe_refuses_staff_anonymous_and_bad_json(client, patient, push_on):
    PushSubscription.objects.create(patient=patient, endpoint=PUSH + "/push/1", **Browser().keys())
    assert post_json(client, "/accounts/push/unsubscribe/", {"endpoint": PUSH + "/push/1"}).status_code == 403
    client.force_login(ClinicianFactory())
    assert post_json(client, "/accounts/push/unsubscribe/", {"endpoint": PUSH + "/push/1"}).status_code == 403
    client.force_login(patient.user)
    assert post_json(client, "/accounts/push/unsubscribe/", "{oops").status_code == 400
    assert PushSubscription.objects.count() == 1


def test_the_profile_lists_the_devices_with_a_remove_button_each(patient_client, patient, other_patient, push_on):
    PushSubscription.objects.create(patient=patient, endpoint="https://web.push.apple.com/mine", **Browser().keys())
    PushSubscription.objects.create(patient=other_patient, endpoint=PUSH + "/push/theirs", **Browser().keys())
    page = patient_client.get("/accounts/profile/").content.decode()
    assert "Reminders on this device" in page
    assert 'data-vapid-key="' + django_settings.VAPID_PUBLIC_KEY + '"' in page
    assert "Safari, added" in page
    assert page.count('action="/accounts/push/unsubscribe/"') == 1
    assert "/push/theirs" not in page
    response = patient_client.post("/accounts/push/unsubscribe/", {"endpoint": "https://web.push.apple.com/mine"},
                                   follow=True)
    assert "That device no longer gets reminders." in response.content.decode()
    assert not PushSubscription.objects.filter(patient=patient).exists()


@pytest.mark.parametrize("value, saved", [("20:00", time(20)), ("07:35", time(7, 35)), ("", None)])
def test_the_reminder_time_is_any_minute_as_hh_mm(patient_client, patient, value, saved):
    response = patient_client.post("/accounts/profile/", {"display_name": "Pat", "time_zone": "America/Chicago",
                                                          "reminder_time": value})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.reminder_time == saved


@pytest.mark.parametrize("value", ["25:00", "8pm", "20:00:00:00", "20"])
def test_a_bad_reminder_time_is_a_400_with_a_message(patient_client, patient, value):
    response = patient_client.post("/accounts/profile/", {"display_name": "Pat", "time_zone": "UTC",
                                                          "reminder_time": value})
    assert response.status_code == 400
    assert "Enter a time of day as hours and minutes" in response.content.decode()


def test_the_profile_shows_the_reminder_time_the_us_way(patient_client, patient):
    patient.reminder_time = time(20)
    patient.time_zone = "America/Chicago"
    patient.save()
    page = patient_client.get("/accounts/profile/").content.decode()
    assert "Your daily reminder comes at 8:00 p.m. (America/Chicago)" in page
    assert 'type="time"' in page and 'value="20:00"' in page


# --- The patient's data -------------------------------------------------------------------------


def test_the_data_download_lists_subscriptions_without_their_keys(patient_client, patient, other_patient):
    PushSubscription.objects.create(patient=patient, endpoint="https://web.push.apple.com/mine", **Browser().keys())
    PushSubscription.objects.create(patient=other_patient, endpoint="https://web.push.apple.com/x", **Browser().keys())
    data = patient_client.get("/accounts/export.json").json()
    [device] = data["push_subscriptions"]
    assert device["endpoint"] == "https://web.push.apple.com/mine"
    assert "auth" not in device and "p256dh" not in device


def test_deleting_the_account_deletes_its_subscriptions(patient_client, patient, other_patient):
    PushSubscription.objects.create(patient=patient, endpoint="https://web.push.apple.com/mine", **Browser().keys())
    PushSubscription.objects.create(patient=other_patient, endpoint="https://web.push.apple.com/x", **Browser().keys())
    response = patient_client.post("/accounts/delete/", {"password": "correct-horse-battery-staple"})
    assert response.status_code == 302
    assert list(PushSubscription.objects.values_list("patient", flat=True)) == [other_patient.pk]


def test_the_factory_made_patient_has_no_reminder_by_default(db):
    assert PatientFactory().reminder_time is None
