from datetime import timedelta

import pytest

from tests.factories import EntryFactory, PatientFactory, patient_today
from tests.pages import html

pytestmark = pytest.mark.django_db


def test_signed_out_visitors_see_the_landing_page(client):
    page = client.get("/").content.decode()
    assert 'href="/accounts/signup/"' in page
    assert 'href="/learn/mood/"' in page


def test_it_links_to_todays_entry_form_when_not_logged(patient_client):
    page = patient_client.get("/").content.decode()
    assert 'href="/diary/new/"' in page
    assert "not logged today" in page


def test_it_shows_todays_entry_and_days_logged(patient_client, patient):
    EntryFactory(patient=patient, date=patient_today(), skin_dryness=6, mood=9)
    EntryFactory(patient=patient, date=patient_today() - timedelta(days=13))
    EntryFactory(patient=patient, date=patient_today() - timedelta(days=14))  # outside the 14 days
    page = patient_client.get("/").content.decode()
    assert "skin 6" in page and "mood 9" in page
    assert "<strong>2</strong> of the last 14 days logged" in page


def test_the_chart_has_the_same_numbers_in_a_table(patient_client, patient):
    EntryFactory(patient=patient, date=patient_today() - timedelta(days=1), skin_dryness=4, lip_dryness=5,
                 eye_dryness=6, mood=3, sun_minutes=47)
    EntryFactory(patient=patient, date=patient_today() - timedelta(days=40), sun_minutes=999)  # outside 30 days
    page = html(patient_client.get("/"))
    assert "<svg" in page and "<polyline" not in page  # one point only: a dot, no line
    assert "<td>4</td><td>5</td><td>6</td><td>3</td><td>47</td>" in page
    assert "999" not in page


def test_the_chart_breaks_lines_at_missing_days(patient_client, patient):
    for back in (1, 2, 4, 5):
        EntryFactory(patient=patient, date=patient_today() - timedelta(days=back))
    page = patient_client.get("/").content.decode()
    assert page.count("<polyline") == 2 * 4  # two segments for each of the four series


def test_it_nudges_to_complete_the_profile_without_blocking(patient_client, patient):
    assert "profile is not complete" in patient_client.get("/").content.decode()
    patient.course_start = patient_today() - timedelta(days=9)
    patient.daily_dose_mg = 40
    patient.save()
    page = patient_client.get("/").content.decode()
    assert "profile is not complete" not in page
    assert "Course day <strong>10</strong>" in page


def test_it_shows_only_my_own_entries(patient_client):
    other = PatientFactory()
    EntryFactory(patient=other, date=patient_today(), skin_dryness=9, mood=1, sun_minutes=321)
    page = html(patient_client.get("/"))
    assert "321" not in page
    assert "not logged today" in page
