"""Warnings end to end: saving an entry raises, keeps, resolves and shows alerts."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from core import services
from core.models import Alert, DiaryEntry, Rule, RuleOverride
from tests.factories import EntryFactory, PatientFactory, entry_data

pytestmark = pytest.mark.django_db
TODAY = date.today()


def save(patient, on=TODAY, **values) -> DiaryEntry:
    entry = DiaryEntry.objects.filter(patient=patient, date=on).first() or EntryFactory.build(patient=patient, date=on)
    for name, value in values.items():
        setattr(entry, name, value)
    services.entry_save(entry=entry)
    return entry


def warnings_on(page: str) -> list[tuple[str, str]]:
    return re.findall(r'data-warning="([^"]+)" data-severity="([^"]+)"', page)


def test_a_post_crossing_a_threshold_shows_the_warning_straight_after(patient_client, patient):
    response = patient_client.post("/diary/new/", entry_data(lip_dryness="8"), follow=True)
    page = response.content.decode()
    assert warnings_on(page) == [("dryness-high", "warning")]
    assert 'href="/learn/dryness/"' in page
    alert = Alert.objects.get(patient=patient)
    assert (alert.rule_code, alert.severity, alert.entry_date) == ("dryness-high", "warning", TODAY)
    assert "Lip dryness 8" in alert.detail


def test_three_low_mood_days_show_one_urgent_banner_at_the_top(patient_client, patient):
    for back in (2, 1):
        save(patient, TODAY - timedelta(days=back), mood=2)
    response = patient_client.post("/diary/new/", entry_data(mood="2"), follow=True)
    page = response.content.decode()
    found = warnings_on(page)
    assert ("mood-persistent-low", "urgent") in found
    assert found.count(("mood-persistent-low", "urgent")) == 1
    assert found.count(("mood-low", "warning")) == 1
    # Urgent comes before the page's own heading and before any other warning.
    assert page.index('data-warning="mood-persistent-low"') < page.index("<h1")
    assert 'href="/learn/mood/#get-help-now"' in page


def test_self_harm_shows_the_crisis_contacts_from_settings(patient_client, settings):
    settings.CRISIS_CONTACTS = "Call 999 or Samaritans on 116 123"
    response = patient_client.post("/diary/new/", entry_data(symptoms="self_harm"), follow=True)
    page = response.content.decode()
    assert ("self-harm", "urgent") in warnings_on(page)
    assert "Call 999 or Samaritans on 116 123" in page
    assert 'href="/learn/warning-signs/#self_harm"' in page


def test_red_flag_links_to_the_first_symptom_and_names_them_all(patient_client, patient):
    response = patient_client.post("/diary/new/", {**entry_data(), "symptoms": ["jaundice", "hearing"]}, follow=True)
    page = response.content.decode()
    assert warnings_on(page) == [("red-flag", "urgent")]
    alert = Alert.objects.get(patient=patient, rule_code="red-flag")
    assert "Yellow skin or eyes" in alert.detail and "Hearing loss" in alert.detail
    assert alert.learn_url.startswith("/learn/warning-signs/#")


def test_editing_re_evaluates_clearing_what_no_longer_holds(patient):
    entry = save(patient, lip_dryness=8, mood=2)
    assert set(Alert.objects.unresolved().values_list("rule_code", flat=True)) == {"dryness-high", "mood-low"}
    save(patient, lip_dryness=3, mood=2)
    alerts = {a.rule_code: a for a in Alert.objects.filter(entry=entry)}
    assert alerts["dryness-high"].resolved_at is not None
    assert alerts["mood-low"].resolved_at is None


def test_editing_keeps_a_finding_that_still_holds_without_duplicating_it(patient):
    save(patient, lip_dryness=8)
    save(patient, lip_dryness=9)
    save(patient, lip_dryness=9, notes="again")
    alerts = Alert.objects.filter(patient=patient, rule_code="dryness-high")
    assert alerts.count() == 1
    assert "Lip dryness 9" in alerts.get().detail


def test_a_finding_that_returns_after_an_edit_reopens_the_same_alert(patient):
    save(patient, mood=1)
    save(patient, mood=8)
    save(patient, mood=1)
    alert = Alert.objects.get(patient=patient, rule_code="mood-low")
    assert alert.resolved_at is None


def test_an_acknowledged_alert_is_not_raised_again_for_the_same_entry(patient, clinician):
    entry = save(patient, mood=1)
    Alert.objects.filter(entry=entry).update(acknowledged_by=clinician, acknowledged_at=timezone.now())
    save(patient, mood=0)
    alert = Alert.objects.get(entry=entry, rule_code="mood-low")
    assert alert.acknowledged_by == clinician
    assert not Alert.objects.open().exists()


def test_deleting_an_entry_resolves_its_alerts_and_keeps_them_on_record(patient_client, patient):
    entry = save(patient, sunburn="blistering")
    patient_client.post(f"/diary/{entry.date}/delete/")
    alert = Alert.objects.get(patient=patient)
    assert alert.entry is None and alert.resolved_at is not None
    assert alert.entry_date == TODAY
    assert warnings_on(patient_client.get("/").content.decode()) == []


def test_a_per_patient_override_changes_the_threshold_for_that_patient_only(patient, other_patient, clinician):
    RuleOverride.objects.create(patient=patient, rule=Rule.objects.get(code="dryness-high"), threshold=9,
                                set_by=clinician)
    save(patient, lip_dryness=8)
    save(other_patient, lip_dryness=8)
    assert not Alert.objects.filter(patient=patient).exists()
    assert Alert.objects.filter(patient=other_patient, rule_code="dryness-high").exists()
    save(patient, lip_dryness=9)
    assert Alert.objects.filter(patient=patient, rule_code="dryness-high").exists()


def test_an_admin_edit_of_a_rule_takes_effect(patient):
    Rule.objects.filter(code="sun-unprotected").update(threshold=60)
    save(patient, sun_minutes=45)
    assert not Alert.objects.filter(patient=patient).exists()


def test_the_dashboard_shows_the_last_7_days_findings_that_still_hold(patient_client, patient, clinician):
    save(patient, TODAY - timedelta(days=6), mood=1)
    save(patient, TODAY - timedelta(days=7), lip_dryness=9)  # too old
    save(patient, TODAY - timedelta(days=2), sun_minutes=90)
    Alert.objects.filter(rule_code="sun-unprotected").update(acknowledged_by=clinician,
                                                             acknowledged_at=timezone.now())
    page = patient_client.get("/").content.decode()
    assert sorted(warnings_on(page)) == [("mood-low", "warning"), ("sun-unprotected", "warning")]
    assert "Seen by your care team on" in page


def test_warnings_are_private(patient_client, patient):
    other = PatientFactory()
    save(other, mood=0, symptoms=["self_harm"])
    assert warnings_on(patient_client.get("/").content.decode()) == []


def test_saving_reads_a_bounded_window_however_long_the_diary(patient, monkeypatch):
    for back in range(1, 200):
        EntryFactory(patient=patient, date=TODAY - timedelta(days=back), mood=5)
    EntryFactory(patient=patient, date=TODAY + timedelta(days=5), mood=5)  # outside the window, after
    seen = [TODAY]  # the entry itself
    real = services.day_from_values
    monkeypatch.setattr(services, "day_from_values", lambda row: seen.append(row["date"]) or real(row))
    services.entry_save(entry=EntryFactory.build(patient=patient, date=TODAY, mood=5))
    # The days the entry's rules see (7 before, 2 after) and those its neighbours' run and
    # mood-drop findings see (up to 9 either side): the 9 days before, the saved day read back,
    # and the entry 5 days after; nothing of the other 190 days.
    assert sorted(seen) == sorted([TODAY] + [TODAY - timedelta(days=back) for back in range(10)]
                                  + [TODAY + timedelta(days=5)])


def test_the_dashboard_shows_one_element_per_rule_with_the_other_dates(patient_client, patient):
    for back in (4, 2, 0):
        save(patient, TODAY - timedelta(days=back), mood=3)
    page = patient_client.get("/").content.decode()
    assert warnings_on(page) == [("mood-low", "warning")]
    assert "also on" in page
    assert f"{(TODAY - timedelta(days=4)).day} " in page.split("also on", 1)[1][:40]


def test_deleting_a_day_resolves_the_run_finding_of_the_day_after(patient_client, patient):
    for back in (2, 1, 0):
        save(patient, TODAY - timedelta(days=back), mood=2)
    run_alert = Alert.objects.get(rule_code="mood-persistent-low", entry_date=TODAY)
    assert run_alert.resolved_at is None
    patient_client.post(f"/diary/{TODAY - timedelta(days=1)}/delete/")
    run_alert.refresh_from_db()
    assert run_alert.resolved_at is not None  # days 1 and 3 are no longer consecutive
    assert Alert.objects.get(rule_code="mood-low", entry_date=TODAY).resolved_at is None  # still true of today


def test_editing_a_day_out_of_a_run_resolves_the_neighbours_run_finding(patient_client, patient):
    for back in (2, 1, 0):
        save(patient, TODAY - timedelta(days=back), mood=2)
    middle = TODAY - timedelta(days=1)
    patient_client.post(f"/diary/{middle}/", entry_data(date=middle.isoformat(), mood="8"))
    assert Alert.objects.get(rule_code="mood-persistent-low", entry_date=TODAY).resolved_at is not None


def test_a_mood_drop_resolves_when_the_week_before_changes(patient):
    for back in (3, 2, 1):
        save(patient, TODAY - timedelta(days=back), mood=9)
    save(patient, TODAY, mood=5)
    drop = Alert.objects.get(rule_code="mood-drop", entry_date=TODAY)
    save(patient, TODAY - timedelta(days=3), mood=5)  # the week's mean falls to 7.7: 2.7 above today
    drop.refresh_from_db()
    assert drop.resolved_at is not None


def test_a_run_that_still_holds_is_left_alone(patient):
    for back in (3, 2, 1, 0):
        save(patient, TODAY - timedelta(days=back), mood=2)
    save(patient, TODAY - timedelta(days=3), mood=9)  # days 2, 1, 0 are still a run
    assert Alert.objects.get(rule_code="mood-persistent-low", entry_date=TODAY).resolved_at is None


def test_the_surroundings_read_back_each_day_as_the_rules_see_it(patient):
    saved = save(patient, TODAY - timedelta(days=1), mood=2, sunscreen=True, symptoms=["headache_vision"])
    save(patient, TODAY, mood=8)
    settings, _ = services.rule_settings_for(patient)
    around = services.Surroundings.load(patient, [TODAY], settings)
    assert around.days[saved.date] == services.as_day(DiaryEntry.objects.get(pk=saved.pk))
    assert around.days[saved.date].symptoms == frozenset({"headache_vision"})
