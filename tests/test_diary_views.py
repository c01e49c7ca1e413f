"""Diary pages: the owner's access, and everyone else's denial."""

import csv
import io
from datetime import date, timedelta

import pytest

from core.models import DiaryEntry
from tests.factories import EntryFactory, entry_data, patient_today

pytestmark = pytest.mark.django_db

DIARY_URLS = ["/", "/diary/", "/diary/new/", "/diary/export.csv", "/accounts/profile/"]


@pytest.mark.parametrize("url", DIARY_URLS[1:] + ["/diary/2026-01-01/", "/diary/2026-01-01/delete/"])
def test_it_requires_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_it_lists_entries_newest_first_and_paginates(patient_client, patient):
    for back in range(25):
        EntryFactory(patient=patient, date=patient_today() - timedelta(days=back))
    page = patient_client.get("/diary/").content.decode()
    assert page.index(f"/diary/{patient_today()}/") < page.index(f"/diary/{patient_today() - timedelta(days=1)}/")
    assert page.count('href="/diary/20') == 20
    second = patient_client.get("/diary/?page=2").content.decode()
    assert second.count('href="/diary/20') == 5
    assert patient_client.get("/diary/?page=banana").status_code == 200


def test_it_creates_an_entry_and_redirects_to_it(patient_client, patient):
    response = patient_client.post("/diary/new/", entry_data(mood="6", notes="ok day"))
    entry = DiaryEntry.objects.get(patient=patient)
    assert response.status_code == 302
    assert response["Location"] == f"/diary/{entry.date.isoformat()}/"
    assert (entry.mood, entry.notes) == (6, "ok day")


def test_it_edits_an_entry(patient_client, patient):
    entry = EntryFactory(patient=patient, mood=7)
    response = patient_client.post(f"/diary/{entry.date}/", entry_data(date=entry.date.isoformat(), mood="4"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.mood == 4


def test_delete_asks_then_deletes_on_post(patient_client, patient):
    entry = EntryFactory(patient=patient)
    page = patient_client.get(f"/diary/{entry.date}/delete/")
    assert page.status_code == 200 and "Delete the entry" in page.content.decode()
    assert DiaryEntry.objects.filter(pk=entry.pk).exists()
    assert patient_client.post(f"/diary/{entry.date}/delete/").status_code == 302
    assert not DiaryEntry.objects.filter(pk=entry.pk).exists()


def test_an_impossible_or_missing_date_url_is_a_404(patient_client):
    assert patient_client.get("/diary/2026-02-30/").status_code == 404
    assert patient_client.get("/diary/2020-01-01/").status_code == 404


def test_notes_are_shown_escaped(patient_client, patient):
    entry = EntryFactory(patient=patient, notes="<script>alert('x')</script>")
    page = patient_client.get(f"/diary/{entry.date}/").content.decode()
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(" in page


def test_export_has_all_own_entries_as_csv(patient_client, patient):
    EntryFactory(patient=patient, date=date(2026, 1, 2), mood=4, notes="=HYPERLINK(1)")
    EntryFactory(patient=patient, date=date(2026, 1, 1), mood=8, symptoms=["hearing"])
    response = patient_client.get("/diary/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["date"], r["mood"]) for r in rows] == [("2026-01-01", "8"), ("2026-01-02", "4")]
    assert rows[0]["symptoms"] == "hearing"
    assert rows[1]["notes"] == "'=HYPERLINK(1)"  # not run as a formula by a spreadsheet


# --- Denial: another patient, and staff ---------------------------------------------------------


@pytest.fixture
def others_entry(other_patient):
    return EntryFactory(patient=other_patient, date=patient_today() - timedelta(days=2), notes="private note")


def test_another_patients_entries_are_not_listed(patient_client, others_entry):
    page = patient_client.get("/diary/").content.decode()
    assert f"/diary/{others_entry.date}/" not in page


def test_another_patients_entry_is_a_404_to_view_edit_and_delete(patient_client, others_entry):
    url = f"/diary/{others_entry.date}/"
    assert patient_client.get(url).status_code == 404
    assert patient_client.post(url, entry_data(date=others_entry.date.isoformat(), mood="0")).status_code == 404
    assert patient_client.get(url + "delete/").status_code == 404
    assert patient_client.post(url + "delete/").status_code == 404
    others_entry.refresh_from_db()
    assert others_entry.mood == 7


def test_another_patients_entries_are_not_exported(patient_client, patient, others_entry):
    EntryFactory(patient=patient, date=patient_today())
    body = patient_client.get("/diary/export.csv").content.decode()
    assert "private note" not in body
    assert others_entry.date.isoformat() not in body


def test_writing_my_entry_on_the_same_day_as_another_patient_is_fine(patient_client, patient, others_entry):
    response = patient_client.post("/diary/new/", entry_data(date=others_entry.date.isoformat()))
    assert response.status_code == 302
    assert DiaryEntry.objects.filter(patient=patient, date=others_entry.date).exists()


def test_staff_have_no_diary(client, clinician, others_entry):
    client.force_login(clinician)
    assert client.get(f"/diary/{others_entry.date}/").status_code == 404
    assert client.get("/diary/").status_code == 404
    assert client.get("/diary/export.csv").status_code == 404
    assert client.get("/").status_code == 302  # the dashboard sends staff to the admin


def test_unsupported_methods_are_refused(patient_client):
    assert patient_client.put("/diary/new/").status_code == 405
    assert patient_client.post("/diary/export.csv").status_code == 405


@pytest.mark.parametrize("days", [30, 365])
def test_a_patients_pages_cost_the_same_queries_however_long_the_diary(patient_client, patient, days,
                                                                          django_assert_num_queries):
    today = patient.today()
    patient.course_start = today - timedelta(days=days)
    patient.save()
    DiaryEntry.objects.bulk_create(
        EntryFactory.build(patient=patient, date=today - timedelta(days=back), mood=2 + back % 7)
        for back in range(days)
    )
    # session, user with profile; then the page's own reads
    with django_assert_num_queries(6):  # 30 days of entries, dose total, last mood check, findings
        assert patient_client.get("/").status_code == 200
    with django_assert_num_queries(4):  # the count and one page of entries
        assert patient_client.get("/diary/").status_code == 200
    # form: the entry, the duplicate check; rules, overrides; the patient's row locked, save, the episodes and
    # days around it, in a transaction; and two inserts: the episodes of the bulk-created days around it
    # (mood-low, mood-drop), which no save had evaluated
    day = (today - timedelta(days=1)).isoformat()
    with django_assert_num_queries(13):
        response = patient_client.post(f"/diary/{day}/", entry_data(date=day, mood="5"))
    assert response.status_code == 302
