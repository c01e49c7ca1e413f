"""Patient.data_version (kept by database triggers) and the page fragments cached under it.

A cached dashboard or diary page must never outlive a change to what it shows, whichever way the
change is made: the diary, the admin, a bulk update or a cascade."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core import fragments, services
from core.models import Alert, DiaryEntry, MoodCheck, Patient, PregnancyTest
from tests.factories import ClinicianFactory, EntryFactory

pytestmark = pytest.mark.django_db


def version(patient: Patient) -> int:
    return Patient.objects.values_list("data_version", flat=True).get(pk=patient.pk)


def test_every_write_to_a_patients_rows_raises_only_that_patients_version(patient, other_patient):
    others = version(other_patient)
    entry = EntryFactory(patient=patient, date=date.today())
    writes = [
        lambda: EntryFactory(patient=patient, date=date.today() - timedelta(days=1)),
        lambda: DiaryEntry.objects.filter(pk=entry.pk).update(mood=3),
        lambda: Alert.objects.create(patient=patient, entry=entry, entry_date=entry.date, rule_code="mood-low",
                                     severity="warning", message="m", advice="a"),
        lambda: Alert.objects.filter(patient=patient).update(acknowledged_at=timezone.now()),
        lambda: MoodCheck.objects.create(patient=patient, date=date.today(), q1=0, q2=0, total=0, band="none"),
        lambda: PregnancyTest.objects.create(patient=patient, date=date.today(), result="negative"),
        lambda: PregnancyTest.objects.filter(patient=patient).delete(),
        lambda: Patient.objects.filter(pk=patient.pk).update(display_name="New name"),
        lambda: DiaryEntry.objects.filter(pk=entry.pk).delete(),  # and its alert, by cascade
    ]
    for write in writes:
        before = version(patient)
        write()
        assert version(patient) > before
    assert version(other_patient) == others


def test_saving_a_stale_patient_object_never_moves_the_version_back(patient):
    stale = Patient.objects.get(pk=patient.pk)
    EntryFactory(patient=patient)
    current = version(patient)
    stale.display_name = "Renamed"
    stale.save()
    assert version(patient) > current


def test_the_dashboard_shows_a_clinicians_acknowledgement_made_after_it_was_cached(
    client, patient, django_assert_num_queries
):
    dr = ClinicianFactory()
    patient.clinicians.add(dr)
    client.force_login(patient.user)
    services.entry_save(entry=DiaryEntry(patient=patient, date=patient.today(), skin_dryness=2, lip_dryness=2,
                                         eye_dryness=1, mood=2, sun_minutes=0))
    page = client.get("/").content.decode()
    assert 'data-warning="mood-low"' in page and "Seen by your care team" not in page
    with django_assert_num_queries(2):  # session and user: the rest comes from the cache
        assert 'data-warning="mood-low"' in client.get("/").content.decode()

    staff = client.__class__()
    staff.force_login(dr)
    ids = [str(pk) for pk in Alert.objects.filter(patient=patient).values_list("pk", flat=True)]
    staff.post("/admin/core/alert/", {"action": "acknowledge", "_selected_action": ids})
    assert "Seen by your care team" in client.get("/").content.decode()


def test_the_dashboard_follows_writes_that_bypass_the_diary(patient_client, patient):
    EntryFactory(patient=patient, date=patient.today(), skin_dryness=6)
    assert "skin 6" in patient_client.get("/").content.decode()
    DiaryEntry.objects.filter(patient=patient).update(skin_dryness=8)
    assert "skin 8" in patient_client.get("/").content.decode()
    DiaryEntry.objects.filter(patient=patient).delete()
    assert "not logged today" in patient_client.get("/").content.decode()


def test_the_dashboard_moves_on_with_the_day_without_any_write(patient_client, patient, monkeypatch):
    EntryFactory(patient=patient, date=patient.today(), mood=9)
    assert "mood 9" in patient_client.get("/").content.decode()
    tomorrow = patient.today() + timedelta(days=1)
    monkeypatch.setattr(Patient, "today", lambda self: tomorrow)
    assert "not logged today" in patient_client.get("/").content.decode()


def test_the_diary_list_follows_new_entries_and_stays_private(client, patient, other_patient):
    EntryFactory(patient=patient, date=date(2026, 3, 1))
    EntryFactory(patient=other_patient, date=date(2026, 3, 2))
    client.force_login(patient.user)
    page = client.get("/diary/").content.decode()
    assert "/diary/2026-03-01/" in page and "/diary/2026-03-02/" not in page
    EntryFactory(patient=patient, date=date(2026, 3, 3))
    page = client.get("/diary/").content.decode()
    assert "/diary/2026-03-03/" in page and "/diary/2026-03-02/" not in page

    client.force_login(other_patient.user)  # the same ids and versions never cross patients
    page = client.get("/diary/").content.decode()
    assert "/diary/2026-03-02/" in page and "/diary/2026-03-01/" not in page


@pytest.mark.parametrize("page, shown", [
    ("2", "Page 2 of 2"), ("0", "Page 2 of 2"), ("99999999", "Page 2 of 2"),  # out of range: the last page
    ("1" * 50, "Page 2 of 2"), ("abc", "Page 1 of 2"), ("", "Page 1 of 2"), ("२", "Page 1 of 2"),
])
def test_the_diary_list_pages_any_page_parameter_like_the_paginator(patient_client, patient, page, shown):
    for back in range(25):
        EntryFactory(patient=patient, date=date(2026, 1, 31) - timedelta(days=back))
    response = patient_client.get("/diary/", {"page": page})
    assert response.status_code == 200
    assert shown in response.content.decode()


def test_triggers_dropped_by_a_table_rebuild_come_back_after_migrate(patient):
    fragments.drop_triggers(connection)
    before = version(patient)
    EntryFactory(patient=patient)
    assert version(patient) == before  # the gap this guards against

    fragments.reinstall_after_migrate(sender=None, using="default")
    EntryFactory(patient=patient, date=date.today() - timedelta(days=1))
    assert version(patient) > before


def test_installing_twice_is_harmless(patient):
    fragments.install_triggers(connection)
    fragments.install_triggers(connection)
    before = version(patient)
    EntryFactory(patient=patient)
    assert version(patient) == before + 1
