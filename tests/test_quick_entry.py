"""Issue 22, the quick daily entry, through the views: "Anything unusual today?", dryness carried
over from the last 7 days, ?date= links, the after-midnight question, missed-day links on the
dashboard, and the sign-up time zone. The browser side is in tests/e2e/test_quick_entry.py."""

import re
from datetime import UTC, date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from core.models import Alert, DiaryEntry, Patient
from tests.factories import EntryFactory, entry_data

pytestmark = pytest.mark.django_db

# Monday, December 7, 2026, at noon UTC; the patients below are on UTC unless a test says otherwise.
NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
TODAY = NOON.date()


@pytest.fixture
def clock():
    """Django's clock, set to NOON; move it with clock.return_value = ..."""
    with mock.patch("django.utils.timezone.now", return_value=NOON) as now:
        yield now


def checked(page: str, name: str) -> list[str]:
    """The values of the radio buttons or checkboxes named `name` that the page pre-checks."""
    return re.findall(rf'name="{name}"[^>]*?value="([^"]*)"[^>]*?\schecked', page) + re.findall(
        rf'name="{name}"[^>]*?\schecked[^>]*?value="([^"]*)"', page)


def new_form(client, query: str = "") -> str:
    response = client.get("/diary/new/" + query)
    assert response.status_code == 200
    return response.content.decode()


# --- "Anything unusual today?" ------------------------------------------------------------------


def test_it_asks_the_question_with_yes_and_no_and_the_list_is_in_the_page(patient_client, clock):
    page = new_form(patient_client)
    assert 'type="radio"' in page and 'name="anything_unusual" value="yes"' in page
    assert 'name="anything_unusual" value="no"' in page
    assert checked(page, "anything_unusual") == []  # never pre-answered
    assert page.count('name="symptoms"') >= 17


def test_no_answer_and_no_sign_is_a_clear_error_and_nothing_is_saved(patient_client, patient, clock):
    response = patient_client.post("/diary/new/", entry_data(date=TODAY.isoformat(), anything_unusual=...))
    assert response.status_code == 400
    assert "Answer yes or no." in response.content.decode()
    assert not DiaryEntry.objects.filter(patient=patient).exists()


@pytest.mark.parametrize("answer", ["maybe", ""])
def test_an_answer_other_than_yes_or_no_is_refused(patient_client, patient, clock, answer):
    response = patient_client.post("/diary/new/", entry_data(date=TODAY.isoformat(), anything_unusual=answer))
    assert response.status_code == 400
    assert not DiaryEntry.objects.filter(patient=patient).exists()


@pytest.mark.parametrize("answer", ["no", ..., "yes"])
def test_a_ticked_sign_is_saved_as_yes_and_raises_its_warning_whatever_the_answer(patient_client, patient, clock,
                                                                                  answer):
    data = {**entry_data(date=TODAY.isoformat(), anything_unusual=answer), "symptoms": ["seizure"]}
    response = patient_client.post("/diary/new/", data, follow=True)
    assert response.status_code == 200
    entry = DiaryEntry.objects.get(patient=patient)
    assert (entry.anything_unusual, entry.symptoms) == ("yes", ["seizure"])
    assert Alert.objects.filter(patient=patient, rule_code="red-flag", severity="urgent").exists()
    assert 'data-warning="red-flag"' in response.content.decode()


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_the_answer_is_stored(patient_client, patient, clock, answer):
    assert patient_client.post("/diary/new/", entry_data(date=TODAY.isoformat(), anything_unusual=answer)
                               ).status_code == 302
    assert DiaryEntry.objects.get(patient=patient).anything_unusual == answer
    assert not Alert.objects.filter(patient=patient, rule_code="red-flag").exists()


def test_an_edit_asks_again_and_needs_an_answer(patient_client, patient, clock):
    entry = EntryFactory(patient=patient, date=TODAY, anything_unusual="no", mood=6)
    page = patient_client.get(f"/diary/{TODAY}/").content.decode()
    assert checked(page, "anything_unusual") == []
    assert checked(page, "mood") == ["6"]  # the rest of the entry as saved
    response = patient_client.post(f"/diary/{TODAY}/", entry_data(date=TODAY.isoformat(), anything_unusual=...))
    assert response.status_code == 400
    assert patient_client.post(f"/diary/{TODAY}/", entry_data(date=TODAY.isoformat(), anything_unusual="yes")
                               ).status_code == 302
    entry.refresh_from_db()
    assert entry.anything_unusual == "yes"


def test_another_patients_entry_cannot_be_answered_for(patient_client, other_patient, clock):
    others = EntryFactory(patient=other_patient, date=TODAY, anything_unusual="no")
    response = patient_client.post(f"/diary/{TODAY}/", entry_data(date=TODAY.isoformat(), anything_unusual="yes"))
    assert response.status_code == 404
    others.refresh_from_db()
    assert others.anything_unusual == "no"


# --- Carried over, never guessed ----------------------------------------------------------------


def test_dryness_comes_from_the_most_recent_entry_of_the_last_7_days(patient_client, patient, clock):
    EntryFactory(patient=patient, date=TODAY - timedelta(days=5), skin_dryness=9, lip_dryness=9, eye_dryness=9)
    EntryFactory(patient=patient, date=TODAY - timedelta(days=2), skin_dryness=4, lip_dryness=6, eye_dryness=1,
                 mood=2, sun_minutes=90, sunburn="mild", notes="sore lips", symptoms=["jaundice"])
    page = new_form(patient_client)
    assert [checked(page, f) for f in ("skin_dryness", "lip_dryness", "eye_dryness")] == [["4"], ["6"], ["1"]]
    assert page.count("Same as Saturday, December 5") == 3
    # Never carried: mood, red flags, notes, the answer; sun and sunburn start from 0 and none.
    assert checked(page, "mood") == [] and checked(page, "symptoms") == [] and checked(page, "anything_unusual") == []
    assert checked(page, "sunburn") == ["none"]
    assert 'name="sun_minutes" value="0"' in page
    assert "sore lips" not in page


def test_an_entry_8_days_back_is_not_carried_over(patient_client, patient, clock):
    EntryFactory(patient=patient, date=TODAY - timedelta(days=8), skin_dryness=4)
    page = new_form(patient_client)
    assert checked(page, "skin_dryness") == []
    assert "Same as" not in page


def test_an_entry_7_days_back_is(patient_client, patient, clock):
    EntryFactory(patient=patient, date=TODAY - timedelta(days=7), skin_dryness=4)
    assert checked(new_form(patient_client), "skin_dryness") == ["4"]


def test_another_patients_entry_is_never_carried_over(patient_client, other_patient, clock):
    EntryFactory(patient=other_patient, date=TODAY - timedelta(days=1), skin_dryness=4)
    page = new_form(patient_client)
    assert checked(page, "skin_dryness") == [] and "Same as" not in page


def test_a_back_filled_day_starts_from_the_entry_before_it_not_after(patient_client, patient, clock):
    EntryFactory(patient=patient, date=TODAY - timedelta(days=1), skin_dryness=8)
    EntryFactory(patient=patient, date=TODAY - timedelta(days=4), skin_dryness=3)
    page = new_form(patient_client, f"?date={TODAY - timedelta(days=2)}")
    assert checked(page, "skin_dryness") == ["3"]
    assert "Same as Thursday, December 3" in page


def test_the_dose_comes_from_the_profile(patient_client, patient, clock):
    patient.daily_dose_mg = 40
    patient.save()
    EntryFactory(patient=patient, date=TODAY - timedelta(days=1), dose_mg=20)
    assert 'name="dose_mg" value="40"' in new_form(patient_client)


# --- ?date= links ---------------------------------------------------------------------------------


def test_a_date_link_opens_the_form_on_that_day(patient_client, clock):
    page = new_form(patient_client, "?date=2026-12-03")
    assert 'name="date" value="2026-12-03"' in page
    assert "How was Thursday, December 3?" in page
    assert "How are you today?" in new_form(patient_client, "?date=2026-12-07")


@pytest.mark.parametrize("query, message", [
    ("?date=not-a-date", "does not hold a date we can read"),
    ("?date=2026-02-30", "does not hold a date we can read"),
    ("?date=", "does not hold a date we can read"),
    ("?date=2026-12-08", "has not come yet"),
    ("?date=1999-12-31", "can go back to January 1, 2000"),
    ("?date=0001-01-01", "can go back to January 1, 2000"),
])
def test_a_bad_date_link_gives_a_clear_message_and_the_form_on_today(patient_client, clock, query, message):
    response = patient_client.get("/diary/new/" + query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'name="date" value="2026-12-07"' in page


def test_a_date_link_to_a_logged_day_opens_that_entry(patient_client, patient, clock):
    EntryFactory(patient=patient, date=date(2026, 12, 4))
    response = patient_client.get("/diary/new/?date=2026-12-04", follow=True)
    assert response.redirect_chain == [("/diary/2026-12-04/", 302)]
    assert "You already have an entry for Friday, December 4" in response.content.decode()


def test_another_patients_entry_on_that_day_does_not_count(patient_client, other_patient, clock):
    EntryFactory(patient=other_patient, date=date(2026, 12, 4))
    assert 'value="2026-12-04"' in new_form(patient_client, "?date=2026-12-04")


# --- After midnight ---------------------------------------------------------------------------------


def chicago_at(hour: int, minute: int = 0) -> datetime:
    """December 8, 2026 at this time in Chicago."""
    return datetime(2026, 12, 8, hour, minute, tzinfo=ZoneInfo("America/Chicago"))


@pytest.fixture
def chicagoan(patient):
    patient.time_zone = "America/Chicago"
    patient.save()
    return patient


@pytest.mark.parametrize("hour, minute", [(0, 0), (1, 30), (3, 59)])
def test_after_midnight_it_asks_which_day_when_yesterday_is_not_logged(patient_client, chicagoan, clock, hour,
                                                                       minute):
    clock.return_value = chicago_at(hour, minute)
    page = new_form(patient_client)
    assert "Which day is this entry for?" in page
    assert re.findall(r'type="radio"[^>]*name="date" value="([\d-]+)"', page) == ["2026-12-07", "2026-12-08"]
    assert "Yesterday, Monday, December 7" in page and "Today, Tuesday, December 8" in page
    assert checked(page, "date") == []  # not assumed


@pytest.mark.parametrize("hour", [4, 12, 23])
def test_from_4_am_it_assumes_today(patient_client, chicagoan, clock, hour):
    clock.return_value = chicago_at(hour)
    page = new_form(patient_client)
    assert "Which day is this entry for?" not in page
    assert 'type="date" name="date" value="2026-12-08"' in page


def test_after_midnight_with_yesterday_logged_it_assumes_today(patient_client, chicagoan, clock):
    clock.return_value = chicago_at(1)
    EntryFactory(patient=chicagoan, date=date(2026, 12, 7))
    page = new_form(patient_client)
    assert "Which day is this entry for?" not in page
    assert 'value="2026-12-08"' in page


def test_after_midnight_a_date_link_is_not_asked_about(patient_client, chicagoan, clock):
    clock.return_value = chicago_at(1)
    assert "Which day is this entry for?" not in new_form(patient_client, "?date=2026-12-07")


def test_after_midnight_the_chosen_day_is_saved_and_today_stays_open(patient_client, chicagoan, clock):
    clock.return_value = chicago_at(1)
    assert patient_client.post("/diary/new/", entry_data(date="2026-12-07")).status_code == 302
    assert patient_client.post("/diary/new/", entry_data(date="2026-12-08")).status_code == 302
    assert sorted(DiaryEntry.objects.filter(patient=chicagoan).values_list("date", flat=True)) == [
        date(2026, 12, 7), date(2026, 12, 8)]


def test_a_back_filled_day_is_thanked_for_by_its_name(patient_client, clock):
    response = patient_client.post("/diary/new/", entry_data(date="2026-12-05"), follow=True)
    assert "Saved. Thank you for filling in Saturday, December 5." in response.content.decode()
    response = patient_client.post("/diary/new/", entry_data(date="2026-12-07"), follow=True)
    assert "Saved. Thank you for logging today." in response.content.decode()


def test_after_midnight_without_a_choice_nothing_is_saved(patient_client, chicagoan, clock):
    clock.return_value = chicago_at(1)
    response = patient_client.post("/diary/new/", entry_data(date=...))
    assert response.status_code == 400
    assert not DiaryEntry.objects.filter(patient=chicagoan).exists()


# --- The dashboard -----------------------------------------------------------------------------------


def signed_up_on(patient: Patient, day: date) -> None:
    Patient.objects.filter(pk=patient.pk).update(created_at=datetime(day.year, day.month, day.day, tzinfo=UTC))


def missed_links(page: str) -> list[str]:
    return re.findall(r'href="/diary/new/\?date=(\d{4}-\d\d-\d\d)"', page)


def test_the_dashboard_links_each_missed_day_of_the_last_7(patient_client, patient, other_patient, clock):
    signed_up_on(patient, date(2026, 11, 1))
    for back in (1, 3, 8):
        EntryFactory(patient=patient, date=TODAY - timedelta(days=back))
    for back in (2, 4):  # another patient's entries do not fill this one's days
        EntryFactory(patient=other_patient, date=TODAY - timedelta(days=back))
    page = patient_client.get("/").content.decode()
    assert missed_links(page) == ["2026-12-05", "2026-12-03", "2026-12-02", "2026-12-01", "2026-11-30"]
    assert "Sat, Dec 5" in page


def test_no_missed_days_before_the_account_existed(patient_client, patient, clock):
    signed_up_on(patient, date(2026, 12, 5))
    assert missed_links(patient_client.get("/").content.decode()) == ["2026-12-06", "2026-12-05"]


def test_todays_link_comes_before_non_urgent_warnings(patient_client, patient, clock):
    signed_up_on(patient, date(2026, 11, 1))
    from core import services

    services.entry_save(entry=EntryFactory.build(patient=patient, date=TODAY - timedelta(days=1), lip_dryness=9))
    page = patient_client.get("/").content.decode()
    assert 'data-severity="warning"' in page
    assert page.index('href="/diary/new/"') < page.index('data-severity="warning"')


def test_the_dashboard_shows_only_its_own_patients_missed_days(client, patient, other_patient, clock):
    signed_up_on(other_patient, date(2026, 11, 1))
    signed_up_on(patient, date(2026, 11, 1))
    for back in range(1, 8):
        EntryFactory(patient=other_patient, date=TODAY - timedelta(days=back))
    client.force_login(other_patient.user)
    assert missed_links(client.get("/").content.decode()) == []
    client.force_login(patient.user)
    assert len(missed_links(client.get("/").content.decode())) == 7


# --- Sign-up time zone and the profile's list --------------------------------------------------------


SIGNUP = {"username": "newbie", "email": "newbie@example.com", "password1": "a-Long-pass-phrase-77",
          "password2": "a-Long-pass-phrase-77"}


def test_the_sign_up_form_has_the_hidden_time_zone_field(client):
    page = client.get("/accounts/signup/").content.decode()
    assert re.search(r'<input type="hidden" name="time_zone"[^>]*data-browser-time-zone', page)


@pytest.mark.parametrize("sent, stored", [
    ("America/Chicago", "America/Chicago"),
    ("Asia/Calcutta", "Asia/Calcutta"),  # an old name browsers still give: a known zone
    ("Mars/Olympus_Mons", settings.TIME_ZONE),
    ("", settings.TIME_ZONE),
    ("America/Chicago" * 10, settings.TIME_ZONE),
    (None, settings.TIME_ZONE),
])
def test_sign_up_keeps_the_browsers_zone_when_it_is_a_known_one(client, sent, stored):
    data = SIGNUP if sent is None else {**SIGNUP, "time_zone": sent}
    assert client.post("/accounts/signup/", data).status_code == 302
    assert Patient.objects.get(user__username="newbie").time_zone == stored


def test_the_profile_lists_the_us_zones_first(patient_client):
    page = patient_client.get("/accounts/profile/").content.decode()
    options = re.findall(r'<option value="([^"]+)"', page)
    assert options[:5] == ["America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
                           "America/Los_Angeles"]
    assert options.count("America/Chicago") == 1 and "Europe/London" in options
    assert page.index('label="United States"') < page.index('label="Other time zones"')
