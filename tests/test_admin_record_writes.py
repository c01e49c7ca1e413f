"""A superuser's changes to a patient's record in the admin go through the same write functions as
the patient's own (core.services): the day's alerts follow the change, the patient's row is locked
first, and the audit trail records who changed what."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model

from core import services
from core.models import Alert, DiaryEntry, MoodCheck, PregnancyTest
from tests.factories import EntryFactory, PatientFactory, patient_today
from tests.pages import html

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "x-Long-pass-99"))
    return client


def change_form(entry: DiaryEntry, **changes) -> dict:
    data = {
        "patient": entry.patient_id, "date": entry.date.isoformat(), "skin_dryness": entry.skin_dryness,
        "lip_dryness": entry.lip_dryness, "eye_dryness": entry.eye_dryness, "mood": entry.mood,
        "sun_minutes": entry.sun_minutes, "sunburn": entry.sunburn, "symptoms": "[]",
        "anything_unusual": entry.anything_unusual or "no", "notes": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def open_codes(patient) -> set[str]:
    return set(Alert.objects.filter(patient=patient, resolved_at__isnull=True).values_list("rule_code", flat=True))


def test_a_superusers_edit_raises_the_alert_the_patient_would_have_raised(root_client):
    patient = PatientFactory()
    entry = EntryFactory(patient=patient, date=patient_today(), mood=7)
    assert "mood-low" not in open_codes(patient)

    response = root_client.post(f"/admin/core/diaryentry/{entry.pk}/change/", change_form(entry, mood=2))

    assert response.status_code == 302, response.content.decode()[:2000]
    entry.refresh_from_db()
    assert entry.mood == 2
    assert "mood-low" in open_codes(patient)
    change = LogEntry.objects.get_for_object(entry).filter(action=LogEntry.Action.UPDATE).get()
    assert change.actor.username == "root" and "mood" in change.changes_dict


def test_moving_an_entry_to_another_day_brings_both_days_up_to_date(root_client):
    patient = PatientFactory()
    today = patient_today()
    entry = EntryFactory(patient=patient, date=today, mood=2)
    services.entry_save(entry=entry)  # as the patient's own save: the low mood's alert is raised
    alert = Alert.objects.get(patient=patient, rule_code="mood-low")

    root_client.post(f"/admin/core/diaryentry/{entry.pk}/change/",
                     change_form(entry, date=(today - timedelta(days=3)).isoformat(), mood=8))

    alert.refresh_from_db()
    assert alert.resolved_at is not None  # the low mood is gone from that day and from the new one
    assert "mood-low" not in open_codes(patient)


def test_deleting_entries_in_the_admin_resolves_their_alerts_one_by_one(root_client):
    patient = PatientFactory()
    today = patient_today()
    entries = [services.entry_save(entry=EntryFactory.build(patient=patient, date=today - timedelta(days=n), mood=2))
               for n in (0, 10)]
    alert = Alert.objects.get(patient=patient, rule_code="mood-low")  # one episode of low mood

    root_client.post(f"/admin/core/diaryentry/{entries[0].pk}/delete/", {"post": "yes"})
    assert "mood-low" in open_codes(patient)  # the other day still has it
    root_client.post("/admin/core/diaryentry/", {"action": "delete_selected", "post": "yes",
                                                 "_selected_action": [entries[1].pk]})

    assert not DiaryEntry.objects.filter(patient=patient).exists()
    alert.refresh_from_db()
    assert alert.resolved_at is not None  # kept on record for the clinician, no longer open


def test_a_positive_test_a_superuser_adds_raises_the_urgent_alert(root_client):
    patient = PatientFactory(can_become_pregnant=True)
    response = root_client.post("/admin/core/pregnancytest/add/", {
        "patient": patient.pk, "date": patient_today().isoformat(), "result": PregnancyTest.Result.POSITIVE,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "pregnancy-positive" in open_codes(patient)


def test_nobody_rewrites_a_patients_mood_check_answers(root_client):
    patient = PatientFactory()
    check = MoodCheck.objects.create(patient=patient, date=patient_today(), q1=1, q2=1, total=2, band="minimal")
    url = f"/admin/core/moodcheck/{check.pk}/change/"
    assert root_client.get(url).status_code == 200  # read-only view
    assert "Save" not in html(root_client.get(url))
    root_client.post(url, {"patient": patient.pk, "date": check.date.isoformat(), "q1": 0, "q2": 0, "total": 0})
    check.refresh_from_db()
    assert (check.q1, check.total) == (1, 2)
    assert root_client.get("/admin/core/moodcheck/add/").status_code == 403
