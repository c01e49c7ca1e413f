"""What a patient's pages show follows every change to what they show, whichever way it is made
(the diary, the admin, a bulk update, a cascade, the date) and never crosses patients."""

from datetime import date, timedelta

import pytest

from core import services, views
from core.models import Alert, DiaryEntry, Patient, Rule, RuleOverride
from tests.factories import ClinicianFactory, EntryFactory, entry_data

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_a_clinicians_acknowledgement_made_after_it_was_cached(
    client, patient, django_assert_num_queries
):
    dr = ClinicianFactory()
    patient.clinicians.add(dr)
    client.force_login(patient.user)
    # A warning a clinician can acknowledge: three dry days in a row (a single dry day is for the patient only).
    for back in (2, 1, 0):
        services.entry_save(entry=DiaryEntry(patient=patient, date=patient.today() - timedelta(days=back),
                                             skin_dryness=2, lip_dryness=8, eye_dryness=1, mood=7, sun_minutes=0))
    page = client.get("/").content.decode()
    assert 'data-warning="dryness-persistent"' in page and "Reviewed by your clinician" not in page
    with django_assert_num_queries(2):  # session and user: the rest comes from the cache
        assert 'data-warning="dryness-persistent"' in client.get("/").content.decode()

    staff = client.__class__()
    staff.force_login(dr)
    ids = [str(pk) for pk in Alert.objects.filter(patient=patient).values_list("pk", flat=True)]
    staff.post("/admin/core/alert/", {"action": "acknowledge", "_selected_action": ids, "confirm": "yes",
                                      "outcome": "no_action"})
    assert "Reviewed by your clinician" in client.get("/").content.decode()


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


def test_the_diary_cache_keeps_one_copy_of_each_page_shown_whatever_page_is_asked_for(patient_client, patient,
                                                                                      monkeypatch):
    for back in range(25):
        EntryFactory(patient=patient, date=date(2026, 1, 31) - timedelta(days=back))
    kept = []
    real = views.patient_fragment

    def spy(kind, patient, variant, render):
        kept.append((kind, variant))
        return real(kind, patient, variant, render)

    monkeypatch.setattr(views, "patient_fragment", spy)
    for page in ("2", "999", "1000000", "0", "9" * 40):
        assert "Page 2 of 2" in patient_client.get("/diary/", {"page": page}).content.decode()
    assert {variant for kind, variant in kept if kind == "diary"} == {"2"}


def test_the_cached_dashboard_is_rendered_without_the_request_and_keeps_the_crisis_contacts(patient, settings):
    settings.CRISIS_CONTACTS = "Call 988 now"
    services.entry_save(entry=EntryFactory.build(patient=patient, date=patient.today(), symptoms=["self_harm"]))
    urgent, body = views.dashboard_fragments(patient, patient.today())  # no request to take anything from
    assert 'data-warning="self-harm"' in urgent and "Call 988 now" in urgent
    assert "csrfmiddlewaretoken" not in urgent + body


def test_a_new_override_and_a_rule_change_apply_to_the_next_entry(patient_client, patient):
    def post_mood(mood: int, on: date) -> set[str]:
        response = patient_client.post("/diary/new/", entry_data(date=on.isoformat(), mood=str(mood)))
        assert response.status_code == 302
        return set(Alert.objects.filter(patient=patient, last_day=on).values_list("rule_code", flat=True))

    today = patient.today()
    assert "mood-low" not in post_mood(5, today - timedelta(days=3))  # default threshold 3
    RuleOverride.objects.create(patient=patient, rule=Rule.objects.get(code="mood-low"), threshold=5)
    assert "mood-low" in post_mood(5, today - timedelta(days=2))
    Rule.objects.filter(code="mood-low").update(enabled=False)
    assert "mood-low" not in post_mood(5, today - timedelta(days=1))
