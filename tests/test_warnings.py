"""Warnings end to end: saving an entry raises, keeps, resolves and shows alerts."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
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
    assert (alert.rule_code, alert.severity, alert.first_day, alert.last_day, alert.days) == (
        "dryness-high", "warning", TODAY, TODAY, 1)
    assert "Lip dryness 8" in alert.detail


def test_three_low_mood_days_show_one_urgent_banner_at_the_top(patient_client, patient):
    for back in (2, 1):
        save(patient, TODAY - timedelta(days=back), mood=2)
    response = patient_client.post("/diary/new/", entry_data(mood="2"), follow=True)
    page = response.content.decode()
    found = warnings_on(page)
    assert ("mood-persistent-low", "urgent") in found
    assert found.count(("mood-persistent-low", "urgent")) == 1
    # The urgent run stands for those days: the single-day warning is not shown beside it.
    assert found.count(("mood-low", "warning")) == 0
    run = Alert.objects.get(rule_code="mood-persistent-low")
    assert (run.first_day, run.last_day, run.days) == (TODAY - timedelta(days=2), TODAY, 3)
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
    alerts = {a.rule_code: a for a in Alert.objects.filter(patient=entry.patient)}
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
    first = Alert.objects.get(patient=patient, rule_code="mood-low")
    save(patient, mood=8)
    assert Alert.objects.get(pk=first.pk).resolved_at is not None
    save(patient, mood=1)
    alert = Alert.objects.get(patient=patient, rule_code="mood-low")
    assert alert.pk == first.pk and alert.resolved_at is None


def test_an_acknowledged_alert_is_not_raised_again_for_the_same_entry(patient, clinician):
    save(patient, mood=1)
    Alert.objects.filter(patient=patient).update(acknowledged_by=clinician, acknowledged_at=timezone.now())
    save(patient, mood=0)
    alert = Alert.objects.get(patient=patient, rule_code="mood-low")
    assert alert.acknowledged_by == clinician
    assert not Alert.objects.open().exists()


def test_deleting_an_entry_resolves_its_alerts_and_keeps_them_on_record(patient_client, patient):
    entry = save(patient, sunburn="blistering")
    patient_client.post(f"/diary/{entry.date}/delete/")
    alert = Alert.objects.get(patient=patient)
    assert alert.resolved_at is not None
    assert alert.last_day == TODAY
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
    assert "Reviewed by your clinician on" in page


def test_warnings_are_private(patient_client, patient):
    other = PatientFactory()
    save(other, mood=0, symptoms=["self_harm"])
    assert warnings_on(patient_client.get("/").content.decode()) == []


def saving_costs(patient, **values) -> int:
    with CaptureQueriesContext(connection) as ctx:
        save(patient, TODAY, **values)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("long", [30, 200])
def test_saving_costs_the_same_queries_however_long_the_diary(long):
    short, lengthy = PatientFactory(), PatientFactory()
    for patient, days in ((short, 10), (lengthy, long)):
        for back in range(1, days):
            EntryFactory(patient=patient, date=TODAY - timedelta(days=back), mood=5)
    assert saving_costs(lengthy, mood=5) == saving_costs(short, mood=5)


def test_a_long_episode_is_read_whole_and_grows_by_the_new_day(patient):
    for back in range(30, 0, -1):
        EntryFactory(patient=patient, date=TODAY - timedelta(days=back), lip_dryness=8)
    save(patient, TODAY - timedelta(days=30), lip_dryness=8)
    save(patient, TODAY, lip_dryness=9)
    episode = Alert.objects.unresolved().get(patient=patient)
    assert (episode.rule_code, episode.first_day, episode.last_day, episode.days) == (
        "dryness-persistent", TODAY - timedelta(days=30), TODAY, 31)
    assert episode.worst == "Lip dryness 9"


def test_the_dashboard_shows_one_element_per_rule_with_the_other_dates(patient_client, patient):
    save(patient, TODAY - timedelta(days=4), mood=3)
    save(patient, TODAY - timedelta(days=3), mood=8)  # a logged day above the threshold ends that episode
    save(patient, TODAY, mood=3)
    page = patient_client.get("/").content.decode()
    assert warnings_on(page) == [("mood-low", "warning")]
    assert "also on" in page
    earlier = TODAY - timedelta(days=4)
    assert f"{earlier:%B} {earlier.day}<" in page.split("also on", 1)[1][:40]


def test_missing_days_do_not_split_an_episode(patient):
    for back in (4, 2, 0):
        save(patient, TODAY - timedelta(days=back), mood=3)
    episode = Alert.objects.get(patient=patient)
    assert (episode.first_day, episode.last_day, episode.days) == (TODAY - timedelta(days=4), TODAY, 3)


def test_deleting_a_day_resolves_the_run_and_the_single_days_stand(patient_client, patient):
    for back in (2, 1, 0):
        save(patient, TODAY - timedelta(days=back), mood=2)
    run_alert = Alert.objects.get(rule_code="mood-persistent-low")
    assert not Alert.objects.unresolved().filter(rule_code="mood-low").exists()
    patient_client.post(f"/diary/{TODAY - timedelta(days=1)}/delete/")
    run_alert.refresh_from_db()
    assert run_alert.resolved_at is not None  # days 1 and 3 are no longer consecutive
    low = Alert.objects.unresolved().get(rule_code="mood-low")  # a missing day does not end it
    assert (low.first_day, low.last_day, low.days) == (TODAY - timedelta(days=2), TODAY, 2)


def test_editing_a_day_out_of_a_run_resolves_the_run_and_splits_the_days(patient_client, patient):
    for back in (2, 1, 0):
        save(patient, TODAY - timedelta(days=back), mood=2)
    middle = TODAY - timedelta(days=1)
    patient_client.post(f"/diary/{middle}/", entry_data(date=middle.isoformat(), mood="8"))
    assert Alert.objects.get(rule_code="mood-persistent-low").resolved_at is not None
    lows = Alert.objects.unresolved().filter(rule_code="mood-low").order_by("first_day")
    assert [(a.first_day, a.days) for a in lows] == [(TODAY - timedelta(days=2), 1), (TODAY, 1)]


def test_a_mood_drop_resolves_when_the_week_before_changes(patient):
    for back in (3, 2, 1):
        save(patient, TODAY - timedelta(days=back), mood=9)
    save(patient, TODAY, mood=5)
    drop = Alert.objects.get(rule_code="mood-drop", last_day=TODAY)
    save(patient, TODAY - timedelta(days=3), mood=5)  # the week's mean falls to 7.7: 2.7 above today
    drop.refresh_from_db()
    assert drop.resolved_at is not None


def test_a_run_that_still_holds_is_left_alone(patient):
    for back in (3, 2, 1, 0):
        save(patient, TODAY - timedelta(days=back), mood=2)
    run = Alert.objects.get(rule_code="mood-persistent-low")
    save(patient, TODAY - timedelta(days=3), mood=9)  # days 2, 1, 0 are still a run
    run.refresh_from_db()
    assert run.resolved_at is None
    assert (run.first_day, run.days) == (TODAY - timedelta(days=2), 3)


def test_an_acknowledged_episode_that_continues_opens_a_new_one(patient, clinician):
    save(patient, TODAY - timedelta(days=2), sun_minutes=60, sunscreen=False)
    seen = Alert.objects.get(patient=patient)
    Alert.objects.filter(pk=seen.pk).update(acknowledged_by=clinician, acknowledged_at=timezone.now())
    save(patient, TODAY - timedelta(days=1), sun_minutes=45, sunscreen=False)
    save(patient, TODAY, sun_minutes=90, sunscreen=False)
    seen.refresh_from_db()
    assert (seen.first_day, seen.last_day, seen.days, seen.acknowledged_by, seen.resolved_at) == (
        TODAY - timedelta(days=2), TODAY - timedelta(days=2), 1, clinician, None)
    new = Alert.objects.open().get(patient=patient)
    assert (new.rule_code, new.first_day, new.last_day, new.days) == (
        "sun-unprotected", TODAY - timedelta(days=1), TODAY, 2)
    assert new.worst == "90 minutes in the sun without sunscreen"


def test_the_days_are_read_back_as_the_rules_see_them(patient):
    saved = save(patient, TODAY - timedelta(days=1), mood=2, sunscreen=True, symptoms=["headache_vision"])
    days = services.days_between(patient, saved.date, saved.date)
    assert days[saved.date] == services.as_day(DiaryEntry.objects.get(pk=saved.pk))
    assert days[saved.date].symptoms == frozenset({"headache_vision"})


@pytest.mark.parametrize("back", [20, 90])  # within the weeks read around a save, and beyond
def test_a_new_day_never_joins_an_episode_across_an_acknowledged_one(patient, clinician, back):
    sun = {"sun_minutes": 60, "sunscreen": False}
    save(patient, TODAY - timedelta(days=back), **sun)  # open, and far back
    save(patient, TODAY - timedelta(days=back - 1), sun_minutes=0)
    save(patient, TODAY - timedelta(days=back - 2), **sun)
    Alert.objects.filter(first_day=TODAY - timedelta(days=back - 2)).update(acknowledged_by=clinician,
                                                                            acknowledged_at=timezone.now())
    save(patient, TODAY, **sun)  # the days between are missing
    spans = sorted((a.first_day, a.last_day, a.acknowledged_at is not None) for a in Alert.objects.unresolved())
    assert spans == [(TODAY - timedelta(days=back), TODAY - timedelta(days=back), False),
                     (TODAY - timedelta(days=back - 2), TODAY - timedelta(days=back - 2), True),
                     (TODAY, TODAY, False)]


def test_saving_costs_the_same_queries_however_many_past_episodes(clinician):
    few, many = PatientFactory(), PatientFactory()
    for patient, episodes in ((few, 3), (many, 60)):
        for back in range(2 * episodes, 0, -2):  # acknowledged one-day episodes
            save(patient, TODAY - timedelta(days=back), sun_minutes=60, sunscreen=False)
            save(patient, TODAY - timedelta(days=back - 1), sun_minutes=0)
        Alert.objects.filter(patient=patient).update(acknowledged_by=clinician, acknowledged_at=timezone.now())
    assert saving_costs(many, sun_minutes=60, sunscreen=False) == saving_costs(few, sun_minutes=60, sunscreen=False)
    for patient in (few, many):
        assert Alert.objects.open().filter(patient=patient).count() == 1
