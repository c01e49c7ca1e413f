"""Reads that several views, the admin and the exports share. No writes here (core/services.py)."""

import csv
from datetime import date

from django.db.models import Max, Sum
from django.http import HttpResponse

from . import course
from .models import Patient, PregnancyTest

MOOD_CHECK_DAYS = 7


def course_context(patient: Patient, today: date) -> dict:
    """Cumulative dose and the weekly mood check, for the dashboard and the clinician's page."""
    total = None
    if patient.course_start:
        taken = patient.entries.filter(date__gte=patient.course_start, date__lte=today)
        total = taken.aggregate(total=Sum("dose_mg"))["total"]
    last_check = patient.mood_checks.aggregate(last=Max("date"))["last"]
    dose = course.dose_summary(
        [total], course_start=patient.course_start, today=today,
        weight_kg=patient.weight_kg, target_low=patient.target_low_mg_per_kg, target_high=patient.target_high_mg_per_kg,
    )
    return {
        "dose": dose,
        # Shown beside the dose per kilogram: in kilograms, and as the patient gave it.
        "weight_kg": patient.weight_kg,
        "weight_label": patient.weight_label if patient.weight_unit != "kg" else "",
        "mood_check_due": last_check is None or (today - last_check).days >= MOOD_CHECK_DAYS,
        "last_mood_check": last_check,
    }


def pregnancy_context(patient: Patient, today: date) -> dict:
    """The pregnancy-prevention calendar (read only: send_reminders raises a missed-test warning)."""
    tests = [(day, result == "negative") for day, result in patient.pregnancy_tests.values_list("date", "result")]
    return {
        "test_due": next_pregnancy_test(patient, today),
        "collect_by": course.prescription_deadline(tests, course_start=patient.course_start),
        "contraception_until": course.contraception_until(patient.course_end),
    }


def next_pregnancy_test(patient: Patient, today) -> course.TestDue | None:
    if not patient.can_become_pregnant:
        return None
    # Only a negative test counts towards the calendar; a positive one raises pregnancy-positive.
    tests = patient.pregnancy_tests.filter(result=PregnancyTest.Result.NEGATIVE).values_list("date", flat=True)
    return course.next_pregnancy_test(tests, course_start=patient.course_start, course_end=patient.course_end,
                                      today=today)


# A data format, not a page: the same English headers and values (field names, stored codes, yes/no)
# in every language, so that a file reads the same in a spreadsheet or a script whoever downloaded it.
EXPORT_FIELDS = [
    "date", "skin_dryness", "lip_dryness", "eye_dryness", "mood",
    "sun_minutes", "sunscreen", "sunburn", "symptoms", "notes",
]


def write_entries_csv(response: HttpResponse, entries, with_patient: bool = False) -> None:
    writer = csv.writer(response)
    writer.writerow((["patient"] if with_patient else []) + EXPORT_FIELDS)
    for e in entries:
        row = [
            e.date.isoformat(), e.skin_dryness, e.lip_dryness, e.eye_dryness, e.mood,
            e.sun_minutes, "yes" if e.sunscreen else "no", e.sunburn, ";".join(e.symptoms), e.notes,
        ]
        # Every text cell, not only the notes: a username such as "-1+1" or "@A1" is text someone chose.
        writer.writerow([csv_safe(cell) for cell in ([e.patient.user.username] if with_patient else []) + row])


def csv_safe(cell):
    """A text cell starting with = + - @ (or a tab or carriage return before one) is run as a formula
    by spreadsheet programs: it is written with a leading apostrophe. Numbers are left as they are."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


def csv_response(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
