"""Writes to one patient's data at the same moment (issue 21): every writer locks the patient's row
first, so a patient's edit and a clinician's acknowledgement never deadlock, and of two clinicians
acknowledging one alert the first keeps their outcome and the second is told who it was.

The threaded tests run each writer on its own database connection; they mean most on PostgreSQL
(`bash scripts/with-postgres.sh .venv/bin/pytest -p no:cacheprovider tests/test_write_order.py`),
where rows are locked one by one; SQLite runs one writer at a time."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection

from core import services
from core.models import Alert, DiaryEntry
from tests.factories import ClinicianFactory, EntryFactory, PatientFactory

PAUSE = 0.5  # seconds a writer holds its locks, so that the other one arrives meanwhile


def patient_with_alert(*clinicians):
    """A patient with an open alert their clinicians can acknowledge: three dry days in a row up to
    yesterday (dryness-persistent; a single dry day is shown to the patient only, issue 23)."""
    patient = PatientFactory(user__username="alice")
    patient.clinicians.add(*clinicians)
    today = patient.today()
    for back in (3, 2, 1):
        services.entry_save(entry=EntryFactory.build(patient=patient, date=today - timedelta(days=back),
                                                     lip_dryness=8))
    return patient, Alert.objects.get(patient=patient, rule_code="dryness-persistent")


def in_threads(*jobs):
    """Run each job in its own thread (and so on its own connection); their results, in order.
    An error in a job (a deadlock, say) is raised here."""
    def run(job):
        try:
            return job()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return [future.result(timeout=60) for future in [pool.submit(run, job) for job in jobs]]


@pytest.mark.django_db(transaction=True)
def test_it_lets_a_patients_edit_and_a_clinicians_acknowledgement_of_the_same_alert_both_succeed(monkeypatch):
    doctor = ClinicianFactory(username="dr_a")
    patient, alert = patient_with_alert(doctor)
    entry = DiaryEntry.objects.get(patient=patient, date=patient.today() - timedelta(days=1))  # the latest dry day
    edit_has_saved_the_entry = threading.Event()
    real_sync = services.episodes_sync

    def slow_sync(*args, **kwargs):
        # The edit has written its entry (and, through the version trigger, touched the patient row)
        # and is about to rewrite the alert: the moment an acknowledgement that locked the alert
        # first would deadlock with it.
        edit_has_saved_the_entry.set()
        time.sleep(PAUSE)
        return real_sync(*args, **kwargs)

    monkeypatch.setattr(services, "episodes_sync", slow_sync)

    def edit():
        entry.lip_dryness = 9
        services.entry_save(entry=entry)
        return time.monotonic()

    def acknowledge():
        assert edit_has_saved_the_entry.wait(30)
        done = services.acknowledge(alerts=Alert.objects.filter(pk=alert.pk), user=doctor, outcome="contacted",
                                    note="Phoned.")
        return done, time.monotonic()

    edited_at, (done, acknowledged_at) = in_threads(edit, acknowledge)
    assert acknowledged_at > edited_at  # the acknowledgement waited for the edit: one order for both
    assert [a.pk for a in done.now] == [alert.pk] and done.earlier == []
    alert.refresh_from_db()
    assert alert.worst == "Lip dryness 9"  # the edit's value
    assert (alert.acknowledged_by, alert.outcome, alert.note) == (doctor, "contacted", "Phoned.")
    assert DiaryEntry.objects.get(pk=entry.pk).lip_dryness == 9


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_first_of_two_acknowledgements_at_once_and_tells_the_second_who(monkeypatch):
    dr_a, dr_b = ClinicianFactory(username="dr_a"), ClinicianFactory(username="dr_b")
    _, alert = patient_with_alert(dr_a, dr_b)
    barrier = threading.Barrier(2, timeout=30)
    real_lock = services.lock_patients

    def slow_lock(ids):
        patients = real_lock(ids)
        time.sleep(PAUSE / 2)
        return patients

    monkeypatch.setattr(services, "lock_patients", slow_lock)

    def acknowledge(user, outcome, note):
        def job():
            barrier.wait()
            return services.acknowledge(alerts=Alert.objects.filter(pk=alert.pk), user=user, outcome=outcome,
                                        note=note)
        return job

    results = in_threads(acknowledge(dr_a, "contacted", "Phoned her."),
                         acknowledge(dr_b, "advised_stop", "Stop for now."))
    alert.refresh_from_db()
    first, second = (dr_a, dr_b) if alert.acknowledged_by == dr_a else (dr_b, dr_a)
    winner, loser = (results[0], results[1]) if first == dr_a else (results[1], results[0])
    assert [a.pk for a in winner.now] == [alert.pk] and winner.earlier == []
    assert loser.now == [] and [a.acknowledged_by for a in loser.earlier] == [first]
    kept = {dr_a: ("contacted", "Phoned her."), dr_b: ("advised_stop", "Stop for now.")}[first]
    assert (alert.outcome, alert.note) == kept
    changes = LogEntry.objects.filter(action=LogEntry.Action.UPDATE, object_pk=str(alert.pk),
                                      changes__has_key="acknowledged_at")
    assert changes.count() == 1  # one acknowledgement on record, not two


@pytest.mark.django_db
def test_a_second_clinician_posting_the_acknowledge_form_is_told_who_came_first(client):
    dr_a, dr_b = ClinicianFactory(username="dr_a"), ClinicianFactory(username="dr_b")
    _, alert = patient_with_alert(dr_a, dr_b)
    url = f"/admin/core/alert/{alert.pk}/acknowledge/"
    client.force_login(dr_b)
    assert client.get(url).status_code == 200  # dr_b opens the form
    services.acknowledge(alerts=Alert.objects.filter(pk=alert.pk), user=dr_a, outcome="contacted", note="Phoned.")
    response = client.post(url, {"outcome": "advised_stop", "note": "Stop."}, follow=True)
    page = response.content.decode()
    assert "already acknowledged by dr_a" in page and "yours was not saved" in page
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.outcome, alert.note) == (dr_a, "contacted", "Phoned.")


@pytest.mark.django_db
def test_the_acknowledge_action_acknowledges_the_open_ones_and_names_who_did_the_others(client):
    dr_a, dr_b = ClinicianFactory(username="dr_a"), ClinicianFactory(username="dr_b")
    patient, alert = patient_with_alert(dr_a, dr_b)
    services.entry_save(entry=EntryFactory.build(patient=patient, date=patient.today(), sunburn="blistering"))
    other = Alert.objects.get(patient=patient, rule_code="sunburn-blistering")
    services.acknowledge(alerts=Alert.objects.filter(pk=alert.pk), user=dr_a, outcome="contacted", note="Phoned.")
    client.force_login(dr_b)
    response = client.post("/admin/core/alert/?acknowledged=all", {
        "action": "acknowledge", "_selected_action": [alert.pk, other.pk], "confirm": "yes",
        "outcome": "no_action", "note": "Seen."}, follow=True)
    page = response.content.decode()
    assert "1 alert acknowledged." in page and "already acknowledged by dr_a" in page
    alert.refresh_from_db()
    other.refresh_from_db()
    assert (alert.acknowledged_by, alert.outcome) == (dr_a, "contacted")
    assert (other.acknowledged_by, other.outcome, other.note) == (dr_b, "no_action", "Seen.")


@pytest.mark.django_db
def test_a_clinician_cannot_acknowledge_an_alert_of_a_patient_not_theirs_through_the_action(client):
    dr_a, dr_c = ClinicianFactory(username="dr_a"), ClinicianFactory(username="dr_c")
    _, alert = patient_with_alert(dr_a)
    client.force_login(dr_c)
    client.post("/admin/core/alert/", {"action": "acknowledge", "_selected_action": [alert.pk], "confirm": "yes",
                                       "outcome": "no_action"})
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
