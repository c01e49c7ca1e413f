"""send_notifications: who is e-mailed, when, once, and with nothing about the patient's health."""

import smtplib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from core import notifications, services
from core.models import Alert, Notification, Rule, Symptom
from tests.factories import ClinicianFactory, EntryFactory, PatientFactory

pytestmark = pytest.mark.django_db
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def mailer(settings):
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": LOCMEM}, "RETRY_INTERVAL": timedelta(0)}
    settings.SITE_URL = "https://clinic.example"
    settings.ESCALATION_EMAIL = ""
    return settings


@pytest.fixture
def doctor(db):
    return ClinicianFactory(username="dr_house", email="house@clinic.example")


def patient_of(*clinicians, name="Zelda Quartermaine", username="zquarter"):
    patient = PatientFactory(display_name=name, user__username=username, user__email=f"{username}@mail.example")
    patient.clinicians.add(*clinicians)
    return patient


def log(patient, days_ago=0, **values):
    on = patient.today() - timedelta(days=days_ago)
    return services.entry_save(entry=EntryFactory.build(patient=patient, date=on, **values))


def red_flag(patient, days_ago=0):
    return log(patient, days_ago, symptoms=["jaundice"])


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_it_sends_one_urgent_email_per_clinician_however_many_alerts(mailer, doctor):
    other_doctor = ClinicianFactory(username="dr_other", email="other@clinic.example")
    for n in range(3):
        red_flag(patient_of(doctor, name=f"P{n}", username=f"p{n}"))
    call_command("send_notifications")
    [message] = to("house@clinic.example")
    assert "urgent" in message.subject
    assert "https://clinic.example/admin/core/alert/" in message.body
    assert to("other@clinic.example") == []  # not their patients
    assert Notification.objects.get(to="house@clinic.example").alerts.count() == 3
    assert other_doctor.email not in {a for m in mail.outbox for a in m.to}


def test_the_command_prints_only_when_something_happened(mailer, doctor, settings):
    def command(**options) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command("send_notifications", stdout=out, stderr=err, **options)
        return out.getvalue(), err.getvalue()

    assert command() == ("", "")  # every minute from cron: nothing to mail the server's admin
    assert "0 urgent" in command(verbosity=2)[0]
    red_flag(patient_of(doctor))
    out, err = command()
    assert "1 urgent" in out and "1 sent" in out and err == ""
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": f"{__name__}.RefusingBackend"}}
    red_flag(patient_of(doctor, username="second"))
    out, err = command()
    assert out == "" and "1 failed" in err


def test_a_failed_email_is_logged_once_and_post_offices_chatter_not_at_all():
    import logging

    def handlers_reached(name: str) -> list[logging.Handler]:
        found, log = [], logging.getLogger(name)
        while log is not None:
            found += [h for h in log.handlers if not type(h).__module__.startswith("_pytest")]  # pytest's capture
            log = log.parent if log.propagate else None
        return found

    post_office = logging.getLogger("post_office")
    assert len(handlers_reached("post_office")) == 1  # one traceback per failure in cron's mail, not two
    assert post_office.isEnabledFor(logging.ERROR) and not post_office.isEnabledFor(logging.INFO)


def test_it_is_idempotent(mailer, doctor):
    red_flag(patient_of(doctor))
    notifications.run()
    notifications.run()
    call_command("send_notifications")
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_a_new_urgent_alert_after_a_run_gets_its_own_email(mailer, doctor):
    patient = patient_of(doctor)
    red_flag(patient, days_ago=3)
    notifications.run()
    log(patient, sunburn="blistering")
    notifications.run()
    assert len(to("house@clinic.example")) == 2


def test_two_overlapping_runs_never_send_twice(mailer, doctor, monkeypatch):
    red_flag(patient_of(doctor))
    red_flag(patient_of(doctor, name="Second", username="second"))
    real = notifications.candidates
    overlapped = []

    def candidates_then_another_run(alerts):
        found = real(alerts)  # this run has read its candidates…
        if not overlapped:
            overlapped.append(True)
            notifications.run()  # …when another run takes them all and sends
        return found

    monkeypatch.setattr(notifications, "candidates", candidates_then_another_run)
    notifications.run()
    assert len(to("house@clinic.example")) == 1
    assert Notification.objects.filter(kind="urgent").count() == 1


def test_a_failing_mail_server_loses_nothing_and_the_next_run_retries(mailer, doctor, client):
    patient = patient_of(doctor)
    red_flag(patient)
    mailer.POST_OFFICE = {**mailer.POST_OFFICE, "BACKENDS": {"default": f"{__name__}.RefusingBackend"}}
    summary = notifications.run()
    assert (summary.sent, summary.failed) == (0, 1)
    alert = Alert.objects.get(patient=patient)
    assert alert.emailed_at is None and Notification.objects.get().sent_at is None
    client.force_login(patient.user)
    assert 'data-care-team="pending"' in client.get("/").content.decode()

    mailer.POST_OFFICE = {**mailer.POST_OFFICE, "BACKENDS": {"default": LOCMEM}}
    notifications.run()
    assert len(to("house@clinic.example")) == 1
    alert.refresh_from_db()
    assert alert.emailed_at is not None and Notification.objects.get().sent_at is not None
    assert 'data-care-team="notified"' in client.get("/").content.decode()
    notifications.run()
    assert len(mail.outbox) == 1


def test_urgent_alerts_of_an_unassigned_patient_go_to_the_clinic_inbox(mailer, doctor):
    mailer.ESCALATION_EMAIL = "clinic@clinic.example"
    red_flag(patient_of())
    notifications.run()
    [message] = mail.outbox
    assert message.to == ["clinic@clinic.example"]
    assert "no assigned clinician" in message.body
    assert to("house@clinic.example") == []


def test_without_a_clinic_inbox_they_go_to_the_superusers(mailer):
    get_user_model().objects.create_superuser("root", "root@clinic.example", "x-Long-pass-99")
    get_user_model().objects.create_superuser("mute", "", "x-Long-pass-99")  # no address: skipped
    red_flag(patient_of())
    notifications.run()
    assert [m.to for m in mail.outbox] == [["root@clinic.example"]]


def test_with_nobody_to_tell_the_alert_waits_for_someone(mailer):
    red_flag(patient_of())
    notifications.run()
    assert mail.outbox == [] and Alert.objects.get().email_queued_at is None
    get_user_model().objects.create_superuser("root", "root@clinic.example", "x-Long-pass-99")
    notifications.run()
    assert len(mail.outbox) == 1


def at(hour, minute=0, day=0, tz="Europe/London"):
    today = timezone.now().astimezone(ZoneInfo(tz)).date()
    return datetime(today.year, today.month, today.day, hour, minute, tzinfo=ZoneInfo(tz)) + timedelta(days=day)


def test_one_digest_a_day_from_the_digest_hour(mailer, doctor):
    mailer.TIME_ZONE = "Europe/London"
    mailer.DIGEST_HOUR = 7
    patient = patient_of(doctor)
    # Two runs of dry lips (persistent high dryness, a digest rule), parted by a day that is not dry.
    for days_ago in (6, 5, 4, 2, 1, 0):
        log(patient, days_ago=days_ago, lip_dryness=8)
    log(patient, days_ago=3, lip_dryness=2, sun_minutes=90)  # sun without sunscreen: the patient's only
    notifications.run(at(6, 59))
    assert mail.outbox == []  # before the hour
    notifications.run(at(7, 0))
    [digest] = mail.outbox
    assert digest.subject == "2 new alerts"
    notifications.run(at(7, 1))
    second = patient_of(doctor, username="second")
    for days_ago in (2, 1, 0):
        log(second, days_ago=days_ago, eye_dryness=9)  # new, but today's digest went out
    notifications.run(at(18, 0))
    assert len(mail.outbox) == 1
    notifications.run(at(7, 0, day=1))
    assert [m.subject for m in mail.outbox] == ["2 new alerts", "1 new alert"]
    notifications.run(at(7, 0, day=2))  # nothing new: no digest
    assert len(mail.outbox) == 2
    # What no e-mail mentioned is what the patient alone is told.
    assert set(Alert.objects.open().filter(email_queued_at__isnull=True).values_list("notify", flat=True)) == {
        "patient"}


def test_a_digest_goes_only_to_the_patients_clinicians(mailer, doctor):
    mailer.DIGEST_HOUR = 0
    stranger = ClinicianFactory(username="dr_stranger", email="stranger@clinic.example")
    patient_of(stranger, name="Other", username="other_p")
    log(patient_of(doctor), mood=2)
    notifications.run()
    assert [m.to for m in mail.outbox] == [["house@clinic.example"]]


def test_a_digest_goes_only_to_clinicians_who_get_urgent_emails_too(mailer, doctor):
    mailer.DIGEST_HOUR = 0  # due whatever the hour in TIME_ZONE (make test runs once at UTC+14)
    # No longer staff (left the clinic, say), still assigned: no e-mail of either kind.
    former = ClinicianFactory(username="dr_former", email="former@clinic.example", is_staff=False)
    log(patient_of(doctor, former), mood=2)
    notifications.run()
    assert [m.to for m in mail.outbox] == [["house@clinic.example"]]


def test_an_unacknowledged_urgent_alert_is_escalated_once_after_the_hours(mailer, doctor):
    mailer.ESCALATE_AFTER_HOURS = 4
    mailer.ESCALATION_EMAIL = "clinic@clinic.example"
    mailer.DIGEST_HOUR = 23
    red_flag(patient_of(doctor))
    start = timezone.now()
    notifications.run(start)
    assert len(mail.outbox) == 1
    notifications.run(start + timedelta(hours=3, minutes=59))
    assert len(mail.outbox) == 1
    notifications.run(start + timedelta(hours=4))
    escalations = [m for m in mail.outbox if "not been acknowledged" in m.body]
    assert sorted(m.to[0] for m in escalations) == ["clinic@clinic.example", "house@clinic.example"]
    notifications.run(start + timedelta(hours=9))
    assert len(mail.outbox) == 3


def test_an_acknowledged_alert_is_not_escalated(mailer, doctor):
    red_flag(patient_of(doctor))
    start = timezone.now()
    notifications.run(start)
    Alert.objects.update(acknowledged_at=start + timedelta(hours=1), acknowledged_by=doctor, outcome="contacted")
    notifications.run(start + timedelta(hours=5))
    assert len(mail.outbox) == 1


def test_no_email_carries_health_data(mailer, doctor):
    mailer.DIGEST_HOUR = 0
    mailer.ESCALATION_EMAIL = "clinic@clinic.example"
    patient = patient_of(doctor)
    unassigned = patient_of(name="Yorick Brambleton", username="ybramble")
    for days_ago in (3, 2):  # with the next day, three dry days in a row: a warning for the digest
        log(patient, days_ago=days_ago, lip_dryness=9)
    log(patient, days_ago=1, lip_dryness=9, mood=1, sun_minutes=95, notes="I feel awful on Absorica")
    log(patient, symptoms=[code for code in Symptom.values], sunburn="blistering")
    red_flag(unassigned)
    start = timezone.now()
    notifications.run(start)
    Alert.objects.update(note="Phoned: stop isotretinoin")
    notifications.run(start + timedelta(hours=5))
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == {"urgent", "digest", "escalation"}
    forbidden = [
        patient.name, patient.user.username, patient.user.email, unassigned.name, unassigned.user.username,
        unassigned.user.email, "Zelda", "Quartermaine", "Yorick", "isotretinoin", "Absorica", "Accutane", "Claravis",
        "awful", "Phoned", "dryness", "mood", "sun", "blister", *Symptom.labels, *Symptom.values,
        *Rule.objects.values_list("title", flat=True), *Rule.objects.values_list("code", flat=True),
        *Alert.objects.values_list("detail", flat=True), *Alert.objects.values_list("message", flat=True),
    ]
    assert len(mail.outbox) >= 4
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}".lower()
        for word in forbidden:
            assert word.lower() not in text, (word, message.subject)
        assert not getattr(message, "alternatives", None) and not message.attachments


def test_every_notification_is_on_the_alert_page(mailer, doctor, client):
    red_flag(patient_of(doctor))
    notifications.run()
    alert = Alert.objects.get()
    client.force_login(doctor)
    page = client.get(f"/admin/core/alert/{alert.pk}/change/").content.decode()
    assert "New urgent alert" in page and "dr_house" in page
    assert alert.emailed_at is not None
    queue = client.get("/admin/core/alert/").content.decode()
    local = timezone.localtime(alert.emailed_at)  # US: 12/07/2026 1:05 p.m.
    assert f"{local:%m/%d/%Y} {local.hour % 12 or 12}:{local:%M} {'a.m.' if local.hour < 12 else 'p.m.'}" in queue


def test_another_clinician_does_not_see_the_alert_or_its_notifications(mailer, doctor, client):
    red_flag(patient_of(doctor))
    notifications.run()
    alert = Alert.objects.get()
    client.force_login(ClinicianFactory(username="dr_stranger", email="stranger@clinic.example"))
    assert client.get(f"/admin/core/alert/{alert.pk}/change/").status_code == 404
    assert "house@clinic.example" not in client.get("/admin/core/alert/?acknowledged=all").content.decode()


def test_while_another_run_is_sending_this_one_leaves_the_queue_to_it(mailer, doctor):
    from django.conf import settings
    from post_office.lockfile import FileLock

    red_flag(patient_of(doctor))
    with FileLock(settings.MAIL_LOCKFILE):  # another run is in the middle of sending
        notifications.run()
        assert mail.outbox == [] and Notification.objects.count() == 1
    notifications.run()
    notifications.run()
    assert len(mail.outbox) == 1


def test_while_another_run_holds_the_sending_lock_this_one_sends_nothing(mailer, doctor):
    # Another send_notifications (another process, or another thread) is sending: it holds the
    # operating-system lock. post-office's own lock file is free at that moment (it can be, for a
    # moment, while two runs race for it), and must not be what lets this run send as well.
    import fcntl

    red_flag(patient_of(doctor))
    with open(f"{mailer.MAIL_LOCKFILE}.flock", "a") as other_run:
        fcntl.flock(other_run, fcntl.LOCK_EX | fcntl.LOCK_NB)
        summary = notifications.run()
        assert (summary.urgent, summary.sent) == (1, 0) and mail.outbox == []
    notifications.run()  # the lock let go (the other run ended, or died): the next run sends
    assert len(mail.outbox) == 1


def test_a_mail_lock_that_cannot_be_opened_does_not_stop_the_mail(mailer, doctor, caplog):
    # Whatever is wrong with the lock file (here a directory in its place), urgent e-mail still goes
    # out, under post-office's lock alone, and the reason is logged for whoever reads cron's mail.
    import contextlib
    import os

    with contextlib.suppress(FileNotFoundError):
        os.remove(f"{mailer.MAIL_LOCKFILE}.flock")  # left by an earlier run in this process
    os.mkdir(f"{mailer.MAIL_LOCKFILE}.flock")
    try:
        red_flag(patient_of(doctor))
        summary = notifications.run()
        assert (summary.urgent, summary.sent) == (1, 1) and len(mail.outbox) == 1
        assert "Cannot open the mail lock" in caplog.text
    finally:
        os.rmdir(f"{mailer.MAIL_LOCKFILE}.flock")


def test_a_run_that_loses_the_race_for_the_mail_lock_leaves_the_queue_to_the_winner(mailer, doctor, monkeypatch):
    import os

    from post_office.lockfile import FileLock

    winner = f"{mailer.MAIL_LOCKFILE}-winner.pid"

    class TakenMeanwhile(FileLock):
        """Another run takes the lock after this one saw it free, before this one takes it."""

        def acquire(self):
            os.symlink(winner, self.lock_filename)
            super().acquire()

    monkeypatch.setattr(notifications, "FileLock", TakenMeanwhile)
    red_flag(patient_of(doctor))
    try:
        summary = notifications.run()  # no FileExistsError from post-office: cron would mail its traceback
        assert (summary.sent, summary.failed) == (0, 0) and mail.outbox == []
        assert not os.path.exists(TakenMeanwhile(mailer.MAIL_LOCKFILE).pid_filename)  # nothing left behind
    finally:
        os.unlink(f"{mailer.MAIL_LOCKFILE}.lock")
    monkeypatch.undo()
    notifications.run()  # the next run sends it
    assert len(to("house@clinic.example")) == 1


def test_an_address_that_is_both_clinician_and_inbox_gets_one_email(mailer, doctor):
    mailer.ESCALATION_EMAIL = "House@clinic.example"
    red_flag(patient_of(doctor))
    start = timezone.now()
    notifications.run(start)
    notifications.run(start + timedelta(hours=5))
    assert [m.subject for m in mail.outbox] == ["A new urgent alert",
                                               "An urgent alert is still not acknowledged"]


def test_superusers_see_the_mail_queue_and_clinicians_do_not(mailer, doctor, client):
    red_flag(patient_of(doctor))
    notifications.run()
    client.force_login(doctor)
    assert client.get("/admin/post_office/email/").status_code == 403
    client.force_login(get_user_model().objects.create_superuser("root", "root@clinic.example", "x-Long-pass-99"))
    page = client.get("/admin/post_office/email/")
    assert page.status_code == 200 and "house@clinic.example" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_it_sends_once_when_runs_overlap_on_separate_connections(mailer, monkeypatch):
    """Four real runs at once, each in its own thread and so on its own database connection: the
    claiming in the database is all that keeps them from sending twice."""
    mailer.DIGEST_HOUR = 0  # the digest is due whenever the test runs
    mailer.ESCALATE_AFTER_HOURS = 4
    doctors = [ClinicianFactory(username=f"dr_{n}", email=f"dr{n}@clinic.example") for n in range(2)]
    for doctor in doctors:
        for n in range(3):
            patient = patient_of(doctor, name=f"{doctor.username} {n}", username=f"{doctor.username}_p{n}")
            red_flag(patient)  # a new urgent alert
            # And one for the digest: three dry days in a row (dryness-persistent). The first two are
            # on record before the third is saved, so no single dry day (for the patient only, never
            # e-mailed) is raised on its way.
            for days_ago in (4, 3):
                EntryFactory(patient=patient, date=patient.today() - timedelta(days=days_ago), lip_dryness=8)
            log(patient, days_ago=2, lip_dryness=8)
        red_flag(patient_of(doctor, name=f"{doctor.username} old", username=f"{doctor.username}_old"))
    urgent = Alert.objects.filter(severity="urgent")
    old = urgent.filter(patient__user__username__endswith="_old")
    old.update(email_queued_at=timezone.now() - timedelta(hours=5))  # e-mailed five hours ago, never acknowledged

    # Widen the race windows: each run pauses after reading what it may take (before claiming it),
    # and again while queuing each e-mail (a digest's check for today's is before, its insert after).
    def pausing(real):
        def pause_after(*args, **kwargs):
            result = real(*args, **kwargs)
            time.sleep(0.1)
            return result
        return pause_after

    monkeypatch.setattr(notifications, "candidates", pausing(notifications.candidates))
    monkeypatch.setattr(notifications.mail, "send", pausing(notifications.mail.send))
    runs = 4
    barrier = threading.Barrier(runs, timeout=30)

    def one_run() -> tuple[float, float]:
        try:
            barrier.wait()
            start = time.monotonic()
            call_command("send_notifications", stdout=StringIO(), stderr=StringIO())
            return start, time.monotonic()
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=runs) as pool:
        spans = [future.result() for future in [pool.submit(one_run) for _ in range(runs)]]  # re-raises a run's error
    assert max(start for start, _ in spans) < min(end for _, end in spans)  # they really overlapped

    call_command("send_notifications", stdout=StringIO())  # cron's next minute: sends what a run left queued
    for doctor in doctors:
        subjects = sorted(m.subject for m in to(doctor.email))
        assert subjects == ["3 new alerts", "A new urgent alert",
                            "An urgent alert is still not acknowledged"]
        sent = Notification.objects.filter(to=doctor.email)
        assert sorted(sent.values_list("kind", flat=True)) == ["digest", "escalation", "urgent"]
        assert sent.get(kind="urgent").alerts.count() == 3
        assert sent.get(kind="digest").alerts.count() == 3
        assert sent.get(kind="escalation").alerts.get() == old.get(patient__clinicians=doctor)
    assert len(mail.outbox) == 6
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    assert not Alert.objects.filter(email_queued_at__isnull=True).exists()
    assert not urgent.filter(emailed_at__isnull=True).exists()
