"""send_reminders by Web Push, against a fake push service on loopback: what is sent (decrypted with
the browser's keys), its VAPID token and headers, when it is due, what a 410 or a 500 does, and
that two runs never send one reminder twice."""

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from core import push, reminders
from core.models import PushSubscription, Reminder
from tests.factories import EntryFactory, PatientFactory
from tests.pushservice import Browser, push_service, vapid_pair, vapid_signature_ok, vapid_token

TODAY = date(2026, 12, 7)
HEALTH_WORDS = ("isotretinoin", "accutane", "acne", "pregnan", "mood", "dose", "dry", "skin", "pat", "diary")


def at(hour: int, minute: int = 0, day: date = TODAY):
    moment = datetime.combine(day, time(hour, minute), UTC)
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def service(settings):
    public, private = vapid_pair()
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = public, private
    settings.VAPID_SUBJECT = "mailto:clinic@example.org"
    with push_service() as fake:
        host, port = fake.origin.removeprefix("http://").split(":")
        settings.WEBPUSH_ALLOWED_ORIGINS = [("http", host, int(port))]
        yield fake


def subscribed(patient, service, path="/push/a", browser=None) -> tuple[PushSubscription, Browser]:
    browser = browser or Browser()
    keys = browser.keys()
    subscription = PushSubscription.objects.create(patient=patient, endpoint=service.origin + path,
                                                   p256dh=keys["p256dh"], auth=keys["auth"])
    return subscription, browser


@pytest.fixture
def due_patient(patient):
    patient.reminder_time = time(20, 30)
    patient.save()
    return patient


def run(hour=21, minute=0, day=TODAY) -> str:
    out = StringIO()
    with at(hour, minute, day):
        call_command("send_reminders", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_sends_one_encrypted_push_that_says_only_time_for_todays_entry(due_patient, service):
    subscription, browser = subscribed(due_patient, service)
    assert run() == "1 reminder sent.\n"
    assert run() == ""  # once a day
    [request] = service.received
    assert request.path == "/push/a"
    message = browser.decrypt(request.body)
    assert message == {"title": "Time for today's entry", "url": "/diary/new/"}
    for word in HEALTH_WORDS:
        assert word not in message["title"].lower()
    assert mail.outbox == []  # a patient with a subscription is not e-mailed as well
    reminder = Reminder.objects.get(patient=due_patient)
    assert (reminder.channel, reminder.sent_at is not None) == ("push", True)
    subscription.refresh_from_db()
    assert subscription.last_used_at is not None


def test_the_request_is_aes128gcm_with_a_ttl_until_the_end_of_the_patients_day(due_patient, service):
    subscribed(due_patient, service)
    run(21, 0)
    headers = {k.lower(): v for k, v in service.received[0].headers.items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert int(headers["ttl"]) == 3 * 3600  # 21:00 UTC: three hours left of the patient's (UTC) day


def test_the_vapid_token_names_the_push_service_expires_within_a_day_and_verifies(due_patient, service, settings):
    subscribed(due_patient, service)
    before = clock.time()
    run()
    authorization = {k.lower(): v for k, v in service.received[0].headers.items()}["authorization"]
    header, claims, token, key = vapid_token(authorization)
    assert header == {"typ": "JWT", "alg": "ES256"}
    assert claims["aud"] == service.origin
    assert claims["sub"] == "mailto:clinic@example.org"
    assert before < claims["exp"] <= before + 24 * 3600
    assert key == settings.VAPID_PUBLIC_KEY
    assert vapid_signature_ok(token, settings.VAPID_PUBLIC_KEY)
    assert not vapid_signature_ok(token, vapid_pair()[0])  # the check can fail


def test_every_subscription_of_the_patient_gets_it(due_patient, service):
    subscribed(due_patient, service, "/push/phone")
    subscribed(due_patient, service, "/push/laptop")
    run()
    assert sorted(service.paths()) == ["/push/laptop", "/push/phone"]


def test_a_410_deletes_the_subscription_and_the_reminder_goes_by_email(due_patient, service):
    gone, _ = subscribed(due_patient, service, "/push/gone")
    service.status["/push/gone"] = 410
    assert run() == "1 reminder sent.\n"
    assert not PushSubscription.objects.filter(pk=gone.pk).exists()
    assert len(mail.outbox) == 1
    assert Reminder.objects.get(patient=due_patient).channel == "email"


def test_a_404_deletes_it_and_a_working_one_still_gets_it(due_patient, service):
    gone, _ = subscribed(due_patient, service, "/push/old")
    subscribed(due_patient, service, "/push/new")
    service.status["/push/old"] = 404
    run()
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [service.origin + "/push/new"]
    assert mail.outbox == []


def test_another_error_is_retried_on_the_next_run_and_then_sent_once(due_patient, service):
    subscription, _ = subscribed(due_patient, service)
    service.status["/push/a"] = 500
    err = StringIO()
    with at(21, 0):
        call_command("send_reminders", stdout=StringIO(), stderr=err)
    assert "tried again on the next run" in err.getvalue()
    assert PushSubscription.objects.filter(pk=subscription.pk).exists()
    assert Reminder.objects.get(patient=due_patient).sent_at is None
    assert run(21, 5) == ""  # the failed claim is not taken again at once
    assert len(service.received) == 1
    service.status.clear()
    assert run(21, 15) == "1 reminder sent.\n"
    assert run(21, 30) == ""
    assert len(service.received) == 2
    assert mail.outbox == []


def test_it_is_due_from_the_chosen_minute_in_the_patients_zone(patient, service):
    patient.reminder_time = time(20, 45)
    patient.time_zone = "America/New_York"  # UTC-5 in December: 20:45 there is 01:45 UTC the next day
    patient.save()
    subscribed(patient, service)
    assert run(1, 30, TODAY + timedelta(days=1)) == ""
    assert run(1, 45, TODAY + timedelta(days=1)) == "1 reminder sent.\n"
    assert Reminder.objects.get().for_date == TODAY


def test_a_missed_run_catches_up_the_same_day_but_not_the_next(due_patient, service):
    subscribed(due_patient, service)
    assert run(23, 50) == "1 reminder sent.\n"  # every run since 20:30 was missed
    assert run(0, 10, TODAY + timedelta(days=1)) == ""  # the next day's is due at 20:30 again
    assert len(service.received) == 1


def test_a_reminder_left_unsent_yesterday_is_dropped_not_sent_today(due_patient, service):
    subscribed(due_patient, service)
    service.status["/push/a"] = 503
    run(21, 0)
    service.status.clear()
    assert run(0, 30, TODAY + timedelta(days=1)) == ""
    assert len(service.received) == 1
    assert not Reminder.objects.exists()


def test_no_reminder_once_today_is_logged_or_before_the_time(due_patient, service):
    subscribed(due_patient, service)
    assert run(20, 15) == ""
    EntryFactory(patient=due_patient, date=TODAY)
    assert run(21, 0) == ""
    assert service.received == []


def test_an_entry_logged_between_marking_and_sending_stops_it(due_patient, service):
    subscribed(due_patient, service)
    with at(21, 0):
        reminders.mark_due(datetime(2026, 12, 7, 21, tzinfo=UTC))
    EntryFactory(patient=due_patient, date=TODAY)
    assert run(21, 0) == ""
    assert service.received == []


def test_two_runs_never_take_the_same_reminders(db, service):
    now = datetime(2026, 12, 7, 21, tzinfo=UTC)
    for _ in range(3):
        PatientFactory(reminder_time=time(20))
    with at(21):
        assert reminders.mark_due(now) == 3
        assert reminders.mark_due(now) == 0  # a second server marking at the same time adds nothing
        first = reminders.claim("run-a", now, now)
        second = reminders.claim("run-b", now, now)
    assert (len(first), second) == (3, [])


def test_an_endpoint_no_longer_allowed_is_never_posted_to_and_is_dropped(due_patient, service, settings):
    subscription, _ = subscribed(due_patient, service)
    settings.WEBPUSH_ALLOWED_ORIGINS = [("https", "fcm.googleapis.com", 443)]
    run()
    assert service.received == []
    assert not PushSubscription.objects.filter(pk=subscription.pk).exists()
    assert len(mail.outbox) == 1  # it still reaches the patient, by e-mail


def test_without_keys_everyone_is_emailed_and_no_push_is_sent(due_patient, service, settings):
    subscribed(due_patient, service)
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    assert run() == "1 reminder sent.\n"
    assert service.received == []
    assert len(mail.outbox) == 1
    assert "Time for today's entry" in mail.outbox[0].subject


@pytest.mark.parametrize("endpoint, allowed", [
    ("http://127.0.0.1:{port}/push/x", True),
    ("http://127.0.0.1:{other}/push/x", False),  # another loopback port
    ("http://localhost:{port}/push/x", False),  # the same machine by another name
    ("https://127.0.0.1:{port}/push/x", False),  # another scheme
    ("ws://127.0.0.1:{port}/push/x", False),
    ("http://127.0.0.1:{port}@192.0.2.1/push/x", False),  # userinfo: the host is 192.0.2.1
    ("https://fcm.googleapis.com/fcm/send/abc", False),  # not listed in this test
    ("https://a.b.push.apple.com/x", True),  # the *. wildcard, any depth
    ("https://push.apple.com/x", False),  # not the bare domain
    ("https://evilpush.apple.com.example/x", False),
    ("https://web.push.apple.com:8443/x", False),  # another port
    ("not a url", False),
])
def test_the_origin_allow_list(settings, endpoint, allowed):
    settings.WEBPUSH_ALLOWED_ORIGINS = [("http", "127.0.0.1", 8765), ("https", "*.push.apple.com", 443)]
    assert push.origin_allowed(endpoint.format(port=8765, other=8766)) is allowed
