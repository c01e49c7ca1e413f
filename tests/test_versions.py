"""The patient's data version, kept by database triggers: the key of the per-patient page cache.

A cached dashboard or diary page must never outlive a change to what it shows, whichever way the
change is made: the diary, the admin, a bulk update or a cascade. (What the pages show after such
changes is tested in tests/test_pages_follow_changes.py.)"""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Alert, DiaryEntry, MoodCheck, Patient, PregnancyTest, Rule
from tests.factories import EntryFactory, patient_today

pytestmark = pytest.mark.django_db


def version(patient: Patient) -> int:
    return Patient.objects.values_list("data_version", flat=True).get(pk=patient.pk)


def test_every_write_to_a_patients_rows_raises_only_that_patients_version(patient, other_patient):
    # One write to each of the five tables the pages show. A later migration that rebuilds one of
    # them on SQLite drops its triggers and fails here until it installs them again (see
    # core/migrations/0007_patient_version_triggers.py).
    others = version(other_patient)
    entry = EntryFactory(patient=patient, date=patient_today())
    writes = [
        lambda: EntryFactory(patient=patient, date=patient_today() - timedelta(days=1)),
        lambda: DiaryEntry.objects.filter(pk=entry.pk).update(mood=3),
        lambda: Alert.objects.create(patient=patient, first_day=entry.date, last_day=entry.date, rule_code="mood-low",
                                     severity="warning", message="m", advice="a"),
        lambda: Alert.objects.filter(patient=patient).update(acknowledged_at=timezone.now()),
        lambda: MoodCheck.objects.create(patient=patient, date=patient_today(), q1=0, q2=0, total=0, band="none"),
        lambda: PregnancyTest.objects.create(patient=patient, date=patient_today(), result="negative"),
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


def test_editing_a_rule_writes_no_patient_row(patient, other_patient):
    before = version(patient), version(other_patient)
    Rule.objects.filter(code="mood-low").update(threshold=4)
    assert (version(patient), version(other_patient)) == before


def test_assigning_or_removing_a_clinician_raises_the_version(patient, clinician):
    # Urgent warnings say whether a clinician is assigned (data-care-team): a cached page must follow.
    before = version(patient)
    patient.clinicians.add(clinician)
    added = version(patient)
    assert added > before
    patient.clinicians.remove(clinician)
    assert version(patient) > added
