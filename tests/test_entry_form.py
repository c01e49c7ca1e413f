"""Every validation rule of the diary form, with its boundary values, through real POSTs."""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from core.models import DiaryEntry
from tests.factories import EntryFactory, entry_data, patient_today

pytestmark = pytest.mark.django_db


def post(client, **overrides):
    return client.post("/diary/new/", entry_data(**overrides))


@pytest.mark.parametrize("field", ["skin_dryness", "lip_dryness", "eye_dryness", "mood"])
@pytest.mark.parametrize("value, ok", [("0", True), ("10", True), ("-1", False), ("11", False), ("5.5", False),
                                       ("seven", False), ("", False)])
def test_it_validates_scales(patient_client, patient, field, value, ok):
    response = post(patient_client, **{field: value})
    assert (response.status_code == 302) is ok
    assert DiaryEntry.objects.filter(patient=patient).exists() is ok
    if not ok:
        assert response.status_code == 400
        assert "is-invalid" in response.content.decode()


@pytest.mark.parametrize("value, ok", [("0", True), ("1440", True), ("1441", False), ("-1", False), ("lots", False)])
def test_it_validates_sun_minutes(patient_client, patient, value, ok):
    response = post(patient_client, sun_minutes=value)
    assert (response.status_code == 302) is ok


@pytest.mark.parametrize("value, ok", [("none", True), ("mild", True), ("blistering", True), ("severe", False)])
def test_it_validates_sunburn(patient_client, value, ok):
    assert (post(patient_client, sunburn=value).status_code == 302) is ok


def test_sunscreen_is_a_checkbox(patient_client, patient):
    post(patient_client, sunscreen="on")
    assert DiaryEntry.objects.get(patient=patient).sunscreen is True


@pytest.mark.parametrize("length, ok", [(2000, True), (2001, False)])
def test_it_limits_notes_to_2000_characters(patient_client, length, ok):
    response = post(patient_client, notes="n" * length)
    assert (response.status_code == 302) is ok
    if not ok:
        assert "2000" in response.content.decode()


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "", "2026-02-30"])
def test_it_rejects_bad_dates(patient_client, patient, value):
    response = post(patient_client, date=value)
    assert response.status_code == 400
    assert not DiaryEntry.objects.filter(patient=patient).exists()


def test_date_may_be_today_but_not_tomorrow_in_the_patients_time_zone(patient_client, patient):
    # 23:30 UTC on 1 March is already 2 March in Auckland.
    patient.time_zone = "Pacific/Auckland"
    patient.save()
    now = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=now):
        assert post(patient_client, date="2026-03-02").status_code == 302
        response = post(patient_client, date="2026-03-03")
    assert response.status_code == 400
    assert "future" in response.content.decode()


def test_the_form_defaults_to_the_patients_today(patient_client):
    response = patient_client.get("/diary/new/")
    assert f'value="{patient_today().isoformat()}"' in response.content.decode()


def test_date_query_prefills_the_form(patient_client):
    day = (patient_today() - timedelta(days=3)).isoformat()
    assert f'value="{day}"' in patient_client.get(f"/diary/new/?date={day}").content.decode()
    # Nonsense is a clear message on the form set to today, not a 500 (tests/test_quick_entry.py).
    assert patient_client.get("/diary/new/?date=not-a-date").status_code == 400


def test_a_duplicate_date_is_a_form_error_linking_to_the_entry(patient_client, patient):
    existing = EntryFactory(patient=patient, mood=8, notes="first")
    response = post(patient_client, date=existing.date.isoformat(), mood="1", notes="second")
    assert response.status_code == 400
    assert f'href="/diary/{existing.date.isoformat()}/"' in response.content.decode()
    existing.refresh_from_db()
    assert (existing.mood, existing.notes) == (8, "first")  # never an overwrite
    assert DiaryEntry.objects.filter(patient=patient).count() == 1  # never a second row


def test_editing_cannot_move_an_entry_onto_another_day(patient_client, patient):
    first = EntryFactory(patient=patient, date=patient_today() - timedelta(days=1))
    second = EntryFactory(patient=patient, date=patient_today())
    response = patient_client.post(f"/diary/{second.date}/", entry_data(date=first.date.isoformat()))
    assert response.status_code == 400
    second.refresh_from_db()
    assert second.date == patient_today()


def test_unknown_symptom_codes_are_refused(patient_client, patient):
    response = post(patient_client, symptoms="made_up")
    assert response.status_code == 400
    assert not DiaryEntry.objects.filter(patient=patient).exists()


def test_the_scales_show_their_anchors(patient_client):
    page = patient_client.get("/diary/new/").content.decode()
    assert "0 = none" in page and "10 = worst imaginable" in page
    assert "0 = worst" in page and "10 = best" in page


SCALES = ("skin_dryness", "lip_dryness", "eye_dryness", "mood")


def test_each_scale_button_is_a_labelled_required_radio(patient_client):
    page = patient_client.get("/diary/new/").content.decode()
    for name in SCALES:
        ids = re.findall(rf'<input type="radio" class="btn-check" name="{name}" id="(id_{name}_\d+)" value="\d+" '
                         r'required>', page)
        assert ids == [f"id_{name}_{value}" for value in range(11)], name
        assert all(f'<label class="btn btn-outline-primary scale-btn" for="{id_}">' in page for id_ in ids)


def test_an_edit_shows_its_answers_chosen(patient_client, patient):
    entry = EntryFactory(patient=patient, mood=4, symptoms=["vision"])
    page = patient_client.get(f"/diary/{entry.date.isoformat()}/").content.decode()
    assert re.findall(r'name="mood" id="id_mood_(\d+)" value="\d+" checked', page) == ["4"]
    assert re.findall(r'name="symptoms" value="(\w+)" checked', page) == ["vision"]


def test_a_scale_with_an_error_marks_its_buttons_invalid_and_only_those(patient_client):
    page = post(patient_client, lip_dryness="").content.decode()
    assert len(re.findall(r'name="lip_dryness"[^>]*aria-invalid="true"', page)) == 11
    assert not re.search(r'name="(skin_dryness|eye_dryness|mood)"[^>]*aria-invalid', page)
    page = post(patient_client, symptoms="made_up").content.decode()
    assert 'class="checkbox-groups is-invalid"' in page and 'class="form-check-input is-invalid"' in page
