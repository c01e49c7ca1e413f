"""Database constraints: no code path can store an out-of-range value or a second entry a day."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from core.models import DiaryEntry, Patient
from tests.factories import EntryFactory, PatientFactory

pytestmark = pytest.mark.django_db


def _write(patient, **values):
    fields = {
        "patient": patient, "date": date(2026, 1, 1), "skin_dryness": 1, "lip_dryness": 1,
        "eye_dryness": 1, "mood": 5, "sun_minutes": 0, "sunburn": "none",
    }
    fields.update(values)
    with transaction.atomic():
        return DiaryEntry.objects.create(**fields)


@pytest.mark.parametrize("field", ["skin_dryness", "lip_dryness", "eye_dryness", "mood"])
def test_it_stores_scale_boundaries(patient, field):
    _write(patient, date=date(2026, 1, 1), **{field: 0})
    _write(patient, date=date(2026, 1, 2), **{field: 10})
    assert DiaryEntry.objects.filter(patient=patient).count() == 2


@pytest.mark.parametrize("field", ["skin_dryness", "lip_dryness", "eye_dryness", "mood"])
@pytest.mark.parametrize("value", [11, 255, -1])
def test_it_refuses_out_of_range_scales_in_the_database(patient, field, value):
    with pytest.raises(IntegrityError):
        _write(patient, **{field: value})


@pytest.mark.parametrize("value, ok", [(0, True), (1440, True), (1441, False), (-1, False)])
def test_sun_minutes_range_is_a_database_rule(patient, value, ok):
    if ok:
        assert _write(patient, sun_minutes=value).pk
    else:
        with pytest.raises(IntegrityError):
            _write(patient, sun_minutes=value)


def test_it_refuses_an_unknown_sunburn_value(patient):
    with pytest.raises(IntegrityError):
        _write(patient, sunburn="severe")


def test_it_refuses_notes_over_2000_characters(patient):
    assert _write(patient, date=date(2026, 1, 1), notes="x" * 2000).pk
    with pytest.raises(IntegrityError):
        _write(patient, date=date(2026, 1, 2), notes="x" * 2001)


def test_it_refuses_a_second_entry_on_the_same_day(patient):
    _write(patient)
    with pytest.raises(IntegrityError):
        _write(patient, mood=2)
    assert DiaryEntry.objects.filter(patient=patient).count() == 1


def test_two_patients_may_log_the_same_day(patient, other_patient):
    _write(patient)
    _write(other_patient)
    assert DiaryEntry.objects.count() == 2


def test_update_cannot_bypass_the_range_check(patient):
    entry = _write(patient)
    with pytest.raises(IntegrityError), transaction.atomic():
        DiaryEntry.objects.filter(pk=entry.pk).update(mood=11)


@pytest.mark.parametrize(
    "field, value, ok",
    [("daily_dose_mg", 200, True), ("daily_dose_mg", 201, False), ("weight_kg", 20, True),
     ("weight_kg", 19.9, False), ("weight_kg", 300, True), ("weight_kg", 300.1, False)],
)
def test_profile_ranges_are_database_rules(field, value, ok):
    patient = PatientFactory()
    if ok:
        Patient.objects.filter(pk=patient.pk).update(**{field: value})
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            Patient.objects.filter(pk=patient.pk).update(**{field: value})


def test_course_day_counts_the_start_day_as_day_one():
    patient = PatientFactory.build(course_start=date(2026, 1, 1))
    assert patient.course_day(date(2026, 1, 1)) == 1
    assert patient.course_day(date(2026, 1, 31)) == 31
    assert PatientFactory.build(course_start=None).course_day(date(2026, 1, 1)) is None


def test_for_patient_returns_only_that_patients_entries(patient, other_patient):
    mine = EntryFactory(patient=patient)
    EntryFactory(patient=other_patient)
    assert list(DiaryEntry.objects.for_patient(patient)) == [mine]


# A value each check constraint of DiaryEntry refuses, which full_clean must refuse first (a form
# error, not a database error): DiaryEntry.validate_constraints leaves those constraints to the
# fields' validators.
REFUSED_BY_CHECK_CONSTRAINT = {
    "entry_mood_0_10": ("mood", 11), "entry_skin_dryness_0_10": ("skin_dryness", -1),
    "entry_lip_dryness_0_10": ("lip_dryness", 11), "entry_eye_dryness_0_10": ("eye_dryness", -1),
    "entry_sun_minutes_range": ("sun_minutes", 1441), "entry_sunburn_choice": ("sunburn", "peeling"),
    "entry_anything_unusual_choice": ("anything_unusual", "maybe"), "entry_dose_range": ("dose_mg", 201),
    "entry_notes_length": ("notes", "x" * 2001),
}


def test_every_check_constraint_has_a_bad_value_below():
    from django.db.models import CheckConstraint

    names = {c.name for c in DiaryEntry._meta.constraints if isinstance(c, CheckConstraint)}
    assert names == set(REFUSED_BY_CHECK_CONSTRAINT)


@pytest.mark.parametrize("field, value", REFUSED_BY_CHECK_CONSTRAINT.values(), ids=REFUSED_BY_CHECK_CONSTRAINT)
def test_full_clean_refuses_every_out_of_range_value(patient, field, value):
    from django.core.exceptions import ValidationError

    entry = EntryFactory.build(patient=patient, **{field: value})
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert field in error.value.message_dict


def test_full_clean_refuses_a_second_entry_for_the_same_day(patient):
    from django.core.exceptions import ValidationError

    EntryFactory(patient=patient, date=date(2026, 5, 1))
    second = EntryFactory.build(patient=patient, date=date(2026, 5, 1))
    with pytest.raises(ValidationError, match="already exists"):
        second.full_clean()
    with pytest.raises(ValidationError) as error:  # as Django's own reports it: for the entry as a whole
        second.validate_constraints()
    assert list(error.value.message_dict) == ["__all__"]
