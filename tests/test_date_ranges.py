"""Issue 20, item 3: dates in range on every form, and no page answers 500 for any stored date."""

from datetime import date, timedelta

import pytest

from core.models import DiaryEntry, MoodCheck, Patient, PregnancyTest
from tests.factories import EntryFactory, entry_data

ODD_DATES = [date(1, 1, 1), date(26, 10, 1), date(1999, 12, 31), date(9999, 12, 31), date(9999, 1, 1)]


def store(patient: Patient, **fields) -> None:
    """Write profile fields straight to the row, as rows stored before validation existed."""
    Patient.objects.filter(pk=patient.pk).update(**fields)


@pytest.fixture
def pregnant_capable(patient):
    store(patient, can_become_pregnant=True, weight_kg=60, daily_dose_mg=40)
    return patient


PATIENT_PAGES = ["/", "/diary/", "/pregnancy/", "/mood-check/", "/diary/export.csv", "/accounts/export.json",
                 "/accounts/profile/", "/diary/new/"]


@pytest.mark.parametrize("start", [*ODD_DATES, None])
@pytest.mark.parametrize("end", [*ODD_DATES, None])
def test_it_shows_every_patient_page_whatever_course_dates_are_stored(client, pregnant_capable, clinician, start, end):
    patient = pregnant_capable
    patient.clinicians.add(clinician)
    store(patient, course_start=start, course_end=end)
    EntryFactory(patient=patient, date=patient.today(), dose_mg=40)
    client.force_login(patient.user)
    for page in PATIENT_PAGES:
        assert client.get(page).status_code == 200, page
    client.force_login(clinician)
    assert client.get(f"/admin/core/patient/{patient.pk}/change/").status_code == 200
    assert client.get(f"/admin/core/patient/{patient.pk}/summary/").status_code == 200
    assert client.get("/admin/core/patient/").status_code == 200


@pytest.mark.parametrize("day", ODD_DATES)
def test_it_shows_entries_tests_and_mood_checks_stored_on_any_date(client, pregnant_capable, clinician, day):
    patient = pregnant_capable
    patient.clinicians.add(clinician)
    store(patient, course_start=date(2026, 1, 5), course_end=date(2026, 7, 5))
    EntryFactory(patient=patient, date=day, dose_mg=40)
    PregnancyTest.objects.create(patient=patient, date=day, result="negative")
    MoodCheck.objects.create(patient=patient, date=day, q1=1, q2=1, total=2, band="PHQ-2 negative")
    client.force_login(patient.user)
    for page in [*PATIENT_PAGES, f"/diary/{day.isoformat()}/", f"/diary/{day.isoformat()}/delete/"]:
        assert client.get(page).status_code == 200, page
    client.force_login(clinician)
    for page in [f"/admin/core/patient/{patient.pk}/change/", "/admin/core/diaryentry/", "/admin/core/moodcheck/",
                 "/admin/core/pregnancytest/", "/admin/core/alert/", "/admin/"]:
        assert client.get(page).status_code == 200, page


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
def test_the_patient_can_edit_and_delete_an_entry_stored_on_an_odd_date(patient_client, patient, day):
    EntryFactory(patient=patient, date=day, mood=7)
    data = entry_data(date=day.isoformat(), mood="6")
    response = patient_client.post(f"/diary/{day.isoformat()}/", data)
    assert response.status_code == 302
    assert DiaryEntry.objects.get(patient=patient, date=day).mood == 6
    assert patient_client.post(f"/diary/{day.isoformat()}/delete/").status_code == 302
    assert not DiaryEntry.objects.filter(patient=patient).exists()


# --- The forms: date edges -------------------------------------------------------------------------


def entry_post(client, day: date):
    return client.post("/diary/new/", entry_data(date=day.isoformat()))


@pytest.mark.parametrize("offset_days, ok", [(None, False), (0, True), (1, True)])
def test_it_takes_new_entries_from_january_1_2000(patient_client, offset_days, ok):
    day = date(1999, 12, 31) if offset_days is None else date(2000, 1, 1) + timedelta(days=offset_days)
    response = entry_post(patient_client, day)
    assert response.status_code == (302 if ok else 400)
    if not ok:
        assert "Choose a date from January 1, 2000 to today." in response.content.decode()


@pytest.mark.parametrize("raw", ["0001-01-01", "0026-10-01", "9999-12-31", "10000-01-01", "2026-13-01"])
def test_it_refuses_a_typo_in_the_year_of_an_entry_with_a_form_error(patient_client, patient, raw):
    response = patient_client.post("/diary/new/", entry_data(date=raw))
    assert response.status_code == 400
    assert not DiaryEntry.objects.filter(patient=patient).exists()


def test_it_takes_today_and_refuses_tomorrow_in_the_patients_time_zone(patient_client, patient):
    assert entry_post(patient_client, patient.today() + timedelta(days=1)).status_code == 400
    assert entry_post(patient_client, patient.today()).status_code == 302


def test_moving_an_entry_to_a_date_before_2000_is_refused(patient_client, patient):
    EntryFactory(patient=patient, date=date(2026, 3, 1))
    response = patient_client.post("/diary/2026-03-01/", entry_data(date="0026-03-01"))
    assert response.status_code == 400
    assert DiaryEntry.objects.get(patient=patient).date == date(2026, 3, 1)


PROFILE = {"display_name": "Pat", "time_zone": "UTC", "course_start": "", "course_end": "", "daily_dose_mg": "40"}


def two_years_on(patient: Patient) -> date:
    today = patient.today()
    try:
        return today.replace(year=today.year + 2)
    except ValueError:  # February 29
        return today.replace(year=today.year + 2, day=28)


@pytest.mark.parametrize("field", ["course_start", "course_end"])
def test_course_dates_run_from_2000_to_two_years_ahead(patient_client, patient, field):
    latest = two_years_on(patient)
    cases = [(date(1999, 12, 31), False), (date(2000, 1, 1), True), (latest, True),
             (latest + timedelta(days=1), False), (date(26, 10, 1), False), (date(9999, 12, 31), False)]
    for day, ok in cases:
        response = patient_client.post("/accounts/profile/", {**PROFILE, field: day.isoformat()})
        assert response.status_code == (302 if ok else 400), day
        if not ok:
            assert "Choose a date from January 1, 2000 to " in response.content.decode()
        patient.refresh_from_db()
        assert (getattr(patient, field) == day) is ok


def test_an_old_stored_course_date_never_blocks_saving_the_rest_of_the_profile(patient_client, patient):
    store(patient, course_start=date(26, 10, 1), course_end=date(9999, 12, 31))
    data = {**PROFILE, "display_name": "Pat B", "course_start": "0026-10-01", "course_end": "9999-12-31"}
    assert patient_client.post("/accounts/profile/", data).status_code == 302
    patient.refresh_from_db()
    assert (patient.display_name, patient.course_start) == ("Pat B", date(26, 10, 1))


def test_a_superuser_editing_a_patient_in_the_admin_gets_the_same_course_date_check(client, patient):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(f"/admin/core/patient/{patient.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name != "clinicians"}
    data.update(time_zone="UTC", course_start="0026-10-01")
    response = client.post(f"/admin/core/patient/{patient.pk}/change/", data)
    assert response.status_code == 200
    assert "Choose a date from January 1, 2000" in response.content.decode()
    patient.refresh_from_db()
    assert patient.course_start is None


@pytest.mark.parametrize("day, ok", [(date(1999, 12, 31), False), (date(2000, 1, 1), True), (None, True),
                                     ("tomorrow", False), (date(9999, 12, 31), False)])
def test_pregnancy_tests_are_dated_from_2000_to_today(patient_client, pregnant_capable, day, ok):
    today = pregnant_capable.today()
    day = today if day is None else today + timedelta(days=1) if day == "tomorrow" else day
    response = patient_client.post("/pregnancy/", {"log_test": "1", "date": day.isoformat(), "result": "negative"})
    assert response.status_code == (302 if ok else 400)
    assert PregnancyTest.objects.filter(patient=pregnant_capable).exists() is ok


def test_another_clinician_still_gets_a_404_for_that_patient(client, patient):
    from tests.factories import ClinicianFactory

    store(patient, course_start=date(26, 10, 1), course_end=date(9999, 12, 31))
    client.force_login(ClinicianFactory(username="stranger"))
    assert client.get(f"/admin/core/patient/{patient.pk}/change/").status_code == 404
    assert client.get(f"/admin/core/patient/{patient.pk}/summary/").status_code == 404
